// The monitoring file (reports/<dataset>/monitoring.json): everything the dashboard and the repository
// report show, recomputed on each run from the prediction log and the feature group. Platform-neutral.
import type { DayRange } from './daily-schedule.js';
import type { DriftStatus } from './drift-decision.js';
import type { Category } from './spec.js';

export const MONITORING_FORMAT = 'gitml.monitoring';
/** The monitoring file's name in reports/<dataset>/ (and in the site's <dataset>/ folder). */
export const MONITORING_FILE = 'monitoring.json';

export interface PredictionRecord {
  id: number;
  eventTime: string;
  predictedAt: string;
  modelVersion: number;
  predicted: string;
  probability: number;
  /** The actual class, or null while the row waits for its label. */
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
  /** The champion's predicted class: one test (no adjustment), the same two criteria as a feature's. */
  prediction: {
    test: 'chi-square';
    statistic: number;
    pValue: number;
    psi: number;
    status: FeatureDrift['status'];
    drifted: boolean;
  };
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
  kind: 'accuracy' | 'dataset-drift';
  active: boolean;
  message: string;
  value: number | null;
  threshold: number;
}

export interface Thresholds {
  /** Alert when rolling 30-day accuracy falls below this. */
  accuracy: number;
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
  classes: Category[];
  /**
   * holdoutBaseline: the majority-class share of the champion's holdout, the accuracy of always guessing
   * that class (null for a champion registered before the baseline was kept).
   */
  champion: {
    version: number;
    algorithm: string;
    holdoutAccuracy: number;
    holdoutBaseline: number | null;
  } | null;
  /** bySource: predictions of generated (synthetic) rows and of ingested (real) rows. */
  totals: {
    predictions: number;
    labelled: number;
    correct: number;
    accuracy: number | null;
    bySource: { synthetic: number; ingest: number };
  };
  /** Accuracy over the labelled predictions of the last `days` days, with its Wilson 95% interval. */
  live: LiveAccuracy;
  /** The last `thresholds.recentRows` predictions, newest last. */
  recent: PredictionRecord[];
  confusion: { all: number[][]; recent: number[][]; recentDays: number };
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
