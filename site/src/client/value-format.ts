// Numbers of a regression label as the pages write them: fixed decimals (the label's, so "6 points", not
// "6.000000001 points"), its unit, and an error in the same unit (as the monitoring report writes errors:
// three decimals finer than the label, shortest form). Locale-free, so every machine writes the same text.
// Browser-safe (the Node build and the browser pages).
import { formatNumber } from '../../../actions/lib/core/json.js';

/** What a numeric label says about how to write its values. */
export interface ValueLabel {
  unit?: string;
  decimals?: number;
  range?: [number, number];
}

/** Decimals of a label: its spec's, or 4 when the spec leaves them open (as the prediction log). */
export const labelDecimals = (label: ValueLabel): number => label.decimals ?? 4;

/** x with exactly `decimals` decimals and never "-0". */
export function fixed(x: number, decimals: number): string {
  const text = x.toFixed(Math.max(0, Math.min(20, decimals)));
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

const unitOf = (label: ValueLabel) => (label.unit ? ` ${label.unit}` : '');

/** A value of the label with its unit: `extra` more decimals than the label's (a model output, an error). */
export function valueText(x: number, label: ValueLabel, extra = 0): string {
  return `${fixed(x, labelDecimals(label) + extra)}${unitOf(label)}`;
}

/** An error figure (MAE, RMSE) as the monitoring report and its dashboard write it: "0.523 points". */
export function errorText(x: number, label: ValueLabel): string {
  return `${formatNumber(x, labelDecimals(label) + 3)}${unitOf(label)}`;
}

/** "5.2–6.8 points": a range of the label's values with one unit. */
export function spanText(lo: number, hi: number, label: ValueLabel, extra = 0): string {
  const d = labelDecimals(label) + extra;
  return `${fixed(lo, d)}–${fixed(hi, d)}${unitOf(label)}`;
}

/** Where x sits in [lo, hi] as a share 0–1 (clamped), for a position bar. */
export function shareOf(x: number, range: [number, number]): number {
  const [lo, hi] = range;
  if (!(hi > lo)) return 0.5;
  return Math.min(1, Math.max(0, (x - lo) / (hi - lo)));
}
