// Monitoring charts as Vega-Lite specs, built from a MonitoringReport. Platform-neutral: the repository
// report renders them to SVG in Node, the Pages dashboard draws the same specs compiled to Vega (site-charts.ts).
//
// Data safety: every string from the report (class labels, feature titles, reasons) travels only as data
// values, scale domains or plain titles — never inside a Vega expression, filter or calculate string.
// Every dataset is named inline data, so the dashboard can swap values with view.data(name, rows).
import type { TopLevelSpec } from 'vega-lite';
import { DRIFT_STATUSES, driftRuleText } from '../monitoring/drift-decision.js';
import {
  lastRun,
  latestOf,
  type MonitoringReport,
  type PredictionRecord,
} from '../monitoring/monitoring-types.js';
import { type ClassEntries, classMixEntries, confusionEntries, mergedNote } from './chart-classes.js';
import {
  bottomLegend,
  brushParam,
  type Chart,
  type ChartOptions,
  grouped,
  messageSpec,
  modelChangeRows,
  named,
  nextDay,
  type Obj,
  percent,
  recentTableSpec,
  sharedAxis,
  shortTime,
  TIME_HEIGHT,
  textSpec,
  timeX,
  top,
  truncate,
  VERSION_TOOLTIP_TAIL,
  versionAxis,
  withInteraction,
} from './chart-kit.js';
import {
  errorHistogramSpec,
  errorOverTimeSpec,
  latestValueText,
  liveErrorText,
  predictedVsActualSpec,
  recentValuesSpec,
  versionErrorSpec,
} from './regression-charts.js';

/** The label shown for a class value; unknown values show as themselves. */
export function classLabel(r: MonitoringReport, value: string): string {
  return r.classes.find((c) => c.value === value)?.label ?? value;
}

/** What a logged prediction's outcome looks like: ✓ right, ✗ wrong, … waiting for its label. */
export function outcomeMark(p: PredictionRecord): string {
  return p.actual === null ? '…' : p.actual === p.predicted ? '✓' : '✗';
}

/**
 * The original systems' "latest sample" panel with the running totals, as text: the repository
 * dashboard's first chart (the Pages dashboard has its own HTML panel).
 */
export function latestSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Latest prediction';
  const p = latestOf(r);
  if (p === null)
    return messageSpec(
      title,
      'No predictions yet, so there is no latest prediction.',
      'No predictions yet.',
      opts,
    );
  const actual =
    p.actual === null
      ? 'actual: waiting for its label'
      : `actual ${classLabel(r, p.actual)} ${outcomeMark(p)}`;
  const t = r.totals;
  const regression = r.task === 'regression';
  const latest = regression
    ? latestValueText(r, p)
    : `#${p.id} for ${shortTime(p.eventTime)} UTC by model v${p.modelVersion}: ` +
      `predicted ${classLabel(r, p.predicted)} (p = ${p.probability.toFixed(2)}), ${actual}.`;
  const labelledText =
    `All time: ${grouped(t.predictions)} predictions, ${grouped(t.labelled)} labelled ` +
    `(${grouped(t.predictions - t.labelled)} waiting)`;
  const totals = regression
    ? `${labelledText}.`
    : `${labelledText}, ${grouped(t.correct)} correct: accuracy ${percent(t.accuracy)}.`;
  // The repository report points at this line for the schedule's health (its README stays the same).
  const run = `Last daily run: ${shortTime(lastRun(r) ?? p.predictedAt)} UTC.`;
  const live = liveText(r);
  return textSpec(
    title,
    `${run} Latest prediction ${latest} ${totals} ${live}`,
    [run, latest, totals, live],
    opts,
  );
}

/**
 * Live accuracy with its interval beside the holdout figure and the majority baseline, and where the
 * predicted rows came from: 30 synthetic rows at 43% say something else than 30 real ones at 68%.
 */
