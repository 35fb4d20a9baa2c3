// Shared plumbing of the stage actions (actions/<stage>/src/main.ts): validated inputs, the workspace
// the runner checked out, outputs, job-summary tables, annotations and failure handling.
// Only the actions import this; the library stays free of @actions/*.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import * as actionsCore from '@actions/core';
import { type ErrorKind, GitmlError, kindOf } from '../core/gitml-error.js';
import { escapeHtml, oneLine, safeUrl } from '../core/untrusted-text.js';
import type { RejectedRow } from '../features/rejected-rows.js';
import { setWriter } from '../files/atomic-write.js';
import { type SelectedDataset, specOf, Workspace } from '../files/workspace.js';
import { recoverInterruptedWrites } from '../files/write-journal.js';
import { messageIn } from '../pipelines/options.js';
import { appendStageRun, recordableInputs, stageJournalPath } from '../pipelines/stage-journal.js';
import type { DatasetSpec } from '../spec/spec.js';
import { InputReader } from './action-inputs.js';
import { describeGitHubFailure, type GitHubFailure } from './github-errors.js';

export { ActionInputError } from './action-inputs.js';

/** The runner's inputs (core.getInput: '' when not given; the runner fills in action.yml defaults). */
const input = new InputReader((name) => core.getInput(name));

/** The repository the runner checked out (GITHUB_WORKSPACE), or the current directory outside Actions. */
export function workspace(): Workspace {
  const root = process.env.GITHUB_WORKSPACE || process.cwd();
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new Error(`GITHUB_WORKSPACE '${root}' is not a directory: check out the repository first`);
  }
  // Before anything reads the workspace: finish or undo a write a crash cut short.
  for (const line of recoverInterruptedWrites(root)) core.info(line);
  setWriter(`gitml ${path.basename(path.dirname(path.dirname(process.argv[1] ?? '')))} action`);
  return new Workspace(root);
}

// What a stage run set, for the record the commit step replays from (see runAction's `record`).
const outputsSet: Record<string, string> = {};

/** Sets a step output; values that are not strings are written as JSON. */
export function output(name: string, value: string | number | boolean | object | null): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  outputsSet[name] = text;
  core.setOutput(name, text);
}

/** The environment variables an action reads (GITHUB_*). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The repository's web address on the server the workflow runs on; undefined outside Actions. */
export function repositoryUrl(env: Env = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = env;
  return server && repo ? `${server}/${repo}` : undefined;
}

/** owner/name of the repository the workflow runs in. */
export function repository(env: Env = process.env): { owner: string; repo: string } {
  const full = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = full.split('/');
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY '${full}' is not owner/name`);
  return { owner, repo };
}

/**
 * A link to a file on GitHub at `ref` — by default the branch being run, since files a stage writes are
 * committed after it — or the bare path outside Actions.
 */
export function fileUrl(path: string, env: Env = process.env, ref = env.GITHUB_REF_NAME || 'HEAD'): string {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = env;
  return server && repo ? `${server}/${repo}/blob/${ref}/${path}` : path;
}

/** The Pages dashboard: the given URL, else the default https://<owner>.github.io/<repo>/. */
export function dashboardUrl(given: string, env: Env = process.env): string | null {
  if (given) return given;
  const full = env.GITHUB_REPOSITORY;
  if (!full?.includes('/')) return null;
  const [owner, repo] = full.split('/');
  return `https://${owner.toLowerCase()}.github.io/${repo}/`;
}

/** Where an action's run() logs: the runner's core (every string neutralised, see `core`) or a fake. */
export type ActionCore = Pick<
  typeof actionsCore,
  'info' | 'debug' | 'notice' | 'warning' | 'error' | 'group' | 'setSecret'
>;

/** What an action's run(inputs, deps) is given besides its inputs. */
export interface ActionDeps {
  core: ActionCore;
  /** The repository the runner checked out, repaired of any interrupted write. */
  ws: Workspace;
  /** GITHUB_* variables (links to the repository, its files and its Pages site). */
  env: Env;
}

export type OutputValue = string | number | boolean | object | null;

