// ingest action: the inbox check on pull requests (dry run) and the ingest on the default branch.
import { rmSync } from 'node:fs';
import { GitmlError } from '../../lib/core/gitml-error.js';
import { checkInputFile } from '../../lib/files/input-file.js';
import type { Workspace } from '../../lib/files/workspace.js';
import { ingest } from '../../lib/pipelines/ingest.js';
import {
  type ActionDeps,
  type ActionReport,
  annotateQuarantined,
  repository,
  unlessGitHubRefuses,
} from '../../lib/platform/action-kit.js';
import { createGitHubClient, upsertPullRequestComment } from '../../lib/platform/github.js';
import { checkCommentMarkdown, type FileOutcome } from './check.js';
import { type InboxFile, inboxFiles } from './inbox.js';
import type { IngestInputs } from './inputs.js';
import { ingestReport, skippedMessage } from './summary.js';

export async function run(inputs: IngestInputs, { core, ws, env }: ActionDeps): Promise<ActionReport> {
  const { dryRun, now, again } = inputs;
  const found = inboxFiles(ws, inputs.path, inputs.dataset);
  core.info(
    found.length
      ? `${found.length} file(s) to ${dryRun ? 'check' : 'ingest'}`
      : `nothing to ingest under '${inputs.path}'`,
  );
  // A dataset whose dataset.yml is invalid does not hold up the other datasets' files: its files stay in
  // the inbox, named with the spec's error (exit 3), until the spec is fixed. (A bad file itself still
  // stops every file: see below.)
  const specErrors = brokenSpecs(
    ws,
    found.map((f) => f.dataset),
  );
  const setAside: FileOutcome[] = found
    .filter((f) => specErrors.has(f.dataset))
    .map((f) => ({ file: f, error: `${f.rel}: ${specErrors.get(f.dataset)}` }));
  const files = found.filter((f) => !specErrors.has(f.dataset));

  // Every file is checked first: a file that cannot be ingested at all stops the run before anything is written.
  const one = (f: InboxFile, dry: boolean): FileOutcome => {
    try {
      checkInputFile(ws.root, f.abs, f.rel); // a link or a FIFO is refused before anything else
      return {
        file: f,
        result: ingest(ws, ws.loadSpec(f.dataset), f.abs, { now, dryRun: dry, label: f.rel, again }),
      };
    } catch (err) {
      const message = (err as Error).message;
      const line = err instanceof GitmlError ? err.at?.line : undefined;
      return { file: f, error: message.startsWith(f.rel) ? message : `${f.rel}: ${message}`, line };
    }
  };
  let outcomes = await core.group('validate', async () => files.map((f) => one(f, true)));
  const failed = outcomes.filter((o) => o.error);
  for (const o of [...failed, ...setAside]) {
    core.error(o.error!, { file: o.file.rel, startLine: o.line ?? 1 });
  }

  if (!dryRun && failed.length === 0) {
    outcomes = await core.group('ingest', async () =>
      files.map((f) => {
        const o = one(f, false);
        if (o.error) throw new Error(o.error); // validated a moment ago: only an I/O failure gets here
        if (!inputs.keepFiles) rmSync(f.abs); // an already ingested file leaves the inbox too
        core.info(
          o.result!.alreadyIngested
            ? skippedMessage(o.result!)
            : `${f.rel}: ${o.result!.added} ${o.result!.kind} added, ${o.result!.rejected.length} quarantined`,
        );
        return o;
      }),
    );
  }
  for (const o of outcomes)
    annotateQuarantined(core, o.result?.rejected ?? [], dryRun ? 'would be quarantined' : 'quarantined');
  outcomes = [...outcomes, ...setAside].sort((a, b) => (a.file.rel < b.file.rel ? -1 : 1));

  // On a pull request: the check's results as one comment, kept up to date (or in the summary if refused).
  let comment: string | null = null;
  if (inputs.pullRequest !== null && found.length > 0) {
    const { owner, repo } = repository(env);
    const client = createGitHubClient(inputs.token, {
      baseUrl: env.GITHUB_API_URL,
      retry: { onRetry: (message) => core.info(message) },
    });
    const body = checkCommentMarkdown(outcomes);
    const c = await unlessGitHubRefuses(
      core,
      'pull-request comment not posted',
      () =>
        upsertPullRequestComment(client, {
          owner,
          repo,
          issueNumber: inputs.pullRequest!,
          marker: 'ingest-check',
          body,
        }),
      "the check results are in this job's summary and annotations",
    );
    if ('value' in c) core.info(`pull-request comment ${c.value.action} (id ${c.value.id})`);
    else comment = body;
  }
  const report = ingestReport({
    outcomes,
    failed,
    setAside,
    found: found.length,
    checked: files.length,
    dryRun,
    comment,
  });
  if (report.exitCode)
    core.error(
      `partial: the files of ${[...new Set(setAside.map((o) => o.file.dataset))].join(', ')} stay in the inbox until its dataset.yml is fixed; the others were ${dryRun ? 'checked' : 'ingested'} — exit code ${report.exitCode}`,
    );
  return report;
}

/** The datasets among `names` whose dataset.yml cannot be read, with the error (a name that is no dataset is not one). */
function brokenSpecs(ws: Workspace, names: readonly string[]): Map<string, string> {
  const errors = new Map<string, string>();
  for (const name of new Set(names)) {
    if (!ws.isDataset(name)) continue; // the file's own error names the unknown dataset, as before
    try {
      ws.loadSpec(name);
    } catch (err) {
      errors.set(name, (err as Error).message);
    }
  }
  return errors;
}
