// A regression report's figures in words, one way everywhere (charts, the report page, alerts, the job
// summary, the dashboard): a value in the log's precision with the label's unit, an error one decimal
// finer, a signed error, the headline figure. The label's decimals come from the spec
// (monitoring/predicted-value.ts), so a chart never shows more precision than the log holds.
// Browser-safe.

import { percent } from '../core/format.js';
import { formatNumber } from '../core/json.js';
import type { MonitoringReport, PredictionRecord, RegressionLabel } from '../monitoring/monitoring-types.js';
import { predictionDecimals } from '../monitoring/predicted-value.js';

/** The label of a regression report (a classification report has none: a caller's bug). */
export function labelOf(r: MonitoringReport): RegressionLabel {
  if (!r.label || !r.regression) throw new Error(`${r.dataset}: not a regression monitoring report`);
  return r.label;
}

/** A value in the log's precision with the label's unit: "5.67 points". */
export function valueWithUnit(r: MonitoringReport, x: number | null, extraDecimals = 0): string {
  if (x === null) return '–';
  const label = labelOf(r);
  const text = formatNumber(x, predictionDecimals(label) + extraDecimals);
  return label.unit ? `${text} ${label.unit}` : text;
}

/** An error figure (MAE, RMSE) with its unit: one decimal finer than a value, as the alerts write them. */
export const errorText = (r: MonitoringReport, x: number | null) => valueWithUnit(r, x, 1);

/** The headline figure of a report: accuracy as a percentage, or (regression) the window's MAE. */
export function headlineFigure(r: MonitoringReport, accuracy: number | null): string {
  return r.task === 'regression' ? `MAE ${errorText(r, r.regression?.live.mae ?? null)}` : percent(accuracy);
}

/** An error's sign and size in the log's precision: "+0.33", "−1". */
export function signedError(r: MonitoringReport, p: PredictionRecord): string {
  const e = Number(p.predicted) - Number(p.actual);
  const text = formatNumber(Math.abs(e), predictionDecimals(labelOf(r)));
  return text === '0' ? '0' : `${e > 0 ? '+' : '−'}${text}`;
}

/** A prediction's 10–90% interval in the log's precision, "–" when it has none. */
export function intervalText(r: MonitoringReport, p: PredictionRecord): string {
  const decimals = predictionDecimals(labelOf(r));
  return p.low === undefined || p.high === undefined
    ? '–'
    : `${formatNumber(p.low, decimals)}–${formatNumber(p.high, decimals)}`;
}

/** The smallest tolerance: an error within it counts as right (green in the table), beyond it wrong. */
export function smallestTolerance(r: MonitoringReport): number | null {
  const t = labelOf(r).tolerances;
  return t.length ? Math.min(...t) : null;
}

/** Whether a labelled prediction's error is within `tolerance` (a float's last bit forgiven). */
export function withinTolerance(p: PredictionRecord, tolerance: number): boolean {
  return Math.abs(Number(p.predicted) - Number(p.actual)) <= tolerance + 1e-9;
}