/** One part of the job summary, as data: src/summary.ts builds them (pure), the runner renders them. */
export type SummaryBlock =
  | { kind: 'table'; heading: string; header: string[]; rows: SummaryCell[][] }
  | { kind: 'heading'; text: string; level: 1 | 2 | 3 | 4 | 5 | 6 }
  | { kind: 'list'; items: SummaryCell[] }
  /** Items already HTML, built from escaped text (e.g. `code` spans around names and dates). */
  | { kind: 'html-list'; items: string[] }
  /** A paragraph of HTML built from escaped text. */
  | { kind: 'html'; html: string };

/** What one run of an action came to: its step outputs, its job summary and, if not 0, its exit code. */
export interface ActionReport {
  outputs: Record<string, OutputValue>;
  summary: SummaryBlock[];
  exitCode?: number;
  /** The step fails with this message after its outputs and summary are written (they say what failed). */
  failure?: string;
}

export const summaryTableBlock = (
  heading: string,
  header: string[],
  rows: SummaryCell[][],
): SummaryBlock => ({
  kind: 'table',
  heading,
  header,
  rows,
});

function renderSummary(block: SummaryBlock): void {
  switch (block.kind) {
    case 'table':
      summaryTable(block.heading, block.header, block.rows);
      return;
    case 'heading':
      core.summary.addHeading(escapeHtml(block.text), block.level);
      return;
    case 'list':
      summaryList(block.items);
      return;
    case 'html-list':
      core.summary.addList(block.items);
      return;
    case 'html':
      core.summary.addRaw(block.html, true);
      return;
  }
}

/** The step's outputs, job summary and exit code from a run's report. */
function applyReport(report: ActionReport): void {
  for (const [name, value] of Object.entries(report.outputs)) output(name, value);
  for (const block of report.summary) renderSummary(block);
  if (report.exitCode) process.exitCode = report.exitCode;
  if (report.failure !== undefined) throw new Error(report.failure);
}

/**
 * An action's entry point (src/index.ts): reads its inputs with `read` (src/inputs.ts), runs `run`
 * (src/main.ts) in-process with the runner's core and workspace, and writes the report it returns.
 * Any error fails the step with its message (see runAction). `record`: a stage that writes data/,
 * models/ or reports/ is recorded for the commit step's replay on conflict.
 */
export function actionMain<N extends string, I>(
  read: (input: InputReader<N>, ws: Workspace) => I,
  run: (inputs: I, deps: ActionDeps) => Promise<ActionReport> | ActionReport,
  opts: { record?: boolean } = {},
): Promise<void> {
  return runAction(async () => {
    const ws = workspace();
    const inputs = read(input as unknown as InputReader<N>, ws);
    applyReport(await run(inputs, { core, ws, env: process.env }));
  }, opts);
}

/** A link in a job-summary cell: shown as text, linked only when the URL is http(s). */
export interface SummaryLink {
  text: string;
  href: string;
}

export const summaryLink = (text: string, href: string): SummaryLink => ({ text, href });

export type SummaryCell = string | number | SummaryLink;

/** One cell's HTML: text escaped (it may be a file name or a row's value), never markup from data. */
function cellHtml(cell: SummaryCell): string {
  if (typeof cell === 'object') {
    const url = safeUrl(cell.href);
    return url ? `<a href="${escapeHtml(url)}">${escapeHtml(cell.text)}</a>` : escapeHtml(cell.text);
  }
  // An empty cell would be written as an unclosed <td>.
  return String(cell) === '' ? '—' : escapeHtml(cell);
}

/** Appends a heading and a table to the job summary; the first row is the header. */
export function summaryTable(heading: string, header: string[], rows: SummaryCell[][]): void {
  core.summary.addHeading(escapeHtml(heading), 3);
  if (rows.length === 0) {
    core.summary.addRaw('(none)', true);
    return;
  }
  core.summary.addTable([
    header.map((data) => ({ data: escapeHtml(data), header: true })),
    ...rows.map((r) => r.map(cellHtml)),
  ]);
}

/** Appends a bulleted list to the job summary, each item escaped text or a link. */
export function summaryList(items: SummaryCell[]): void {
  core.summary.addList(items.map(cellHtml));
}

