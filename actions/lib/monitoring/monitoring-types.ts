// The monitoring file (reports/<dataset>/monitoring.json): everything the dashboard and the repository
// report show, recomputed on each run from the prediction log and the feature group. Browser-safe.
import type { DayRange } from '../pipelines/daily-schedule.js';
import type { Category } from '../spec/spec.js';
import type { DriftStatus } from './drift-decision.js';

export const MONITORING_FORMAT = 'gitml.monitoring';
/** The monitoring file's name in reports/<dataset>/ (and in the site's <dataset>/ folder). */
export const MONITORING_FILE = 'monitoring.json';
/**
 * The alert's rolling window in days (rolling30, rolling30Mae): a 7-day window of one row a day flaps.
 * The window ending on date D starts on addDays(D, -(ROLLING_DAYS - 1)).
 */
export const ROLLING_DAYS = 30;

export interface PredictionRecord {
  id: number;
  eventTime: string;
  predictedAt: string;
  modelVersion: number;
  /** The predicted class; regression: the predicted value as text (label decimals + 2). */
  predicted: string;
  /** The predicted class's probability; regression: 0 (the log has low/high instead). */
  probability: number;
  /** Regression: the prediction interval (forest: 10th–90th percentile of the trees; others: residual quantiles). */
  low?: number;
  high?: number;
  /** The actual class (regression: the value as stored), or null while the row waits for its label. */
  actual: string | null;
}

export interface DailyPoint {
  /** UTC date YYYY-MM-DD of the rows' event time. */
  date: string;
  rows: number;
  labelled: number;
  correct: number;
  accuracy: number | null;
  /** Accuracy over the labelled rows of the 7 / 30 days ending on this date. */
  rolling7: number | null;
  rolling30: number | null;
  /** Predicted class counts that day, in class order. */
  predicted: Record<string, number>;
  /** Actual class counts that day (labelled rows). */
  actual: Record<string, number>;
}

export interface VersionPoint {
  version: number;
  rows: number;
  labelled: number;
  accuracy: number | null;
  firstDate: string;
  lastDate: string;
}

export interface FeatureDrift {
  feature: string;
  title: string;
  type: 'numeric' | 'categorical';
  test: 'ks' | 'chi-square';
  statistic: number;
  pValue: number;
  /** Benjamini–Hochberg adjusted p-value across the features (drift-decision.ts). */
  adjustedPValue: number;
  psi: number;
  /**
   * drifted: adjusted p < thresholds.pValue and PSI > thresholds.psi; not significant: PSI above its
   * threshold but the test cannot tell it from noise; small change: significant but PSI below its
   * threshold; stable: neither.
   */
  status: DriftStatus;
  drifted: boolean;
}

export interface DriftReport {
  reference: { rows: number; description: string };
  window: { from: string; to: string; rows: number; days: number };
  features: FeatureDrift[];
  /** Share of features that drifted. */
  share: number;
  /** At least one feature drifted (drift-decision.ts: false alarms at most thresholds.pValue). */
  datasetDrift: boolean;
  /**
   * The champion's predictions: one test (no adjustment), the same two criteria as a feature's. Predicted
   * class: chi-square; predicted value (regression): KS.
   */
  prediction: {
    test: 'ks' | 'chi-square';
    statistic: number;
    pValue: number;
    psi: number;
    status: FeatureDrift['status'];
    drifted: boolean;
  };
}

/** A numeric label as the monitoring file carries it (regression). */
export interface RegressionLabel {
  name: string;
  title: string;
  unit?: string;
  range?: [number, number];
  decimals?: number;
  tolerances: number[];
}

/** One day of a regression log (event-time date). Errors are predicted − actual over labelled rows. */
export interface RegressionDailyPoint {
  date: string;
  rows: number;
  labelled: number;
  mae: number | null;
  rmse: number | null;
  /** MAE / RMSE over the labelled rows of the 7 / 30 days ending on this date (pooled, not a mean of days). */
  rolling7Mae: number | null;
  rolling30Mae: number | null;
  rolling7Rmse: number | null;
  rolling30Rmse: number | null;
  /** Mean predicted value over all rows of the day; mean actual over its labelled rows. */
  meanPredicted: number | null;
  meanActual: number | null;
}

export interface RegressionVersionPoint {
  version: number;
  rows: number;
  labelled: number;
  mae: number | null;
  rmse: number | null;
  firstDate: string;
  lastDate: string;
}

export interface ScatterPoint {
  date: string;
  version: number;
  predicted: number;
  actual: number;
}

/** A bin [from, to) of the error histogram. */
export interface ErrorBin {
  from: number;
  to: number;
  count: number;
}

/** The champion's holdout residuals vs the window's residuals (predicted − actual): KS and PSI. */
export interface ResidualDrift {
  test: 'ks';
  statistic: number;
  pValue: number;
  psi: number;
  status: DriftStatus;
  drifted: boolean;
  referenceRows: number;
  windowRows: number;
}

export interface RegressionMonitoring {
  /** Over the labelled predictions of the last `days` days; within: one entry per label tolerance. */
  live: {
    days: number;
    labelled: number;
    mae: number | null;
    rmse: number | null;
    within: { tolerance: number; accuracy: number | null }[];
  };
  daily: RegressionDailyPoint[];
  byVersion: RegressionVersionPoint[];
  /** Labelled rows of the last windowDays days, at most 500, the newest kept; oldest first. */
  scatter: ScatterPoint[];
  /** Histogram of predicted − actual over the window's labelled rows. */
  errors: ErrorBin[];
  /** Null when the window or the holdout has too few labelled rows (see residualDriftSkipped). */
  residualDrift: ResidualDrift | null;
  residualDriftSkipped?: string;
}

