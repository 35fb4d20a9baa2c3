// Which monitoring files are a regression dataset's (plan contract 6): `task: 'regression'` with the
// label and the regression block present. The pages narrow the report with this guard once, and then
// read the regression figures without null checks. Browser-safe.
import type {
  MonitoringReport,
  RegressionLabel,
  RegressionMonitoring,
} from '../../../actions/lib/monitoring/monitoring-types.js';

export type RegressionReport = MonitoringReport & {
  task: 'regression';
  label: RegressionLabel;
  regression: RegressionMonitoring;
};

export function isRegressionReport(r: MonitoringReport): r is RegressionReport {
  return r.task === 'regression' && r.label !== undefined && r.regression !== undefined;
}
