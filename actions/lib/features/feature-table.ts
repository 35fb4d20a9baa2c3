// The in-memory shape of a feature group: typed columns, never row objects, so 1M rows stay small.
// Pure: no I/O.
import type { FeatureSchema } from '../spec/spec.js';

export const SOURCES = ['backfill', 'synthetic', 'ingest'] as const;
export type RowSource = (typeof SOURCES)[number];
/** Each source's index in SOURCES, the byte stored per row in FeatureTable.sources. */
export const SOURCE_CODE: { readonly [S in RowSource]: number } = {
  backfill: SOURCES.indexOf('backfill'),
  synthetic: SOURCES.indexOf('synthetic'),
  ingest: SOURCES.indexOf('ingest'),
};

export interface FeatureTable {
  rows: number;
  ids: Float64Array;
  /** Event time in epoch milliseconds (UTC). */
  eventTimes: Float64Array;
  /** Index into SOURCES. */
  sources: Uint8Array;
  /** One column per feature in schema order: numeric values, or category codes for categorical features. */
  columns: Float64Array[];
  /** Class index, or -1 where the row has no label yet. Regression: 0 where labelled, -1 where not. */
  labels: Int32Array;
  /** Regression: the label's value, NaN where the row has no label yet. Classification: unused (0). */
  targets: Float64Array;
}

export function emptyTable(features: number, capacity = 0): FeatureTable {
  return {
    rows: 0,
    ids: new Float64Array(capacity),
    eventTimes: new Float64Array(capacity),
    sources: new Uint8Array(capacity),
    columns: Array.from({ length: features }, () => new Float64Array(capacity)),
    labels: new Int32Array(capacity),
    targets: new Float64Array(capacity),
  };
}

/** Concatenates tables (partitions) into one, in the given order. */
export function concatTables(parts: readonly FeatureTable[], features: number): FeatureTable {
  const n = parts.reduce((s, p) => s + p.rows, 0);
  const out = emptyTable(features, n);
  out.rows = n;
  let at = 0;
  for (const p of parts) {
    out.ids.set(p.ids.subarray(0, p.rows), at);
    out.eventTimes.set(p.eventTimes.subarray(0, p.rows), at);
    out.sources.set(p.sources.subarray(0, p.rows), at);
    out.labels.set(p.labels.subarray(0, p.rows), at);
    out.targets.set(p.targets.subarray(0, p.rows), at);
    for (let j = 0; j < features; j++) out.columns[j].set(p.columns[j].subarray(0, p.rows), at);
    at += p.rows;
  }
  return out;
}

/**
 * Applies labels that arrived after their row (labels.csv) to the rows that have none: `late` maps an id
 * to a class index (classification) or to the label's value (regression, `numeric`: labels[] 0, targets[]
 * the value). Rows that already have a label keep it. In place; returns `t`.
 */
export function applyLateLabels(
  t: FeatureTable,
  late: ReadonlyMap<number, number>,
  numeric: boolean,
): FeatureTable {
  if (late.size === 0) return t;
  for (let i = 0; i < t.rows; i++) {
    if (t.labels[i] >= 0) continue;
    const v = late.get(t.ids[i]);
    if (v === undefined) continue;
    if (numeric) {
      t.labels[i] = 0;
      t.targets[i] = v;
    } else t.labels[i] = v;
  }
  return t;
}

export function takeRows(t: FeatureTable, idx: ArrayLike<number>): FeatureTable {
  const n = idx.length;
  const out = emptyTable(t.columns.length, n);
  out.rows = n;
  for (let r = 0; r < n; r++) {
    const i = idx[r];
    out.ids[r] = t.ids[i];
    out.eventTimes[r] = t.eventTimes[i];
    out.sources[r] = t.sources[i];
    out.labels[r] = t.labels[i];
    out.targets[r] = t.targets[i];
  }
  for (let j = 0; j < t.columns.length; j++) {
    const src = t.columns[j];
    const dst = out.columns[j];
    for (let r = 0; r < n; r++) dst[r] = src[idx[r]];
  }
  return out;
}

/** The stored text of a value in a table column (inverse of the reader's parsing). */
export function valueText(f: FeatureSchema, x: number): string {
  if (Number.isNaN(x)) return '';
  return f.type === 'categorical' ? (f.categories?.[x]?.value ?? '') : String(x);
}
