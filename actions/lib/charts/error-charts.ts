// The regression panels of the monitoring dashboard as Vega-Lite specs (the same kit as charts.ts): MAE
// and RMSE per day with rolling 7/30-day lines and model changes, MAE per model version, predicted vs
// actual with the y = x line, the error histogram, and the recent predictions with their intervals.
// Platform-neutral. Strings from the report travel only as data values and plain titles.
import type { TopLevelSpec } from 'vega-lite';
import { formatNumber } from '../core/json.js';
import type { MonitoringReport, PredictionRecord, RegressionLabel } from '../monitoring/monitoring-types.js';
import { predictionDecimals } from '../monitoring/predicted-value.js';
import {
  bottomLegend,
  brushParam,
  type ChartOptions,
  grouped,
  messageSpec,
  modelChangeRows,
  named,
  type Obj,
  percent,
  recentTableSpec,
  sharedAxis,
  shortTime,
  TIME_HEIGHT,
  timeX,
  top,
  truncate,
  VERSION_TOOLTIP_TAIL,
  versionAxis,
  withInteraction,
} from './chart-kit.js';

const SQUARE = 320;

/** The label of a regression report (a classification report has none: a caller's bug). */
function labelOf(r: MonitoringReport): RegressionLabel {
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

/** Axis maxima on a coarse grid, so a day's small change does not rescale the chart. */
function ceilTo(x: number, step: number): number {
  return Math.max(step, Math.ceil(x / step) * step);
}

/** The round step of an axis whose data reach `max`: 1, 2 or 5 × 10^k giving about 4–10 ticks. */
function axisStep(max: number): number {
  const power = 10 ** Math.floor(Math.log10(max || 1));
  return max / power > 5 ? power : max / power > 2 ? power / 2 : power / 5;
}

export const ERROR_SERIES = [
  'daily MAE',
  'rolling 7-day MAE',
  'rolling 30-day MAE',
  'rolling 30-day RMSE',
] as const;

/** Rows of the error-over-time chart, one per day and series that has a value. */
export function errorRows(r: MonitoringReport): Obj[] {
  const rows: Obj[] = [];
  for (const d of r.regression?.daily ?? []) {
    const base = { date: d.date, day: d.date, labelled: d.labelled };
    const values = [d.mae, d.rolling7Mae, d.rolling30Mae, d.rolling30Rmse];
    values.forEach((value, i) => {
      if (value !== null) rows.push({ ...base, series: ERROR_SERIES[i], error: value });
    });
  }
  return rows;
}

export function errorOverTimeSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Error over time (MAE, RMSE)';
  const rows = errorRows(r);
  if (rows.length === 0)
    return messageSpec(
      title,
      'No labelled predictions yet, so there is no error over time to show.',
      'No labelled predictions yet.',
      opts,
    );
  const daily = r.regression!.daily;
  const last = [...daily].reverse().find((d) => d.rolling30Mae !== null);
  const threshold = r.thresholds.mae ?? null;
  const holdout = r.champion?.holdoutMae ?? null;
  const changes = r.modelChanges.map((c) => `v${c.version} from ${c.date}`).join(', ');
  const description =
    `Mean absolute error of ${r.title} predictions per day from ${daily[0].date} to ${daily[daily.length - 1].date}, ` +
    `with rolling 7-day and 30-day MAE and rolling 30-day RMSE. Latest rolling 30-day MAE ${errorText(r, last?.rolling30Mae ?? null)}; ` +
    `the alert threshold is ${errorText(r, threshold)}` +
    (holdout === null ? '.' : ` (holdout MAE ${errorText(r, holdout)}).`) +
    (changes ? ` Model versions: ${changes}.` : '');
  const values = rows.map((row) => row.error as number);
  const top0 = Math.max(...values, threshold ?? 0, holdout ?? 0);
  const y = {
    field: 'error',
    type: 'quantitative',
    title: labelOf(r).unit ? `error (${labelOf(r).unit})` : 'error',
    scale: { domain: [0, ceilTo(top0 * 1.05, axisStep(top0))] },
  };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: [...ERROR_SERIES], range: ['#9aa5b1', '#1f77b4', '#ff7f0e', '#2ca02c'] },
    legend: bottomLegend(opts, ERROR_SERIES.length),
  };
  const tooltip = [
    { field: 'day', type: 'nominal', title: 'date' },
    { field: 'series', type: 'nominal', title: 'series' },
    { field: 'error', type: 'quantitative', title: 'value', format: '.3f' },
    { field: 'labelled', type: 'quantitative', title: 'labelled that day' },
  ];
  const points: Obj = {
    transform: [{ filter: { field: 'series', equal: ERROR_SERIES[0] } }],
    mark: { type: 'point', filled: true, size: 22, opacity: 0.8 },
    encoding: withInteraction(opts, { x: timeX(opts), y, color }, tooltip),
  };
  if (opts.interactive) points.params = [brushParam];
  const lines: Obj = {
    transform: [{ filter: { field: 'series', oneOf: ERROR_SERIES.slice(1) } }],
    mark: { type: 'line', strokeWidth: 2 },
    encoding: { x: timeX(sharedAxis(opts)), y, color },
  };
  const layers: Obj[] = [points, lines];
  if (threshold !== null)
    layers.push({
      data: named('maeThreshold', [{ error: threshold }]),
      mark: { type: 'rule', strokeDash: [5, 4], color: '#c0392b' },
      encoding: { y: { field: 'error', type: 'quantitative' } },
    });
  const changeData = named('modelChanges', modelChangeRows(r));
  layers.push(
    {
      data: changeData,
      mark: { type: 'rule', color: '#555', strokeDash: [2, 2] },
      encoding: { x: timeX(sharedAxis(opts)) },
    },
    {
      data: changeData,
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 2, fontSize: 11, color: '#333' },
      encoding: { x: timeX(sharedAxis(opts)), y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
    },
  );
  return top(
    opts,
    title,
    `dots: daily MAE · dashed red: alert above ${errorText(r, threshold)} · grey rules: model changes`,
    description,
    { height: TIME_HEIGHT, data: named('errors', rows), layer: layers },
  );
}

