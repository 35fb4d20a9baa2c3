// The text of an alert issue. Deterministic for a given report, so an unchanged alert edits nothing.

import { errorText } from '../../lib/charts/regression-values.js';
import { percent } from '../../lib/core/format.js';
import type { Alert, MonitoringReport } from '../../lib/monitoring/monitoring-types.js';
import { type Env, fileUrl } from '../../lib/platform/action-kit.js';

export function alertIssueTitle(report: MonitoringReport, alert: Alert): string {
  return `${report.title} (${report.dataset}): ${alert.kind} alert`;
}

export function alertIssueBody(
  report: MonitoringReport,
  alert: Alert,
  dashboard: string | null,
  env: Env = process.env,
): string {
  const c = report.champion;
  const holdout =
    c && report.task === 'regression'
      ? `holdout MAE ${errorText(report, c.holdoutMae ?? null)}`
      : `holdout accuracy ${percent(c?.holdoutAccuracy, 1, '—')}`;
  const champion = c ? `champion v${c.version} (${c.algorithm}, ${holdout})` : 'no champion';
  const lines = [
    alert.message,
    '',
    `- Value ${alert.value ?? '—'}, threshold ${alert.threshold}; ${champion}; data up to ${report.asOf ?? '—'}.`,
    // blob/HEAD: a stable link to the latest report, so the body only changes when the alert does.
    `- Report: ${fileUrl(`reports/${report.dataset}/README.md`, env, 'HEAD')}`,
  ];
  if (dashboard) lines.push(`- Dashboard: ${dashboard}`);
  if (alert.active) {
    lines.push('', 'The alerts step keeps this issue up to date and closes it when the condition clears.');
  }
  return lines.join('\n');
}
