// monitor action: monitoring.json and the repository report. No GitHub calls: the alerts action keeps the
// alert issues in step after the commit, from what was committed.
import path from 'node:path';
import {
  core,
  dashboardUrl,
  eachDataset,
  fileUrl,
  input,
  output,
  pct,
  runStage,
  summaryTable,
  workspace,
} from '../../lib/action-kit.js';
import { MONITORING_FILE, type MonitoringReport } from '../../lib/monitoring-types.js';
import { WINDOW_DAYS } from '../../lib/option-bounds.js';
import { monitor, writeMonitoring } from '../../lib/pipelines/monitor.js';
import { errorText } from '../../lib/regression-charts.js';
import { writeReports } from '../../lib/reports.js';

await runStage(async () => {
  const ws = workspace();
  const specs = input.datasets(ws);
  const windowDays = input.integer('window', WINDOW_DAYS);
  const withReport = input.boolean('report', true);
  const dashboard = dashboardUrl(input.string('dashboard-url'));
  const now = input.now();

  const { results: reports, failed } = await eachDataset<MonitoringReport>(
    specs,
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
  output('failed-datasets', failed.join(','));

  const active = reports.flatMap((r) =>
    r.alerts.filter((a) => a.active).map((a) => ({ dataset: r.dataset, kind: a.kind, message: a.message })),
  );
  for (const a of active)
    core.warning(`${a.dataset}: ${a.kind} alert: ${a.message}`, { title: `${a.kind} alert` });
  const drifted = reports.filter((r) => r.drift?.datasetDrift).map((r) => r.dataset);

  output('drift', drifted.length > 0);
  output('drifted-datasets', drifted.join(','));
  output('alert-count', active.length);
  output('alerts', active);
  output('accuracy', Object.fromEntries(reports.map((r) => [r.dataset, r.totals.accuracy])));
  // Regression datasets: the MAE of the window's labelled predictions (their accuracy above is null).
  output(
    'mae',
    Object.fromEntries(reports.filter((r) => r.regression).map((r) => [r.dataset, r.regression!.live.mae])),
  );

  summaryTable(
    'Monitoring',
    [
      'dataset',
      'champion',
      'predictions',
      'labelled',
      'accuracy',
      'rolling 7 days',
      'drifted features',
      'dataset drift',
      'alerts',
    ],
    reports.map((r) => {
      const d = r.drift;
      // Regression: the window's MAE and the last rolling 7-day MAE in the accuracy columns.
      const rolling7Mae = [...(r.regression?.daily ?? [])].reverse().find((p) => p.rolling7Mae !== null);
      const figures = r.regression
        ? [
            `MAE ${errorText(r, r.regression.live.mae)}`,
            `MAE ${errorText(r, rolling7Mae?.rolling7Mae ?? null)}`,
          ]
        : [pct(r.totals.accuracy), pct([...r.daily].reverse().find((p) => p.rolling7 !== null)?.rolling7)];
      return [
        r.dataset,
        r.champion ? `v${r.champion.version}` : '—',
        r.totals.predictions,
        r.totals.labelled,
        ...figures,
        d
          ? `${d.features.filter((f) => f.drifted).length} of ${d.features.length}`
          : `skipped: ${r.driftSkipped ?? ''}`,
        d ? (d.datasetDrift ? 'yes' : 'no') : '—',
        r.alerts
          .filter((a) => a.active)
          .map((a) => a.kind)
          .join(', ') || 'none',
      ];
    }),
  );
  const links = reports.map((r) => {
    const file = path.posix.join('reports', r.dataset, withReport ? 'README.md' : MONITORING_FILE);
    return `<a href="${fileUrl(file)}">${r.dataset} report</a>`;
  });
  if (dashboard) links.push(`<a href="${dashboard}">dashboard</a>`);
  core.summary.addList(links);
});
