// Shared plumbing of the stage actions (actions/<stage>/src/main.ts): validated inputs, the workspace
// the runner checked out, outputs, job-summary tables, annotations and failure handling.
// Only the actions import this; the library stays free of @actions/*.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import * as actionsCore from '@actions/core';
import { setWriter } from './atomic-write.js';
import { parseCalendarDate, parseInstant } from './dates.js';
import type { RejectedRow } from './feature-group.js';
import { describeGitHubFailure, type GitHubFailure } from './github-errors.js';
import { parseShard, type Shard } from './sharding.js';
import type { DatasetSpec } from './spec.js';
import { appendStageRun, recordableInputs, stageJournalPath } from './stage-journal.js';
import { escapeHtml, oneLine, safeUrl } from './untrusted-text.js';
import { type SelectedDataset, specOf, Workspace } from './workspace.js';
import { recoverInterruptedWrites } from './write-journal.js';

/** A wrong input: the message names the input and the rule it breaks. */
export class ActionInputError extends Error {
  override name = 'ActionInputError';
}

function raw(name: string): string {
  return core.getInput(name); // '' when not given (the runner fills in action.yml defaults)
}

function invalid(name: string, rule: string, value: string): ActionInputError {
  return new ActionInputError(`input '${name}' ${rule}, got '${value}'`);
}

/** Readers for action inputs; each takes the input's name as declared in action.yml. */
export const input = {
  string(name: string, fallback = ''): string {
    return raw(name) || fallback;
  },
  required(name: string): string {
    const v = raw(name);
    if (!v) throw new ActionInputError(`input '${name}' is required`);
    return v;
  },
  boolean(name: string, fallback: boolean): boolean {
    const v = raw(name);
    if (v === '') return fallback;
    if (/^(true|yes|on|1)$/i.test(v)) return true;
    if (/^(false|no|off|0)$/i.test(v)) return false;
    throw invalid(name, 'must be true or false', v);
  },
  integer(name: string, range: { min?: number; max?: number } = {}): number | undefined {
    const v = raw(name);
    if (v === '') return undefined;
    const n = Number(v);
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
    if (!Number.isInteger(n) || n < min || n > max) {
      const bounds = range.min !== undefined || range.max !== undefined ? ` from ${min} to ${max}` : '';
      throw invalid(name, `must be a whole number${bounds}`, v);
    }
    return n;
  },
  number(name: string, range: { min?: number; max?: number } = {}): number | undefined {
    const v = raw(name);
    if (v === '') return undefined;
    const n = Number(v);
    const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = range;
    if (!Number.isFinite(n) || n < min || n > max) {
      const bounds =
        range.max !== undefined ? ` from ${min} to ${max}` : range.min !== undefined ? ` ≥ ${range.min}` : '';
      throw invalid(name, `must be a number${bounds}`, v);
    }
    return n;
  },
  /** A UTC calendar date YYYY-MM-DD. */
  date(name: string): string | undefined {
    const v = raw(name);
    if (v === '') return undefined;
    try {
      return parseCalendarDate(v, `input '${name}'`);
    } catch (err) {
      throw new ActionInputError((err as Error).message);
    }
  },
  choice<T extends string>(name: string, options: readonly T[], fallback: T): T {
    const v = raw(name);
    if (v === '') return fallback;
    if (!(options as readonly string[]).includes(v))
      throw invalid(name, `must be one of ${options.join(', ')}`, v);
    return v as T;
  },
  /** The pipeline clock: input 'now' (ISO 8601, for reproducible re-runs and tests) or the real time. */
  now(): Date {
    const v = raw('now');
    let d: Date;
    if (v === '') d = new Date();
    else {
      try {
        d = new Date(parseInstant(v, "input 'now'"));
      } catch (err) {
        throw new ActionInputError((err as Error).message);
      }
    }
    resolvedNow = d.toISOString(); // a replay of this stage runs with the same clock
    return d;
  },
  /**
   * Input 'dataset': `all` or comma-separated names of folders under data/ with a dataset.yml. Each comes
   * with its spec or the error of its invalid dataset.yml: eachDataset reports that dataset as failed and
   * runs the others. A name that is no dataset at all is an input error.
   */
  datasets(ws: Workspace): SelectedDataset[] {
    const selected = ws.selectEachDataset(raw('dataset') || 'all');
    if (selected.length === 0)
      throw new ActionInputError(`input 'dataset': no datasets found under ${ws.dataDir}`);
    return selected;
  },
  /**
   * Inputs 'shard', 'merge' and 'partials' of a sharded stage: one shard's part (shard 'i/n'), the merge of
   * all parts, or neither. partials is resolved against the workspace; a shard or a merge needs it.
   */
  shardStep(ws: Workspace): { shard: Shard | null; merge: boolean; partials: string } {
    const given = raw('shard');
    const merge = input.boolean('merge', false);
    const partials = raw('partials');
    if (given && merge) throw new ActionInputError("inputs 'shard' and 'merge' are separate steps; give one");
    if ((given || merge) && !partials)
      throw new ActionInputError(`input '${merge ? 'merge' : 'shard'}' needs input 'partials'`);
    let shard: Shard | null = null;
    if (given) {
      try {
        shard = parseShard(given);
      } catch (err) {
        throw new ActionInputError(`input ${(err as Error).message}`);
      }
    }
    return { shard, merge, partials: path.resolve(ws.root, partials) };
  },
  /** A pull-request number, or null when not given. */
  pullRequest(name = 'pull-request'): number | null {
    return input.integer(name, { min: 1 }) ?? null;
  },
};

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

