// The dashboard's regression charts as Vega-Lite specs, from the regression block of a monitoring file:
// MAE and RMSE over time with rolling 7/30-day lines, MAE per model version, predicted against actual
// with the y = x line, the error histogram and the drift of the features, the predicted value and the
// residual. They follow the conventions of the report's chart kit (actions/lib/charts.ts): named inline
// data (swappable by the date selection), UTC time axes, the same brush, tooltips only when interactive,
// and every string from the file carried as data, never inside an expression. Platform-neutral.
import type { TopLevelSpec } from 'vega-lite';
import {
  BRUSH_PARAM,
  type Chart,
  type ChartOptions,
  DEFAULT_WIDTH,
  grouped,
  messageSpec,
  modelChangeRows,
  rowsPerDaySpec,
} from '../../actions/lib/charts.js';
import { DRIFT_STATUSES, driftRuleText } from '../../actions/lib/drift-decision.js';
import type { MonitoringReport } from '../../actions/lib/monitoring-types.js';
import type { RegressionReport } from './regression-report.js';
import { spanText, valueText } from './value-format.js';

type Obj = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const TIME_HEIGHT = 220;
const SQUARE = 300;
export const ERROR_SERIES = ['daily', 'rolling 7-day', 'rolling 30-day'] as const;
/** The drift rows of the model's output, beside the features'. */
export const PREDICTED_VALUE_ROW = 'Predicted value (model output)';
export const RESIDUAL_ROW = 'Residual (predicted − actual)';
/** Colours of the drift decision in DRIFT_STATUSES order, as on the classification dashboard. */
const DRIFT_COLOURS = ['#d62728', '#f4a582', '#92c5de', '#9aa5b1'];

function top(opts: ChartOptions, title: string, subtitle: string | null, description: string, body: Obj) {
  return {
    $schema: SCHEMA,
    title: subtitle === null ? { text: title, anchor: 'start' } : { text: title, subtitle, anchor: 'start' },
    description,
    width: opts.width ?? DEFAULT_WIDTH,
    config: {
      aria: opts.interactive === true,
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 11 },
    },
    ...body,
  } as TopLevelSpec;
}

const named = (name: string, values: Obj[]) => ({ name, values });

const timeX = () => ({
  field: 'date',
  type: 'temporal',
  title: null,
  scale: { type: 'utc' },
  axis: { format: '%b %d', labelOverlap: true, tickCount: 8 },
});

const brushParam = { name: BRUSH_PARAM, select: { type: 'interval', encodings: ['x'] } };

const withTooltip = (opts: ChartOptions, encoding: Obj, tooltip: Obj[]): Obj =>
  opts.interactive ? { ...encoding, tooltip } : encoding;

/** The label's numbers in a tooltip: its decimals plus two (errors are finer than the label). */
const valueFormat = (r: RegressionReport, extra = 2) => `.${(r.label.decimals ?? 2) + extra}f`;

const unitTitle = (r: RegressionReport, what: string) => (r.label.unit ? `${what} (${r.label.unit})` : what);

export type ErrorMetric = 'mae' | 'rmse';

/** One row per day and series (daily, rolling 7, rolling 30) of MAE or RMSE; days without a value left out. */
export function errorRows(r: RegressionReport, metric: ErrorMetric): Obj[] {
  const rows: Obj[] = [];
  for (const d of r.regression.daily) {
    const values =
      metric === 'mae' ? [d.mae, d.rolling7Mae, d.rolling30Mae] : [d.rmse, d.rolling7Rmse, d.rolling30Rmse];
    values.forEach((error, i) => {
      if (error !== null)
        rows.push({ date: d.date, day: d.date, series: ERROR_SERIES[i], error, labelled: d.labelled });
    });
  }
  return rows;
}

export function scatterRows(r: RegressionReport): Obj[] {
  return r.regression.scatter.map((p) => ({
    date: p.date,
    day: p.date,
    version: `v${p.version}`,
    predicted: p.predicted,
    actual: p.actual,
    error: p.predicted - p.actual,
  }));
}

/** The MAE alert line: the champion's holdout MAE plus the margin, when the file has both. */
export function maeThreshold(r: RegressionReport): number | null {
  if (typeof r.thresholds.mae === 'number') return r.thresholds.mae;
  const alert = r.alerts.find((a) => (a.kind as string) === 'mae');
  return alert ? alert.threshold : null;
}

