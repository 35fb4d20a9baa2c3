// Quantiles as numpy computes them by default (linear interpolation between the order statistics), for
// prediction intervals: residual quantiles of a holdout, per-row quantiles of a forest's trees.
// Browser-safe (the browser predictor shows the interval too).

/** The q-quantile (0 ≤ q ≤ 1) of values sorted ascending; NaN when there are none. */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const at = q * (n - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** The q-quantile of values in any order (numpy.quantile, method 'linear'). */
export function quantile(values: ArrayLike<number>, q: number): number {
  return sortedQuantile(Float64Array.from(values).sort(), q);
}
