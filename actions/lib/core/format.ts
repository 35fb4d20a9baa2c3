// Numbers as text, the one module: locale-free and deterministic, so a summary, a report, a chart and a
// page say the same figure the same way on every machine (toLocaleString depends on the runner's ICU).
// Browser-safe.

/** A share as a percentage: 0.6842 → "68.4%"; `missing` stands for null/undefined (no figure yet). */
export function percent(x: number | null | undefined, digits = 1, missing = '–'): string {
  return x === null || x === undefined ? missing : `${(x * 100).toFixed(digits)}%`;
}

/** n of a total as a percentage: (3, 4) → "75.0%". */
export function percentOf(n: number, of: number, digits = 1): string {
  return `${((100 * n) / of).toFixed(digits)}%`;
}

/** A share in percentage points, as it is (a margin, a drop): 0.012 → "1.2 points" (unit 'pp': "1.2 pp"). */
export function points(x: number, digits = 1, unit = 'points'): string {
  return `${(x * 100).toFixed(digits)} ${unit}`;
}

/** A difference of shares in percentage points, always signed: 0.012 → "+1.2 points", −0.03 → "−3.0 points". */
export function signedPoints(x: number, digits = 1): string {
  return `${x >= 0 ? '+' : '−'}${points(Math.abs(x), digits)}`;
}

/** A whole number with thousands separated by commas: 1234567 → "1,234,567". */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Small p-values in scientific notation, others with 3 decimals. */
export function pValueText(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** At most `max` characters (code points), the last one an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
