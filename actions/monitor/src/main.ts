// monitor action: monitoring.json and the repository report. No GitHub calls: the alerts action keeps the
// alert issues in step after the commit, from what was committed.

import type { MonitoringReport } from '../../lib/monitoring/monitoring-types.js';
import { monitor, writeMonitoring } from '../../lib/pipelines/monitor.js';
import {
  type ActionDeps,
  type ActionReport,
  dashboardUrl,
  eachDataset,
} from '../../lib/platform/action-kit.js';
import { writeReports } from '../../lib/reports/reports.js';
import type { MonitorInputs } from './inputs.js';
import { activeAlerts, monitorReport } from './summary.js';

export async function run(inputs: MonitorInputs, { core, ws, env }: ActionDeps): Promise<ActionReport> {
  const { now, windowDays, withReport } = inputs;
  const each = await eachDataset<MonitoringReport>(
    core,
    inputs.datasets,
    (spec) => `monitor ${spec.name}`,
    async (spec) => {
      const r = monitor(ws, spec, { now, windowDays });
      core.info(`wrote ${ws.rel(writeMonitoring(ws, r))}`);
      if (withReport) {
        const { files } = await writeReports(ws.reportsDir, r);
        core.info(`wrote ${files.length} report file(s) under reports/${spec.name}/`);
      }
      for (const a of r.alerts) core.info(`${a.active ? 'ALERT' : 'ok'} ${a.kind}: ${a.message}`);
      return r;
    },
  );
  for (const a of activeAlerts(each.results))
    core.warning(`${a.dataset}: ${a.kind} alert: ${a.message}`, { title: `${a.kind} alert` });
  return monitorReport(each, withReport, dashboardUrl(inputs.dashboardUrl, env), env);
}
