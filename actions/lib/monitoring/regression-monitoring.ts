// Regression monitoring: the errors (predicted − actual) of a numeric label's prediction log — MAE and
// RMSE per day with rolling 7/30-day lines, per model version and over the window, the share within each
// tolerance, the predicted-vs-actual scatter, the error histogram, residual and prediction drift (KS) and
// the MAE alert. Computed from the log's records alone (plus the holdout residuals the caller supplies),
// so a synthetic log is enough to check every figure. Browser-safe.

import { formatNumber } from '../core/json.js';
import { wilsonInterval } from '../core/proportion-interval.js';
import { addDays } from '../core/time.js';
import { ksTestSorted, numericPsiSorted, sortedPresent } from './drift.js';
import { type DriftRule, driftStatus, round3 } from './drift-decision.js';
import {
  type Alert,
  type ErrorBin,
  type LiveAccuracy,
  type PredictionRecord,
  type RegressionDailyPoint,
  type RegressionMonitoring,
  type RegressionVersionPoint,
  type ResidualDrift,
  ROLLING_DAYS,
  type ScatterPoint,
} from './monitoring-types.js';
import { predictionDecimals, type RegressionLogLabel } from './predicted-value.js';

/** The scatter keeps the newest labelled rows of the window, at most this many (a page draws them all). */
export const SCATTER_MAX = 500;
/** The error histogram has at most this many bins (+1 when the largest error sits on an edge). */
export const ERROR_BINS_MAX = 20;
/** Default MAE alert margin: this share of the champion's holdout MAE (spec monitoring.maeMargin overrides). */
export const MAE_MARGIN_SHARE = 0.25;
/**
 * |error| ≤ T counts as within T up to this slack: 5.3 − 4.8 is 0.5000000000000004 in doubles, and a
 * prediction half a grade off must count as within 0.5 whichever way the subtraction rounds.
 */
const WITHIN_SLACK = 1e-9;

const round = (x: number) => Number(x.toFixed(6));

/** A log record's numbers: the predicted value and the actual one (null while it waits for its label). */
export interface RegressionRow {
  date: string;
  version: number;
  predicted: number;
  actual: number | null;
}

export function regressionRows(records: readonly PredictionRecord[]): RegressionRow[] {
  return records.map((r) => ({
    date: r.eventTime.slice(0, 10),
    version: r.modelVersion,
    predicted: Number(r.predicted),
    actual: r.actual === null ? null : Number(r.actual),
  }));
}

/** Pooled error sums: the MAE and RMSE of any set of rows (a rolling window pools rows, not days). */
class ErrorSums {
  n = 0;
  abs = 0;
  sq = 0;
  add(e: number): void {
    this.n++;
    this.abs += Math.abs(e);
    this.sq += e * e;
  }
  addAll(o: ErrorSums): void {
    this.n += o.n;
    this.abs += o.abs;
    this.sq += o.sq;
  }
  get mae(): number | null {
    return this.n ? round(this.abs / this.n) : null;
  }
  get rmse(): number | null {
    return this.n ? round(Math.sqrt(this.sq / this.n)) : null;
  }
}

const errorOf = (r: RegressionRow) => r.predicted - (r.actual as number);

export interface RegressionMonitoringOptions {
  windowDays: number;
  minWindowRows: number;
  tolerances: readonly number[];
  /** The champion's holdout residuals (predicted − actual), or null when they cannot be had (and why). */
  holdoutResiduals: ArrayLike<number> | null;
  holdoutMissing?: string;
  rule: DriftRule;
}

/** The first date of the window that ends on the log's last date (null with an empty log). */
export function windowStart(rows: readonly RegressionRow[], windowDays: number): string | null {
  return rows.length ? addDays(rows[rows.length - 1].date, -(windowDays - 1)) : null;
}

/** Everything in monitoring.json's `regression` entry, from rows sorted by event time. */
export function regressionMonitoring(
  rows: readonly RegressionRow[],
  opts: RegressionMonitoringOptions,
): RegressionMonitoring {
  const from = windowStart(rows, opts.windowDays);
  const window = rows.filter((r) => r.actual !== null && from !== null && r.date >= from);
  const errors = window.map(errorOf);
  const sums = new ErrorSums();
  for (const e of errors) sums.add(e);
  const drift = residualDrift(errors, opts);
  return {
    live: {
      days: opts.windowDays,
      labelled: window.length,
      mae: sums.mae,
      rmse: sums.rmse,
      within: opts.tolerances.map((tolerance) => ({
        tolerance,
        accuracy: errors.length ? round(withinCount(errors, tolerance) / errors.length) : null,
      })),
    },
    daily: regressionDaily(rows),
    byVersion: regressionVersions(rows),
    scatter: window.slice(-SCATTER_MAX).map(
      (r): ScatterPoint => ({
        date: r.date,
        version: r.version,
        predicted: r.predicted,
        actual: r.actual!,
      }),
    ),
    errors: errorHistogram(errors),
    residualDrift: drift.report,
    ...(drift.skipped ? { residualDriftSkipped: drift.skipped } : {}),
  };
}

