// generate: the daily feature pipeline. Synthetic rows for each requested UTC date from a generator
// fitted to the real rows; seeded by (dataset, date); a date that already has synthetic rows is skipped.
// Without a day count it catches up: every day since the last generated one, so a dropped, cancelled or
// failed daily run is made good by the next one (at most maxDays; the days beyond are listed as missed).

import { addDays, DAY_MS, daysBetween, utcDate } from '../core/time.js';
import { FeatureGroup } from '../features/feature-group.js';
import { SOURCE_CODE } from '../features/feature-table.js';
import { fitGenerator } from '../features/generator/fit.js';
import { sampleRows, seedOf } from '../features/generator/sampler.js';
import type { NewRow } from '../features/group-writer.js';
import type { Workspace } from '../files/workspace.js';
import type { DatasetSpec } from '../spec/spec.js';
import { DEFAULT_MAX_DAYS } from './daily-schedule.js';
import { calendarDate, DAYS, lastDate, OptionError, ROWS, wholeNumber } from './options.js';

export interface GenerateOptions {
  now: Date;
  /** Last date to generate (YYYY-MM-DD, UTC); default today. */
  date?: string;
  /**
   * How many days ending at `date`. Absent: catch up — every day after the last synthetic day through
   * `date` (just `date` when the group has no synthetic rows yet), the most recent `maxDays` of them.
   */
  days?: number;
  /** The catch-up bound; default DEFAULT_MAX_DAYS. */
  maxDays?: number;
  /** Rows per day; default the spec's generator.rowsPerDay. */
  rows?: number;
  /** Drift in pooled standard deviations per day since drift.start; default the spec's setting. */
  drift?: { start: string; sdPerDay: number } | null;
}

export interface GenerateResult {
  dataset: string;
  dates: { date: string; added: number; skipped: boolean }[];
  /** Catch-up only: the missing days before the bound (oldest first), not generated; empty normally. */
  missed: string[];
  added: number;
  firstId: number | null;
  lastId: number | null;
}

const SYNTHETIC = SOURCE_CODE.synthetic;

export function generate(ws: Workspace, spec: DatasetSpec, opts: GenerateOptions): GenerateResult {
  const { last, days, maxDays, perDay } = checkedOptions(spec, opts);
  const drift = opts.drift === undefined ? spec.generator.drift : (opts.drift ?? undefined);

  const fg = FeatureGroup.open(ws, spec);
  const table = fg.read();
  const haveSynthetic = new Set<string>();
  for (let i = 0; i < table.rows; i++) {
    if (table.sources[i] === SYNTHETIC) haveSynthetic.add(utcDate(new Date(table.eventTimes[i])));
  }
  const { wanted, missed } =
    days === undefined
      ? catchUpDays(latestDate(haveSynthetic), last, maxDays)
      : { wanted: Array.from({ length: days }, (_, i) => addDays(last, i - days + 1)), missed: [] };
  const model = fitGenerator(spec, table, (i) => table.sources[i] !== SYNTHETIC);
  const dates: GenerateResult['dates'] = [];
  const rows: NewRow[] = [];
  for (const date of wanted) {
    if (haveSynthetic.has(date)) {
      dates.push({ date, added: 0, skipped: true });
      continue;
    }
    const shift = drift
      ? Math.max(0, (Date.parse(date) - Date.parse(drift.start)) / DAY_MS) * drift.sdPerDay
      : 0;
    for (const r of sampleRows(model, perDay, seedOf(`${spec.name}/${date}`), shift)) {
      rows.push({ eventTime: `${date}T00:00:00Z`, source: 'synthetic', values: r.values, label: r.label });
    }
    dates.push({ date, added: perDay, skipped: false });
  }
  if (rows.length === 0) return { dataset: spec.name, dates, missed, added: 0, firstId: null, lastId: null };
  const { added } = fg.append(rows, [], opts.now);
  return {
    dataset: spec.name,
    dates,
    missed,
    added: added.length,
    firstId: added[0]?.id ?? null,
    lastId: added[added.length - 1]?.id ?? null,
  };
}

/**
 * The options checked by the one policy (pipelines/options.ts) again, for a caller that did not read them
 * through it: a broken rule names the option and fails the run (exit 1), it is not a usage error here.
 */
function checkedOptions(spec: DatasetSpec, opts: GenerateOptions) {
  try {
    const last = lastDate(
      opts.date === undefined ? utcDate(opts.now) : calendarDate('date', opts.date)!,
      opts.now,
    );
    if (opts.drift) calendarDate('drift-start', opts.drift.start);
    const count = (option: string, n: number | undefined, range: { min: number; max: number }) =>
      n === undefined ? undefined : wholeNumber(option, String(n), range);
    const days = count('days', opts.days, DAYS);
    const maxDays = count('max-days', opts.maxDays ?? DEFAULT_MAX_DAYS, DAYS)!;
    const perDay = count('rows', opts.rows ?? spec.generator.rowsPerDay, ROWS)!;
    return { last, days, maxDays, perDay };
  } catch (err) {
    throw err instanceof OptionError ? new OptionError(err.option, err.rule, 'input') : err;
  }
}

function latestDate(dates: Set<string>): string | null {
  let latest: string | null = null;
  for (const d of dates) if (latest === null || d > latest) latest = d;
  return latest;
}

/**
 * The days a catch-up run makes: after `lastSynthetic` through `last`, the most recent `maxDays` of them
 * (the older ones are `missed`). With no synthetic day yet, or none before `last`, just `last` itself.
 */
export function catchUpDays(
  lastSynthetic: string | null,
  last: string,
  maxDays: number,
): { wanted: string[]; missed: string[] } {
  if (lastSynthetic === null || lastSynthetic >= last) return { wanted: [last], missed: [] };
  const gap = daysBetween(lastSynthetic, last);
  const all = Array.from({ length: gap }, (_, i) => addDays(lastSynthetic, i + 1));
  return { wanted: all.slice(-maxDays), missed: all.slice(0, Math.max(0, gap - maxDays)) };
}