export function liveText(r: MonitoringReport): string {
  const s = r.totals.bySource;
  const sources = ` Rows predicted: ${grouped(s.synthetic)} synthetic (from the generator), ${grouped(s.ingest)} ingested (real).`;
  if (r.task === 'regression') return liveErrorText(r) + sources;
  const l = r.live;
  const accuracy =
    l.accuracy === null
      ? `Last ${l.days} days: no labelled predictions yet.`
      : `Last ${l.days} days: accuracy ${percent(l.accuracy)} (95% interval ${percent(l.low)}–${percent(l.high)}) ` +
        `on ${grouped(l.labelled)} labelled rows.`;
  const c = r.champion;
  const reference =
    c === null
      ? ''
      : ` Holdout ${percent(c.holdoutAccuracy)}` +
        (c.holdoutBaseline === null ? '.' : `, majority-class baseline ${percent(c.holdoutBaseline)}.`);
  return accuracy + reference + sources;
}

export {
  BRUSH_FIELD,
  BRUSH_PARAM,
  type Chart,
  type ChartOptions,
  DEFAULT_WIDTH,
  grouped,
  messageSpec,
  modelChangeRows,
  percent,
  pValueText,
  recentTableSpec,
  shortTime,
  wrap,
} from './chart-kit.js';

// ---------- data rows (exported so the dashboard can rebuild data without rebuilding specs) ----------

/** Heatmap colours in 10% steps: one more row a day repaints a cell only when its share crosses a step. */
const shadeOf = (share: number) => Math.round(share * 10) / 10;

/** Cells of a confusion matrix by entry (classes past the chart limit merged, see chart-classes.ts). */
export function confusionRows(
  r: MonitoringReport,
  which: 'all' | 'recent',
  entries: ClassEntries = confusionEntries(r, r.confusion[which]),
): Obj[] {
  const m = r.confusion[which];
  const size = entries.labels.length;
  const merged = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  r.classes.forEach((_, i) => {
    r.classes.forEach((_, j) => {
      merged[entries.entryOf[i]][entries.entryOf[j]] += m[i]?.[j] ?? 0;
    });
  });
  const rows: Obj[] = [];
  entries.short.forEach((actual, a) => {
    const support = merged[a].reduce((s, x) => s + x, 0);
    entries.short.forEach((predicted, b) => {
      const count = merged[a][b];
      rows.push({
        actual,
        predicted,
        // Axes show the short labels; the tooltip names the classes in full.
        actualFull: entries.labels[a],
        predictedFull: entries.labels[b],
        count,
        share: support === 0 ? 0 : count / support,
        shade: support === 0 ? 0 : shadeOf(count / support),
        correct: a === b,
      });
    });
  });
  return rows;
}

export const ACCURACY_SERIES = ['daily', 'rolling 7-day', 'rolling 30-day'] as const;

export function accuracyRows(r: MonitoringReport): Obj[] {
  const rows: Obj[] = [];
  for (const d of r.daily) {
    const base = { date: d.date, day: d.date, labelled: d.labelled };
    if (d.accuracy !== null) rows.push({ ...base, series: ACCURACY_SERIES[0], accuracy: d.accuracy });
    if (d.rolling7 !== null) rows.push({ ...base, series: ACCURACY_SERIES[1], accuracy: d.rolling7 });
    if (d.rolling30 !== null) rows.push({ ...base, series: ACCURACY_SERIES[2], accuracy: d.rolling30 });
  }
  return rows;
}

export function versionRows(r: MonitoringReport): Obj[] {
  const champion = r.champion?.version ?? null;
  return r.byVersion.map((v) => ({
    version: `v${v.version}`,
    role: v.version === champion ? 'champion' : 'earlier',
    accuracy: v.accuracy,
    labelY: v.accuracy ?? 0,
    rows: v.rows,
    labelled: v.labelled,
    from: v.firstDate,
    to: v.lastDate,
    label:
      v.accuracy === null
        ? `no labels yet (${grouped(v.rows)} rows)`
        : `${percent(v.accuracy)} · ${grouped(v.labelled)} labelled`,
  }));
}

/**
 * Per day and class entry: its share of that day's predictions, stacked in class order (y0..y1). The
 * entries are the whole report's (a date selection passes them in, so the legend never changes with it).
 */
