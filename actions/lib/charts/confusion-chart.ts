// The confusion matrix (classification): actual class in rows, predicted class in columns, each cell
// coloured by its share of the actual class, over all time or the recent days. Past the chart's class
// limit the smallest classes are merged into one entry (chart-classes.ts). Browser-safe.
import type { TopLevelSpec } from 'vega-lite';
import { grouped, percent } from '../core/format.js';
import type { MonitoringReport } from '../monitoring/monitoring-types.js';
import { type ClassEntries, confusionEntries, mergedNote } from './chart-classes.js';
import { type ChartOptions, messageSpec, named, type Obj, top, withInteraction } from './chart-kit.js';

/** A cell of the matrix: short labels on the axes, the full class names for the tooltip. */
export type ConfusionRow = {
  actual: string;
  predicted: string;
  actualFull: string;
  predictedFull: string;
  count: number;
  share: number;
  shade: number;
  correct: boolean;
};

/** Heatmap colours in 10% steps: one more row a day repaints a cell only when its share crosses a step. */
const shadeOf = (share: number) => Math.round(share * 10) / 10;

/** Cells of a confusion matrix by entry (classes past the chart limit merged, see chart-classes.ts). */
export function confusionRows(
  r: MonitoringReport,
  which: 'all' | 'recent',
  entries: ClassEntries = confusionEntries(r, r.confusion[which]),
): ConfusionRow[] {
  const m = r.confusion[which];
  const size = entries.labels.length;
  const merged = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  r.classes.forEach((_, i) => {
    r.classes.forEach((_, j) => {
      merged[entries.entryOf[i]][entries.entryOf[j]] += m[i]?.[j] ?? 0;
    });
  });
  const rows: ConfusionRow[] = [];
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

/** The matrix's x (predicted, labels on top) and y (actual) encodings over the entries' labels. */
function matrixAxes(opts: ChartOptions, labels: string[]): Obj {
  return {
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
}

/** The coloured cells, and (few classes) the counts written in them. */
function matrixLayers(opts: ChartOptions, position: Obj, height: number, many: boolean): Obj[] {
  const tooltip = [
    { field: 'actualFull', type: 'nominal', title: 'actual' },
    { field: 'predictedFull', type: 'nominal', title: 'predicted' },
    { field: 'count', type: 'quantitative', title: 'rows' },
    { field: 'share', type: 'quantitative', title: 'share of actual', format: '.1%' },
  ];
  const color = {
    field: 'shade',
    type: 'quantitative',
    title: 'share',
    scale: { scheme: 'blues', domain: [0, 1] },
    // Title and gradient no taller than the matrix: Vega clips a side legend that overruns it.
    legend:
      opts.width === 'container'
        ? { format: '.0%', gradientLength: Math.max(30, Math.min(200, height - 30)) }
        : { format: '.0%' },
  };
  const cells = {
    mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
    encoding: withInteraction(opts, { ...position, color }, tooltip),
  };
  if (many) return [cells];
  const counts = {
    mark: { type: 'text', fontSize: 12 },
    encoding: {
      ...position,
      text: { field: 'count', type: 'quantitative', format: 'd' },
      color: { condition: { test: { field: 'shade', gt: 0.5 }, value: 'white' }, value: '#222' },
    },
  };
  return [cells, counts];
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
  const height = (many ? 24 : 40) * labels.length;
  const subtitle = [
    `${grouped(total)} labelled rows · colour: share of the actual class${many ? ' (counts in the tooltip)' : ''}`,
    mergedNote(entries, 'rows'),
  ].filter(Boolean);
  return top(opts, title, subtitle.length === 1 ? subtitle[0] : subtitle, description, {
    height,
    data: named('confusion', confusionRows(r, which, entries)),
    layer: matrixLayers(opts, matrixAxes(opts, labels), height, many),
  });
}
