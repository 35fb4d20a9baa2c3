// How many rows the model predicted, per day, as stacked day bars: the predicted class mix
// (classification; a class's share of the day) and the predictions per day split into labelled rows and
// rows waiting for a label (both tasks). Browser-safe.
import type { TopLevelSpec } from 'vega-lite';
import { grouped, percent } from '../core/format.js';
import type { MonitoringReport } from '../monitoring/monitoring-types.js';
import { classMixEntries, mergedNote } from './chart-classes.js';
import {
  bottomLegend,
  brushParam,
  type ChartOptions,
  messageSpec,
  named,
  type Obj,
  TIME_HEIGHT,
  timeX,
  top,
  withInteraction,
} from './chart-kit.js';
import { classMixRows, DATED_DATA, ROW_STATUS, rowsPerDayRows } from './chart-rows.js';

/** Legend entries in rows of this many columns, so a long class list wraps inside the chart's width. */
function legendColumns(opts: ChartOptions, entries: number): number | undefined {
  if (entries <= 4) return undefined;
  // 'container': two columns, which a phone holds (the browser measures text narrower than the estimate).
  const width = typeof opts.width === 'number' ? opts.width : 2 * LEGEND_ENTRY_WIDTH;
  return Math.max(1, Math.min(entries, Math.floor(width / LEGEND_ENTRY_WIDTH)));
}

/** Room for one legend entry: symbol, gap and a label cut at LEGEND_LABEL_LIMIT. */
// Vega's static renderer estimates 0.8 em per character: 180 px hold a short label (chart-classes.ts).
const LEGEND_LABEL_LIMIT = 180;
const LEGEND_ENTRY_WIDTH = LEGEND_LABEL_LIMIT;

/**
 * A static render leaves out zero-height bars: they draw nothing but add a mark per class and day to the
 * committed SVG. The interactive dashboard keeps every row (its filters and tooltips count them).
 */
function staticNonEmpty<T extends Obj>(opts: ChartOptions, rows: T[], field: keyof T): T[] {
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
    data: named(DATED_DATA.classMix, staticNonEmpty(opts, rows, 'count')),
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
    data: named(DATED_DATA.rowsPerDay, staticNonEmpty(opts, rows, 'rows')),
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
