// The regression error panels of the monitoring dashboard: predicted against actual with the y = x line,
// and the histogram of the errors (predicted − actual) with the residual drift verdict. (The error over
// time and per model version are over-time-charts.ts and version-charts.ts, shared with classification.)
// Strings from the report travel only as data values and plain titles.
// Browser-safe.
import type { TopLevelSpec } from 'vega-lite';
import { grouped, percent } from '../core/format.js';
import { formatNumber } from '../core/json.js';
import type { MonitoringReport } from '../monitoring/monitoring-types.js';
import {
  axisStep,
  type ChartOptions,
  messageSpec,
  named,
  TIME_HEIGHT,
  top,
  withInteraction,
} from './chart-kit.js';
import { DATED_DATA, scatterRows } from './chart-rows.js';
import { errorText, labelOf } from './regression-values.js';

const SQUARE = 320;

/** The square's domain: the label's range when the spec gives one, else the data's, rounded outwards. */
function scatterDomain(r: MonitoringReport): [number, number] {
  const range = labelOf(r).range;
  if (range) return range;
  const values = (r.regression?.scatter ?? []).flatMap((p) => [p.predicted, p.actual]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const step = axisStep(hi - lo || 1);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

export function predictedVsActualSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Predicted vs actual';
  const rows = scatterRows(r);
  if (rows.length === 0 || !r.regression)
    return messageSpec(
      title,
      'No labelled predictions in the window yet, so there is nothing to plot.',
      'No labelled predictions yet.',
      opts,
    );
  const label = labelOf(r);
  const domain = scatterDomain(r);
  const live = r.regression.live;
  const description =
    `Predicted against actual ${label.title} for the ${grouped(rows.length)} newest labelled predictions of the ` +
    `last ${live.days} days, with the line of perfect predictions (y = x): MAE ${errorText(r, live.mae)}, ` +
    `RMSE ${errorText(r, live.rmse)} over ${grouped(live.labelled)} labelled rows.`;
  const unit = label.unit ? ` (${label.unit})` : '';
  const axis = (name: string, field: string) => ({
    field,
    type: 'quantitative',
    title: `${name}${unit}`,
    scale: { domain, nice: false },
  });
  const tooltip = [
    { field: 'day', type: 'nominal', title: 'date' },
    { field: 'model', type: 'nominal', title: 'model' },
    { field: 'predicted', type: 'quantitative', title: 'predicted' },
    { field: 'actual', type: 'quantitative', title: 'actual' },
    { field: 'error', type: 'quantitative', title: 'error', format: '.3f' },
  ];
  return top(opts, title, 'grey: predicted = actual', description, {
    width: Math.min(SQUARE, typeof opts.width === 'number' ? opts.width : SQUARE),
    height: SQUARE,
    layer: [
      {
        data: named('diagonal', [
          { actual: domain[0], predicted: domain[0] },
          { actual: domain[1], predicted: domain[1] },
        ]),
        mark: { type: 'line', color: '#9aa5b1', strokeDash: [4, 3] },
        encoding: { x: axis('actual', 'actual'), y: axis('predicted', 'predicted') },
      },
      {
        data: named(DATED_DATA.scatter, rows),
        mark: { type: 'circle', size: 18, opacity: 0.45, color: '#1f77b4' },
        encoding: withInteraction(
          opts,
          { x: axis('actual', 'actual'), y: axis('predicted', 'predicted') },
          tooltip,
        ),
      },
    ],
  });
}

/** The histogram's alt text: the errors' range, the share over-predicted and the residual drift. */
function histogramDescription(r: MonitoringReport): string {
  const regression = r.regression as NonNullable<MonitoringReport['regression']>;
  const bins = regression.errors;
  const n = bins.reduce((s, b) => s + b.count, 0);
  const over = bins.filter((b) => b.from >= 0).reduce((s, b) => s + b.count, 0);
  const drift = regression.residualDrift;
  return (
    `Histogram of predicted minus actual over the ${grouped(n)} labelled predictions of the last ` +
    `${regression.live.days} days, from ${formatNumber(bins[0].from, 6)} to ${formatNumber(bins[bins.length - 1].to, 6)}; ` +
    `${percent(over / n)} at or above zero (over-predictions).` +
    (drift
      ? ` Residual drift against the champion's holdout: KS ${formatNumber(drift.statistic, 3)}, p ${formatNumber(drift.pValue, 4)}, PSI ${formatNumber(drift.psi, 3)}: ${drift.status}.`
      : regression.residualDriftSkipped
        ? ` Residual drift not computed: ${regression.residualDriftSkipped}.`
        : '')
  );
}

export function errorHistogramSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Error distribution (predicted − actual)';
  const bins = r.regression?.errors ?? [];
  if (bins.length === 0)
    return messageSpec(
      title,
      'No labelled predictions in the window yet, so there is no error distribution to show.',
      'No labelled predictions yet.',
      opts,
    );
  const drift = r.regression?.residualDrift;
  const tooltip = [
    { field: 'from', type: 'quantitative', title: 'from' },
    { field: 'to', type: 'quantitative', title: 'to' },
    { field: 'count', type: 'quantitative', title: 'rows' },
  ];
  const unit = labelOf(r).unit;
  const x = {
    field: 'from',
    type: 'quantitative',
    title: unit ? `predicted − actual (${unit})` : 'predicted − actual',
  };
  return top(
    opts,
    title,
    drift ? `residual drift vs holdout: ${drift.status} · dashed: no error` : 'dashed: no error',
    histogramDescription(r),
    {
      height: TIME_HEIGHT,
      layer: [
        {
          data: named(
            'errorBins',
            bins.map((b) => ({ ...b })),
          ),
          mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5, color: '#1f77b4' },
          // Bars from zero up: with a ranged x, Vega-Lite would otherwise lay them on their side.
          encoding: withInteraction(
            opts,
            {
              x,
              x2: { field: 'to' },
              y: { field: 'count', type: 'quantitative', title: 'rows' },
              y2: { datum: 0 },
            },
            tooltip,
          ),
        },
        {
          data: named('zeroError', [{ x: 0 }]),
          mark: { type: 'rule', strokeDash: [5, 4], color: '#555' },
          encoding: { x: { field: 'x', type: 'quantitative' } },
        },
      ],
    },
  );
}
