// Empirical marginals and normal scores: a column's values as a sorted distribution, the value at a
// quantile (sampling) and a value's normal score (fitting, drift), so generated values land on the real
// grid. Pure: no I/O.

import { normalQuantile } from '../../core/normal.js';

/**
 * An empirical distribution: the distinct values in increasing order and, for each, how many rows hold a
 * value ≤ it. Quantile u ∈ [0, 1) is the first value whose count exceeds u·n.
 */
export interface Marginal {
  values: number[];
  cumulative: number[];
}

/** The column's values at `rows`, in a new array (a plain loop: Float64Array.from with a map is slow). */
function valuesOf(col: ArrayLike<number>, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = col[rows[r]];
  return out;
}

export function marginalOf(col: ArrayLike<number>, rows: readonly number[]): Marginal {
  const sorted = valuesOf(col, rows).sort();
  const values: number[] = [];
  const cumulative: number[] = [];
  for (let r = 0; r < sorted.length; r++) {
    if (r > 0 && sorted[r] === sorted[r - 1]) cumulative[cumulative.length - 1] = r + 1;
    else {
      values.push(sorted[r]);
      cumulative.push(r + 1);
    }
  }
  return { values, cumulative };
}

/** The value at quantile u ∈ [0, 1): binary search for the first cumulative count above u·n. */
export function quantileOf(m: Marginal, u: number): number {
  return m.values[quantileIndex(m, u)];
}

/** The index of quantileOf's value. */
export function quantileIndex(m: Marginal, u: number): number {
  const target = u * m.cumulative[m.cumulative.length - 1];
  let lo = 0;
  let hi = m.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The normal score of value x under a marginal: Φ⁻¹ of the centre of its share of the empirical CDF, as
 * normalScores gives a real value; a value between or beyond the real ones gets the share below it, kept
 * half a row inside either end.
 */
export function scoreOf(m: Marginal, x: number): number {
  const n = m.cumulative[m.cumulative.length - 1];
  // First distinct value ≥ x, and first one > x.
  let lo = 0;
  let hi = m.values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  const below = lo > 0 ? m.cumulative[lo - 1] : 0;
  const atOrBelow = lo < m.values.length && m.values[lo] === x ? m.cumulative[lo] : below;
  const u = Math.min(1 - 0.5 / n, Math.max(0.5 / n, (below + atOrBelow) / (2 * n)));
  return normalQuantile(u);
}

/**
 * Normal scores of one column over `rows`: Φ⁻¹ of the centre of each value's share of the empirical CDF
 * (tied values share one score), the inverse of what quantileOf does when sampling. A value's score
 * depends only on where its run of ties starts and ends in sorted order, so the values are sorted as
 * numbers (no index order) and each row finds its run by binary search.
 */
export function normalScores(col: ArrayLike<number>, rows: readonly number[]): Float64Array {
  const n = rows.length;
  const sorted = valuesOf(col, rows);
  // NaN has no place in a numeric order: the comparison sort keeps the old behaviour for it.
  for (let r = 0; r < n; r++) if (Number.isNaN(sorted[r])) return normalScoresByComparison(col, rows);
  sorted.sort();
  const distinct = new Float64Array(n);
  const score = new Float64Array(n);
  let m = 0;
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && sorted[e] === sorted[s]) e++;
    distinct[m] = sorted[s];
    score[m++] = normalQuantile((s + e) / (2 * n));
    s = e;
  }
  const scores = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const x = col[rows[r]];
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (distinct[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    scores[r] = score[lo];
  }
  return scores;
}

function normalScoresByComparison(col: ArrayLike<number>, rows: readonly number[]): Float64Array {
  const n = rows.length;
  const order = rows.map((_, r) => r).sort((a, b) => col[rows[a]] - col[rows[b]] || a - b);
  const scores = new Float64Array(n);
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && col[rows[order[e]]] === col[rows[order[s]]]) e++;
    const z = normalQuantile((s + e) / (2 * n));
    for (let r = s; r < e; r++) scores[order[r]] = z;
    s = e;
  }
  return scores;
}
