// The original systems' "latest sample" panel with the running totals, as text: the latest prediction and
// its outcome, all-time totals, the last daily run, and the live accuracy (or MAE) beside the holdout's
// and a baseline, with where the predicted rows came from. The repository dashboard's first chart (the
// Pages dashboard has its own HTML panel). Browser-safe.
import type { TopLevelSpec } from 'vega-lite';
import { grouped, percent } from '../core/format.js';
import { formatNumber } from '../core/json.js';
import { shortTime } from '../core/time.js';
import {
  lastRun,
  latestOf,
  type MonitoringReport,
  type PredictionRecord,
} from '../monitoring/monitoring-types.js';
import { type ChartOptions, messageSpec, textSpec } from './chart-kit.js';
import { classLabel, outcomeMark } from './class-values.js';
import { errorText, intervalText, signedError, valueWithUnit } from './regression-values.js';

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

/** The latest regression prediction in words: value, interval, actual and error. */
export function latestValueText(r: MonitoringReport, p: PredictionRecord): string {
  const interval =
    p.low === undefined || p.high === undefined ? '' : ` (10–90% interval ${intervalText(r, p)})`;
  const actual =
    p.actual === null ? 'actual: waiting for its label' : `actual ${p.actual}, error ${signedError(r, p)}`;
  return `#${p.id} for ${shortTime(p.eventTime)} UTC by model v${p.modelVersion}: predicted ${valueWithUnit(r, Number(p.predicted))}${interval}, ${actual}.`;
}

/** Live MAE / RMSE and accuracy within each tolerance beside the holdout and the mean baseline. */
export function liveErrorText(r: MonitoringReport): string {
  const live = (r.regression as NonNullable<MonitoringReport['regression']>).live;
  const errors =
    live.mae === null
      ? `Last ${live.days} days: no labelled predictions yet.`
      : `Last ${live.days} days: MAE ${errorText(r, live.mae)}, RMSE ${errorText(r, live.rmse)} on ${grouped(live.labelled)} labelled rows` +
        (live.within.length
          ? `; ${live.within.map((w) => `within ${formatNumber(w.tolerance, 6)}: ${percent(w.accuracy)}`).join(', ')}.`
          : '.');
  const c = r.champion;
  const reference =
    c?.holdoutMae === undefined
      ? ''
      : ` Holdout MAE ${errorText(r, c.holdoutMae)}` +
        (c.holdoutBaselineMae == null
          ? '.'
          : `, predicting the training mean ${errorText(r, c.holdoutBaselineMae)}.`);
  return errors + reference;
}
