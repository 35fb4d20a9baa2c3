// ingest action: the inbox check on pull requests (dry run) and the ingest on the default branch.
import { rmSync } from 'node:fs';
import type { Workspace } from '../../lib/files/workspace.js';
import { ingestRepositoryFile, unreadableSpecs } from '../../lib/pipelines/ingest.js';
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
import { ingestReport, partialText, skippedMessage } from './summary.js';

export async function run(inputs: IngestInputs, deps: ActionDeps): Promise<ActionReport> {
  const { core, ws } = deps;
  const { dryRun } = inputs;
  const found = inboxFiles(ws, inputs.path, inputs.dataset);
  core.info(
    found.length
      ? `${found.length} file(s) to ${dryRun ? 'check' : 'ingest'}`
      : `nothing to ingest under '${inputs.path}'`,
  );
  const { files, setAside } = setAsideBrokenSpecs(ws, found);

  // Every file is checked first: a file that cannot be ingested at all stops the run before anything is written.
  let outcomes = await core.group('validate', async () => files.map((f) => outcomeOf(ws, f, inputs, true)));
  const failed = outcomes.filter((o) => o.error);
  for (const o of [...failed, ...setAside])
    core.error(o.error!, { file: o.file.rel, startLine: o.line ?? 1 });
  if (!dryRun && failed.length === 0) outcomes = await ingestFiles(files, inputs, deps);
  for (const o of outcomes)
    annotateQuarantined(core, o.result?.rejected ?? [], dryRun ? 'would be quarantined' : 'quarantined');
  outcomes = [...outcomes, ...setAside].sort((a, b) => (a.file.rel < b.file.rel ? -1 : 1));

  // On a pull request: the check's results as one comment, kept up to date (or in the summary if refused).
  const comment = found.length > 0 ? await commentOn(outcomes, inputs, deps) : null;
  const report = ingestReport({
    outcomes,
    failed,
    setAside,
    found: found.length,
    checked: files.length,
    dryRun,
    comment,
  });
  if (report.exitCode) core.error(partialText(setAside, dryRun, report.exitCode));
  return report;
}

/**
 * A dataset whose dataset.yml is invalid does not hold up the other datasets' files: its files stay in
 * the inbox, named with the spec's error (exit 3), until the spec is fixed. (A bad file itself still
 * stops every file: see run().)
 */
function setAsideBrokenSpecs(ws: Workspace, found: readonly InboxFile[]) {
  const specErrors = unreadableSpecs(
    ws,
    found.map((f) => f.dataset),
  );
  const setAside: FileOutcome[] = found
    .filter((f) => specErrors.has(f.dataset))
    .map((f) => ({ file: f, error: `${f.rel}: ${specErrors.get(f.dataset)}` }));
  return { setAside, files: found.filter((f) => !specErrors.has(f.dataset)) };
}

/** One inbox file's outcome: checked (`dry`) or ingested, or why it cannot be. */
function outcomeOf(ws: Workspace, f: InboxFile, inputs: IngestInputs, dry: boolean): FileOutcome {
  const o = ingestRepositoryFile(ws, f, { now: inputs.now, dryRun: dry, again: inputs.again });
  return { file: f, ...o };
}

/** The checked files ingested, each leaving the inbox unless `keep-files`. */
async function ingestFiles(files: readonly InboxFile[], inputs: IngestInputs, { core, ws }: ActionDeps) {
  return core.group('ingest', async () =>
    files.map((f) => {
      const o = outcomeOf(ws, f, inputs, false);
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

/**
 * On a pull request, the check's results as its one comment, kept up to date; when GitHub refuses, the
 * comment's text (shown in the job summary instead), else null.
 */
async function commentOn(
  outcomes: FileOutcome[],
  inputs: IngestInputs,
  { core, env }: ActionDeps,
): Promise<string | null> {
  const issueNumber = inputs.pullRequest;
  if (issueNumber === null) return null;
  const { owner, repo } = repository(env);
  const client = createGitHubClient(inputs.token, {
    baseUrl: env.GITHUB_API_URL,
    retry: { onRetry: (message) => core.info(message) },
  });
  const body = checkCommentMarkdown(outcomes);
  const c = await unlessGitHubRefuses(
    core,
    'pull-request comment not posted',
    () => upsertPullRequestComment(client, { owner, repo, issueNumber, marker: 'ingest-check', body }),
    "the check results are in this job's summary and annotations",
  );
  if ('value' in c) {
    core.info(`pull-request comment ${c.value.action} (id ${c.value.id})`);
    return null;
  }
  return body;
}