/** Each prediction-log partition's row count and sha256, by month. */
export interface LogManifest {
  partitions: Record<string, { rows: number; sha256: string }>;
}

/** Whether a parsed monitoring.json holds a report (not just the log manifest infer writes first). */
export function isMonitoringReport(value: unknown): value is MonitoringReport {
  const v = value as Partial<MonitoringReport> | null;
  return v?.format === MONITORING_FORMAT && typeof v.totals === 'object' && v.totals !== null;
}

export interface LiveAccuracy {
  days: number;
  labelled: number;
  correct: number;
  /** Null without labelled rows in the window (and then low and high are null too). */
  accuracy: number | null;
  low: number | null;
  high: number | null;
}

export interface Alert {
  /** accuracy: classification; mae: regression (rolling 30-day MAE above the champion's holdout MAE + margin). */
  kind: 'accuracy' | 'dataset-drift' | 'mae';
  active: boolean;
  message: string;
  value: number | null;
  threshold: number;
}

export interface Thresholds {
  /** Classification: alert when rolling 30-day accuracy falls below this (absent for regression). */
  accuracy?: number;
  /** Regression: alert when rolling 30-day MAE rises above this (holdout MAE + maeMargin). */
  mae?: number;
  /** Regression: the margin above the holdout MAE (spec monitoring.maeMargin, default 25% of it). */
  maeMargin?: number;
  /**
   * A feature drifts when its test's p-value (KS or chi-square), Benjamini–Hochberg adjusted across the
   * features, is below this (the false discovery rate) …
   */
  pValue: number;
  /** … and its PSI (the size of the change) exceeds this. Dataset drift when any feature drifts. */
  psi: number;
  windowDays: number;
  minWindowRows: number;
  recentRows: number;
}

export interface MonitoringReport {
  format: typeof MONITORING_FORMAT;
  version: 1;
  dataset: string;
  title: string;
  /** Latest event time covered (UTC ISO-8601), or null with no predictions. */
  asOf: string | null;
  /** Absent: classification (the file's bytes are as before). */
  task?: 'regression';
  /** Regression only: the numeric label as the spec declares it. */
  label?: RegressionLabel;
  /** The classes; regression: empty. */
  classes: Category[];
  /**
   * holdoutBaseline: the majority-class share of the champion's holdout, the accuracy of always guessing
   * that class (null for a champion registered before the baseline was kept; null for regression).
   * Regression: holdoutAccuracy is the holdout's share within the smallest tolerance, and holdoutMae,
   * holdoutRmse and holdoutBaselineMae (predicting the training mean) are set.
   */
  champion: {
    version: number;
    algorithm: string;
    holdoutAccuracy: number;
    holdoutBaseline: number | null;
    holdoutMae?: number;
    holdoutRmse?: number;
    holdoutBaselineMae?: number | null;
    /** Regression: the holdout's R² and share within each tolerance (as the registry keeps them). */
    holdoutR2?: number | null;
    holdoutWithin?: { tolerance: number; accuracy: number }[];
  } | null;
  /** bySource: predictions of generated (synthetic) rows and of ingested (real) rows. */
  totals: {
    predictions: number;
    labelled: number;
    correct: number;
    accuracy: number | null;
    bySource: { synthetic: number; ingest: number };
  };
  /**
   * Accuracy over the labelled predictions of the last `days` days, with its Wilson 95% interval.
   * Regression: the share within the smallest tolerance (nulls without tolerances or labelled rows).
   */
  live: LiveAccuracy;
  /** The last `thresholds.recentRows` predictions, newest last. */
  recent: PredictionRecord[];
  /** Regression: empty matrices. */
  confusion: { all: number[][]; recent: number[][]; recentDays: number };
  /** Regression: accuracy, correct and rolling accuracy null/0, class counts empty (see `regression.daily`). */
  daily: DailyPoint[];
  byVersion: VersionPoint[];
  /** The first date each model version predicted, for markers on time charts. */
  modelChanges: { date: string; version: number }[];
  /** Null when there is no usable window, with the reason in driftSkipped. */
  drift: DriftReport | null;
  driftSkipped?: string;
  /**
   * Days with no synthetic rows between the first and the last generated day: days the daily pipeline
   * missed and did not make good (more than its catch-up bound at once). Absent when there are none.
   */
  missingDays?: DayRange[];
  alerts: Alert[];
  thresholds: Thresholds;
  /** Regression only: the error panels. */
  regression?: RegressionMonitoring;
  /**
   * The prediction log's manifest (each partition's rows and sha256): written by infer, carried over by
   * monitor. A file holding only format, dataset and log was written by infer before monitor first ran.
   */
  log?: LogManifest;
}

/**
 * When the last daily run predicted: the newest prediction time among the recent predictions (a daily
 * run predicts the day it generates, the newest rows). Null with no predictions.
 */
export function lastRun(r: Pick<MonitoringReport, 'recent'>): string | null {
  let last: string | null = null;
  for (const p of r.recent) if (last === null || p.predictedAt > last) last = p.predictedAt;
  return last;
}

/** The latest prediction: the last of the recent ones (the file does not store it twice). */
export function latestOf(r: Pick<MonitoringReport, 'recent'>): PredictionRecord | null {
  return r.recent[r.recent.length - 1] ?? null;
}