export function classMixRows(r: MonitoringReport, entries: ClassEntries = classMixEntries(r)): Obj[] {
  const rows: Obj[] = [];
  for (const d of r.daily) {
    const counts = new Array<number>(entries.labels.length).fill(0);
    r.classes.forEach((c, i) => {
      counts[entries.entryOf[i]] += d.predicted[c.value] ?? 0;
    });
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    let y0 = 0;
    entries.short.forEach((cls, e) => {
      const share = counts[e] / total;
      rows.push({
        date: d.date,
        next: nextDay(d.date),
        day: d.date,
        cls,
        clsFull: entries.labels[e],
        count: counts[e],
        share,
        y0,
        y1: y0 + share,
      });
      y0 += share;
    });
  }
  return rows;
}

/** Legend entries in rows of this many columns, so a long class list wraps inside the chart's width. */
export function legendColumns(opts: ChartOptions, entries: number): number | undefined {
  if (entries <= 4) return undefined;
  // 'container': two columns, which a phone holds (the browser measures text narrower than the estimate).
  const width = typeof opts.width === 'number' ? opts.width : 2 * LEGEND_ENTRY_WIDTH;
  return Math.max(1, Math.min(entries, Math.floor(width / LEGEND_ENTRY_WIDTH)));
}

/** Room for one legend entry: symbol, gap and a label cut at LEGEND_LABEL_LIMIT. */
// Vega's static renderer estimates 0.8 em per character: 180 px hold a short label (chart-classes.ts).
const LEGEND_LABEL_LIMIT = 180;
const LEGEND_ENTRY_WIDTH = LEGEND_LABEL_LIMIT;

export const ROW_STATUS = ['labelled', 'waiting for label'] as const;

export function rowsPerDayRows(r: MonitoringReport): Obj[] {
  const rows: Obj[] = [];
  for (const d of r.daily) {
    const waiting = d.rows - d.labelled;
    const common = { date: d.date, next: nextDay(d.date), day: d.date, total: d.rows };
    rows.push({ ...common, status: ROW_STATUS[0], rows: d.labelled, y0: 0, y1: d.labelled });
    rows.push({ ...common, status: ROW_STATUS[1], rows: waiting, y0: d.labelled, y1: d.rows });
  }
  return rows;
}

export const PREDICTION_FEATURE = 'Predicted class (model output)';
/** Regression: the drift chart's rows for the predicted value and for the errors against the holdout's. */
export const PREDICTED_VALUE_FEATURE = 'Predicted value (model output)';
export const RESIDUAL_FEATURE = 'Errors vs holdout errors (predicted − actual)';

/** One row per feature plus the model's output; names disambiguated so equal titles stay separate bars. */
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

export function driftRows(r: MonitoringReport): Obj[] {
  if (r.drift === null) return [];
  const rows = r.drift.features.map((f) => ({
    name: f.title,
    kind: f.type,
    test: f.test === 'ks' ? 'KS' : 'chi-square',
    statistic: f.statistic,
    pValue: f.pValue,
    // A monitoring.json from before the adjusted decision has neither: its raw p and verdict stand.
    adjustedPValue: f.adjustedPValue ?? f.pValue,
    psi: f.psi,
    bar: psiBar(f.psi),
    status: f.status ?? (f.drifted ? 'drifted' : 'stable'),
  }));
  const p = r.drift.prediction;
  const regression = r.task === 'regression';
  rows.push({
    name: regression ? PREDICTED_VALUE_FEATURE : PREDICTION_FEATURE,
    kind: regression ? 'numeric' : 'categorical',
    test: p.test === 'ks' ? 'KS' : 'chi-square',
    statistic: p.statistic,
    pValue: p.pValue,
    // One test of its own: nothing to adjust for.
    adjustedPValue: p.pValue,
    psi: p.psi,
    bar: psiBar(p.psi),
    status: p.status ?? (p.drifted ? 'drifted' : 'stable'),
  });
  const residual = r.regression?.residualDrift;
  if (residual)
    rows.push({
      name: RESIDUAL_FEATURE,
      kind: 'numeric',
      test: 'KS',
      statistic: residual.statistic,
      pValue: residual.pValue,
      adjustedPValue: residual.pValue,
      psi: residual.psi,
      bar: psiBar(residual.psi),
      status: residual.status,
    });
  const seen = new Map<string, number>();
  for (const row of rows) seen.set(row.name, (seen.get(row.name) ?? 0) + 1);
  const names = r.drift.features.map((f) => f.feature);
  return rows.map((row, i) => ({
    ...row,
    name: (seen.get(row.name) ?? 0) > 1 && i < names.length ? `${row.name} (${names[i]})` : row.name,
    label: `${row.test} ${driftPText(row.adjustedPValue, i < names.length)}`,
  }));
}