export function errorOverTimeSpec(
  r: RegressionReport,
  metric: ErrorMetric,
  opts: ChartOptions = {},
): TopLevelSpec {
  const name = metric === 'mae' ? 'MAE' : 'RMSE';
  const title = `${name} over time`;
  const rows = errorRows(r, metric);
  if (rows.length === 0)
    return messageSpec(
      title,
      `No labelled predictions yet, so there is no ${name} over time to show.`,
      'No labelled predictions yet.',
      opts,
    );
  const daily = r.regression.daily;
  const last = [...daily]
    .reverse()
    .find((d) => (metric === 'mae' ? d.rolling30Mae : d.rolling30Rmse) !== null);
  const lastRolling = last ? (metric === 'mae' ? last.rolling30Mae : last.rolling30Rmse) : null;
  const holdout = metric === 'mae' ? r.champion?.holdoutMae : r.champion?.holdoutRmse;
  const threshold = metric === 'mae' ? maeThreshold(r) : null;
  const description =
    `Daily ${name} of ${r.title} predictions (${r.label.title}) from ${daily[0].date} to ${daily[daily.length - 1].date}, ` +
    `with rolling 7-day and 30-day ${name}. Latest rolling 30-day ${name}: ` +
    `${lastRolling === null ? '–' : valueText(lastRolling, r.label, 2)}` +
    (holdout === undefined ? '.' : `; the champion's holdout ${name} is ${valueText(holdout, r.label, 2)}.`) +
    (threshold === null ? '' : ` The alert fires above ${valueText(threshold, r.label, 2)}.`);
  const y = { field: 'error', type: 'quantitative', title: unitTitle(r, name), scale: { zero: true } };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: [...ERROR_SERIES], range: ['#9aa5b1', '#1f77b4', '#ff7f0e'] },
    legend: { orient: 'bottom' },
  };
  const tooltip = [
    { field: 'day', type: 'nominal', title: 'date' },
    { field: 'series', type: 'nominal', title: 'series' },
    { field: 'error', type: 'quantitative', title: name, format: valueFormat(r) },
    { field: 'labelled', type: 'quantitative', title: 'labelled that day' },
  ];
  const points: Obj = {
    transform: [{ filter: { field: 'series', equal: ERROR_SERIES[0] } }],
    mark: { type: 'point', filled: true, size: 22, opacity: 0.8 },
    encoding: withTooltip(opts, { x: timeX(), y, color }, tooltip),
  };
  if (opts.interactive) points.params = [brushParam];
  const lines: Obj = {
    transform: [{ filter: { field: 'series', oneOf: [ERROR_SERIES[1], ERROR_SERIES[2]] } }],
    mark: { type: 'line', strokeWidth: 2 },
    encoding: { x: timeX(), y, color },
  };
  const refs: Obj[] = [];
  if (holdout !== undefined) refs.push({ error: holdout, what: 'holdout' });
  if (threshold !== null) refs.push({ error: threshold, what: 'alert' });
  const layer: Obj[] = [points, lines];
  for (const ref of refs)
    layer.push({
      data: named(`${metric}-${ref.what}`, [ref]),
      mark:
        ref.what === 'alert'
          ? { type: 'rule', strokeDash: [5, 4], color: '#c0392b' }
          : { type: 'rule', strokeDash: [2, 3], color: '#2ca02c' },
      encoding: { y: { field: 'error', type: 'quantitative' } },
    });
  const changes = named('modelChanges', modelChangeRows(r as unknown as MonitoringReport));
  layer.push(
    { data: changes, mark: { type: 'rule', color: '#555', strokeDash: [2, 2] }, encoding: { x: timeX() } },
    {
      data: changes,
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 2, fontSize: 11, color: '#333' },
      encoding: { x: timeX(), y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
    },
  );
  const subtitle = [
    `dots: daily ${name}`,
    holdout === undefined ? null : 'dotted green: holdout',
    threshold === null ? null : 'dashed red: alert',
    'grey rules: model changes',
  ]
    .filter((s) => s !== null)
    .join(' · ');
  return top(opts, title, subtitle, description, {
    height: TIME_HEIGHT,
    data: named(metric === 'mae' ? 'maeOverTime' : 'rmseOverTime', rows),
    layer,
  });
}