export function versionErrorRows(r: MonitoringReport): Obj[] {
  const champion = r.champion?.version ?? null;
  return (r.regression?.byVersion ?? []).map((v) => ({
    version: `v${v.version}`,
    role: v.version === champion ? 'champion' : 'earlier',
    mae: v.mae,
    rmse: v.rmse,
    labelY: v.mae ?? 0,
    rows: v.rows,
    labelled: v.labelled,
    from: v.firstDate,
    to: v.lastDate,
    label:
      v.mae === null
        ? `no labels yet (${grouped(v.rows)} rows)`
        : `${errorText(r, v.mae)} · ${grouped(v.labelled)} labelled`,
  }));
}

export function versionErrorSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'MAE per model version';
  const versions = r.regression?.byVersion ?? [];
  if (versions.length === 0)
    return messageSpec(
      title,
      'No model version has made a logged prediction yet.',
      'No predictions yet.',
      opts,
    );
  const description =
    'Mean absolute error of each model version on its labelled predictions: ' +
    versions
      .map(
        (v) =>
          `v${v.version} MAE ${errorText(r, v.mae)}, RMSE ${errorText(r, v.rmse)} on ${grouped(v.labelled)} labelled of ${grouped(v.rows)} rows`,
      )
      .join('; ') +
    '.';
  const x = versionAxis(versions.map((v) => v.version));
  const most = Math.max(0, ...versions.map((v) => v.mae ?? 0), r.champion?.holdoutMae ?? 0);
  const tooltip = [
    { field: 'version', type: 'nominal', title: 'version' },
    { field: 'mae', type: 'quantitative', title: 'MAE', format: '.3f' },
    { field: 'rmse', type: 'quantitative', title: 'RMSE', format: '.3f' },
    ...VERSION_TOOLTIP_TAIL,
  ];
  return top(opts, title, null, description, {
    height: TIME_HEIGHT,
    data: named('versionErrors', versionErrorRows(r)),
    layer: [
      {
        mark: { type: 'bar', width: { band: 0.6 } },
        encoding: withInteraction(
          opts,
          {
            x,
            y: {
              field: 'mae',
              type: 'quantitative',
              title: 'MAE',
              // Headroom keeps the bar label inside the plot.
              scale: { domain: [0, ceilTo(most * 1.25, axisStep(most || 1))] },
            },
            color: {
              field: 'role',
              type: 'nominal',
              title: null,
              scale: { domain: ['champion', 'earlier'], range: ['#1f77b4', '#aec7e8'] },
              legend: bottomLegend(opts, 2),
            },
          },
          tooltip,
        ),
      },
      {
        mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 11 },
        encoding: {
          x,
          y: { field: 'labelY', type: 'quantitative' },
          text: { field: 'label', type: 'nominal' },
        },
      },
    ],
  });
}

