// The shape of a CLI command and the exit codes every command shares (documented in the README).
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { type ErrorKind, GitmlError, kindOf } from '../lib/core/gitml-error.js';
import { type SelectedDataset, specOf, Workspace } from '../lib/files/workspace.js';
import {
  calendarDate,
  finiteNumber,
  instant,
  messageIn,
  selectDatasets,
  wholeNumber,
} from '../lib/pipelines/options.js';
import { isAsOfDate } from '../lib/platform/git.js';
import type { DatasetSpec } from '../lib/spec/spec.js';

export const EXIT = {
  ok: 0,
  /** The command failed; nothing was written. */
  error: 1,
  /** The command wrote its results but quarantined some rows (see the rejected file). */
  quarantined: 2,
  /** Some datasets or steps were done (and written), others failed: the output lists which. */
  partial: 3,
  /** Wrong usage: unknown command or option. */
  usage: 64,
} as const;

/** The exit code of a command that failed with an error of this kind (see GitmlError's kinds). */
const EXIT_OF: Record<ErrorKind, number> = {
  usage: EXIT.usage,
  partial: EXIT.partial,
  input: EXIT.error,
  failure: EXIT.error,
};

export function exitCodeOf(err: unknown): number {
  return EXIT_OF[kindOf(err)];
}

/** An error's message as the command line shows it (an option error names `--option`). */
export const messageOf = (err: unknown): string => messageIn(err, 'cli');

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  ws: Workspace;
  now: Date;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  out: (line: string) => void;
  /** Where per-dataset failures are reported (stderr); default `out`. */
  err?: (line: string) => void;
  /** Told of each dataset that failed (start collects them for its closing summary). */
  onDatasetFailed?: (name: string, message: string) => void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  /** Returns the exit code. */
  run(ctx: CommandContext): Promise<number> | number;
}

/** `--dataset NAME|a,b|all` (default all), shared by the commands that run per dataset. */
export const DATASET_OPTION = { dataset: { type: 'string', short: 'd', default: 'all' } } as const;

export const COMMON_OPTIONS: Options = {
  root: { type: 'string' },
  now: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export function stringOpt(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A whole-number option within a range (the bound is in the message); undefined when not given.
 * Every count option has a bound (pipelines/options.ts): an unbounded one runs until memory runs out.
 */
export function intOpt(
  ctx: CommandContext,
  name: string,
  range: { min: number; max: number },
): number | undefined {
  return wholeNumber(name, stringOpt(ctx, name), range);
}

/** A number option within a range; undefined when not given. */
export function numberOpt(
  ctx: CommandContext,
  name: string,
  range: { min: number; max: number },
): number | undefined {
  return finiteNumber(name, stringOpt(ctx, name), range);
}

/** A UTC calendar date option (YYYY-MM-DD, a real day, not before EARLIEST_DATE); undefined when not given. */
export function dateOpt(ctx: CommandContext, name: string): string | undefined {
  return calendarDate(name, stringOpt(ctx, name));
}

/** --as-of REV|DATE: a date or date-time is checked here (a revision is checked by git). */
export function asOfOpt(ctx: CommandContext): string | undefined {
  const v = stringOpt(ctx, 'as-of');
  if (v !== undefined && isAsOfDate(v)) instant('as-of', v, { bareDate: 'end' });
  return v;
}

/** Wrong usage of the command line (exit 64). */
export class UsageError extends GitmlError {
  override name = 'UsageError';

  constructor(message: string) {
    super(message, undefined, 'usage');
  }
}

/** Thrown when every dataset failed (exit 1); each failure was already reported. */
export class AllFailedError extends GitmlError {
  override name = 'AllFailedError';
}

/** The datasets --dataset names (default all), each with its spec or the error of its invalid spec. */
export function selectedDatasets(ctx: CommandContext): SelectedDataset[] {
  return selectDatasets(ctx.ws, stringOpt(ctx, 'dataset'));
}

/**
 * Runs a command's work for each dataset: a dataset that fails — its dataset.yml is invalid, its group
 * is corrupt, its model fails — does not stop the others. The exit code keeps its promise: the worst code
 * of the datasets when all succeeded; EXIT.partial (3) when some were done and others failed (both
 * listed, each failure with its message); an error (exit 1, nothing written) when every dataset failed.
 * `step` returns its exit code and may throw; a step that wrote part of its work before failing says so
 * by throwing PartialError.
 */
export async function perDataset(
  ctx: CommandContext,
  selected: readonly (SelectedDataset | DatasetSpec)[],
  step: (spec: DatasetSpec) => Promise<number> | number,
): Promise<number> {
  const done: string[] = [];
  const failed: { name: string; message: string; partly: boolean }[] = [];
  const report = ctx.err ?? ctx.out;
  let code: number = EXIT.ok;
  for (const d of selected) {
    const name = d.name;
    try {
      // A spec that could not be read fails its dataset here, as the step would have.
      code = Math.max(code, await step(specOf(d)));
      done.push(name);
    } catch (err) {
      // A usage error is the command's, not the dataset's: it stops the command before any work.
      if (selected.length === 1 || (kindOf(err) === 'usage' && done.length === 0)) throw err;
      const message = messageOf(err);
      failed.push({ name, message, partly: kindOf(err) === 'partial' });
      report(`${name}: FAILED: ${message}`);
      ctx.onDatasetFailed?.(name, message);
    }
  }
  if (failed.length === 0) return code;
  const failedText = failed.map((f) => `${f.name}${f.partly ? ' (partly written)' : ''}`).join(', ');
  if (done.length === 0 && !failed.some((f) => f.partly))
    throw new AllFailedError(`every dataset failed (${failedText}); nothing was written`);
  report(
    `partial: done ${done.length ? done.join(', ') : 'none'}; failed ${failedText} — fix the failures and run again (the done ones are skipped or redone identically)`,
  );
  for (const f of failed) report(`  ${f.name}: ${f.message}`);
  return EXIT.partial;
}

/** A step that wrote some of its work (e.g. daily: generate) before a later part failed. */
export class PartialError extends GitmlError {
  override name = 'PartialError';
  constructor(written: string, cause: unknown) {
    super(`${written} was written, then: ${messageOf(cause)}`, undefined, 'partial');
  }
}

/** Runs `rest` after `written` finished: a failure of `rest` is a PartialError naming what was written. */
export async function afterWritten<T>(written: string, rest: () => Promise<T> | T): Promise<T> {
  try {
    return await rest();
  } catch (err) {
    if (kindOf(err) === 'partial' || kindOf(err) === 'usage') throw err;
    throw new PartialError(written, err);
  }
}

/** The repository root: --root must name an existing folder (default: the current directory). */
export function workspaceAt(root: string | undefined): Workspace {
  if (root === undefined) return new Workspace(process.cwd());
  const abs = path.resolve(root);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new UsageError(`--root '${root}' does not exist (give the repository's folder)`);
  }
  if (!isDir) throw new UsageError(`--root '${root}' is a file, not a folder (give the repository's folder)`);
  return new Workspace(abs);
}
