// Feature drift as bars of PSI, one per feature plus the model's output (and, regression, its errors
// against the holdout's), coloured by the drift decision (monitoring/drift-decision.ts), with the deciding
// test's p-value band in a column at the axis end. Browser-safe.
import type { TopLevelSpec } from 'vega-lite';
import { grouped } from '../core/format.js';
import { DRIFT_STATUSES, type DriftStatus, driftRuleText } from '../monitoring/drift-decision.js';
import type { MonitoringReport } from '../monitoring/monitoring-types.js';
import {
  bottomLegend,
  type ChartOptions,
  messageSpec,
  named,
  type Obj,
  top,
  withInteraction,
} from './chart-kit.js';

export const PREDICTION_FEATURE = 'Predicted class (model output)';
/** Regression: the drift chart's rows for the predicted value and for the errors against the holdout's. */
export const PREDICTED_VALUE_FEATURE = 'Predicted value (model output)';
export const RESIDUAL_FEATURE = 'Errors vs holdout errors (predicted − actual)';

/** A bar of the drift chart; `label` is the test and its p-value band, `bar` the PSI drawn. */
export type DriftRow = {
  name: string;
  kind: 'numeric' | 'categorical';
  test: 'KS' | 'chi-square';
  statistic: number;
  pValue: number;
  adjustedPValue: number;
  psi: number;
  bar: number;
  status: DriftStatus;
  label: string;
};

/** Upper end of the PSI axis: at least twice the threshold, rounded up to 0.5. */
function psiAxisMax(r: MonitoringReport): number {
  const values = r.drift ? [...r.drift.features.map((f) => f.psi), r.drift.prediction.psi] : [];
  if (r.regression?.residualDrift) values.push(r.regression.residualDrift.psi);
  return Math.ceil(Math.max(2 * r.thresholds.psi, ...values) * 2) / 2;
}

/** Bars show PSI to 0.05 (monitoring.json has the exact values), so day-to-day noise redraws nothing. */
const psiBar = (psi: number) => Math.round(psi * 20) / 20;

/** The widest label a drift bar can carry: drawn invisibly at the axis end so the SVG size never moves. */
const WIDEST_DRIFT_LABEL = 'chi-square adj. p≥0.10';

/** A chart container narrower than this many pixels is on a phone. */
const PHONE_CONTAINER = 480;

/** Pixels of the drift chart's test column that a container fit leaves out (see driftSpec). */
const DRIFT_LABEL_SLACK = 24;

/** Colours of the decision (drift-decision.ts), in DRIFT_STATUSES order: only "drifted" is red. */
const DRIFT_COLOURS = ['#d62728', '#f4a582', '#92c5de', '#9aa5b1'];

/**
 * Drift labels say which band the deciding p-value is in (adjusted for the features; the prediction's
 * is one test), so a one-row shift of the window rewrites the text only when the verdict's neighbourhood
 * changes; the exact p-values are in the tooltip and in monitoring.json.
 */
function driftPText(p: number, adjusted: boolean): string {
  const name = adjusted ? 'adj. p' : 'p';
  return p < 0.01 ? `${name}<0.01` : p < 0.05 ? `${name}<0.05` : p < 0.1 ? `${name}<0.10` : `${name}≥0.10`;
}

/** One tested column's bar, before its name is disambiguated and its label written. */
function testedRow(
  name: string,
  kind: DriftRow['kind'],
  t: {
    test: string;
    statistic: number;
    pValue: number;
    psi: number;
    status?: DriftStatus;
    drifted?: boolean;
  },
  adjustedPValue: number,
): Omit<DriftRow, 'label'> {
  return {
    name,
    kind,
    test: t.test === 'ks' ? 'KS' : 'chi-square',
    statistic: t.statistic,
    pValue: t.pValue,
    adjustedPValue,
    psi: t.psi,
    bar: psiBar(t.psi),
    status: t.status ?? (t.drifted ? 'drifted' : 'stable'),
  };
}

/** One row per feature plus the model's output; names disambiguated so equal titles stay separate bars. */
export function driftRows(r: MonitoringReport): DriftRow[] {
  if (r.drift === null) return [];
  // A monitoring.json from before the adjusted decision has neither: its raw p and verdict stand.
  const rows = r.drift.features.map((f) => testedRow(f.title, f.type, f, f.adjustedPValue ?? f.pValue));
  const p = r.drift.prediction;
  const regression = r.task === 'regression';
  // One test of its own: nothing to adjust for.
  rows.push(
    regression
      ? testedRow(PREDICTED_VALUE_FEATURE, 'numeric', p, p.pValue)
      : testedRow(PREDICTION_FEATURE, 'categorical', p, p.pValue),
  );
  const residual = r.regression?.residualDrift;
  if (residual) rows.push(testedRow(RESIDUAL_FEATURE, 'numeric', residual, residual.pValue));
  const seen = new Map<string, number>();
  for (const row of rows) seen.set(row.name, (seen.get(row.name) ?? 0) + 1);
  const names = r.drift.features.map((f) => f.feature);
  return rows.map((row, i) => ({
    ...row,
    name: (seen.get(row.name) ?? 0) > 1 && i < names.length ? `${row.name} (${names[i]})` : row.name,
    label: `${row.test} ${driftPText(row.adjustedPValue, i < names.length)}`,
  }));
}