/** Table columns: header, x position as a share of the width, and the longest text kept. */
const TABLE_COLUMNS = [
  { key: 'id', header: 'id', x: 0, max: 8 },
  { key: 'time', header: 'event time (UTC)', x: 0.09, max: 16 },
  { key: 'model', header: 'model', x: 0.33, max: 6 },
  { key: 'predicted', header: 'predicted', x: 0.42, max: 20 },
  { key: 'probability', header: 'p', x: 0.64, max: 6 },
  { key: 'actual', header: 'actual', x: 0.73, max: 20 },
  { key: 'outcome', header: '', x: 0.93, max: 1 },
] as const;

/** The recent predictions, newest first, as one row per table cell. */
export function recentCellRows(r: MonitoringReport): Obj[] {
  const cells: Obj[] = [];
  [...r.recent].reverse().forEach((p, i) => {
    const outcome = outcomeMark(p);
    const tone = p.actual === null ? 'waiting' : p.actual === p.predicted ? 'right' : 'wrong';
    const full: Record<(typeof TABLE_COLUMNS)[number]['key'], string> = {
      id: String(p.id),
      time: shortTime(p.eventTime),
      model: `v${p.modelVersion}`,
      predicted: classLabel(r, p.predicted),
      probability: p.probability.toFixed(2),
      actual: p.actual === null ? 'waiting' : classLabel(r, p.actual),
      outcome,
    };
    for (const c of TABLE_COLUMNS) {
      cells.push({
        row: i + 1,
        x: c.x,
        column: c.key,
        text: truncate(full[c.key], c.max),
        full: full[c.key],
        tone: c.key === 'outcome' || (c.key === 'actual' && p.actual === null) ? tone : 'plain',
      });
    }
  });
  return cells;
}

// ---------- the charts ----------

/** Column labels turned upright: one line of text per column, which never overlap. */
const UPRIGHT_LABELS = {
  labelAngle: -90,
  labelAlign: 'left',
  labelBaseline: 'middle',
  labelLimit: 180,
  orient: 'top',
};

/**
 * Column labels for a matrix that fills its container: level while a column is wider than its longest
 * label, upright when it is narrower (on a phone 'Iris versicolor' and 'Iris virginica' would overlap).
 * The width test is on the plot's `width` signal and numbers only; the labels stay data.
 */
function fittingLabels(labels: readonly string[]): Obj {
  // Vega's 11 px axis labels: at most 7 px a character, plus a gap.
  const room = Math.max(...labels.map((l) => Array.from(l).length)) * 7 + 6;
  const upright = `width / ${labels.length} < ${room}`;
  return {
    labelAngle: { expr: `${upright} ? -90 : 0` },
    labelAlign: { expr: `${upright} ? 'left' : 'center'` },
    labelBaseline: { expr: `${upright} ? 'middle' : 'bottom'` },
    labelLimit: 180,
    orient: 'top',
  };
}

