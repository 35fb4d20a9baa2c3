// The one policy for the options a run takes, whether from the command line (actions/cli) or from an
// action's inputs (actions/*/src/inputs.ts through platform/action-inputs.ts): the bound of every count,
// the drift, the shard step, the dataset selection, the gate's tolerance. Each rule is written once here; a surface only reads
// its raw values (text, or undefined when not given) and calls it. A broken rule is an OptionError that
// names the option canonically ('days') and the rule; each surface renders the name its own way —
// `--days …` on the command line, `input 'days' …` in an action (their inputs have the same names).
// An unbounded count runs until memory runs out; a degenerate one (0 folds, a 0-day window) hits internals.
// Node-only (partials are resolved with node:path).
import path from 'node:path';
import { type ErrorKind, GitmlError } from '../core/gitml-error.js';
import { DateError, parseCalendarDate, parseInstant, utcDate } from '../core/time.js';
import type { SelectedDataset, Workspace } from '../files/workspace.js';
import { type DatasetSpec, MAX_ROWS_PER_DAY, taskOf } from '../spec/spec.js';
import type { Shard } from './shards/plan.js';

/** Cross-validation folds: at least 2 (train on some, score on the rest); more only multiplies the time. */
export const FOLDS = { min: 2, max: 20 } as const;
/** evaluate --seeds: how many seeded splits are averaged. */
export const SEEDS = { min: 1, max: 100 } as const;
/** A random seed: a 31-bit whole number. */
export const SEED = { min: 0, max: 2 ** 31 - 1 } as const;
/** The monitoring window in days: a window of 0 days has no rows; more than a year compares nothing recent. */
export const WINDOW_DAYS = { min: 1, max: 366 } as const;
/** A model version number. */
export const VERSION = { min: 1, max: 1_000_000 } as const;
/** A TCP port (0: any free port). */
export const PORT = { min: 0, max: 65535 } as const;
/** Drift in standard deviations per day: beyond this every value leaves its range within a day. */
export const DRIFT_SD_PER_DAY = { min: -10, max: 10 } as const;
/** The accuracy tolerance of the champion/challenger gate, a share. */
export const TOLERANCE = { min: 0, max: 1 } as const;
/** A regression gate's tolerance is in the label's units, so it is not bounded by 1 as macro-F1's is. */
export const GATE_TOLERANCE = { min: 0, max: 1e15 } as const;
/** Days generated in one run (--days, --max-days): ten years. */
export const MAX_DAYS = 3660;
/** The days generated in one run: 1 to MAX_DAYS. */
export const DAYS = { min: 1, max: MAX_DAYS } as const;
/** Rows generated per day: 1 to the spec's bound. */
export const ROWS = { min: 1, max: MAX_ROWS_PER_DAY } as const;
/** More shards than this is a typo, not a plan (GitHub caps a matrix at 256 jobs). */
export const MAX_SHARDS = 256;

/** Where an option was given: on the command line or as an action input. */
export type OptionStyle = 'cli' | 'action';

/** An option as `style` spells it, with a metavariable on the command line (`--partials DIR`). */
export type OptionNamer = (option: string, metavar?: string) => string;

export function optionNamer(style: OptionStyle): OptionNamer {
  return style === 'cli'
    ? (option, metavar) => `--${option}${metavar ? ` ${metavar}` : ''}`
    : (option) => `input '${option}'`;
}

/**
 * An option breaks a rule. `option` is the canonical name (an action input's name, a long option's
 * without the dashes); `rule` follows the name (`must be a whole number from 1 to 3660, got '0'`), or
 * writes the whole sentence from the namer when it names several options. The message is the neutral
 * form (`option 'days' …`); a surface shows `rendered(style)`.
 */
export class OptionError extends GitmlError {
  override name = 'OptionError';

  constructor(
    readonly option: string,
    readonly rule: string | ((name: OptionNamer) => string),
    kind: ErrorKind = 'usage',
  ) {
    super(
      sentence(option, rule, (o) => `option '${o}'`),
      undefined,
      kind,
    );
  }

