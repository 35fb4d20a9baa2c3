// alerts action: after the commit, one GitHub issue per dataset and alert kind, in step with the committed
// reports/<dataset>/monitoring.json. GitHub refusing or failing never fails the job (see action.yml).
import {
  core,
  dashboardUrl,
  fileUrl,
  input,
  output,
  PARTIAL_EXIT_CODE,
  repository,
  runAction,
  summaryTable,
  unlessGitHubRefuses,
  workspace,
} from '../../lib/action-kit.js';
import { createGitHubClient, syncAlertIssue } from '../../lib/github.js';
import type { MonitoringReport } from '../../lib/monitoring-types.js';
import { mdText } from '../../lib/report-page.js';
import { committedReports } from './committed.js';
import { alertIssueBody, alertIssueTitle } from './issue.js';

interface IssueOutcome {
  dataset: string;
  kind: string;
  action: string;
  number?: number;
}

await runAction(async () => {
  const ws = workspace();
  const specs = input.datasets(ws);
  const token = input.required('token');
  const dashboard = dashboardUrl(input.string('dashboard-url'));

  const reports: MonitoringReport[] = [];
  // A dataset whose committed report cannot be read fails alone: the others' issues are kept in step.
  const failed: { dataset: string; error: string }[] = [];
  for (const found of committedReports(ws, specs)) {
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

  const { owner, repo } = repository();
  const client = createGitHubClient(token, { retry: { onRetry: (message) => core.info(message) } });
  const issues: IssueOutcome[] = [];
  const reportFiles = reports.map((r) => `reports/${r.dataset}/README.md`);
  // One call refused or failing for good means the rest would be too (issues disabled, a read-only
  // token, GitHub down or rate limited): the first refusal stops the loop, the rest are skipped.
  const outcome = await core.group('alert issues', () =>
    unlessGitHubRefuses(
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
              body: alertIssueBody(r, a, dashboard),
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
  const failure = 'failure' in outcome ? outcome.failure : null;
  const done = new Set(issues.map((i) => `${i.dataset}\0${i.kind}`));
  for (const r of reports) {
    for (const a of r.alerts) {
      if (!done.has(`${r.dataset}\0${a.kind}`))
        issues.push({ dataset: r.dataset, kind: a.kind, action: 'skipped' });
    }
  }

  output('issues', issues);
  output('degraded', failure !== null);
  output('failed-datasets', failed.map((f) => f.dataset).join(','));

  const issueCell = (dataset: string, kind: string): string => {
    const i = issues.find((x) => x.dataset === dataset && x.kind === kind);
    if (!i || i.action === 'none') return '—';
    return i.number ? `#${i.number} ${i.action}` : i.action;
  };
  summaryTable(
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
  );
  if (failure) {
    core.summary.addRaw(
      `<p><strong>Alert issues not in step</strong>: ${mdText(failure.reason)}. The alerts above are ` +
        'also in the reports; the next run brings the issues in step when GitHub lets it.</p>',
      true,
    );
  }
  core.summary.addList(
    reports.map((r) => `<a href="${fileUrl(`reports/${r.dataset}/README.md`)}">${r.dataset} report</a>`),
  );
  if (failed.length > 0) {
    summaryTable(
      'Failed datasets',
      ['dataset', 'error'],
      failed.map((f) => [f.dataset, f.error]),
    );
    const names = failed.map((f) => f.dataset).join(', ');
    if (failed.length === specs.length)
      throw new Error(`every dataset failed (${names}): no issue was touched`);
    core.error(
      `partial: failed ${names}; the other datasets' issues are in step — exit code ${PARTIAL_EXIT_CODE}`,
    );
    process.exitCode = PARTIAL_EXIT_CODE;
  }
});