/** One warning annotation per quarantined row, on the file and line the row came from. */
export function annotateQuarantined(
  log: ActionCore,
  rows: readonly RejectedRow[],
  prefix = 'quarantined',
): void {
  for (const q of rows) log.warning(`${prefix}: ${q.reason}`, { file: q.origin, startLine: q.line });
}

/** An error's message as an action shows it (an option error names `input 'days'`). */
const messageOf = (err: unknown): string => messageIn(err, 'action');

/**
 * The exit code of a step that failed with an error of this kind: 1 (a step's failure) for every kind
 * but `partial` (some datasets written, the CLI's 3); a wrong input fails the step like any error.
 */
const EXIT_OF: Record<ErrorKind, number> = { usage: 1, input: 1, failure: 1, partial: 3 };

function fail(err: unknown): void {
  const message = messageOf(err);
  // An error about one line of a file: annotate that spot, not just the log.
  const at = err instanceof GitmlError ? err.at : undefined;
  if (at) core.error(message, { file: at.file, startLine: at.line });
  else core.setFailed(message);
  process.exitCode = EXIT_OF[kindOf(err)];
  if (process.env.GITML_DEBUG && err instanceof Error && err.stack)
    for (const line of err.stack.split('\n')) core.debug(line);
}

/** Exit code of a step that did some datasets and failed others (the CLI's EXIT.partial). */
export const PARTIAL_EXIT_CODE = EXIT_OF.partial;

/** What a stage's work on its datasets came to: each done dataset's result, and the failed ones. */
export interface EachDatasetResult<T> {
  results: T[];
  failed: string[];
  /** The job summary's 'Failed datasets' table when any failed (first in the summary), else nothing. */
  summary: SummaryBlock[];
  /** PARTIAL_EXIT_CODE when some failed, else undefined. */
  exitCode?: number;
}

/**
 * Runs each dataset's work in its own log group; a dataset that fails — its dataset.yml is invalid, its
 * group is corrupt, its model fails — does not stop the others. When every dataset failed, throws (exit 1:
 * nothing was written). When some were done and others failed, each failure is annotated with its message
 * and listed in the job summary (the action sets its output 'failed-datasets' from `failed`), and the step
 * exits with PARTIAL_EXIT_CODE: the done datasets' files are written and the action's outputs and summary
 * report them.
 */
export async function eachDataset<T>(
  log: ActionCore,
  selected: readonly (SelectedDataset | DatasetSpec)[],
  title: (dataset: { name: string }) => string,
  run: (spec: DatasetSpec) => Promise<T> | T,
): Promise<EachDatasetResult<T>> {
  const results: T[] = [];
  const done: string[] = [];
  const failed: { name: string; message: string }[] = [];
  for (const d of selected) {
    try {
      // An invalid dataset.yml fails its dataset here, as the run would have.
      results.push(await log.group(title(d), async () => run(specOf(d))));
      done.push(d.name);
    } catch (err) {
      if (selected.length === 1) throw err;
      const message = messageOf(err);
      failed.push({ name: d.name, message });
      log.error(`${d.name}: ${message}`, { title: `gitml: ${d.name} failed` });
    }
  }
  if (failed.length === 0) return { results, failed: [], summary: [] };
  const names = failed.map((f) => f.name).join(', ');
  if (results.length === 0) throw new Error(`every dataset failed (${names}): nothing was written`);
  log.error(`partial: done ${done.join(', ')}; failed ${names} — exit code ${PARTIAL_EXIT_CODE}`);
  return {
    results,
    failed: failed.map((f) => f.name),
    summary: [
      summaryTableBlock(
        'Failed datasets',
        ['dataset', 'error'],
        failed.map((f) => [f.name, f.message]),
      ),
    ],
    exitCode: PARTIAL_EXIT_CODE,
  };
}

/**
 * Appends this stage run to the job's stage journal (lib/stage-journal.ts) so that the commit step can
 * run it again on a newer remote tip. Outside the runner (no RUNNER_TEMP) nothing is recorded.
 */