/** The decision rule in the chart's short words (the report and the alerts have it in full). */
export function driftRule(r: MonitoringReport): string {
  return `red: drifted = adjusted p < ${r.thresholds.pValue} and PSI > ${r.thresholds.psi}`;
}

/** The drift chart's alt text: the window, what drifted and the dataset's verdict. */
function driftDescription(r: MonitoringReport): string {
  const d = r.drift as NonNullable<MonitoringReport['drift']>;
  const drifted = d.features.filter((f) => f.drifted).map((f) => f.title);
  const notSignificant = d.features.filter((f) => f.status === 'not significant').map((f) => f.title);
  return (
    `Population stability index of ${d.features.length} features and the predicted ${r.task === 'regression' ? 'value (and the errors against the holdout errors)' : 'class'}, window ` +
    `${d.window.from} to ${d.window.to} (${grouped(d.window.rows)} rows) against the reference ` +
    `(${grouped(d.reference.rows)} rows). ` +
    (drifted.length ? `Drifted: ${drifted.join(', ')}.` : 'No feature drifted.') +
    (notSignificant.length
      ? ` PSI above ${r.thresholds.psi} but not significant on this window: ${notSignificant.join(', ')}.`
      : '') +
    ` Dataset drift: ${d.datasetDrift ? 'yes' : 'no'} (${driftRuleText(r.thresholds)}).`
  );
}

/** The bars, the test column at the axis end, its invisible widest label and the PSI threshold. */
function driftLayers(r: MonitoringReport, opts: ChartOptions, axisMax: number): Obj[] {
  // On a phone long names are cut shorter (with an ellipsis; the tooltip and the table have them whole),
  // leaving the bars and the test column room.
  const labelLimit =
    opts.width === 'container'
      ? { expr: `containerSize()[0] < ${PHONE_CONTAINER} && width > 0 ? 110 : 240` }
      : 240;
  const y = { field: 'name', type: 'nominal', title: null, sort: null, axis: { labelLimit } };
  const tooltip = [
    { field: 'name', type: 'nominal', title: 'feature' },
    { field: 'test', type: 'nominal', title: 'test' },
    { field: 'statistic', type: 'quantitative', title: 'statistic', format: '.4f' },
    { field: 'pValue', type: 'quantitative', title: 'p-value', format: '.3g' },
    { field: 'adjustedPValue', type: 'quantitative', title: 'adjusted p-value', format: '.3g' },
    { field: 'psi', type: 'quantitative', title: 'PSI', format: '.3f' },
    { field: 'status', type: 'nominal', title: 'status' },
  ];
  const color = {
    field: 'status',
    type: 'nominal',
    title: null,
    scale: { domain: [...DRIFT_STATUSES], range: DRIFT_COLOURS },
    legend: bottomLegend(opts, DRIFT_STATUSES.length, 1),
  };
  // A fixed, rounded domain: tomorrow's small PSI changes must not rescale every bar.
  const x = { field: 'bar', type: 'quantitative', title: 'PSI', scale: { domain: [0, axisMax] } };
  return [
    {
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: withInteraction(opts, { y, x, color }, tooltip),
    },
    {
      // The test results form a column at the axis end, so a bar that changes moves no text.
      mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 10, color: '#333' },
      encoding: { y, x: { datum: axisMax, type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
    },
    {
      data: named('driftLabelRoom', [{ bar: axisMax, label: WIDEST_DRIFT_LABEL }]),
      mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 10, opacity: 0 },
      encoding: { x: { field: 'bar', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
    },
    {
      data: named('psiThreshold', [{ psi: r.thresholds.psi }]),
      mark: { type: 'rule', strokeDash: [5, 4], color: '#c0392b' },
      encoding: { x: { field: 'psi', type: 'quantitative' } },
    },
  ];
}

export function driftSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Feature drift (PSI)';
  if (r.drift === null) {
    const reason = r.driftSkipped ?? 'No drift report.';
    return messageSpec(title, `Drift was not computed: ${reason}`, `Drift not computed: ${reason}`, opts);
  }
  const rows = driftRows(r);
  return top(
    opts,
    title,
    `last ${r.drift.window.days} days · dashed: PSI ${r.thresholds.psi} · ${driftRule(r)}`,
    driftDescription(r),
    {
      height: Math.max(60, rows.length * 26),
      // Filling its container, the chart is fitted to it before the test column right of the plot is
      // placed, which cut that column by up to DRIFT_LABEL_SLACK pixels (measured in Chromium): room for it.
      ...(opts.width === 'container'
        ? { padding: { left: 5, top: 5, bottom: 5, right: 5 + DRIFT_LABEL_SLACK } }
        : {}),
      data: named('drift', rows),
      layer: driftLayers(r, opts, psiAxisMax(r)),
    },
  );
}
