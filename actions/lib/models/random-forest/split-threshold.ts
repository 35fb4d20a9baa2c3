// Where a tree splits between two adjacent training values: near the midpoint, as scikit-learn does, but
// the shortest decimal there, so the model JSON's threshold tables stay short. Shared by both growers.
// Browser-safe.

// 10^0 .. 10^22, all exact doubles (built by multiplication, which is exact here, rather than trusting pow).
const POW10: number[] = [1];
for (let k = 1; k <= 22; k++) POW10.push(POW10[k - 1] * 10);

/**
 * Threshold between adjacent distinct training values a < b. Like scikit-learn it sits near the midpoint,
 * but it is the shortest decimal within the middle half of (a, b), so the JSON stays small:
 * 0.27 | 0.3 gives 0.29, not 0.28500000000000003.
 */
export function splitThreshold(a: number, b: number): number {
  const mid = a / 2 + b / 2;
  const lo = a + (b - a) / 4;
  const hi = b - (b - a) / 4;
  const inside = (d: number) => d >= lo && d <= hi && d >= a && d < b;
  if (inside(0)) return 0;
  const exponent = Math.floor(Math.log10(Math.abs(mid)));
  for (let digits = 1; digits <= 17; digits++) {
    const places = digits - 1 - exponent; // decimals kept
    if (places > 22 || places < -22) break;
    const d =
      places >= 0
        ? Math.round(mid * POW10[places]) / POW10[places]
        : Math.round(mid / POW10[-places]) * POW10[-places];
    if (inside(d)) return d;
  }
  return mid < b && mid >= a ? mid : a;
}
