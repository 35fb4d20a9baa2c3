// How a predicted value of a numeric label is written: in the prediction log, the monitoring file, the
// charts and the pages alike. Browser-safe (the site's charts use it too).
import { formatNumber } from '../core/json.js';

/** What a regression log needs of the numeric label: its decimals (predicted values keep 2 more). */
export interface RegressionLogLabel {
  decimals?: number;
}

/** Decimals of predicted values, low and high: the label's decimals + 2 (6 when the spec sets none). */
export function predictionDecimals(label: RegressionLogLabel): number {
  return (label.decimals ?? 4) + 2;
}

/** A predicted value (or an interval end) as the log writes it: shortest form, label decimals + 2. */
export function formatPredictedValue(x: number, label: RegressionLogLabel): string {
  return formatNumber(x, predictionDecimals(label));
}
