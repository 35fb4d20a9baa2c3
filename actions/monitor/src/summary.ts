// The monitor action's outputs and job summary, from each dataset's monitoring report (pure).

import path from 'node:path';
import { errorText } from '../../lib/charts/regression-values.js';
import { percent } from '../../lib/core/format.js';
import { MONITORING_FILE, type MonitoringReport } from '../../lib/monitoring/monitoring-types.js';
import {
  type ActionReport,
  type EachDatasetResult,
  type Env,
  fileUrl,
  summaryTableBlock,
} from '../../lib/platform/action-kit.js';

export function activeAlerts(reports: readonly MonitoringReport[]) {
  return reports.flatMap((r) =>
    r.alerts.filter((a) => a.active).map((a) => ({ dataset: r.dataset, kind: a.kind, message: a.message })),
  );
}

export function monitorReport(
  { results: reports, failed, summary, exitCode }: EachDatasetResult<MonitoringReport>,
  withReport: boolean,
  dashboard: string | null,
  env: Env,
): ActionReport {
  const active = activeAlerts(reports);
  const drifted = reports.filter((r) => r.drift?.datasetDrift).map((r) => r.dataset);
  const links = reports.map((r) => {
    const file = path.posix.join('reports', r.dataset, withReport ? 'README.md' : MONITORING_FILE);
    return `<a href="${fileUrl(file, env)}">${r.dataset} report</a>`;
  });
  if (dashboard) links.push(`<a href="${dashboard}">dashboard</a>`);
  return {
    outputs: {
      'failed-datasets': failed.join(','),
      drift: drifted.length > 0,
      'drifted-datasets': drifted.join(','),
      'alert-count': active.length,
      alerts: active,
      accuracy: Object.fromEntries(reports.map((r) => [r.dataset, r.totals.accuracy])),
      // Regression datasets: the MAE of the window's labelled predictions (their accuracy above is null).
      mae: Object.fromEntries(
        reports.filter((r) => r.regression).map((r) => [r.dataset, r.regression!.live.mae]),
      ),
    },
    summary: [
      ...summary,
      summaryTableBlock(
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
            : [
                percent(r.totals.accuracy, 1, '—'),
                percent([...r.daily].reverse().find((p) => p.rolling7 !== null)?.rolling7, 1, '—'),
              ];
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
      ),
      { kind: 'html-list', items: links },
    ],
    exitCode,
  };
}
