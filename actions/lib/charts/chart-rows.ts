// The rows of the dated and per-version charts, typed, and the names of the datasets that carry them. A
// spec carries each as named inline data; the Pages dashboard rebuilds the rows of a date selection with
// these same builders and swaps them in by name (view.data(name, rows)) without rebuilding a spec.
// Browser-safe.
import { grouped, percent } from '../core/format.js';
import { nextDay } from '../core/time.js';
import type { MonitoringReport, VersionPoint } from '../monitoring/monitoring-types.js';
import { type ClassEntries, classMixEntries } from './chart-classes.js';
import { errorText } from './regression-values.js';

/** The names of the datasets the dashboard swaps when a date range is selected. */
export const DATED_DATA = {
  accuracy: 'accuracy',
  errors: 'errors',
  scatter: 'scatter',
  modelChanges: 'modelChanges',
  classMix: 'classMix',
  rowsPerDay: 'rowsPerDay',
} as const;

export const ACCURACY_SERIES = ['daily', 'rolling 7-day', 'rolling 30-day'] as const;
export const ERROR_SERIES = [
  'daily MAE',
  'rolling 7-day MAE',
  'rolling 30-day MAE',
  'rolling 30-day RMSE',
] as const;
export const ROW_STATUS = ['labelled', 'waiting for label'] as const;

/** A day of a series over time: `day` is the date as text for the tooltip (`date` is the time axis). */
type DayBase = {
  date: string;
  day: string;
  labelled: number;
};
/** A day's value of one series, under the field `F`. */
type SeriesRow<S extends string, F extends string> = DayBase & { series: S } & Record<F, number>;
export type AccuracyRow = SeriesRow<(typeof ACCURACY_SERIES)[number], 'accuracy'>;
export type ErrorRow = SeriesRow<(typeof ERROR_SERIES)[number], 'error'>;
export type ModelChangeRow = { date: string; day: string; version: number; label: string };
/** A bar of a model version: `labelY` places its label (0 without labels), `from`/`to` its days. */
export type VersionRow = {
  version: string;
  role: 'champion' | 'earlier';
  labelY: number;
  rows: number;
  labelled: number;
  from: string;
  to: string;
  label: string;
} & ({ accuracy: number | null } | { mae: number | null; rmse: number | null });
/** A class entry's part of a day's stacked bar, from y0 to y1 (shares), spanning date to next. */
export type ClassMixRow = {
  date: string;
  next: string;
  day: string;
  cls: string;
  clsFull: string;
  count: number;
  share: number;
  y0: number;
  y1: number;
};
export type RowsPerDayRow = {
  date: string;
  next: string;
  day: string;
  total: number;
  status: (typeof ROW_STATUS)[number];
  rows: number;
  y0: number;
  y1: number;
};
export type ScatterRow = {
  date: string;
  version: number;
  predicted: number;
  actual: number;
  day: string;
  model: string;
  error: number;
};

/** One row per day and series that has a value; the value under `field`. */
function seriesRows<S extends string, F extends string>(
  days: readonly { date: string; labelled: number }[],
  series: readonly S[],
  field: F,
  values: (day: number) => (number | null)[],
): SeriesRow<S, F>[] {
  const rows: SeriesRow<S, F>[] = [];
  days.forEach((d, at) => {
    const base = { date: d.date, day: d.date, labelled: d.labelled };
    values(at).forEach((value, i) => {
      if (value !== null) rows.push({ ...base, series: series[i], [field]: value } as SeriesRow<S, F>);
    });
  });
  return rows;
}

export function accuracyRows(r: MonitoringReport): AccuracyRow[] {
  return seriesRows(r.daily, ACCURACY_SERIES, 'accuracy', (i) => [
    r.daily[i].accuracy,
    r.daily[i].rolling7,
    r.daily[i].rolling30,
  ]);
}

/** Rows of the error-over-time chart (regression). */
export function errorRows(r: MonitoringReport): ErrorRow[] {
  const daily = r.regression?.daily ?? [];
  return seriesRows(daily, ERROR_SERIES, 'error', (i) => [
    daily[i].mae,
    daily[i].rolling7Mae,
    daily[i].rolling30Mae,
    daily[i].rolling30Rmse,
  ]);
}

export function modelChangeRows(r: MonitoringReport): ModelChangeRow[] {
  return r.modelChanges.map((c) => ({
    date: c.date,
    day: c.date,
    version: c.version,
    label: `v${c.version}`,
  }));
}

/** The per-version bars of either task: `figures` are the version's own fields, `figure` the bar's height. */
function versionRowsOf<
  V extends Pick<VersionPoint, 'version' | 'rows' | 'labelled' | 'firstDate' | 'lastDate'>,
>(
  r: MonitoringReport,
  versions: readonly V[],
  figures: (v: V) => object,
  figure: (v: V) => number | null,
  text: (x: number) => string,
): VersionRow[] {
  const champion = r.champion?.version ?? null;
  return versions.map((v) => {
    const x = figure(v);
    return {
      version: `v${v.version}`,
      role: v.version === champion ? 'champion' : 'earlier',
      ...figures(v),
      labelY: x ?? 0,
      rows: v.rows,
      labelled: v.labelled,
      from: v.firstDate,
      to: v.lastDate,
      label:
        x === null
          ? `no labels yet (${grouped(v.rows)} rows)`
          : `${text(x)} · ${grouped(v.labelled)} labelled`,
    } as VersionRow;
  });
}

export function versionRows(r: MonitoringReport): VersionRow[] {
  return versionRowsOf(
    r,
    r.byVersion,
    (v) => ({ accuracy: v.accuracy }),
    (v) => v.accuracy,
    (x) => percent(x),
  );
}

/** Regression: MAE (and RMSE) of each model version. */
export function versionErrorRows(r: MonitoringReport): VersionRow[] {
  return versionRowsOf(
    r,
    r.regression?.byVersion ?? [],
    (v) => ({ mae: v.mae, rmse: v.rmse }),
    (v) => v.mae,
    (x) => errorText(r, x),
  );
}

/**
 * Per day and class entry: its share of that day's predictions, stacked in class order (y0..y1). The
 * entries are the whole report's (a date selection passes them in, so the legend never changes with it).
 */
export function classMixRows(r: MonitoringReport, entries: ClassEntries = classMixEntries(r)): ClassMixRow[] {
  const rows: ClassMixRow[] = [];
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

export function rowsPerDayRows(r: MonitoringReport): RowsPerDayRow[] {
  const rows: RowsPerDayRow[] = [];
  for (const d of r.daily) {
    const waiting = d.rows - d.labelled;
    const common = { date: d.date, next: nextDay(d.date), day: d.date, total: d.rows };
    rows.push({ ...common, status: ROW_STATUS[0], rows: d.labelled, y0: 0, y1: d.labelled });
    rows.push({ ...common, status: ROW_STATUS[1], rows: waiting, y0: d.labelled, y1: d.rows });
  }
  return rows;
}

/** Regression: the newest labelled predictions of the window, predicted against actual. */
export function scatterRows(r: MonitoringReport): ScatterRow[] {
  return (r.regression?.scatter ?? []).map((p) => ({
    ...p,
    day: p.date,
    model: `v${p.version}`,
    error: p.predicted - p.actual,
  }));
}
