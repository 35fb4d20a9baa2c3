// The training feature view: which features a model reads and how they become numbers. Fitted on the
// training split only; its parameters travel inside the model so the CLI, the actions and the browser
// transform exactly as training did. Browser-safe: the pages bundle it.
//   numeric     (x − mean) / sd of the training rows
//   categorical one 0/1 column per category (one-hot)
//   selection   optional: keep features whose |Pearson r| with the label reaches a threshold (regression:
//               with the numeric target itself)
import { type Matrix, matrix } from '../models/types.js';
import type { Category, FeatureSchema } from '../spec/spec.js';

export interface ViewColumn {
  feature: string;
  /** One-hot column for this category code; absent for a numeric feature. */
  code?: number;
  center: number;
  scale: number;
}

export interface FeatureViewJSON {
  /** Input features the model reads, with their schema (ranges, categories) for validation and UI. */
  features: FeatureSchema[];
  /** Pearson r of every considered feature with the label (categoricals by code), for the record. */
  correlations: Record<string, number>;
  minAbsCorrelation: number;
  columns: ViewColumn[];
}

export interface ViewOptions {
  minAbsCorrelation: number;
  /** Regression: the target per row (indexed like the columns); correlations are with it, not the labels. */
  target?: ArrayLike<number>;
  /** Centre and scale numeric features (distance-based models); otherwise they pass through. */
  standardize: boolean;
}

/** Feature values by name for a set of rows: numeric values, or category codes. */
export type ColumnGetter = (feature: string) => ArrayLike<number>;

/** The label as numbers for correlation: class values when they are all numeric (quality 3–9), else codes. */
export function labelScores(classes: readonly Category[]): number[] {
  const numeric = classes.every((c) => Number.isFinite(Number(c.value)));
  return classes.map((c, i) => (numeric ? Number(c.value) : i));
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>, rows: readonly number[]): number {
  const n = rows.length;
  let mx = 0;
  let my = 0;
  for (const i of rows) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const i of rows) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

export function fitFeatureView(
  schema: readonly FeatureSchema[],
  get: ColumnGetter,
  labels: ArrayLike<number>,
  classes: readonly Category[],
  trainRows: readonly number[],
  options: ViewOptions,
): FeatureViewJSON {
  const scores = labelScores(classes);
  const y =
    options.target ??
    Float64Array.from({ length: labels.length }, (_, i) => (labels[i] >= 0 ? scores[labels[i]] : 0));
  const correlations: Record<string, number> = {};
  for (const f of schema) correlations[f.name] = round(pearson(get(f.name), y, trainRows));
  let selected = schema.filter((f) => Math.abs(correlations[f.name]) >= options.minAbsCorrelation);
  if (selected.length === 0) selected = [...schema]; // a threshold that keeps nothing would leave no model
  const columns: ViewColumn[] = [];
  for (const f of selected) {
    const x = get(f.name);
    if (f.type === 'categorical') {
      (f.categories ?? []).forEach((_, code) => {
        columns.push({ feature: f.name, code, center: 0, scale: 1 });
      });
      continue;
    }
    if (!options.standardize) {
      columns.push({ feature: f.name, center: 0, scale: 1 });
      continue;
    }
    let m = 0;
    for (const i of trainRows) m += x[i];
    m /= trainRows.length;
    let v = 0;
    for (const i of trainRows) v += (x[i] - m) ** 2;
    const sd = Math.sqrt(v / trainRows.length);
    columns.push({ feature: f.name, center: m, scale: sd > 0 ? sd : 1 });
  }
  return {
    features: selected.map((f) => ({ ...f })),
    correlations,
    minAbsCorrelation: options.minAbsCorrelation,
    columns,
  };
}

/** Applies the view to `rows` (indices into the getter's columns); all rows when omitted. */
export function applyFeatureView(
  view: FeatureViewJSON,
  get: ColumnGetter,
  nRows: number,
  rows?: readonly number[],
): Matrix {
  const n = rows ? rows.length : nRows;
  const X = matrix(n, view.columns.length);
  view.columns.forEach((c, j) => {
    const src = get(c.feature);
    const out = X.data.subarray(j * n, (j + 1) * n);
    // One loop per case, so the per-value work is a subtraction and a division (or one comparison).
    const { code, center, scale } = c;
    if (code === undefined) {
      if (rows) for (let r = 0; r < n; r++) out[r] = (src[rows[r]] - center) / scale;
      else for (let r = 0; r < n; r++) out[r] = (src[r] - center) / scale;
    } else if (rows) for (let r = 0; r < n; r++) out[r] = src[rows[r]] === code ? 1 : 0;
    else for (let r = 0; r < n; r++) out[r] = src[r] === code ? 1 : 0;
  });
  return X;
}

const round = (x: number) => Number(x.toFixed(6));