// What a stage run resolved, for the record the commit step replays from (see runAction's `record`).
let resolvedNow: string | undefined;
const outputsSet: Record<string, string> = {};

/** Sets a step output; values that are not strings are written as JSON. */
export function output(name: string, value: string | number | boolean | object | null): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  outputsSet[name] = text;
  core.setOutput(name, text);
}

/** owner/name of the repository the workflow runs in. */
export function repository(): { owner: string; repo: string } {
  const full = process.env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = full.split('/');
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY '${full}' is not owner/name`);
  return { owner, repo };
}

/**
 * A link to a file on GitHub at `ref` — by default the branch being run, since files a stage writes are
 * committed after it — or the bare path outside Actions.
 */
export function fileUrl(path: string, ref = process.env.GITHUB_REF_NAME || 'HEAD'): string {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = process.env;
  return server && repo ? `${server}/${repo}/blob/${ref}/${path}` : path;
}

/** The Pages dashboard: the given URL, else the default https://<owner>.github.io/<repo>/. */
export function dashboardUrl(given: string): string | null {
  if (given) return given;
  const full = process.env.GITHUB_REPOSITORY;
  if (!full?.includes('/')) return null;
  const [owner, repo] = full.split('/');
  return `https://${owner.toLowerCase()}.github.io/${repo}/`;
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
export function annotateQuarantined(rows: readonly RejectedRow[], prefix = 'quarantined'): void {
  for (const q of rows) core.warning(`${prefix}: ${q.reason}`, { file: q.origin, startLine: q.line });
}

// Library input errors start with "<file> line <n>: " — annotate that spot, not just the log.
const FILE_LINE = /^(\S+\.csv) line (\d+): /;

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  const at = FILE_LINE.exec(message);
  if (at) {
    core.error(message, { file: at[1], startLine: Number(at[2]) });
    process.exitCode = core.ExitCode.Failure;
  } else {
    core.setFailed(message);
  }
  if (process.env.GITML_DEBUG && err instanceof Error && err.stack)
    for (const line of err.stack.split('\n')) core.debug(line);
}

/** Exit code of a step that did some datasets and failed others (the CLI's EXIT.partial). */
export const PARTIAL_EXIT_CODE = 3;

/**
 * Runs each dataset's work in its own log group; a dataset that fails — its dataset.yml is invalid, its
 * group is corrupt, its model fails — does not stop the others. When every dataset failed, throws (exit 1:
 * nothing was written). When some were done and others failed, each failure is annotated with its message
 * and listed in the job summary (the action sets its output 'failed-datasets' from `failed`), and the step
 * exits with PARTIAL_EXIT_CODE: the done datasets' files are written and the action's outputs and summary
 * report them.
 */
export async function eachDataset<T>(
  selected: readonly (SelectedDataset | DatasetSpec)[],
  title: (dataset: { name: string }) => string,
  run: (spec: DatasetSpec) => Promise<T> | T,
): Promise<{ results: T[]; failed: string[] }> {
  const results: T[] = [];
  const done: string[] = [];
  const failed: { name: string; message: string }[] = [];
  for (const d of selected) {
    try {
      // An invalid dataset.yml fails its dataset here, as the run would have.
      results.push(await core.group(title(d), async () => run(specOf(d))));
      done.push(d.name);
    } catch (err) {
      if (selected.length === 1) throw err;
      const message = err instanceof Error ? err.message : String(err);
      failed.push({ name: d.name, message });
      core.error(`${d.name}: ${message}`, { title: `gitml: ${d.name} failed` });
    }
  }
  if (failed.length === 0) return { results, failed: [] };
  summaryTable(
    'Failed datasets',
    ['dataset', 'error'],
    failed.map((f) => [f.name, f.message]),
  );
  const names = failed.map((f) => f.name).join(', ');
  if (results.length === 0) throw new Error(`every dataset failed (${names}): nothing was written`);
  core.error(`partial: done ${done.join(', ')}; failed ${names} — exit code ${PARTIAL_EXIT_CODE}`);
  process.exitCode = PARTIAL_EXIT_CODE;
  return { results, failed: failed.map((f) => f.name) };
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
  if (resolvedNow !== undefined) inputs.INPUT_NOW = resolvedNow;
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
 * runAction for the stages that write data/, models/, reports/: the run is also recorded for the commit
 * step's replay on conflict.
 */
export function runStage(body: () => Promise<void> | void): Promise<void> {
  return runAction(body, { record: true });
}

/**
 * Runs an action's body: any error fails the step with its message (and an annotation at file and
 * line when the error names them); the job summary collected so far is written either way.
 */
export async function runAction(
  body: () => Promise<void> | void,
  opts: { record?: boolean } = {},
): Promise<void> {
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
  what: string,
  call: () => Promise<T>,
  instead = '',
): Promise<{ value: T } | { failure: GitHubFailure }> {
  try {
    return { value: await call() };
  } catch (err) {
    const failure = describeGitHubFailure(err);
    if (!failure) throw err;
    core.warning(`${failure.reason}: ${what}${instead ? `; ${instead}` : ''}`, {
      title: 'GitHub API call skipped',
    });
    return { failure };
  }
}

export const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;

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