export function confusionMatrixSpec(
  r: MonitoringReport,
  which: 'all' | 'recent',
  opts: ChartOptions = {},
): TopLevelSpec {
  const m = r.confusion[which];
  const total = m.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  const correct = m.reduce((s, row, i) => s + (row[i] ?? 0), 0);
  const span = which === 'all' ? 'all time' : `the last ${r.confusion.recentDays} days`;
  const title =
    which === 'all' ? 'Confusion matrix, all time' : `Confusion matrix, last ${r.confusion.recentDays} days`;
  if (total === 0) {
    const none =
      which === 'all'
        ? 'No labelled predictions yet.'
        : `No labelled predictions in the last ${r.confusion.recentDays} days.`;
    return messageSpec(
      title,
      `${none} The confusion matrix needs predictions with known actual classes.`,
      none,
      opts,
    );
  }
  const entries = confusionEntries(r, m);
  const labels = entries.short;
  const description =
    `Confusion matrix of ${grouped(total)} labelled predictions over ${span}: actual class in rows, ` +
    `predicted class in columns, ${grouped(correct)} correct (${percent(correct / total)}). ` +
    `Classes: ${r.classes.map((c) => c.label).join(', ')}.` +
    (entries.merged ? ` Shown: ${mergedNote(entries, 'rows')}.` : '');
  // Many classes: smaller cells, column labels turned upright (one line of text per column, never
  // overlapping), long labels cut with an ellipsis (the tooltip and the alt text have them in full), and
  // no count in the cells (the tooltip has it).
  const many = labels.length > 10;
  const cell = many ? 24 : 40;
  const tooltip = [
    { field: 'actualFull', type: 'nominal', title: 'actual' },
    { field: 'predictedFull', type: 'nominal', title: 'predicted' },
    { field: 'count', type: 'quantitative', title: 'rows' },
    { field: 'share', type: 'quantitative', title: 'share of actual', format: '.1%' },
  ];
  const position = {
    x: {
      field: 'predicted',
      type: 'nominal',
      title: 'predicted',
      scale: { domain: labels },
      axis:
        labels.length > 6
          ? UPRIGHT_LABELS
          : opts.width === 'container'
            ? fittingLabels(labels)
            : { labelAngle: 0, labelLimit: 180, orient: 'top' },
    },
    y: {
      field: 'actual',
      type: 'nominal',
      title: 'actual',
      scale: { domain: labels },
      axis: { labelLimit: 200 },
    },
  };
  const subtitle = [
    `${grouped(total)} labelled rows · colour: share of the actual class${many ? ' (counts in the tooltip)' : ''}`,
    mergedNote(entries, 'rows'),
  ].filter(Boolean);
  return top(opts, title, subtitle.length === 1 ? subtitle[0] : subtitle, description, {
    height: cell * labels.length,
    data: named('confusion', confusionRows(r, which, entries)),
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: withInteraction(
          opts,
          {
            ...position,
            color: {
              field: 'shade',
              type: 'quantitative',
              title: 'share',
              scale: { scheme: 'blues', domain: [0, 1] },
              // Title and gradient no taller than the matrix: Vega clips a side legend that overruns it.
              legend:
                opts.width === 'container'
                  ? { format: '.0%', gradientLength: Math.max(30, Math.min(200, cell * labels.length - 30)) }
                  : { format: '.0%' },
            },
          },
          tooltip,
        ),
      },
      ...(many
        ? []
        : [
            {
              mark: { type: 'text', fontSize: 12 },
              encoding: {
                ...position,
                text: { field: 'count', type: 'quantitative', format: 'd' },
                color: { condition: { test: { field: 'shade', gt: 0.5 }, value: 'white' }, value: '#222' },
              },
            },
          ]),
    ],
  });
}

