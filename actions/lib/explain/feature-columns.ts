// Between a model's feature-view columns and the dataset's features: an explanation is computed per view
// column (a categorical feature may be several one-hot columns) and shown per feature, the sum of its
// columns. Browser-safe.
import type { FeatureViewJSON } from '../features/feature-view.js';
import type { FeatureSchema } from '../spec/spec.js';
import type { FeatureContribution, FeatureValue } from './explanation.js';

/** A feature's value as shown: the number, or the category's value and label. */
export function featureValue(f: FeatureSchema, raw: number): FeatureValue {
  if (f.type === 'categorical') {
    const c = (f.categories ?? [])[raw];
    return c
      ? { name: f.name, title: f.title, value: c.value, valueLabel: c.label }
      : { name: f.name, title: f.title, value: raw };
  }
  return { name: f.name, title: f.title, value: raw };
}

/** Per view column, the index of its feature in view.features. */
export function columnFeatures(view: FeatureViewJSON): Int32Array {
  const index = new Map(view.features.map((f, i) => [f.name, i]));
  return Int32Array.from(view.columns, (c) => {
    const i = index.get(c.feature);
    if (i === undefined) throw new RangeError(`explain: view column reads unknown feature '${c.feature}'`);
    return i;
  });
}

/** Per-column contributions summed per feature, largest |contribution| first (ties in feature order). */
export function contributionsByFeature(
  view: FeatureViewJSON,
  raw: readonly number[],
  perColumn: ArrayLike<number>,
): FeatureContribution[] {
  const owner = columnFeatures(view);
  const sums = new Float64Array(view.features.length);
  for (let j = 0; j < owner.length; j++) sums[owner[j]] += perColumn[j];
  const rows = view.features.map((f, i) => ({ ...featureValue(f, raw[i]), contribution: sums[i] }));
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => Math.abs(b.row.contribution) - Math.abs(a.row.contribution) || a.i - b.i)
    .map(({ row }) => row);
}

/**
 * A training row of a model, given in view columns, back as feature values: a numeric column undoes its
 * centring and scaling (rounded to 11 decimals below the scale's magnitude, which removes the round
 * trip's last-bit noise, also around 0);
 * a categorical feature is the code of its one-hot column that is set, or its (ordinal) column's code.
 */
export function featuresOfViewRow(view: FeatureViewJSON, row: ArrayLike<number>): FeatureValue[] {
  const raw = new Float64Array(view.features.length).fill(Number.NaN);
  const owner = columnFeatures(view);
  view.columns.forEach((c, j) => {
    if (c.code !== undefined) {
      if (row[j] === 1) raw[owner[j]] = c.code;
    } else raw[owner[j]] = unscale(row[j], c.center, c.scale);
  });
  return view.features.map((f, i) => {
    const v = f.type === 'categorical' && Number.isFinite(raw[i]) ? Math.round(raw[i]) : raw[i];
    return featureValue(f, v);
  });
}

function unscale(z: number, center: number, scale: number): number {
  const decimals = Math.min(20, Math.max(0, 11 - Math.floor(Math.log10(Math.abs(scale)))));
  const x = Number((z * scale + center).toFixed(decimals));
  return x === 0 ? 0 : x; // never −0
}