/** The square's domain: the label's range when the spec gives one, else the data's, rounded outwards. */
function scatterDomain(r: MonitoringReport): [number, number] {
  const range = labelOf(r).range;
  if (range) return range;
  const values = r.regression!.scatter.flatMap((p) => [p.predicted, p.actual]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const step = axisStep(hi - lo || 1);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

export function predictedVsActualSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Predicted vs actual';
  const points = r.regression?.scatter ?? [];
  if (points.length === 0)
    return messageSpec(
      title,
      'No labelled predictions in the window yet, so there is nothing to plot.',
      'No labelled predictions yet.',
      opts,
    );
  const label = labelOf(r);
  const domain = scatterDomain(r);
  const live = r.regression!.live;
  const description =
    `Predicted against actual ${label.title} for the ${grouped(points.length)} newest labelled predictions of the ` +
    `last ${live.days} days, with the line of perfect predictions (y = x): MAE ${errorText(r, live.mae)}, ` +
    `RMSE ${errorText(r, live.rmse)} over ${grouped(live.labelled)} labelled rows.`;
  const unit = label.unit ? ` (${label.unit})` : '';
  const axis = (name: string, field: string) => ({
    field,
    type: 'quantitative',
    title: `${name}${unit}`,
    scale: { domain, nice: false },
  });
  const rows = points.map((p) => ({
    ...p,
    day: p.date,
    model: `v${p.version}`,
    error: p.predicted - p.actual,
  }));
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
        data: named('scatter', rows),
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
  const n = bins.reduce((s, b) => s + b.count, 0);
  const over = bins.filter((b) => b.from >= 0).reduce((s, b) => s + b.count, 0);
  const drift = r.regression!.residualDrift;
  const description =
    `Histogram of predicted minus actual over the ${grouped(n)} labelled predictions of the last ` +
    `${r.regression!.live.days} days, from ${formatNumber(bins[0].from, 6)} to ${formatNumber(bins[bins.length - 1].to, 6)}; ` +
    `${percent(over / n)} at or above zero (over-predictions).` +
    (drift
      ? ` Residual drift against the champion's holdout: KS ${formatNumber(drift.statistic, 3)}, p ${formatNumber(drift.pValue, 4)}, PSI ${formatNumber(drift.psi, 3)}: ${drift.status}.`
      : r.regression!.residualDriftSkipped
        ? ` Residual drift not computed: ${r.regression!.residualDriftSkipped}.`
        : '');
  const tooltip = [
    { field: 'from', type: 'quantitative', title: 'from' },
    { field: 'to', type: 'quantitative', title: 'to' },
    { field: 'count', type: 'quantitative', title: 'rows' },
  ];
  const unit = labelOf(r).unit;
  return top(
    opts,
    title,
    drift ? `residual drift vs holdout: ${drift.status} · dashed: no error` : 'dashed: no error',
    description,
    {
      height: TIME_HEIGHT,
      layer: [
        {
          data: named(
            'errorBins',
            bins.map((b) => ({ ...b })),
          ),
          mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5, color: '#1f77b4' },
          encoding: withInteraction(
            opts,
            {
              x: {
                field: 'from',
                type: 'quantitative',
                title: unit ? `predicted − actual (${unit})` : 'predicted − actual',
              },
              x2: { field: 'to' },
              // Bars from zero up: with a ranged x, Vega-Lite would otherwise lay them on their side.
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

/** Table columns of the recent regression predictions. */
const VALUE_COLUMNS = [
  { key: 'id', header: 'id', x: 0, max: 8 },
  { key: 'time', header: 'event time (UTC)', x: 0.09, max: 16 },
  { key: 'model', header: 'model', x: 0.33, max: 6 },
  { key: 'predicted', header: 'predicted', x: 0.42, max: 10 },
  { key: 'interval', header: '10–90%', x: 0.55, max: 16 },
  { key: 'actual', header: 'actual', x: 0.75, max: 10 },
  { key: 'error', header: 'error', x: 0.87, max: 10 },
] as const;

/** The smallest tolerance: an error within it shows green, beyond it red. */
function smallestTolerance(r: MonitoringReport): number | null {
  const t = labelOf(r).tolerances;
  return t.length ? Math.min(...t) : null;
}

/** An error's sign and size in the log's precision: "+0.33", "−1". */
function signedError(r: MonitoringReport, p: PredictionRecord): string {
  const e = Number(p.predicted) - Number(p.actual);
  const text = formatNumber(Math.abs(e), predictionDecimals(labelOf(r)));
  return text === '0' ? '0' : `${e > 0 ? '+' : '−'}${text}`;
}

export function recentValueCellRows(r: MonitoringReport): Obj[] {
  const tolerance = smallestTolerance(r);
  const decimals = predictionDecimals(labelOf(r));
  const cells: Obj[] = [];
  [...r.recent].reverse().forEach((p, i) => {
    const e = p.actual === null ? null : Math.abs(Number(p.predicted) - Number(p.actual));
    const tone =
      e === null ? 'waiting' : tolerance === null ? 'plain' : e <= tolerance + 1e-9 ? 'right' : 'wrong';
    const full: Record<(typeof VALUE_COLUMNS)[number]['key'], string> = {
      id: String(p.id),
      time: shortTime(p.eventTime),
      model: `v${p.modelVersion}`,
      predicted: p.predicted,
      interval:
        p.low === undefined || p.high === undefined
          ? '–'
          : `${formatNumber(p.low, decimals)}–${formatNumber(p.high, decimals)}`,
      actual: p.actual ?? 'waiting',
      error: p.actual === null ? '…' : signedError(r, p),
    };
    for (const c of VALUE_COLUMNS) {
      cells.push({
        row: i + 1,
        x: c.x,
        column: c.key,
        text: truncate(full[c.key], c.max),
        full: full[c.key],
        tone: c.key === 'error' || (c.key === 'actual' && p.actual === null) ? tone : 'plain',
      });
    }
  });
  return cells;
}

export function recentValuesSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Recent predictions';
  if (r.recent.length === 0)
    return messageSpec(
      title,
      'No predictions yet, so the table of recent predictions is empty.',
      'No predictions yet.',
      opts,
    );
  const labelled = r.recent.filter((p) => p.actual !== null);
  const tolerance = smallestTolerance(r);
  const within =
    tolerance === null
      ? ''
      : ` ${labelled.filter((p) => Math.abs(Number(p.predicted) - Number(p.actual)) <= tolerance + 1e-9).length} of ${labelled.length} labelled ones within ${formatNumber(tolerance, 6)},`;
  const description =
    `The ${r.recent.length} most recent predictions, newest first, with event time, model version, predicted ` +
    `value, its 10–90% interval, actual value and error:${within} ${r.recent.length - labelled.length} waiting for a label.`;
  return recentTableSpec(
    opts,
    title,
    description,
    VALUE_COLUMNS.map((c) => ({ row: 0, x: c.x, text: c.header })),
    recentValueCellRows(r),
    r.recent.length,
  );
}

/** The latest regression prediction in words: value, interval, actual and error. */
export function latestValueText(r: MonitoringReport, p: PredictionRecord): string {
  const decimals = predictionDecimals(labelOf(r));
  const interval =
    p.low === undefined || p.high === undefined
      ? ''
      : ` (10–90% interval ${formatNumber(p.low, decimals)}–${formatNumber(p.high, decimals)})`;
  const actual =
    p.actual === null ? 'actual: waiting for its label' : `actual ${p.actual}, error ${signedError(r, p)}`;
  return `#${p.id} for ${shortTime(p.eventTime)} UTC by model v${p.modelVersion}: predicted ${valueWithUnit(r, Number(p.predicted))}${interval}, ${actual}.`;
}

/** Live MAE / RMSE and accuracy within each tolerance beside the holdout and the mean baseline. */
export function liveErrorText(r: MonitoringReport): string {
  const live = r.regression!.live;
  const errors =
    live.mae === null
      ? `Last ${live.days} days: no labelled predictions yet.`
      : `Last ${live.days} days: MAE ${errorText(r, live.mae)}, RMSE ${errorText(r, live.rmse)} on ${grouped(live.labelled)} labelled rows` +
        (live.within.length
          ? `; ${live.within.map((w) => `within ${formatNumber(w.tolerance, 6)}: ${percent(w.accuracy)}`).join(', ')}.`
          : '.');
  const c = r.champion;
  const reference =
    c?.holdoutMae === undefined
      ? ''
      : ` Holdout MAE ${errorText(r, c.holdoutMae)}` +
        (c.holdoutBaselineMae == null
          ? '.'
          : `, predicting the training mean ${errorText(r, c.holdoutBaselineMae)}.`);
  return errors + reference;
}
