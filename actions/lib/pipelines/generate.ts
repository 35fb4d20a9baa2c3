// generate: the daily feature pipeline. Synthetic rows for each requested UTC date from a generator
// fitted to the real rows; seeded by (dataset, date); a date that already has synthetic rows is skipped.

import { InputError } from '../csv-input.js';
import { FeatureGroup, type NewRow } from '../feature-group.js';
import { SOURCES } from '../feature-table.js';
import { fitGenerator, sampleRows, seedOf } from '../generator.js';
import type { DatasetSpec } from '../spec.js';
import type { Workspace } from '../workspace.js';
import { addDays, utcDate } from './event-time.js';

export interface GenerateOptions {
  now: Date;
  /** Last date to generate (YYYY-MM-DD, UTC); default today. */
  date?: string;
  /** How many days ending at `date` (catch-up for missed days); default 1. */
  days?: number;
  /** Rows per day; default the spec's generator.rowsPerDay. */
  rows?: number;
  /** Drift in pooled standard deviations per day since drift.start; default the spec's setting. */
  drift?: { start: string; sdPerDay: number } | null;
}

export interface GenerateResult {
  dataset: string;
  dates: { date: string; added: number; skipped: boolean }[];
  added: number;
  firstId: number | null;
  lastId: number | null;
}

const SYNTHETIC = SOURCES.indexOf('synthetic');
const MAX_DAYS = 3660;

export function generate(ws: Workspace, spec: DatasetSpec, opts: GenerateOptions): GenerateResult {
  const today = utcDate(opts.now);
  const last = opts.date ?? today;
  if (last > today) throw new InputError(`--date ${last} is in the future (today is ${today} UTC)`);
  const days = opts.days ?? 1;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS)
    throw new InputError(`--days must be a whole number from 1 to ${MAX_DAYS}`);
  const perDay = opts.rows ?? spec.generator.rowsPerDay;
  if (!Number.isInteger(perDay) || perDay < 1) throw new InputError('--rows must be a whole number ≥ 1');
  const drift = opts.drift === undefined ? spec.generator.drift : (opts.drift ?? undefined);

  const fg = FeatureGroup.open(ws, spec);
  const table = fg.read();
  const haveSynthetic = new Set<string>();
  for (let i = 0; i < table.rows; i++) {
    if (table.sources[i] === SYNTHETIC) haveSynthetic.add(utcDate(new Date(table.eventTimes[i])));
  }
  const model = fitGenerator(spec, table, (i) => table.sources[i] !== SYNTHETIC);
  const dates: GenerateResult['dates'] = [];
  const rows: NewRow[] = [];
  for (let d = days - 1; d >= 0; d--) {
    const date = addDays(last, -d);
    if (haveSynthetic.has(date)) {
      dates.push({ date, added: 0, skipped: true });
      continue;
    }
    const shift = drift
      ? Math.max(0, (Date.parse(date) - Date.parse(drift.start)) / 86_400_000) * drift.sdPerDay
      : 0;
    for (const r of sampleRows(model, perDay, seedOf(`${spec.name}/${date}`), shift)) {
      rows.push({ eventTime: `${date}T00:00:00Z`, source: 'synthetic', values: r.values, label: r.label });
    }
    dates.push({ date, added: perDay, skipped: false });
  }
  if (rows.length === 0) return { dataset: spec.name, dates, added: 0, firstId: null, lastId: null };
  const { added } = fg.append(rows, [], opts.now);
  return {
    dataset: spec.name,
    dates,
    added: added.length,
    firstId: added[0]?.id ?? null,
    lastId: added[added.length - 1]?.id ?? null,
  };
}