  rendered(style: OptionStyle): string {
    return sentence(this.option, this.rule, optionNamer(style));
  }
}

function sentence(option: string, rule: OptionError['rule'], name: OptionNamer): string {
  return typeof rule === 'string' ? `${name(option)} ${rule}` : rule(name);
}

/** An error's message as `style` shows it: an option error names the option that surface's way. */
export function messageIn(err: unknown, style: OptionStyle): string {
  if (err instanceof OptionError) return err.rendered(style);
  return err instanceof Error ? err.message : String(err);
}

interface Range {
  min?: number;
  max?: number;
}

/** The way out of a training run skipped because data and config are the champion's: option 'force'. */
export function retrainHint(style: OptionStyle): string {
  return `(use ${optionNamer(style)('force')} to retrain)`;
}

/** A whole number within range; undefined when not given. The bounds (those given) are in the message. */
export function wholeNumber(option: string, raw: string | undefined, range: Range = {}): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    const bounds = range.min !== undefined || range.max !== undefined ? ` from ${min} to ${max}` : '';
    throw new OptionError(option, `must be a whole number${bounds}, got '${raw}'`);
  }
  return n;
}

/** A finite number within range; undefined when not given. */
export function finiteNumber(option: string, raw: string | undefined, range: Range = {}): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = range;
  if (raw.trim() === '' || !Number.isFinite(x) || x < min || x > max) {
    const bounds =
      range.max !== undefined ? ` from ${min} to ${max}` : range.min !== undefined ? ` ≥ ${range.min}` : '';
    throw new OptionError(option, `must be a number${bounds}, got '${raw}'`);
  }
  return x;
}

/** One of `choices`; undefined when not given. */
export function choice<T extends string>(
  option: string,
  raw: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (raw === undefined || (choices as readonly string[]).includes(raw)) return raw as T | undefined;
  throw new OptionError(option, `must be one of ${choices.join(', ')}, got '${raw}'`);
}

/**
 * Runs a date parser whose `what` is the option: its DateError becomes an OptionError. The parsers write
 * `<what> '<text>' is …`, so with an empty `what` the message less its leading space is the rule.
 */
function asOption<T>(option: string, parse: (what: string) => T): T {
  try {
    return parse('');
  } catch (err) {
    if (err instanceof DateError) throw new OptionError(option, err.message.trimStart());
    throw err;
  }
}

/** A UTC calendar date YYYY-MM-DD (a real day, not before EARLIEST_DATE); undefined when not given. */
export function calendarDate(option: string, raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : asOption(option, (what) => parseCalendarDate(raw, what));
}

/** An instant (ISO 8601 date-time, or a date: its start, or with `bareDate: 'end'` its end), in ms. */
export function instant(
  option: string,
  raw: string | undefined,
  opts: { bareDate?: 'start' | 'end' } = {},
): number | undefined {
  return raw === undefined ? undefined : asOption(option, (what) => parseInstant(raw, what, opts));
}

/** The pipeline clock: option 'now' (for reproducible runs and tests), else the real time. */
export function clock(raw: string | undefined, real: () => Date = () => new Date()): Date {
  const ms = instant('now', raw);
  return ms === undefined ? real() : new Date(ms);
}

/** Demo drift of generated rows: undefined — the spec decides; null — none; else from `start`. */
export type Drift = { start: string; sdPerDay: number } | null | undefined;

/**
 * Options 'drift' (standard deviations per day; 0 turns drift off) and 'drift-start' (default the last
 * generated date, else today): drift-start alone is refused, it would be ignored.
 */
export function drift(
  raw: { drift: string | undefined; driftStart: string | undefined },
  defaults: { date: string | undefined; now: Date },
): Drift {
  const sdPerDay = finiteNumber('drift', raw.drift, DRIFT_SD_PER_DAY);
  const start = calendarDate('drift-start', raw.driftStart);
  if (start !== undefined && sdPerDay === undefined)
    throw new OptionError('drift-start', (o) => `${o('drift-start')} needs ${o('drift', 'SD_PER_DAY')}`);
  if (sdPerDay === undefined) return undefined;
  if (sdPerDay === 0) return null;
  return { start: start ?? defaults.date ?? utcDate(defaults.now), sdPerDay };
}

