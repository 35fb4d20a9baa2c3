// Mergeable moments for the Pearson correlation of each feature with the label, so shards that each see
// some partitions can be combined into the correlations the feature view records — the same numbers
// pearson() gives on all rows at once, up to rounding. Two-pass within a shard, Chan et al.'s pairwise
// update across shards. Pure: no I/O.
import type { ColumnGetter } from './feature-view.js';

export interface CorrelationMoments {
  /** Rows seen. */
  n: number;
  meanY: number;
  /** Σ (y − ȳ)². */
  m2Y: number;
  /** Per feature, in schema order. */
  meanX: number[];
  /** Σ (x − x̄)². */
  m2X: number[];
  /** Σ (x − x̄)(y − ȳ). */
  cXY: number[];
}

export function emptyMoments(features: number): CorrelationMoments {
  const zeros = () => new Array<number>(features).fill(0);
  return { n: 0, meanY: 0, m2Y: 0, meanX: zeros(), m2X: zeros(), cXY: zeros() };
}

/** Moments of `rows` (indices into the columns and `y`), features in `names` order. */
export function momentsOf(
  names: readonly string[],
  get: ColumnGetter,
  y: ArrayLike<number>,
  rows: readonly number[],
): CorrelationMoments {
  const n = rows.length;
  const out = emptyMoments(names.length);
  if (n === 0) return out;
  let my = 0;
  for (const i of rows) my += y[i];
  my /= n;
  let syy = 0;
  for (const i of rows) syy += (y[i] - my) ** 2;
  out.n = n;
  out.meanY = my;
  out.m2Y = syy;
  names.forEach((name, j) => {
    const x = get(name);
    let mx = 0;
    for (const i of rows) mx += x[i];
    mx /= n;
    let sxx = 0;
    let sxy = 0;
    for (const i of rows) {
      const dx = x[i] - mx;
      sxx += dx * dx;
      sxy += dx * (y[i] - my);
    }
    out.meanX[j] = mx;
    out.m2X[j] = sxx;
    out.cXY[j] = sxy;
  });
  return out;
}

/** Moments of the union of two disjoint row sets. */
export function mergeMoments(a: CorrelationMoments, b: CorrelationMoments): CorrelationMoments {
  if (a.meanX.length !== b.meanX.length) {
    throw new RangeError(`mergeMoments: feature counts differ (${a.meanX.length} vs ${b.meanX.length})`);
  }
  // An empty side must not perturb the other by rounding in the update.
  if (b.n === 0) return a;
  if (a.n === 0) return b;
  const n = a.n + b.n;
  const w = (a.n * b.n) / n;
  const dy = b.meanY - a.meanY;
  const out = emptyMoments(a.meanX.length);
  out.n = n;
  out.meanY = a.meanY + (dy * b.n) / n;
  out.m2Y = a.m2Y + b.m2Y + dy * dy * w;
  for (let j = 0; j < a.meanX.length; j++) {
    const dx = b.meanX[j] - a.meanX[j];
    out.meanX[j] = a.meanX[j] + (dx * b.n) / n;
    out.m2X[j] = a.m2X[j] + b.m2X[j] + dx * dx * w;
    out.cXY[j] = a.cXY[j] + b.cXY[j] + dx * dy * w;
  }
  return out;
}

/** Pearson r per feature (0 where a side is constant), as pearson() defines it. */
export function correlationsOf(m: CorrelationMoments): number[] {
  return m.cXY.map((c, j) => (m.m2X[j] === 0 || m.m2Y === 0 ? 0 : c / Math.sqrt(m.m2X[j] * m.m2Y)));
}
