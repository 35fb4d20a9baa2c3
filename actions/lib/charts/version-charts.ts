// The headline figure per model version, one builder for both tasks: a bar per version (the champion
// dark, earlier ones light) labelled with its accuracy (classification) or MAE (regression) and its
// labelled rows, so a new model's effect reads at a glance. Browser-safe.
import type { TopLevelSpec } from 'vega-lite';
import { grouped, percent } from '../core/format.js';
import type { MonitoringReport } from '../monitoring/monitoring-types.js';
import {
  axisStep,
  bottomLegend,
  type ChartOptions,
  ceilTo,
  messageSpec,
  named,
  type Obj,
  TIME_HEIGHT,
  top,
  withInteraction,
} from './chart-kit.js';
import { versionErrorRows, versionRows } from './chart-rows.js';
import { errorText } from './regression-values.js';

/** The x axis of a per-model-version chart: one band per version, in version order. */
function versionAxis(versions: readonly number[]): Obj {
  return {
    field: 'version',
    type: 'nominal',
    title: 'model version',
    scale: { domain: versions.map((v) => `v${v}`) },
    axis: { labelAngle: 0 },
  };
}

/** The tooltip rows every per-version chart ends with: its rows and the days it predicted. */
const VERSION_TOOLTIP_TAIL: readonly Obj[] = [
  { field: 'labelled', type: 'quantitative', title: 'labelled rows' },
  { field: 'rows', type: 'quantitative', title: 'rows' },
  { field: 'from', type: 'nominal', title: 'first day' },
  { field: 'to', type: 'nominal', title: 'last day' },
];

const NO_VERSION = 'No model version has made a logged prediction yet.';

/** Bars and their labels; `y` is the figure's axis, `figures` its tooltip lines. */
function versionBarsSpec(
  opts: ChartOptions,
  text: { title: string; description: string },
  versions: readonly number[],
  data: { name: string; rows: Obj[] },
  y: Obj,
  figures: Obj[],
): TopLevelSpec {
  const x = versionAxis(versions);
  const tooltip = [
    { field: 'version', type: 'nominal', title: 'version' },
    ...figures,
    ...VERSION_TOOLTIP_TAIL,
  ];
  const color = {
    field: 'role',
    type: 'nominal',
    title: null,
    scale: { domain: ['champion', 'earlier'], range: ['#1f77b4', '#aec7e8'] },
    legend: bottomLegend(opts, 2),
  };
  return top(opts, text.title, null, text.description, {
    height: TIME_HEIGHT,
    data: named(data.name, data.rows),
    layer: [
      {
        mark: { type: 'bar', width: { band: 0.6 } },
        encoding: withInteraction(opts, { x, y, color }, tooltip),
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

export function versionAccuracySpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Accuracy per model version';
  if (r.byVersion.length === 0) return messageSpec(title, NO_VERSION, 'No predictions yet.', opts);
  const description =
    'Accuracy of each model version on its labelled predictions: ' +
    r.byVersion
      .map(
        (v) =>
          `v${v.version} ${percent(v.accuracy)} on ${grouped(v.labelled)} labelled of ${grouped(v.rows)} rows`,
      )
      .join('; ') +
    '.';
  const y = {
    field: 'accuracy',
    type: 'quantitative',
    title: 'accuracy',
    // Headroom above 100% keeps the bar label inside the plot, so the SVG height never moves.
    scale: { domain: [0, 1.1] },
    axis: { format: '.0%', values: [0, 0.2, 0.4, 0.6, 0.8, 1] },
  };
  return versionBarsSpec(
    opts,
    { title, description },
    r.byVersion.map((v) => v.version),
    { name: 'versions', rows: versionRows(r) },
    y,
    [{ field: 'accuracy', type: 'quantitative', title: 'accuracy', format: '.1%' }],
  );
}

export function versionErrorSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'MAE per model version';
  const versions = r.regression?.byVersion ?? [];
  if (versions.length === 0) return messageSpec(title, NO_VERSION, 'No predictions yet.', opts);
  const description =
    'Mean absolute error of each model version on its labelled predictions: ' +
    versions
      .map(
        (v) =>
          `v${v.version} MAE ${errorText(r, v.mae)}, RMSE ${errorText(r, v.rmse)} on ${grouped(v.labelled)} labelled of ${grouped(v.rows)} rows`,
      )
      .join('; ') +
    '.';
  const most = Math.max(0, ...versions.map((v) => v.mae ?? 0), r.champion?.holdoutMae ?? 0);
  const y = {
    field: 'mae',
    type: 'quantitative',
    title: 'MAE',
    // Headroom keeps the bar label inside the plot.
    scale: { domain: [0, ceilTo(most * 1.25, axisStep(most || 1))] },
  };
  return versionBarsSpec(
    opts,
    { title, description },
    versions.map((v) => v.version),
    { name: 'versionErrors', rows: versionErrorRows(r) },
    y,
    [
      { field: 'mae', type: 'quantitative', title: 'MAE', format: '.3f' },
      { field: 'rmse', type: 'quantitative', title: 'RMSE', format: '.3f' },
    ],
  );
}
