// The shape of a CLI command and the exit codes every command shares (documented in the README).
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { GitmlError } from '../lib/core/gitml-error.js';
import { DateError, parseCalendarDate, parseInstant } from '../lib/core/time.js';
import { type SelectedDataset, specOf, Workspace } from '../lib/files/workspace.js';
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
 * A whole-number option within [min, max] (the bound is in the message); undefined when not given.
 * Every count option has a bound: an unbounded one runs until memory runs out.
 */
export function intOpt(ctx: CommandContext, name: string, min: number, max: number): number | undefined {
  const v = stringOpt(ctx, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${v}'`);
  return n;
}

/** A number option within [min, max]; undefined when not given. */
export function numberOpt(ctx: CommandContext, name: string, min: number, max: number): number | undefined {
  const v = stringOpt(ctx, name);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < min || x > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got '${v}'`);
  return x;
}

/** A UTC calendar date option (YYYY-MM-DD, a real day, not before EARLIEST_DATE); undefined when not given. */
export function dateOpt(ctx: CommandContext, name: string): string | undefined {
  const v = stringOpt(ctx, name);
  return v === undefined ? undefined : usage(() => parseCalendarDate(v, `--${name}`));
}

/** --as-of REV|DATE: a date or date-time is checked here (a revision is checked by git). */
export function asOfOpt(ctx: CommandContext): string | undefined {
  const v = stringOpt(ctx, 'as-of');
  if (v !== undefined && isAsOfDate(v)) usage(() => parseInstant(v, '--as-of', { bareDate: 'end' }));
  return v;
}

/** Runs a parse whose DateError is a usage error (exit 64). */
export function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof DateError) throw new UsageError(err.message);
    throw err;
  }
}

export class UsageError extends GitmlError {
  override name = 'UsageError';
}

/** Thrown when every dataset failed (exit 1); each failure was already reported. */
export class AllFailedError extends GitmlError {
  override name = 'AllFailedError';
}

/** The datasets --dataset names (default all), each with its spec or the error of its invalid spec. */
export function selectedDatasets(ctx: CommandContext): SelectedDataset[] {
  return ctx.ws.selectEachDataset(stringOpt(ctx, 'dataset') ?? 'all');
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
      if (selected.length === 1 || (err instanceof UsageError && done.length === 0)) throw err;
      failed.push({ name, message: (err as Error).message, partly: err instanceof PartialError });
      report(`${name}: FAILED: ${(err as Error).message}`);
      ctx.onDatasetFailed?.(name, (err as Error).message);
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
  constructor(written: string, cause: Error) {
    super(`${written} was written, then: ${cause.message}`);
  }
}

/** Runs `rest` after `written` finished: a failure of `rest` is a PartialError naming what was written. */
export async function afterWritten<T>(written: string, rest: () => Promise<T> | T): Promise<T> {
  try {
    return await rest();
  } catch (err) {
    if (err instanceof PartialError || err instanceof UsageError) throw err;
    throw new PartialError(written, err as Error);
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
