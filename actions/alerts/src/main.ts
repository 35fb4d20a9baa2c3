// alerts action: after the commit, one GitHub issue per dataset and alert kind, in step with the committed
// reports/<dataset>/monitoring.json. GitHub refusing or failing never fails the job (see action.yml).

import type { MonitoringReport } from '../../lib/monitoring/monitoring-types.js';
import {
  type ActionDeps,
  type ActionReport,
  dashboardUrl,
  PARTIAL_EXIT_CODE,
  repository,
  unlessGitHubRefuses,
} from '../../lib/platform/action-kit.js';
import { createGitHubClient, syncAlertIssue } from '../../lib/platform/github.js';
import { committedReports } from './committed.js';
import type { AlertsInputs } from './inputs.js';
import { alertIssueBody, alertIssueTitle } from './issue.js';
import { alertsReport, type FailedDataset, type IssueOutcome } from './summary.js';

export async function run(inputs: AlertsInputs, deps: ActionDeps): Promise<ActionReport> {
  const { reports, failed } = readCommittedReports(inputs, deps);
  if (failed.length > 0 && failed.length === inputs.datasets.length)
    throw new Error(
      `every dataset failed (${failed.map((f) => f.dataset).join(', ')}): no issue was touched`,
    );
  const { issues, outcome } = await syncIssues(reports, inputs, deps);
  const report = alertsReport(
    reports,
    issues,
    'failure' in outcome ? outcome.failure : null,
    failed,
    deps.env,
  );
  if (report.exitCode)
    deps.core.error(
      `partial: failed ${failed.map((f) => f.dataset).join(', ')}; the other datasets' issues are in step — exit code ${PARTIAL_EXIT_CODE}`,
    );
  return report;
}

/** Each dataset's committed monitoring report; a dataset whose report cannot be read fails alone. */
function readCommittedReports(
  inputs: AlertsInputs,
  { core, ws }: ActionDeps,
): { reports: MonitoringReport[]; failed: FailedDataset[] } {
  const reports: MonitoringReport[] = [];
  // A dataset whose committed report cannot be read fails alone: the others' issues are kept in step.
  const failed: FailedDataset[] = [];
  for (const found of committedReports(ws, inputs.datasets)) {
    if ('error' in found) {
      failed.push(found);
      core.error(`${found.dataset}: ${found.error}`, { title: `gitml: ${found.dataset} failed` });
    } else if ('report' in found) {
      reports.push(found.report);
      if (found.uncommitted)
        core.notice(
          `${found.report.dataset}: reports/${found.report.dataset}/monitoring.json has changes that are not committed; the issues follow the committed version`,
        );
    } else core.notice(`${found.dataset}: ${found.why}; no alert issues for it`);
  }
  return { reports, failed };
}

/** One issue per dataset and alert kind opened, updated or closed, unless GitHub refuses. */
async function syncIssues(
  reports: readonly MonitoringReport[],
  inputs: AlertsInputs,
  { core, env }: ActionDeps,
) {
  const dashboard = dashboardUrl(inputs.dashboardUrl, env);
  const { owner, repo } = repository(env);
  const client = createGitHubClient(inputs.token, {
    baseUrl: env.GITHUB_API_URL,
    retry: { onRetry: (message) => core.info(message) },
  });
  const issues: IssueOutcome[] = [];
  const reportFiles = reports.map((r) => `reports/${r.dataset}/README.md`);
  // One call refused or failing for good means the rest would be too (issues disabled, a read-only
  // token, GitHub down or rate limited): the first refusal stops the loop, the rest are skipped.
  const outcome = await core.group('alert issues', () =>
    unlessGitHubRefuses(
      core,
      'alert issues not opened, updated or closed',
      async () => {
        for (const r of reports) {
          for (const a of r.alerts) {
            const res = await syncAlertIssue(client, {
              owner,
              repo,
              dataset: r.dataset,
              kind: a.kind,
              active: a.active,
              title: alertIssueTitle(r, a),
              body: alertIssueBody(r, a, dashboard, env),
              labels: [a.kind],
            });
            core.info(`${r.dataset} ${a.kind}: issue ${res.action}${res.number ? ` #${res.number}` : ''}`);
            issues.push({ dataset: r.dataset, kind: a.kind, ...res });
          }
        }
      },
      `the alerts are in ${reportFiles.join(', ') || 'the reports'} and this job's summary`,
    ),
  );
  return { issues, outcome };
}
