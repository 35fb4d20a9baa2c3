// Which charts a monitoring report gets, in dashboard order: the classification panels, or for a
// regression report the error panels in place of accuracy and classes; each as a Chart with the title and
// alt text the repository report and the Pages dashboard show. Both draw these same specs: the report
// renders them to SVG in Node, the dashboard compiled to Vega (site/src/build/site-charts.ts).
//
// Data safety: every string from the report (class labels, feature titles, reasons) travels only as data
// values, scale domains or plain titles — never inside a Vega expression, filter or calculate string.
// Every dataset is named inline data, so the dashboard can swap values with view.data(name, rows).
// Browser-safe.
import type { TopLevelSpec } from 'vega-lite';
import type { MonitoringReport } from '../monitoring/monitoring-types.js';
import type { Chart, ChartOptions } from './chart-kit.js';
import { confusionMatrixSpec } from './confusion-chart.js';
import { driftSpec } from './drift-chart.js';
import { errorHistogramSpec, predictedVsActualSpec } from './error-charts.js';
import { latestSpec } from './latest-prediction.js';
import { accuracyOverTimeSpec, errorOverTimeSpec } from './over-time-charts.js';
import { recentPredictionsSpec, recentValuesSpec } from './prediction-table.js';
import { versionAccuracySpec, versionErrorSpec } from './version-charts.js';
import { classMixSpec, rowsPerDaySpec } from './volume-charts.js';

/** The latest-prediction panel as a chart of the repository dashboard (the Pages dashboard draws it in HTML). */
export function latestChart(r: MonitoringReport, opts: ChartOptions = {}): Chart {
  return asChart('latest', latestSpec(r, opts));
}

/** All monitoring charts in dashboard order. */
export function allCharts(r: MonitoringReport, opts: ChartOptions = {}): Chart[] {
  if (r.task === 'regression') return regressionCharts(r, opts);
  const charts: [string, TopLevelSpec][] = [
    ['accuracy-over-time', accuracyOverTimeSpec(r, opts)],
    ['confusion-recent', confusionMatrixSpec(r, 'recent', opts)],
    ['drift', driftSpec(r, opts)],
    ['class-mix', classMixSpec(r, opts)],
    ['rows-per-day', rowsPerDaySpec(r, opts)],
    ['version-accuracy', versionAccuracySpec(r, opts)],
    ['confusion-all', confusionMatrixSpec(r, 'all', opts)],
    ['recent-predictions', recentPredictionsSpec(r, opts)],
  ];
  return charts.map(([id, spec]) => asChart(id, spec));
}

/** A regression report's charts in dashboard order: the error panels in place of accuracy and classes. */
function regressionCharts(r: MonitoringReport, opts: ChartOptions): Chart[] {
  const charts: [string, TopLevelSpec][] = [
    ['error-over-time', errorOverTimeSpec(r, opts)],
    ['predicted-vs-actual', predictedVsActualSpec(r, opts)],
    ['drift', driftSpec(r, opts)],
    ['error-histogram', errorHistogramSpec(r, opts)],
    ['rows-per-day', rowsPerDaySpec(r, opts)],
    ['version-error', versionErrorSpec(r, opts)],
    ['recent-predictions', recentValuesSpec(r, opts)],
  ];
  return charts.map(([id, spec]) => asChart(id, spec));
}

function asChart(id: string, spec: TopLevelSpec): Chart {
  return { id, title: titleText(spec), description: spec.description ?? '', spec };
}

function titleText(spec: TopLevelSpec): string {
  const t = spec.title;
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && !Array.isArray(t) && typeof t.text === 'string') return t.text;
  return '';
}