export function withinCount(errors: readonly number[], tolerance: number): number {
  let n = 0;
  for (const e of errors) if (Math.abs(e) <= tolerance + WITHIN_SLACK) n++;
  return n;
}

/**
 * The report's `live` entry for a regression log: the share of the window's labelled predictions within
 * the smallest tolerance, with its Wilson interval; nulls without tolerances or labelled rows.
 */
export function liveWithin(
  rows: readonly RegressionRow[],
  windowDays: number,
  tolerances: readonly number[],
): LiveAccuracy {
  const from = windowStart(rows, windowDays);
  const errors = rows.filter((r) => r.actual !== null && from !== null && r.date >= from).map(errorOf);
  if (errors.length === 0 || tolerances.length === 0)
    return { days: windowDays, labelled: errors.length, correct: 0, accuracy: null, low: null, high: null };
  const correct = withinCount(errors, Math.min(...tolerances));
  const ci = wilsonInterval(correct, errors.length);
  return {
    days: windowDays,
    labelled: errors.length,
    correct,
    accuracy: round(correct / errors.length),
    low: round(ci.low),
    high: round(ci.high),
  };
}

/** Per event-time day: MAE, RMSE, rolling 7/30-day MAE and RMSE (pooled over the days' labelled rows). */
export function regressionDaily(rows: readonly RegressionRow[]): RegressionDailyPoint[] {
  const days = new Map<string, { rows: number; predicted: number; actual: number; sums: ErrorSums }>();
  for (const r of rows) {
    let d = days.get(r.date);
    if (!d) days.set(r.date, (d = { rows: 0, predicted: 0, actual: 0, sums: new ErrorSums() }));
    d.rows++;
    d.predicted += r.predicted;
    if (r.actual !== null) {
      d.actual += r.actual;
      d.sums.add(errorOf(r));
    }
  }
  const dates = [...days.keys()].sort();
  const rolling = (date: string, n: number) => {
    const start = addDays(date, -(n - 1));
    const s = new ErrorSums();
    for (const q of dates) if (q >= start && q <= date) s.addAll(days.get(q)!.sums);
    return s;
  };
  return dates.map((date) => {
    const d = days.get(date)!;
    const r7 = rolling(date, 7);
    const r30 = rolling(date, ROLLING_DAYS);
    return {
      date,
      rows: d.rows,
      labelled: d.sums.n,
      mae: d.sums.mae,
      rmse: d.sums.rmse,
      rolling7Mae: r7.mae,
      rolling30Mae: r30.mae,
      rolling7Rmse: r7.rmse,
      rolling30Rmse: r30.rmse,
      meanPredicted: d.rows ? round(d.predicted / d.rows) : null,
      meanActual: d.sums.n ? round(d.actual / d.sums.n) : null,
    };
  });
}

export function regressionVersions(rows: readonly RegressionRow[]): RegressionVersionPoint[] {
  const by = new Map<number, { rows: number; sums: ErrorSums; firstDate: string; lastDate: string }>();
  for (const r of rows) {
    let v = by.get(r.version);
    if (!v) by.set(r.version, (v = { rows: 0, sums: new ErrorSums(), firstDate: r.date, lastDate: r.date }));
    v.rows++;
    if (r.date < v.firstDate) v.firstDate = r.date;
    if (r.date > v.lastDate) v.lastDate = r.date;
    if (r.actual !== null) v.sums.add(errorOf(r));
  }
  return [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([version, v]) => ({
      version,
      rows: v.rows,
      labelled: v.sums.n,
      mae: v.sums.mae,
      rmse: v.sums.rmse,
      firstDate: v.firstDate,
      lastDate: v.lastDate,
    }));
}

/** The smallest of 1, 2, 2.5 and 5 × 10^k that is at least `raw` (raw > 0): bin edges people can read. */
export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  // toPrecision: 0.1 × 3 style products come out as the decimal they name.
  for (const m of [1, 2, 2.5, 5])
    if (m * power >= raw * (1 - 1e-12)) return Number((m * power).toPrecision(12));
  return Number((10 * power).toPrecision(12));
}

/**
 * Histogram of errors in bins [from, to) of one "nice" width, edges on multiples of it, at most
 * ERROR_BINS_MAX (+1) bins from the smallest error to the largest. The same errors always give the same
 * bins, whatever order they come in.
 */
export function errorHistogram(errors: readonly number[]): ErrorBin[] {
  if (errors.length === 0) return [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const e of errors) {
    if (e < min) min = e;
    if (e > max) max = e;
  }
  // A single distinct error still gets a bin of a readable width around it.
  const step = niceStep(
    max > min ? (max - min) / ERROR_BINS_MAX : Math.max(Math.abs(min), 1) / ERROR_BINS_MAX,
  );
  const first = Math.floor(min / step + 1e-9);
  const bins = Math.floor(max / step + 1e-9) - first + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const e of errors) counts[Math.min(bins - 1, Math.floor(e / step + 1e-9) - first)]++;
  return counts.map((count, i) => ({
    from: round((first + i) * step),
    to: round((first + i + 1) * step),
    count,
  }));
}