export function versionMaeSpec(r: RegressionReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'MAE per model version';
  const versions = r.regression.byVersion.filter((v) => v.mae !== null);
  if (versions.length === 0)
    return messageSpec(
      title,
      'No model version has a labelled prediction yet.',
      'No labelled predictions yet.',
      opts,
    );
  const champion = r.champion?.version ?? null;
  const rows = versions.map((v) => ({
    version: `v${v.version}`,
    mae: v.mae,
    rmse: v.rmse,
    labelled: v.labelled,
    rows: v.rows,
    from: v.firstDate,
    to: v.lastDate,
    role: v.version === champion ? 'champion' : 'earlier',
    label: valueText(v.mae as number, r.label, 2),
  }));
  const description =
    'Mean absolute error of each model version on its labelled predictions: ' +
    versions
      .map(
        (v) =>
          `v${v.version} ${valueText(v.mae as number, r.label, 2)} on ${grouped(v.labelled)} labelled of ${grouped(v.rows)} rows`,
      )
      .join('; ') +
    '.';
  const x = {
    field: 'version',
    type: 'nominal',
    title: 'model version',
    sort: null,
    axis: { labelAngle: 0 },
  };
  const tooltip = [
    { field: 'version', type: 'nominal', title: 'version' },
    { field: 'mae', type: 'quantitative', title: 'MAE', format: valueFormat(r) },
    { field: 'rmse', type: 'quantitative', title: 'RMSE', format: valueFormat(r) },
    { field: 'labelled', type: 'quantitative', title: 'labelled rows' },
    { field: 'from', type: 'nominal', title: 'first day' },
    { field: 'to', type: 'nominal', title: 'last day' },
  ];
  const y = { field: 'mae', type: 'quantitative', title: unitTitle(r, 'MAE'), scale: { zero: true } };
  const layer: Obj[] = [
    {
      mark: { type: 'bar', width: { band: 0.6 } },
      encoding: withTooltip(
        opts,
        {
          x,
          y,
          color: {
            field: 'role',
            type: 'nominal',
            title: null,
            scale: { domain: ['champion', 'earlier'], range: ['#1f77b4', '#aec7e8'] },
            legend: { orient: 'bottom' },
          },
        },
        tooltip,
      ),
    },
    {
      mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 11 },
      encoding: { x, y, text: { field: 'label', type: 'nominal' } },
    },
  ];
  if (r.champion?.holdoutMae !== undefined)
    layer.push({
      data: named('versionHoldout', [{ mae: r.champion.holdoutMae }]),
      mark: { type: 'rule', strokeDash: [2, 3], color: '#2ca02c' },
      encoding: { y: { field: 'mae', type: 'quantitative' } },
    });
  return top(
    opts,
    title,
    r.champion?.holdoutMae === undefined ? null : "dotted green: the champion's holdout MAE",
    description,
    { height: TIME_HEIGHT, data: named('versionMae', rows), layer },
  );
}

/** The axis domain of the scatter: the label's range, widened to any value outside it. */
function scatterDomain(r: RegressionReport): [number, number] {
  const values = r.regression.scatter.flatMap((p) => [p.predicted, p.actual]);
  const lo = Math.min(...values, ...(r.label.range ? [r.label.range[0]] : []));
  const hi = Math.max(...values, ...(r.label.range ? [r.label.range[1]] : []));
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}