/**
 * Option 'tolerance' of the champion/challenger gate: a share from 0 to 1 unless a regression dataset is
 * among those selected (its units are the label's); each dataset's is checked again by toleranceFor.
 */
export function tolerance(raw: string | undefined, regressionSelected: boolean): number | undefined {
  return finiteNumber('tolerance', raw, regressionSelected ? GATE_TOLERANCE : TOLERANCE);
}

/** The tolerance for one dataset: a share of macro-F1 for a classifier, the gate metric's units for a regressor. */
export function toleranceFor(spec: DatasetSpec, value: number | undefined): number | undefined {
  if (value !== undefined && taskOf(spec.label) === 'classification' && value > TOLERANCE.max)
    throw new OptionError(
      'tolerance',
      `for ${spec.name} (a classifier, gated on macro-F1) must be a number from ${TOLERANCE.min} to ${TOLERANCE.max}, got ${value}`,
    );
  return value;
}

/**
 * The gate metric for one dataset: only a regressor has a choice (a classifier is gated on macro-F1).
 * `option` is the surface's name for it: the CLI's --metric is the action's input 'gate-metric'.
 */
export function gateMetricFor<T>(
  option: 'metric' | 'gate-metric',
  spec: DatasetSpec,
  metric: T | undefined,
): T | undefined {
  if (metric !== undefined && taskOf(spec.label) !== 'regression')
    throw new OptionError(
      option,
      `is the gate metric of a regression dataset; ${spec.name} is a classifier, gated on macro-F1`,
    );
  return metric;
}

/** Option 'date', the last date to generate: not after today (UTC). */
export function lastDate(date: string, now: Date): string {
  const today = utcDate(now);
  if (date > today) throw new OptionError('date', `${date} is in the future (today is ${today} UTC)`);
  return date;
}

/** Option 'shard' `i/n`: shard i (1-based) of n, 1 ≤ i ≤ n ≤ MAX_SHARDS. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new OptionError(
      'shard',
      `'${text}' must be i/n with 1 ≤ i ≤ n ≤ ${MAX_SHARDS} (e.g. 2/3 is the second of three shards)`,
    );
  }
  return { index, count };
}

/** A sharded stage's step: one shard's part, the merge of all parts, or neither (null). */
export interface ShardStep {
  shard: Shard | null;
  merge: boolean;
  /** The partials folder, resolved against the base folder (the base itself when not given). */
  partials: string;
}

/**
 * Options 'shard' (i/n), 'merge' and 'partials' of a sharded stage (train, infer): a shard or a merge,
 * not both, each with the folder where shards leave their partial files; partials without either is
 * refused (it would be ignored).
 */
export function shardStep(
  raw: { shard: string | undefined; merge: boolean; partials: string | undefined },
  base: string,
): ShardStep {
  const { shard, merge, partials } = raw;
  if (shard !== undefined && merge)
    throw new OptionError('shard', (o) => `${o('shard')} and ${o('merge')} are separate steps; give one`);
  if (shard === undefined && !merge && partials !== undefined)
    throw new OptionError('partials', (o) => `${o('partials')} needs ${o('shard', 'i/n')} or ${o('merge')}`);
  if ((shard !== undefined || merge) && partials === undefined) {
    const step = merge ? 'merge' : 'shard';
    throw new OptionError(
      step,
      (o) => `${o(step)} needs ${o('partials', 'DIR')} (where shards leave their partial files)`,
    );
  }
  return {
    shard: shard === undefined ? null : parseShard(shard),
    merge,
    partials: path.resolve(base, partials ?? ''),
  };
}

/**
 * Option 'dataset': `all` (also when not given or empty) or comma-separated names of folders under data/
 * with a dataset.yml. Each comes with its spec or the error of its invalid dataset.yml (a run reports that
 * dataset as failed and runs the others); a name that is no dataset at all is thrown at once.
 */
export function selectDatasets(ws: Workspace, raw: string | undefined): SelectedDataset[] {
  return ws.selectEachDataset(raw || 'all');
}
