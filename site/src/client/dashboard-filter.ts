// The dashboard's date selection: a brush on a time chart (or the date inputs) narrows the other panels to
// a range of days. Only panels whose data are dated follow it: the confusion matrices, per-version accuracy
// and drift are computed over fixed windows the monitoring file does not split by day. Browser-safe.
import { classMixEntries } from '../../../actions/lib/charts/chart-classes.js';
import {
  accuracyRows,
  classMixRows,
  modelChangeRows,
  rowsPerDayRows,
} from '../../../actions/lib/charts/chart-rows.js';
import { predictedVsActualSpec } from '../../../actions/lib/charts/error-charts.js';
import { errorOverTimeSpec } from '../../../actions/lib/charts/over-time-charts.js';
import { utcDate } from '../../../actions/lib/core/time.js';
import type { MonitoringReport } from '../../../actions/lib/monitoring/monitoring-types.js';
import { isRegressionReport } from './regression-report.js';

/** Inclusive UTC dates YYYY-MM-DD. */
export interface DateRange {
  from: string;
  to: string;
}

/** The brush's value ({ date: [fromMs, toMs] }, or {} when cleared) as the days it touches. */
export function rangeFromBrush(value: unknown): DateRange | null {
  const extent = (value as { date?: unknown } | null)?.date;
  if (!Array.isArray(extent) || extent.length !== 2) return null;
  const ms = extent.map((x) => (x instanceof Date ? x.getTime() : Number(x)));
  if (!ms.every(Number.isFinite)) return null;
  const [a, b] = ms[0] <= ms[1] ? ms : [ms[1], ms[0]];
  return { from: utcDate(a), to: utcDate(b) };
}

const inRange = (date: string, r: DateRange) => date >= r.from && date <= r.to;

/** The report restricted to the days of a range (daily points, model changes, recent predictions). */
export function filterReport(r: MonitoringReport, range: DateRange | null): MonitoringReport {
  if (range === null) return r;
  const out = {
    ...r,
    daily: r.daily.filter((d) => inRange(d.date, range)),
    modelChanges: r.modelChanges.filter((c) => inRange(c.date, range)),
    recent: r.recent.filter((p) => inRange(p.eventTime.slice(0, 10), range)),
  };
  // A regression report's dated figures: its days and its predicted-against-actual points.
  if (isRegressionReport(r))
    Object.assign(out, {
      regression: {
        ...r.regression,
        daily: r.regression.daily.filter((d) => inRange(d.date, range)),
        scatter: r.regression.scatter.filter((p) => inRange(p.date, range)),
      },
    });
  return out;
}

/**
 * The rows a chart spec carries under a data name (top level or a layer), [] when it has none (a chart
 * with nothing to draw is a message): the regression specs build their rows inline, so the selection
 * takes them from the spec of the narrowed report rather than building them a second way.
 */
function namedValues(spec: unknown, name: string): Record<string, unknown>[] {
  const node = spec as { data?: { name?: string; values?: Record<string, unknown>[] }; layer?: unknown[] };
  if (node.data?.name === name) return node.data.values ?? [];
  for (const layer of node.layer ?? []) {
    const found = namedValues(layer, name);
    if (found.length > 0) return found;
  }
  return [];
}

/**
 * Rows of every named dataset that depends on the date, as the chart specs name them. `whole`: the
 * unfiltered report, whose classes the class-mix legend shows (a selection never changes the legend).
 */
export function datedData(
  r: MonitoringReport,
  whole: MonitoringReport = r,
): Record<string, Record<string, unknown>[]> {
  if (isRegressionReport(r))
    return {
      errors: namedValues(errorOverTimeSpec(r), 'errors'),
      scatter: namedValues(predictedVsActualSpec(r), 'scatter'),
      modelChanges: modelChangeRows(r),
      rowsPerDay: rowsPerDayRows(r),
    };
  return {
    accuracy: accuracyRows(r),
    modelChanges: modelChangeRows(r),
    classMix: classMixRows(r, classMixEntries(whole)),
    rowsPerDay: rowsPerDayRows(r),
  };
}

export interface RangeSummary {
  days: number;
  rows: number;
  labelled: number;
  correct: number;
  accuracy: number | null;
}

/** MAE and RMSE over the labelled rows of the days of a (filtered) regression report. */
export function summarizeErrors(r: MonitoringReport): { mae: number | null; rmse: number | null } {
  if (!isRegressionReport(r)) return { mae: null, rmse: null };
  let n = 0;
  let absolute = 0;
  let squared = 0;
  for (const d of r.regression.daily) {
    if (d.mae === null || d.rmse === null || d.labelled === 0) continue;
    n += d.labelled;
    absolute += d.mae * d.labelled;
    squared += d.rmse * d.rmse * d.labelled;
  }
  return n === 0 ? { mae: null, rmse: null } : { mae: absolute / n, rmse: Math.sqrt(squared / n) };
}

export function summarize(r: MonitoringReport): RangeSummary {
  let rows = 0;
  let labelled = 0;
  let correct = 0;
  for (const d of r.daily) {
    rows += d.rows;
    labelled += d.labelled;
    correct += d.correct;
  }
  return { days: r.daily.length, rows, labelled, correct, accuracy: labelled ? correct / labelled : null };
}
