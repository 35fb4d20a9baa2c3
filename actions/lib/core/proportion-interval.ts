// A confidence interval for an accuracy measured on few rows: 13 of 30 correct is "43%, somewhere between
// 27% and 61%", and a reader needs the second half to compare it with a holdout or a baseline.
// Browser-safe.

/** The two-sided 95% normal quantile, Φ⁻¹(0.975). */
const Z95 = 1.959963984540054;

/**
 * Wilson score interval for `successes` out of `n` (scipy's `binomtest(k, n).proportion_ci(method='wilson')`):
 * unlike the normal approximation it stays inside [0, 1] and is not zero-width at 0 or n successes.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): { low: number; high: number } {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`wilsonInterval: need 0 ≤ successes ≤ n and n ≥ 1 (got ${successes} of ${n})`);
  }
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denom = 1 + z2 / n;
  // Exact ends at 0 and n successes (the formula gives them up to rounding).
  return {
    low: successes === 0 ? 0 : (centre - spread) / denom,
    high: successes === n ? 1 : (centre + spread) / denom,
  };
}
