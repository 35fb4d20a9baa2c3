// Descriptive statistics of a feature group, rewritten on every write (stats.json): what the original
// systems' feature store showed, as a readable diff. Pure: no I/O.
import { mean, quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { roundSignificant } from '../core/json.js';
import { isoFromMs } from '../core/time.js';
import type { Category, FeatureSchema } from '../spec/spec.js';
import type { FeatureTable } from './feature-table.js';
import { SOURCES } from './feature-table.js';

export interface NumericStats {
  type: 'numeric';
  count: number;
  missing: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
  histogram: { edges: number[]; counts: number[] };
}

export interface CategoricalStats {
  type: 'categorical';
  count: number;
  missing: number;
  counts: Record<string, number>;
}

export interface GroupStats {
  rows: number;
  bySource: Record<string, number>;
  firstEventTime: string | null;
  lastEventTime: string | null;
  features: Record<string, NumericStats | CategoricalStats>;
  label: ClassLabelStats | NumericLabelStats;
}

/** Classification: rows per class. */
export interface ClassLabelStats {
  name: string;
  unlabelled: number;
  counts: Record<string, number>;
}

/** Regression: the labelled values' count, mean, standard deviation and extremes (null when none). */
export interface NumericLabelStats {
  name: string;
  unlabelled: number;
  count: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
}

const BINS = 10;
// Four significant digits: enough to read, and one new row a day rarely changes them (small diffs).
const r = (x: number) => roundSignificant(x, 4);

export function numericStats(values: Float64Array): NumericStats {
  // One typed copy of the present values, sorted in place and handed to simple-statistics as is (it
  // only indexes): a million-row column costs 8 MB here, not three boxed arrays of it.
  let missing = 0;
  for (const v of values) if (Number.isNaN(v)) missing++;
  const sorted = new Float64Array(values.length - missing);
  let at = 0;
  for (const v of values) if (!Number.isNaN(v)) sorted[at++] = v;
  if (sorted.length === 0) {
    return {
      type: 'numeric',
      count: 0,
      missing,
      mean: null,
      sd: null,
      min: null,
      q1: null,
      median: null,
      q3: null,
      max: null,
      histogram: { edges: [], counts: [] },
    };
  }
  sorted.sort();
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  const width = (hi - lo) / BINS;
  const counts = new Array<number>(BINS).fill(0);
  for (const x of sorted) counts[width === 0 ? 0 : Math.min(BINS - 1, Math.floor((x - lo) / width))]++;
  const edges = Array.from({ length: BINS + 1 }, (_, k) => r(lo + k * width));
  const arr = sorted as unknown as number[];
  return {
    type: 'numeric',
    count: sorted.length,
    missing,
    mean: r(mean(arr)),
    sd: arr.length > 1 ? r(sampleStandardDeviation(arr)) : 0,
    min: lo,
    q1: r(quantileSorted(arr, 0.25)),
    median: r(quantileSorted(arr, 0.5)),
    q3: r(quantileSorted(arr, 0.75)),
    max: hi,
    histogram: { edges, counts },
  };
}

export function categoricalStats(
  codes: Float64Array | Int32Array,
  categories: readonly Category[],
): CategoricalStats {
  const counts: Record<string, number> = {};
  for (const c of categories) counts[c.value] = 0;
  let missing = 0;
  for (const code of codes) {
    if (code < 0 || Number.isNaN(code)) missing++;
    else counts[categories[code].value]++;
  }
  return { type: 'categorical', count: codes.length - missing, missing, counts };
}

export function computeStats(
  table: FeatureTable,
  schema: readonly FeatureSchema[],
  label: { name: string; classes: readonly Category[]; type?: string },
): GroupStats {
  const n = table.rows;
  const bySource: Record<string, number> = {};
  for (const s of SOURCES) bySource[s] = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    bySource[SOURCES[table.sources[i]]]++;
    const t = table.eventTimes[i];
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const features: GroupStats['features'] = {};
  schema.forEach((f, j) => {
    const col = table.columns[j].subarray(0, n);
    features[f.name] = f.type === 'numeric' ? numericStats(col) : categoricalStats(col, f.categories ?? []);
  });
  return {
    rows: n,
    bySource,
    firstEventTime: n ? isoFromMs(first) : null,
    lastEventTime: n ? isoFromMs(last) : null,
    features,
    label: label.type === 'numeric' ? numericLabelStats(table, label.name) : classLabelStats(table, label),
  };
}

function classLabelStats(table: FeatureTable, label: { name: string; classes: readonly Category[] }) {
  const labels = categoricalStats(table.labels.subarray(0, table.rows), label.classes);
  return { name: label.name, unlabelled: labels.missing, counts: labels.counts };
}

function numericLabelStats(table: FeatureTable, name: string): NumericLabelStats {
  // Unlabelled rows hold NaN in targets: numericStats counts them as missing.
  const s = numericStats(table.targets.subarray(0, table.rows));
  return { name, unlabelled: s.missing, count: s.count, mean: s.mean, sd: s.sd, min: s.min, max: s.max };
}
