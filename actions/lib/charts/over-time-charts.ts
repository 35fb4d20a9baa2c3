// The headline figure over time, one builder for both tasks: accuracy (classification) or MAE and RMSE
// (regression) per day as dots, rolling 7/30-day lines, the alert threshold as a dashed rule and the model
// changes as grey rules. The first time chart of the dashboard, and the one whose brush selects dates.
// Browser-safe.
import type { TopLevelSpec } from 'vega-lite';
import { percent } from '../core/format.js';
import type { MonitoringReport } from '../monitoring/monitoring-types.js';
import {
  axisStep,
  bottomLegend,
  brushParam,
  type ChartOptions,
  ceilTo,
  messageSpec,
  named,
  type Obj,
  sharedAxis,
  TIME_HEIGHT,
  timeX,
  top,
  withInteraction,
} from './chart-kit.js';
import {
  ACCURACY_SERIES,
  accuracyRows,
  DATED_DATA,
  ERROR_SERIES,
  errorRows,
  modelChangeRows,
} from './chart-rows.js';
import { errorText, labelOf } from './regression-values.js';

/** What differs between the two tasks' charts; the layers are the same. */
interface OverTime {
  title: string;
  subtitle: string;
  description: string;
  data: string;
  rows: Obj[];
  /** The series, the daily one (drawn as dots) first. */
  series: readonly string[];
  colours: string[];
  y: Obj;
  /** The value's tooltip line. */
  value: Obj;
  /** The alert threshold's rule, or null when the dataset has none. */
  threshold: Obj | null;
}

function overTimeSpec(r: MonitoringReport, opts: ChartOptions, o: OverTime): TopLevelSpec {
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: [...o.series], range: o.colours },
    legend: bottomLegend(opts, o.series.length),
  };
  const tooltip = [
    { field: 'day', type: 'nominal', title: 'date' },
    { field: 'series', type: 'nominal', title: 'series' },
    o.value,
    { field: 'labelled', type: 'quantitative', title: 'labelled that day' },
  ];
  const points: Obj = {
    transform: [{ filter: { field: 'series', equal: o.series[0] } }],
    mark: { type: 'point', filled: true, size: 22, opacity: 0.8 },
    encoding: withInteraction(opts, { x: timeX(opts), y: o.y, color }, tooltip),
  };
  if (opts.interactive) points.params = [brushParam];
  const lines: Obj = {
    transform: [{ filter: { field: 'series', oneOf: o.series.slice(1) } }],
    // Straight segments: a new day appends to the path instead of reshaping its last curve.
    mark: { type: 'line', strokeWidth: 2 },
    encoding: { x: timeX(sharedAxis(opts)), y: o.y, color },
  };
  const layers = [points, lines, ...(o.threshold ? [o.threshold] : []), ...modelChangeLayers(r, opts)];
  return top(opts, o.title, o.subtitle, o.description, {
    height: TIME_HEIGHT,
    data: named(o.data, o.rows),
    layer: layers,
  });
}

/** A grey dashed rule and a "v3" label at each model change. */
function modelChangeLayers(r: MonitoringReport, opts: ChartOptions): Obj[] {
  const changeData = named(DATED_DATA.modelChanges, modelChangeRows(r));
  return [
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
  ];
}

/** Days and model versions in the words of a description. */
function spanText(r: MonitoringReport, days: readonly { date: string }[]): [string, string] {
  const changes = r.modelChanges.map((c) => `v${c.version} from ${c.date}`).join(', ');
  return [
    `from ${days[0].date} to ${days[days.length - 1].date}`,
    changes ? ` Model versions: ${changes}.` : '',
  ];
}

function accuracyDomain(r: MonitoringReport): [number, number] {
  const values = accuracyRows(r).map((row) => row.accuracy);
  const low = Math.min(r.thresholds.accuracy ?? 1, ...values);
  return [Math.max(0, Math.floor(low * 10 - 0.5) / 10), 1];
}

export function accuracyOverTimeSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Accuracy over time';
  const rows = accuracyRows(r);
  if (rows.length === 0) {
    return messageSpec(
      title,
      'No labelled predictions yet, so there is no accuracy over time to show.',
      'No labelled predictions yet.',
      opts,
    );
  }
  const last = [...r.daily].reverse().find((d) => d.rolling7 !== null);
  const [span, versions] = spanText(r, r.daily);
  return overTimeSpec(r, opts, {
    title,
    subtitle: `dots: daily accuracy · dashed red: alert below ${percent(r.thresholds.accuracy ?? null)} · grey rules: model changes`,
    description:
      `Daily accuracy of ${r.title} predictions ${span}, ` +
      `with rolling 7-day and 30-day accuracy. Latest rolling 7-day accuracy ${percent(last?.rolling7 ?? null)}; ` +
      `the alert threshold is ${percent(r.thresholds.accuracy ?? null)}.${versions}`,
    data: DATED_DATA.accuracy,
    rows,
    series: ACCURACY_SERIES,
    colours: ['#9aa5b1', '#1f77b4', '#ff7f0e'],
    y: {
      field: 'accuracy',
      type: 'quantitative',
      title: 'accuracy',
      scale: { domain: accuracyDomain(r) },
      axis: { format: '.0%' },
    },
    value: { field: 'accuracy', type: 'quantitative', title: 'accuracy', format: '.1%' },
    threshold: {
      data: named('threshold', [{ accuracy: r.thresholds.accuracy }]),
      mark: { type: 'rule', strokeDash: [5, 4], color: '#c0392b' },
      encoding: { y: { field: 'accuracy', type: 'quantitative' } },
    },
  });
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
  const daily = r.regression?.daily ?? [];
  const last = [...daily].reverse().find((d) => d.rolling30Mae !== null);
  const threshold = r.thresholds.mae ?? null;
  const holdout = r.champion?.holdoutMae ?? null;
  const [span, versions] = spanText(r, daily);
  const most = Math.max(...rows.map((row) => row.error), threshold ?? 0, holdout ?? 0);
  const unit = labelOf(r).unit;
  return overTimeSpec(r, opts, {
    title,
    subtitle: `dots: daily MAE · dashed red: alert above ${errorText(r, threshold)} · grey rules: model changes`,
    description:
      `Mean absolute error of ${r.title} predictions per day ${span}, ` +
      `with rolling 7-day and 30-day MAE and rolling 30-day RMSE. Latest rolling 30-day MAE ${errorText(r, last?.rolling30Mae ?? null)}; ` +
      `the alert threshold is ${errorText(r, threshold)}` +
      (holdout === null ? '.' : ` (holdout MAE ${errorText(r, holdout)}).`) +
      versions,
    data: DATED_DATA.errors,
    rows,
    series: ERROR_SERIES,
    colours: ['#9aa5b1', '#1f77b4', '#ff7f0e', '#2ca02c'],
    y: {
      field: 'error',
      type: 'quantitative',
      title: unit ? `error (${unit})` : 'error',
      scale: { domain: [0, ceilTo(most * 1.05, axisStep(most))] },
    },
    value: { field: 'error', type: 'quantitative', title: 'value', format: '.3f' },
    threshold:
      threshold === null
        ? null
        : {
            data: named('maeThreshold', [{ error: threshold }]),
            mark: { type: 'rule', strokeDash: [5, 4], color: '#c0392b' },
            encoding: { y: { field: 'error', type: 'quantitative' } },
          },
  });
}
