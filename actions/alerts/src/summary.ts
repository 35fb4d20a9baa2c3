// The alerts action's outputs and job summary, from the reports, the issue outcomes and the failures (pure).

import type { MonitoringReport } from '../../lib/monitoring/monitoring-types.js';
import {
  type ActionReport,
  type Env,
  fileUrl,
  PARTIAL_EXIT_CODE,
  type SummaryBlock,
  summaryTableBlock,
} from '../../lib/platform/action-kit.js';
import type { GitHubFailure } from '../../lib/platform/github-errors.js';
import { mdText } from '../../lib/reports/report-page.js';

export interface IssueOutcome {
  dataset: string;
  kind: string;
  action: string;
  number?: number;
}

export interface FailedDataset {
  dataset: string;
  error: string;
}

export function alertsReport(
  reports: readonly MonitoringReport[],
  synced: readonly IssueOutcome[],
  failure: GitHubFailure | null,
  failed: readonly FailedDataset[],
  env: Env,
): ActionReport {
  // Alerts GitHub never got to (it refused an earlier call) are listed as skipped.
  const done = new Set(synced.map((i) => `${i.dataset}\0${i.kind}`));
  const issues: IssueOutcome[] = [
    ...synced,
    ...reports.flatMap((r) =>
      r.alerts
        .filter((a) => !done.has(`${r.dataset}\0${a.kind}`))
        .map((a) => ({ dataset: r.dataset, kind: a.kind, action: 'skipped' })),
    ),
  ];
  const issueCell = (dataset: string, kind: string): string => {
    const i = issues.find((x) => x.dataset === dataset && x.kind === kind);
    if (!i || i.action === 'none') return '—';
    return i.number ? `#${i.number} ${i.action}` : i.action;
  };
  const summary: SummaryBlock[] = [
    summaryTableBlock(
      'Alerts',
      ['dataset', 'alert', 'state', 'message', 'issue'],
      reports.flatMap((r) =>
        r.alerts.map((a) => [
          r.dataset,
          a.kind,
          a.active ? 'ACTIVE' : 'ok',
          a.message,
          issueCell(r.dataset, a.kind),
        ]),
      ),
    ),
  ];
  if (failure)
    summary.push({
      kind: 'html',
      html:
        `<p><strong>Alert issues not in step</strong>: ${mdText(failure.reason)}. The alerts above are ` +
        'also in the reports; the next run brings the issues in step when GitHub lets it.</p>',
    });
  summary.push({
    kind: 'html-list',
    items: reports.map(
      (r) => `<a href="${fileUrl(`reports/${r.dataset}/README.md`, env)}">${r.dataset} report</a>`,
    ),
  });
  if (failed.length > 0)
    summary.push(
      summaryTableBlock(
        'Failed datasets',
        ['dataset', 'error'],
        failed.map((f) => [f.dataset, f.error]),
      ),
    );
  return {
    outputs: {
      issues,
      degraded: failure !== null,
      'failed-datasets': failed.map((f) => f.dataset).join(','),
    },
    summary,
    ...(failed.length > 0 ? { exitCode: PARTIAL_EXIT_CODE } : {}),
  };
}