function accuracyDomain(r: MonitoringReport): [number, number] {
  const values = accuracyRows(r).map((row) => row.accuracy as number);
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
  const changes = r.modelChanges.map((c) => `v${c.version} from ${c.date}`).join(', ');
  const description =
    `Daily accuracy of ${r.title} predictions from ${r.daily[0].date} to ${r.daily[r.daily.length - 1].date}, ` +
    `with rolling 7-day and 30-day accuracy. Latest rolling 7-day accuracy ${percent(last?.rolling7 ?? null)}; ` +
    `the alert threshold is ${percent(r.thresholds.accuracy ?? null)}.` +
    (changes ? ` Model versions: ${changes}.` : '');
  const domain = accuracyDomain(r);
  const y = {
    field: 'accuracy',
    type: 'quantitative',
    title: 'accuracy',
    scale: { domain },
    axis: { format: '.0%' },
  };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: [...ACCURACY_SERIES], range: ['#9aa5b1', '#1f77b4', '#ff7f0e'] },
    legend: bottomLegend(opts, ACCURACY_SERIES.length),
  };
  const tooltip = [
    { field: 'day', type: 'nominal', title: 'date' },
    { field: 'series', type: 'nominal', title: 'series' },
    { field: 'accuracy', type: 'quantitative', title: 'accuracy', format: '.1%' },
    { field: 'labelled', type: 'quantitative', title: 'labelled that day' },
  ];
  const points: Obj = {
    transform: [{ filter: { field: 'series', equal: ACCURACY_SERIES[0] } }],
    mark: { type: 'point', filled: true, size: 22, opacity: 0.8 },
    encoding: withInteraction(opts, { x: timeX(opts), y, color }, tooltip),
  };
  if (opts.interactive) points.params = [brushParam];
  const lines: Obj = {
    transform: [{ filter: { field: 'series', oneOf: [ACCURACY_SERIES[1], ACCURACY_SERIES[2]] } }],
    // Straight segments: a new day appends to the path instead of reshaping its last curve.
    mark: { type: 'line', strokeWidth: 2 },
    encoding: { x: timeX(sharedAxis(opts)), y, color },
  };
  const threshold: Obj = {
    data: named('threshold', [{ accuracy: r.thresholds.accuracy }]),
    mark: { type: 'rule', strokeDash: [5, 4], color: '#c0392b' },
    encoding: { y: { field: 'accuracy', type: 'quantitative' } },
  };
  const changeData = named('modelChanges', modelChangeRows(r));
  const changeRules: Obj = {
    data: changeData,
    mark: { type: 'rule', color: '#555', strokeDash: [2, 2] },
    encoding: { x: timeX(sharedAxis(opts)) },
  };
  const changeLabels: Obj = {
    data: changeData,
    mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 2, fontSize: 11, color: '#333' },
    encoding: { x: timeX(sharedAxis(opts)), y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
  };
  return top(
    opts,
    title,
    `dots: daily accuracy · dashed red: alert below ${percent(r.thresholds.accuracy ?? null)} · grey rules: model changes`,
    description,
    {
      height: TIME_HEIGHT,
      data: named('accuracy', rows),
      layer: [points, lines, threshold, changeRules, changeLabels],
    },
  );
}