/** A KS test and PSI of a window sample against a reference sample, decided by the drift rule. */
export function ksDrift(
  reference: ArrayLike<number>,
  window: ArrayLike<number>,
  rule: DriftRule,
): {
  test: 'ks';
  statistic: number;
  pValue: number;
  psi: number;
  status: ResidualDrift['status'];
  drifted: boolean;
} {
  const a = sortedPresent(reference);
  const b = sortedPresent(window);
  const t = ksTestSorted(a, b);
  // Decided on the rounded figures the file shows, as for the features.
  const pValue = round3(t.pValue);
  const psi = round3(numericPsiSorted(a, b));
  const status = driftStatus(pValue, psi, rule);
  return { test: 'ks', statistic: round3(t.statistic), pValue, psi, status, drifted: status === 'drifted' };
}

function residualDrift(
  window: readonly number[],
  opts: RegressionMonitoringOptions,
): { report: ResidualDrift | null; skipped?: string } {
  if (opts.holdoutResiduals === null)
    return {
      report: null,
      skipped: opts.holdoutMissing ?? "the champion's holdout residuals are not available",
    };
  const n = opts.holdoutResiduals.length;
  if (n < opts.minWindowRows)
    return {
      report: null,
      skipped: `the champion's holdout has ${n} labelled rows; residual drift needs at least ${opts.minWindowRows}`,
    };
  if (window.length < opts.minWindowRows)
    return {
      report: null,
      skipped: `the last ${opts.windowDays} days have ${window.length} labelled predictions; residual drift needs at least ${opts.minWindowRows}`,
    };
  return {
    report: {
      ...ksDrift(opts.holdoutResiduals, window, opts.rule),
      referenceRows: n,
      windowRows: window.length,
    },
  };
}

/**
 * An error figure (MAE, a margin) with its unit: one decimal more than the log's predicted values, so a
 * rolling MAE just above its threshold does not read as equal to it ("0.292 points" vs "0.288 points").
 */
export function valueText(x: number, label: RegressionLogLabel & { unit?: string }): string {
  const text = formatNumber(x, predictionDecimals(label) + 1);
  return label.unit ? `${text} ${label.unit}` : text;
}

/**
 * The MAE alert threshold and where it comes from: the champion's holdout MAE plus the spec's maeMargin,
 * or plus MAE_MARGIN_SHARE of the holdout MAE when the spec sets none.
 */
export function maeThreshold(
  holdoutMae: number,
  version: number,
  label: RegressionLogLabel & { unit?: string },
  maeMargin: number | undefined,
): { threshold: number; margin: number; why: string } {
  // The default margin in the precision the messages show, so holdout + margin adds up as written.
  const margin =
    maeMargin ?? Number(formatNumber(holdoutMae * MAE_MARGIN_SHARE, predictionDecimals(label) + 1));
  const source =
    maeMargin !== undefined
      ? 'monitoring.maeMargin in dataset.yml'
      : `${MAE_MARGIN_SHARE * 100}% of the holdout MAE, the default; set monitoring.maeMargin in dataset.yml to change it`;
  return {
    threshold: round(holdoutMae + margin),
    margin,
    why: `champion v${version} holdout MAE ${valueText(holdoutMae, label)} + margin ${valueText(margin, label)} (${source})`,
  };
}

/**
 * Alert when the rolling 30-day MAE (over at least minWindowRows labelled rows) is above the threshold.
 * A quiet alert's message carries no figures of the day, so a quiet day does not rewrite it.
 */
export function maeAlert(
  daily: readonly RegressionDailyPoint[],
  t: { threshold: number; why: string },
  minWindowRows: number,
  label: RegressionLogLabel & { unit?: string },
): Alert {
  const last = daily[daily.length - 1];
  const since = last ? addDays(last.date, -(ROLLING_DAYS - 1)) : '';
  const labelled30 = daily.filter((d) => d.date >= since).reduce((n, d) => n + d.labelled, 0);
  const value = last && labelled30 >= minWindowRows ? last.rolling30Mae : null;
  const active = value !== null && value > t.threshold;
  return {
    kind: 'mae',
    active,
    message:
      value === null
        ? `Fewer than ${minWindowRows} labelled predictions in the last 30 days: the MAE alert waits for more.`
        : active
          ? `Rolling 30-day MAE ${valueText(value, label)} is above the alert threshold ${valueText(t.threshold, label)} (${t.why}).`
          : `Rolling 30-day MAE is at or below the alert threshold ${valueText(t.threshold, label)} (${t.why}).`,
    value,
    threshold: t.threshold,
  };
}