export function predictedVsActualSpec(r: RegressionReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Predicted against actual';
  const rows = scatterRows(r);
  if (rows.length === 0)
    return messageSpec(
      title,
      'No labelled predictions yet, so there is nothing to compare.',
      'No labelled predictions yet.',
      opts,
    );
  const domain = scatterDomain(r);
  const above = rows.filter((p) => (p.predicted as number) > (p.actual as number)).length;
  const below = rows.filter((p) => (p.predicted as number) < (p.actual as number)).length;
  const description =
    `${grouped(rows.length)} labelled predictions of ${r.label.title}, predicted value against actual value, ` +
    `with the line where they are equal: ${grouped(above)} predicted too high, ${grouped(below)} too low, ` +
    `${grouped(rows.length - above - below)} exact.`;
  const axis = (field: string, what: string) => ({
    field,
    type: 'quantitative',
    title: unitTitle(r, what),
    scale: { domain, nice: false },
  });
  const tooltip = [
    { field: 'day', type: 'nominal', title: 'date' },
    { field: 'version', type: 'nominal', title: 'model' },
    { field: 'predicted', type: 'quantitative', title: 'predicted', format: valueFormat(r) },
    { field: 'actual', type: 'quantitative', title: 'actual', format: valueFormat(r, 0) },
    { field: 'error', type: 'quantitative', title: 'error (predicted − actual)', format: valueFormat(r) },
  ];
  const width = typeof opts.width === 'number' ? Math.min(opts.width, SQUARE + 80) : opts.width;
  return top(
    { ...opts, width },
    title,
    'dashed: predicted = actual (above it: predicted too high)',
    description,
    {
      height: SQUARE,
      layer: [
        {
          data: named('identity', [
            { predicted: domain[0], actual: domain[0] },
            { predicted: domain[1], actual: domain[1] },
          ]),
          mark: { type: 'line', strokeDash: [5, 4], color: '#555', clip: true },
          encoding: { x: axis('actual', 'actual'), y: axis('predicted', 'predicted') },
        },
        {
          data: named('scatter', rows),
          // Integer labels pile up in columns: transparency shows where many points sit.
          mark: { type: 'circle', size: 28, opacity: 0.45, color: '#1f77b4', clip: true },
          encoding: withTooltip(
            opts,
            { x: axis('actual', 'actual'), y: axis('predicted', 'predicted') },
            tooltip,
          ),
        },
      ],
    },
  );
}

export function errorHistogramSpec(r: RegressionReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Error distribution';
  const bins = r.regression.errors;
  const total = bins.reduce((s, b) => s + b.count, 0);
  if (total === 0)
    return messageSpec(
      title,
      'No labelled predictions in the window, so there are no errors to show.',
      'No labelled predictions yet.',
      opts,
    );
  const under = bins.filter((b) => b.to <= 0).reduce((s, b) => s + b.count, 0);
  const over = bins.filter((b) => b.from >= 0).reduce((s, b) => s + b.count, 0);
  const description =
    `Histogram of the errors (predicted − actual) of ${grouped(total)} labelled predictions of the last ` +
    `${r.thresholds.windowDays} days, from ${valueText(bins[0].from, r.label, 2)} to ` +
    `${valueText(bins[bins.length - 1].to, r.label, 2)}: ${grouped(under)} below zero (predicted too low), ` +
    `${grouped(over)} above zero (too high).`;
  const rows = bins.map((b) => ({ ...b, bin: spanText(b.from, b.to, r.label, 2) }));
  const tooltip = [
    { field: 'bin', type: 'nominal', title: 'error' },
    { field: 'count', type: 'quantitative', title: 'predictions' },
  ];
  return top(
    opts,
    title,
    `predicted − actual, last ${r.thresholds.windowDays} days · rule: no error`,
    description,
    {
      height: TIME_HEIGHT,
      layer: [
        {
          data: named('errors', rows),
          mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5, color: '#1f77b4' },
          encoding: withTooltip(
            opts,
            {
              x: {
                field: 'from',
                type: 'quantitative',
                title: unitTitle(r, 'predicted − actual'),
                scale: { zero: false },
              },
              x2: { field: 'to' },
              y: { field: 'count', type: 'quantitative', title: 'predictions' },
            },
            tooltip,
          ),
        },
        {
          data: named('zeroError', [{ from: 0 }]),
          mark: { type: 'rule', color: '#333', strokeDash: [2, 2] },
          encoding: { x: { field: 'from', type: 'quantitative' } },
        },
      ],
    },
  );
}

export interface RegressionDriftRow {
  name: string;
  test: string;
  statistic: number;
  pValue: number;
  adjustedPValue: number;
  psi: number;
  status: string;
  drifted: boolean;
}

/** The features' drift, then the predicted value's and the residual's (each one test of its own). */
export function regressionDriftRows(r: RegressionReport): RegressionDriftRow[] {
  const rows: RegressionDriftRow[] = [];
  const statusOf = (x: { status?: string; drifted: boolean }) =>
    x.status ?? (x.drifted ? 'drifted' : 'stable');
  if (r.drift) {
    for (const f of r.drift.features)
      rows.push({
        name: f.title,
        test: f.test === 'ks' ? 'KS' : 'chi-square',
        statistic: f.statistic,
        pValue: f.pValue,
        adjustedPValue: f.adjustedPValue ?? f.pValue,
        psi: f.psi,
        status: statusOf(f),
        drifted: f.drifted,
      });
    const p = r.drift.prediction;
    rows.push({
      name: PREDICTED_VALUE_ROW,
      test: (p.test as string) === 'ks' ? 'KS' : 'chi-square',
      statistic: p.statistic,
      pValue: p.pValue,
      adjustedPValue: p.pValue,
      psi: p.psi,
      status: statusOf(p),
      drifted: p.drifted,
    });
  }
  const d = r.regression.residualDrift;
  if (d)
    rows.push({
      name: RESIDUAL_ROW,
      test: 'KS',
      statistic: d.statistic,
      pValue: d.pValue,
      adjustedPValue: d.pValue,
      psi: d.psi,
      status: d.status,
      drifted: d.drifted,
    });
  return rows;
}

