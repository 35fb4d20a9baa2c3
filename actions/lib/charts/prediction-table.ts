// The recent predictions as a text table, one builder for both tasks: a bold header row and one text
// cell per column and prediction, newest first, the outcome toned right, wrong or waiting (classification:
// class and probability; regression: value, its 10–90% interval and the error against the smallest
// tolerance). The repository report leaves it out; the Pages dashboard shows the rows as HTML.
// Browser-safe.
import type { TopLevelSpec } from 'vega-lite';
import { truncate } from '../core/format.js';
import { formatNumber } from '../core/json.js';
import { shortTime } from '../core/time.js';
import type { MonitoringReport, PredictionRecord } from '../monitoring/monitoring-types.js';
import { type ChartOptions, messageSpec, named, top, withInteraction } from './chart-kit.js';
import { classLabel, outcomeMark } from './class-values.js';
import { intervalText, signedError, smallestTolerance, withinTolerance } from './regression-values.js';

/** Pixels per table row. */
const TABLE_ROW = 18;

/** How a cell reads: plain, or the outcome's right, wrong or waiting. */
export type Tone = 'plain' | 'right' | 'wrong' | 'waiting';

/** A table cell: its row (0 the header), x position as a share of the width, shown and full text. */
export type TableCell = { row: number; x: number; column: string; text: string; full: string; tone: Tone };

/** A column: header, x position as a share of the width, and the longest text kept. */
type Column = { key: string; header: string; x: number; max: number };

/** Classification columns. */
const CLASS_COLUMNS = [
  { key: 'id', header: 'id', x: 0, max: 8 },
  { key: 'time', header: 'event time (UTC)', x: 0.09, max: 16 },
  { key: 'model', header: 'model', x: 0.33, max: 6 },
  { key: 'predicted', header: 'predicted', x: 0.42, max: 20 },
  { key: 'probability', header: 'p', x: 0.64, max: 6 },
  { key: 'actual', header: 'actual', x: 0.73, max: 20 },
  { key: 'outcome', header: '', x: 0.93, max: 1 },
] as const;

/** Regression columns. */
const VALUE_COLUMNS = [
  { key: 'id', header: 'id', x: 0, max: 8 },
  { key: 'time', header: 'event time (UTC)', x: 0.09, max: 16 },
  { key: 'model', header: 'model', x: 0.33, max: 6 },
  { key: 'predicted', header: 'predicted', x: 0.42, max: 10 },
  { key: 'interval', header: '10–90%', x: 0.55, max: 16 },
  { key: 'actual', header: 'actual', x: 0.75, max: 10 },
  { key: 'error', header: 'error', x: 0.87, max: 10 },
] as const;

type Texts<C extends readonly Column[]> = Record<C[number]['key'], string>;

/**
 * The recent predictions, newest first, as one cell per column: `full` gives a prediction's texts, `tone`
 * its outcome, which colours the `toned` column (and 'actual' while the label is awaited).
 */
function tableCells<C extends readonly Column[]>(
  r: MonitoringReport,
  columns: C,
  toned: C[number]['key'],
  full: (p: PredictionRecord) => Texts<C>,
  tone: (p: PredictionRecord) => Tone,
): TableCell[] {
  const cells: TableCell[] = [];
  [...r.recent].reverse().forEach((p, i) => {
    const texts = full(p);
    const t = tone(p);
    for (const c of columns) {
      const key = c.key as C[number]['key'];
      cells.push({
        row: i + 1,
        x: c.x,
        column: c.key,
        text: truncate(texts[key], c.max),
        full: texts[key],
        tone: c.key === toned || (c.key === 'actual' && p.actual === null) ? t : 'plain',
      });
    }
  });
  return cells;
}

/** The recent classification predictions, one row per table cell. */
export function recentCellRows(r: MonitoringReport): TableCell[] {
  return tableCells(
    r,
    CLASS_COLUMNS,
    'outcome',
    (p) => ({
      id: String(p.id),
      time: shortTime(p.eventTime),
      model: `v${p.modelVersion}`,
      predicted: classLabel(r, p.predicted),
      probability: p.probability.toFixed(2),
      actual: p.actual === null ? 'waiting' : classLabel(r, p.actual),
      outcome: outcomeMark(p),
    }),
    (p) => (p.actual === null ? 'waiting' : p.actual === p.predicted ? 'right' : 'wrong'),
  );
}