function recordStageRun(): void {
  const journal = stageJournalPath(process.env.GITHUB_WORKSPACE || process.cwd());
  const bundle = process.argv[1];
  if (!journal || !bundle) return;
  const inputs = recordableInputs();
  if (input.resolvedNow !== undefined) inputs.INPUT_NOW = input.resolvedNow;
  const sharded = (inputs.INPUT_SHARD ?? '') !== '' || /^(true|yes|on|1)$/i.test(inputs.INPUT_MERGE ?? '');
  try {
    appendStageRun(journal, {
      stage: path.basename(path.dirname(path.dirname(path.resolve(bundle)))),
      bundle: path.resolve(bundle),
      node: process.execPath,
      inputs,
      outputs: { ...outputsSet },
      exitCode: Number(process.exitCode ?? 0) || 0,
      ...(sharded
        ? { notReplayable: 'it is a shard or a merge of shards computed in other jobs from the old data' }
        : {}),
    });
  } catch (err) {
    core.warning(`could not record this stage for a replay on conflict: ${(err as Error).message}`);
  }
}

/**
 * Runs an action's body: any error fails the step with its message (and an annotation at file and
 * line when the error names them); the job summary collected so far is written either way.
 */
async function runAction(body: () => Promise<void> | void, opts: { record?: boolean } = {}): Promise<void> {
  try {
    await body();
  } catch (err) {
    fail(err);
  }
  if (opts.record) recordStageRun();
  if (process.env.GITHUB_STEP_SUMMARY && !core.summary.isEmptyBuffer()) {
    try {
      await core.summary.write();
    } catch (err) {
      core.warning(`could not write the job summary: ${(err as Error).message}`);
    }
  }
}

/**
 * Runs a GitHub API call that is a courtesy (a comment, an issue) and must never fail the step: when
 * GitHub refuses it (403 — e.g. the read-only token of a pull request from a fork —, 404, 410 issues
 * disabled) or keeps failing after the client's retries (5xx, rate limits), a warning says what was not
 * done, why, and where the information is instead (`instead`), and null is returned. Errors that are not
 * GitHub's answer (a bug, a bad input) still fail the step.
 */
export async function unlessGitHubRefuses<T>(
  log: ActionCore,
  what: string,
  call: () => Promise<T>,
  instead = '',
): Promise<{ value: T } | { failure: GitHubFailure }> {
  try {
    return { value: await call() };
  } catch (err) {
    const failure = describeGitHubFailure(err);
    if (!failure) throw err;
    log.warning(`${failure.reason}: ${what}${instead ? `; ${instead}` : ''}`, {
      title: 'GitHub API call skipped',
    });
    return { failure };
  }
}

// Every line the runner reads is a potential workflow command. Messages, annotation properties and group
// titles carry file names, CSV values and pull-request text, so each passes through oneLine() here, the
// one door to stdout: it cannot start a line, and `::`/`##[` in it stay text. (@actions/core only
// percent-encodes \r \n in annotations, and core.info writes its argument verbatim.) The job summary is
// HTML: build it with summaryTable/summaryList, which escape; core.summary's add* methods take markup.
type Properties = actionsCore.AnnotationProperties;
const safeProperties = (p: Properties = {}): Properties => ({
  ...p,
  ...(p.title !== undefined ? { title: oneLine(p.title) } : {}),
  ...(p.file !== undefined ? { file: oneLine(p.file) } : {}),
});
const message = (m: string | Error) => oneLine(m instanceof Error ? m.toString() : m);

/** @actions/core with every stdout-bound string neutralised (see above); the rest as it is. */
export const core: typeof actionsCore = {
  ...actionsCore,
  info: (m) => actionsCore.info(oneLine(m)),
  debug: (m) => actionsCore.debug(oneLine(m)),
  notice: (m, p) => actionsCore.notice(message(m), safeProperties(p)),
  warning: (m, p) => actionsCore.warning(message(m), safeProperties(p)),
  error: (m, p) => actionsCore.error(message(m), safeProperties(p)),
  setFailed: (m) => {
    process.exitCode = actionsCore.ExitCode.Failure;
    actionsCore.error(message(m));
  },
  startGroup: (name) => actionsCore.startGroup(oneLine(name)),
  group: (name, fn) => actionsCore.group(oneLine(name), fn),
};