export function regressionDriftSpec(r: RegressionReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Drift (PSI): features, predicted value and residual';
  const rows = regressionDriftRows(r);
  if (rows.length === 0) {
    const reason = r.driftSkipped ?? 'no window with enough rows yet';
    return messageSpec(title, `Drift was not computed: ${reason}`, `Drift not computed: ${reason}`, opts);
  }
  const drifted = rows.filter((x) => x.drifted).map((x) => x.name);
  const description =
    `Population stability index of ${r.drift ? r.drift.features.length : 0} features, the predicted value and the ` +
    `residual over the last ${r.thresholds.windowDays} days against the reference. ` +
    (drifted.length ? `Drifted: ${drifted.join(', ')}.` : 'Nothing drifted.') +
    ` Rule: ${driftRuleText(r.thresholds)}.`;
  const axisMax = Math.ceil(Math.max(2 * r.thresholds.psi, ...rows.map((x) => x.psi)) * 2) / 2;
  const y = { field: 'name', type: 'nominal', title: null, sort: null, axis: { labelLimit: 240 } };
  const tooltip = [
    { field: 'name', type: 'nominal', title: 'what' },
    { field: 'test', type: 'nominal', title: 'test' },
    { field: 'statistic', type: 'quantitative', title: 'statistic', format: '.4f' },
    { field: 'pValue', type: 'quantitative', title: 'p-value', format: '.3g' },
    { field: 'psi', type: 'quantitative', title: 'PSI', format: '.3f' },
    { field: 'status', type: 'nominal', title: 'status' },
  ];
  return top(opts, title, `dashed: PSI ${r.thresholds.psi} · red: drifted`, description, {
    height: Math.max(60, rows.length * 26),
    layer: [
      {
        data: named('regressionDrift', rows as unknown as Obj[]),
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: withTooltip(
          opts,
          {
            y,
            x: {
              field: 'psi',
              type: 'quantitative',
              title: 'PSI',
              scale: { domain: [0, axisMax], clamp: true },
            },
            color: {
              field: 'status',
              type: 'nominal',
              title: null,
              scale: { domain: [...DRIFT_STATUSES], range: DRIFT_COLOURS },
              legend: { orient: 'bottom' },
            },
          },
          tooltip,
        ),
      },
      {
        data: named('regressionPsiThreshold', [{ psi: r.thresholds.psi }]),
        mark: { type: 'rule', strokeDash: [5, 4], color: '#c0392b' },
        encoding: { x: { field: 'psi', type: 'quantitative' } },
      },
    ],
  });
}

/** Every regression chart in dashboard order (the dashboard's recent predictions are an HTML table). */
export function regressionCharts(r: RegressionReport, opts: ChartOptions = {}): Chart[] {
  const charts: [string, TopLevelSpec][] = [
    ['mae-over-time', errorOverTimeSpec(r, 'mae', opts)],
    ['predicted-vs-actual', predictedVsActualSpec(r, opts)],
    ['rmse-over-time', errorOverTimeSpec(r, 'rmse', opts)],
    ['error-histogram', errorHistogramSpec(r, opts)],
    ['drift', regressionDriftSpec(r, opts)],
    ['version-mae', versionMaeSpec(r, opts)],
    ['rows-per-day', rowsPerDaySpec(r as unknown as MonitoringReport, opts)],
  ];
  return charts.map(([id, spec]) => ({
    id,
    title: titleOf(spec),
    description: spec.description ?? '',
    spec,
  }));
}

function titleOf(spec: TopLevelSpec): string {
  const t = spec.title as { text?: unknown } | string | undefined;
  return typeof t === 'string' ? t : typeof t?.text === 'string' ? t.text : '';
}
