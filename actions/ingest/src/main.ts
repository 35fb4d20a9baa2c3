// ingest action: the inbox check on pull requests (dry run) and the ingest on the default branch.
import { rmSync } from 'node:fs';
import {
  ActionInputError,
  annotateQuarantined,
  core,
  input,
  output,
  PARTIAL_EXIT_CODE,
  repository,
  runStage,
  summaryTable,
  unlessGitHubRefuses,
  workspace,
} from '../../lib/action-kit.js';
import { createGitHubClient, upsertPullRequestComment } from '../../lib/github.js';
import { alreadyIngestedMessage } from '../../lib/ingested-files.js';
import { checkInputFile } from '../../lib/input-file.js';
import { type IngestResult, ingest } from '../../lib/pipelines/ingest.js';
import type { Workspace } from '../../lib/workspace.js';
import { checkCommentMarkdown, type FileOutcome } from './check.js';
import { type InboxFile, inboxFiles } from './inbox.js';

await runStage(async () => {
  const ws = workspace();
  const given = input.string('path', 'inbox');
  const dataset = input.string('dataset');
  const dryRun = input.boolean('dry-run', false);
  const keepFiles = input.boolean('keep-files', false);
  const again = input.boolean('again', false);
  const token = input.string('token');
  const pullRequest = input.pullRequest();
  const now = input.now();
  if (pullRequest !== null && !token) throw new ActionInputError("input 'pull-request' needs input 'token'");

  const found = inboxFiles(ws, given, dataset);
  core.info(
    found.length
      ? `${found.length} file(s) to ${dryRun ? 'check' : 'ingest'}`
      : `nothing to ingest under '${given}'`,
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
  const run = (f: InboxFile, dry: boolean): FileOutcome => {
    try {
      checkInputFile(ws.root, f.abs, f.rel); // a link or a FIFO is refused before anything else
      return {
        file: f,
        result: ingest(ws, ws.loadSpec(f.dataset), f.abs, { now, dryRun: dry, label: f.rel, again }),
      };
    } catch (err) {
      const message = (err as Error).message;
      return { file: f, error: message.startsWith(f.rel) ? message : `${f.rel}: ${message}` };
    }
  };
  let outcomes = await core.group('validate', async () => files.map((f) => run(f, true)));
  const failed = outcomes.filter((o) => o.error);
  for (const o of [...failed, ...setAside]) {
    core.error(o.error!, { file: o.file.rel, startLine: Number(/ line (\d+):/.exec(o.error!)?.[1] ?? 1) });
  }

  if (!dryRun && failed.length === 0) {
    outcomes = await core.group('ingest', async () =>
      files.map((f) => {
        const o = run(f, false);
        if (o.error) throw new Error(o.error); // validated a moment ago: only an I/O failure gets here
        if (!keepFiles) rmSync(f.abs); // an already ingested file leaves the inbox too
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
    annotateQuarantined(o.result?.rejected ?? [], dryRun ? 'would be quarantined' : 'quarantined');
  outcomes = [...outcomes, ...setAside].sort((a, b) => (a.file.rel < b.file.rel ? -1 : 1));

  const ok = outcomes.filter((o) => o.result);
  const byDataset: Record<string, number> = {};
  for (const o of ok) byDataset[o.file.dataset] = (byDataset[o.file.dataset] ?? 0) + o.result!.added;
  output(
    'rows-added',
    ok.reduce((s, o) => s + o.result!.added, 0),
  );
  output('rows-by-dataset', byDataset);
  output(
    'quarantined',
    ok.reduce((s, o) => s + o.result!.rejected.length, 0),
  );
  output('failed-files', failed.length + setAside.length);
  output('failed-datasets', [...new Set(setAside.map((o) => o.file.dataset))].join(','));
  output('skipped-files', ok.filter((o) => o.result!.alreadyIngested).length);
  output(
    'files',
    outcomes.map((o) => ({
      file: o.file.rel,
      dataset: o.file.dataset,
      ...(o.result
        ? {
            kind: o.result.kind,
            added: o.result.added,
            quarantined: o.result.rejected.length,
            ...(o.result.alreadyIngested ? { skipped: skippedMessage(o.result) } : {}),
          }
        : { error: o.error }),
    })),
  );
  summaryTable(
    dryRun ? 'Inbox check (dry run)' : 'Ingest',
    [
      'file',
      'dataset',
      dryRun ? 'rows accepted' : 'rows added',
      dryRun ? 'would be quarantined' : 'quarantined',
    ],
    outcomes.map((o) =>
      o.result?.alreadyIngested
        ? [o.file.rel, o.file.dataset, 0, `skipped: ${skippedMessage(o.result)}`]
        : o.result
          ? [o.file.rel, o.file.dataset, o.result.added, o.result.rejected.length]
          : [o.file.rel, o.file.dataset, '—', `cannot be ingested: ${o.error}`],
    ),
  );

  if (pullRequest !== null && found.length > 0) {
    const { owner, repo } = repository();
    const client = createGitHubClient(token, { retry: { onRetry: (message) => core.info(message) } });
    const body = checkCommentMarkdown(outcomes);
    const c = await unlessGitHubRefuses(
      'pull-request comment not posted',
      () =>
        upsertPullRequestComment(client, {
          owner,
          repo,
          issueNumber: pullRequest,
          marker: 'ingest-check',
          body,
        }),
      "the check results are in this job's summary and annotations",
    );
    if ('value' in c) core.info(`pull-request comment ${c.value.action} (id ${c.value.id})`);
    else core.summary.addRaw(`\n${body}\n`, true);
  }
  if (failed.length > 0) {
    throw new Error(
      `${failed.length + setAside.length} of ${found.length} file(s) cannot be ingested${dryRun ? '' : '; nothing was written'}: ${[...failed, ...setAside].map((o) => o.file.rel).join(', ')}`,
    );
  }
  if (setAside.length > 0) {
    const names = [...new Set(setAside.map((o) => o.file.dataset))].join(', ');
    if (files.length === 0)
      throw new Error(`every file's dataset has an invalid dataset.yml (${names}): nothing was ingested`);
    core.error(
      `partial: the files of ${names} stay in the inbox until its dataset.yml is fixed; the others were ${dryRun ? 'checked' : 'ingested'} — exit code ${PARTIAL_EXIT_CODE}`,
    );
    process.exitCode = PARTIAL_EXIT_CODE;
  }
});

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

function skippedMessage(r: IngestResult): string {
  const { sha256, prior } = r.alreadyIngested!;
  return alreadyIngestedMessage(r.file, sha256, prior, "input 'again: true'");
}