export function versionAccuracySpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Accuracy per model version';
  if (r.byVersion.length === 0) {
    return messageSpec(
      title,
      'No model version has made a logged prediction yet.',
      'No predictions yet.',
      opts,
    );
  }
  const description =
    'Accuracy of each model version on its labelled predictions: ' +
    r.byVersion
      .map(
        (v) =>
          `v${v.version} ${percent(v.accuracy)} on ${grouped(v.labelled)} labelled of ${grouped(v.rows)} rows`,
      )
      .join('; ') +
    '.';
  const x = versionAxis(r.byVersion.map((v) => v.version));
  const tooltip = [
    { field: 'version', type: 'nominal', title: 'version' },
    { field: 'accuracy', type: 'quantitative', title: 'accuracy', format: '.1%' },
    ...VERSION_TOOLTIP_TAIL,
  ];
  return top(opts, title, null, description, {
    height: TIME_HEIGHT,
    data: named('versions', versionRows(r)),
    layer: [
      {
        mark: { type: 'bar', width: { band: 0.6 } },
        encoding: withInteraction(
          opts,
          {
            x,
            y: {
              field: 'accuracy',
              type: 'quantitative',
              title: 'accuracy',
              // Headroom above 100% keeps the bar label inside the plot, so the SVG height never moves.
              scale: { domain: [0, 1.1] },
              axis: { format: '.0%', values: [0, 0.2, 0.4, 0.6, 0.8, 1] },
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

/**
 * A static render leaves out zero-height bars: they draw nothing but add a mark per class and day to the
 * committed SVG. The interactive dashboard keeps every row (its filters and tooltips count them).
 */
function staticNonEmpty(opts: ChartOptions, rows: Obj[], field: string): Obj[] {
  return opts.interactive ? rows : rows.filter((row) => row[field] !== 0);
}

/** A stacked bar per day from y0 to y1, spanning the day from date to next. */
function dayBars(opts: ChartOptions, y: Obj, color: Obj, tooltip: Obj[]): Obj {
  const unit: Obj = {
    mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
    encoding: withInteraction(
      opts,
      { x: timeX(opts), x2: { field: 'next' }, y, y2: { field: 'y1' }, color },
      tooltip,
    ),
  };
  if (opts.interactive) unit.params = [brushParam];
  return unit;
}

export function classMixSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Predicted class mix per day';
  const rows = classMixRows(r);
  if (rows.length === 0) {
    return messageSpec(
      title,
      'No predictions yet, so there is no predicted class mix to show.',
      'No predictions yet.',
      opts,
    );
  }
  const totals = r.classes.map((c) => r.daily.reduce((s, d) => s + (d.predicted[c.value] ?? 0), 0));
  const all = totals.reduce((a, b) => a + b, 0);
  const entries = classMixEntries(r);
  const note = mergedNote(entries, 'predictions');
  const description =
    `Share of each predicted class per day from ${r.daily[0].date} to ${r.daily[r.daily.length - 1].date}. ` +
    `Overall: ${r.classes.map((c, i) => `${c.label} ${percent(totals[i] / all)}`).join(', ')}.` +
    (note ? ` Shown: ${note}.` : '');
  const columns = legendColumns(opts, entries.labels.length);
  const tooltip = [
    { field: 'day', type: 'nominal', title: 'date' },
    { field: 'clsFull', type: 'nominal', title: 'predicted' },
    { field: 'count', type: 'quantitative', title: 'rows' },
    { field: 'share', type: 'quantitative', title: 'share', format: '.1%' },
  ];
  return top(opts, title, note || null, description, {
    height: TIME_HEIGHT,
    data: named('classMix', staticNonEmpty(opts, rows, 'count')),
    ...dayBars(
      opts,
      {
        field: 'y0',
        type: 'quantitative',
        title: 'share of predictions',
        scale: { domain: [0, 1] },
        axis: { format: '.0%' },
      },
      {
        field: 'cls',
        type: 'nominal',
        title: 'predicted',
        // Explicit colours: one per entry, never a scheme's colour used twice (chart-classes.ts).
        scale: { domain: entries.short, range: entries.colours },
        legend:
          columns === undefined
            ? { orient: 'bottom', labelLimit: 200 }
            : { orient: 'bottom', columns, labelLimit: LEGEND_LABEL_LIMIT },
      },
      tooltip,
    ),
  });
}

export function rowsPerDaySpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Predictions per day';
  const rows = rowsPerDayRows(r);
  if (rows.length === 0) {
    return messageSpec(
      title,
      'No predictions yet, so there are no rows per day to show.',
      'No predictions yet.',
      opts,
    );
  }
  const waiting = r.totals.predictions - r.totals.labelled;
  const description =
    `Predictions per day from ${r.daily[0].date} to ${r.daily[r.daily.length - 1].date}, split into rows with a ` +
    `label and rows waiting for one. In total ${grouped(r.totals.predictions)} predictions, ` +
    `${grouped(r.totals.labelled)} labelled and ${grouped(waiting)} waiting.`;
  const tooltip = [
    { field: 'day', type: 'nominal', title: 'date' },
    { field: 'status', type: 'nominal', title: 'status' },
    { field: 'rows', type: 'quantitative', title: 'rows' },
    { field: 'total', type: 'quantitative', title: 'rows that day' },
  ];
  return top(opts, title, null, description, {
    height: TIME_HEIGHT,
    data: named('rowsPerDay', staticNonEmpty(opts, rows, 'rows')),
    ...dayBars(
      opts,
      { field: 'y0', type: 'quantitative', title: 'rows' },
      {
        field: 'status',
        type: 'nominal',
        title: null,
        scale: { domain: [...ROW_STATUS], range: ['#1f77b4', '#c7c7c7'] },
        legend: bottomLegend(opts, ROW_STATUS.length),
      },
      tooltip,
    ),
  });
}

/** The decision rule in the chart's short words (the report and the alerts have it in full). */
export function driftRule(r: MonitoringReport): string {
  return `red: drifted = adjusted p < ${r.thresholds.pValue} and PSI > ${r.thresholds.psi}`;
}

export function driftSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Feature drift (PSI)';
  if (r.drift === null) {
    const reason = r.driftSkipped ?? 'No drift report.';
    return messageSpec(title, `Drift was not computed: ${reason}`, `Drift not computed: ${reason}`, opts);
  }
  const d = r.drift;
  const drifted = d.features.filter((f) => f.drifted).map((f) => f.title);
  const notSignificant = d.features.filter((f) => f.status === 'not significant').map((f) => f.title);
  const description =
    `Population stability index of ${d.features.length} features and the predicted ${r.task === 'regression' ? 'value (and the errors against the holdout errors)' : 'class'}, window ` +
    `${d.window.from} to ${d.window.to} (${grouped(d.window.rows)} rows) against the reference ` +
    `(${grouped(d.reference.rows)} rows). ` +
    (drifted.length ? `Drifted: ${drifted.join(', ')}.` : 'No feature drifted.') +
    (notSignificant.length
      ? ` PSI above ${r.thresholds.psi} but not significant on this window: ${notSignificant.join(', ')}.`
      : '') +
    ` Dataset drift: ${d.datasetDrift ? 'yes' : 'no'} (${driftRuleText(r.thresholds)}).`;
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
  const rows = driftRows(r);
  const axisMax = psiAxisMax(r);
  return top(
    opts,
    title,
    `last ${d.window.days} days · dashed: PSI ${r.thresholds.psi} · ${driftRule(r)}`,
    description,
    {
      height: Math.max(60, rows.length * 26),
      // Filling its container, the chart is fitted to it before the test column right of the plot is
      // placed, which cut that column by up to DRIFT_LABEL_SLACK pixels (measured in Chromium): room for it.
      ...(opts.width === 'container'
        ? { padding: { left: 5, top: 5, bottom: 5, right: 5 + DRIFT_LABEL_SLACK } }
        : {}),
      data: named('drift', rows),
      layer: [
        {
          mark: { type: 'bar', height: { band: 0.7 } },
          encoding: withInteraction(
            opts,
            {
              y,
              // A fixed, rounded domain: tomorrow's small PSI changes must not rescale every bar.
              x: { field: 'bar', type: 'quantitative', title: 'PSI', scale: { domain: [0, axisMax] } },
              color: {
                field: 'status',
                type: 'nominal',
                title: null,
                scale: { domain: [...DRIFT_STATUSES], range: DRIFT_COLOURS },
                legend: bottomLegend(opts, DRIFT_STATUSES.length, 1),
              },
            },
            tooltip,
          ),
        },
        {
          // The test results form a column at the axis end, so a bar that changes moves no text.
          mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 10, color: '#333' },
          encoding: {
            y,
            x: { datum: axisMax, type: 'quantitative' },
            text: { field: 'label', type: 'nominal' },
          },
        },
        {
          data: named('driftLabelRoom', [{ bar: axisMax, label: WIDEST_DRIFT_LABEL }]),
          mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 10, opacity: 0 },
          encoding: {
            x: { field: 'bar', type: 'quantitative' },
            text: { field: 'label', type: 'nominal' },
          },
        },
        {
          data: named('psiThreshold', [{ psi: r.thresholds.psi }]),
          mark: { type: 'rule', strokeDash: [5, 4], color: '#c0392b' },
          encoding: { x: { field: 'psi', type: 'quantitative' } },
        },
      ],
    },
  );
}

export function recentPredictionsSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  const title = 'Recent predictions';
  if (r.recent.length === 0) {
    return messageSpec(
      title,
      'No predictions yet, so the table of recent predictions is empty.',
      'No predictions yet.',
      opts,
    );
  }
  const right = r.recent.filter((p) => p.actual !== null && p.actual === p.predicted).length;
  const labelled = r.recent.filter((p) => p.actual !== null).length;
  const description =
    `The ${r.recent.length} most recent predictions, newest first, with event time, model version, predicted ` +
    `class, probability and actual class: ${right} of ${labelled} labelled ones correct, ` +
    `${r.recent.length - labelled} waiting for a label.`;
  return recentTableSpec(
    opts,
    title,
    description,
    TABLE_COLUMNS.map((c) => ({ row: 0, x: c.x, text: c.header })),
    recentCellRows(r),
    r.recent.length,
  );
}

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