/** The recent regression predictions, one row per table cell. */
export function recentValueCellRows(r: MonitoringReport): TableCell[] {
  const tolerance = smallestTolerance(r);
  return tableCells(
    r,
    VALUE_COLUMNS,
    'error',
    (p) => ({
      id: String(p.id),
      time: shortTime(p.eventTime),
      model: `v${p.modelVersion}`,
      predicted: p.predicted,
      interval: intervalText(r, p),
      actual: p.actual ?? 'waiting',
      error: p.actual === null ? '…' : signedError(r, p),
    }),
    (p) =>
      p.actual === null
        ? 'waiting'
        : tolerance === null
          ? 'plain'
          : withinTolerance(p, tolerance)
            ? 'right'
            : 'wrong',
  );
}

/** The table as a chart: the header row bold, every cell a text mark toned by its `tone`. */
function tableSpec(
  opts: ChartOptions,
  text: { title: string; description: string },
  columns: readonly Column[],
  cells: TableCell[],
  rows: number,
): TopLevelSpec {
  const header = columns.map((c) => ({ row: 0, x: c.x, text: c.header }));
  const x = { field: 'x', type: 'quantitative', scale: { domain: [0, 1] }, axis: null };
  const y = { field: 'row', type: 'ordinal', axis: null };
  const color = {
    field: 'tone',
    type: 'nominal',
    legend: null,
    scale: { domain: ['plain', 'right', 'wrong', 'waiting'], range: ['#222', '#2a9d4b', '#c0392b', '#888'] },
  };
  return top(opts, text.title, null, text.description, {
    height: (rows + 1) * TABLE_ROW,
    data: named('recent', cells),
    layer: [
      {
        data: named('recentHeader', header),
        mark: { type: 'text', align: 'left', baseline: 'middle', fontWeight: 'bold', fontSize: 11 },
        encoding: { x, y, text: { field: 'text', type: 'nominal' } },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 11 },
        encoding: withInteraction(opts, { x, y, text: { field: 'text', type: 'nominal' }, color }, [
          { field: 'full', type: 'nominal', title: 'value' },
        ]),
      },
    ],
  });
}

const TITLE = 'Recent predictions';

/** Nothing to list yet. */
const emptyTable = (opts: ChartOptions) =>
  messageSpec(
    TITLE,
    'No predictions yet, so the table of recent predictions is empty.',
    'No predictions yet.',
    opts,
  );

export function recentPredictionsSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  if (r.recent.length === 0) return emptyTable(opts);
  const right = r.recent.filter((p) => p.actual !== null && p.actual === p.predicted).length;
  const labelled = r.recent.filter((p) => p.actual !== null).length;
  const description =
    `The ${r.recent.length} most recent predictions, newest first, with event time, model version, predicted ` +
    `class, probability and actual class: ${right} of ${labelled} labelled ones correct, ` +
    `${r.recent.length - labelled} waiting for a label.`;
  return tableSpec(opts, { title: TITLE, description }, CLASS_COLUMNS, recentCellRows(r), r.recent.length);
}

export function recentValuesSpec(r: MonitoringReport, opts: ChartOptions = {}): TopLevelSpec {
  if (r.recent.length === 0) return emptyTable(opts);
  const labelled = r.recent.filter((p) => p.actual !== null);
  const tolerance = smallestTolerance(r);
  const within =
    tolerance === null
      ? ''
      : ` ${labelled.filter((p) => withinTolerance(p, tolerance)).length} of ${labelled.length} labelled ones within ${formatNumber(tolerance, 6)},`;
  const description =
    `The ${r.recent.length} most recent predictions, newest first, with event time, model version, predicted ` +
    `value, its 10–90% interval, actual value and error:${within} ${r.recent.length - labelled.length} waiting for a label.`;
  return tableSpec(
    opts,
    { title: TITLE, description },
    VALUE_COLUMNS,
    recentValueCellRows(r),
    r.recent.length,
  );
}
