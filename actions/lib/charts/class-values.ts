// A classification report's predictions in words, one way everywhere (the charts, the latest-prediction
// text, the dashboard's tables): a class value's label and a prediction's outcome mark. The regression
// counterpart is regression-values.ts. Browser-safe.
import type { MonitoringReport, PredictionRecord } from '../monitoring/monitoring-types.js';

/** The label shown for a class value; unknown values show as themselves. */
export function classLabel(r: MonitoringReport, value: string): string {
  return r.classes.find((c) => c.value === value)?.label ?? value;
}

/** What a logged prediction's outcome looks like: ✓ right, ✗ wrong, … waiting for its label. */
export function outcomeMark(p: PredictionRecord): string {
  return p.actual === null ? '…' : p.actual === p.predicted ? '✓' : '✗';
}
