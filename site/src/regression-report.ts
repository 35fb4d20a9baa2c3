// The regression parts of a monitoring file (plan contract 6), as the site reads them: a report with
// `task: 'regression'` carries the label's unit and range, the champion's holdout errors and the
// `regression` block of live, daily, per-version, scatter, error and residual-drift figures. Types and one
// guard only, so the browser bundles pull in no Node code. Platform-neutral.
import type { MonitoringReport } from '../../actions/lib/monitoring-types.js';

export interface RegressionLabel {
  name: string;
  title: string;
  unit?: string;
  range?: [number, number];
  decimals?: number;
  tolerances: number[];
}

export interface RegressionDaily {
  date: string;
  rows: number;
  labelled: number;
  mae: number | null;
  rmse: number | null;
  rolling7Mae: number | null;
  rolling30Mae: number | null;
  rolling7Rmse: number | null;
  rolling30Rmse: number | null;
  meanPredicted: number | null;
  meanActual: number | null;
}

export interface RegressionVersion {
  version: number;
  rows: number;
  labelled: number;
  mae: number | null;
  rmse: number | null;
  firstDate: string;
  lastDate: string;
}

export interface ResidualDrift {
  test: 'ks';
  statistic: number;
  pValue: number;
  psi: number;
  status: string;
  drifted: boolean;
  referenceRows: number;
  windowRows: number;
}

export interface RegressionBlock {
  live: {
    days: number;
    labelled: number;
    mae: number | null;
    rmse: number | null;
    within: { tolerance: number; accuracy: number | null }[];
  };
  daily: RegressionDaily[];
  byVersion: RegressionVersion[];
  scatter: { date: string; version: number; predicted: number; actual: number }[];
  errors: { from: number; to: number; count: number }[];
  residualDrift: ResidualDrift | null;
}

/** A monitoring report of a regression dataset: the classification fields are present but empty. */
export type RegressionReport = Omit<MonitoringReport, 'champion'> & {
  task: 'regression';
  label: RegressionLabel;
  champion:
    | (NonNullable<MonitoringReport['champion']> & {
        holdoutMae?: number;
        holdoutRmse?: number;
        holdoutBaselineMae?: number;
      })
    | null;
  regression: RegressionBlock;
  /** Alert kinds gain 'mae' (rolling 30-day MAE above the holdout MAE plus the spec's margin). */
  thresholds: MonitoringReport['thresholds'] & { mae?: number; maeMargin?: number };
};

/** Whether a monitoring report is a regression dataset's (and has its regression block). */
export function isRegressionReport(r: unknown): r is RegressionReport {
  const v = r as Partial<RegressionReport> | null;
  return v?.task === 'regression' && typeof v.regression === 'object' && v.regression !== null;
}
