// The dashboard's HTML panels for a regression dataset: the summary (live MAE beside the champion's
// holdout MAE and the mean baseline, and the alert rule), the latest sample with its predicted value,
// interval and actual value, the recent prediction history and the drift table.
import { algorithmTitle } from '../../../actions/lib/charts/algorithm-titles.js';
import { driftRows } from '../../../actions/lib/charts/drift-chart.js';
import { valueWithUnit } from '../../../actions/lib/charts/regression-values.js';
import { grouped, percent } from '../../../actions/lib/core/format.js';
import { formatNumber } from '../../../actions/lib/core/json.js';
import { utcText } from '../../../actions/lib/core/time.js';
import {
  lastRun,
  latestOf,
  type PredictionRecord,
} from '../../../actions/lib/monitoring/monitoring-types.js';
import { predictionDecimals } from '../../../actions/lib/monitoring/predicted-value.js';
import { driftTableOf, recentScroller } from './dashboard-panels.js';
import { h } from './dom.js';
import type { RegressionReport } from './regression-report.js';
import { activeAlerts } from './report-facts.js';

type Logged = PredictionRecord;

/** An error figure (MAE, RMSE, a row's error): one decimal finer than a logged value, as the report writes it. */
const errorText = (r: RegressionReport, x: number | null) => valueWithUnit(r, x, 1);
const signed = (r: RegressionReport, x: number) => `${x > 0 ? '+' : ''}${errorText(r, x)}`;

/** The MAE alert line: thresholds.mae, or the MAE alert's own threshold. */
export function maeThreshold(r: RegressionReport): number | null {
  if (typeof r.thresholds.mae === 'number') return r.thresholds.mae;
  return r.alerts.find((a) => a.kind === 'mae')?.threshold ?? null;
}

/** "MAE 0.52 points over the last 30 days (84 labelled rows)", or why there is none. */
export function liveMaeText(r: RegressionReport): string {
  const l = r.regression.live;
  if (l.mae === null) return `no labelled predictions in the last ${l.days} days`;
  const within = l.within
    .filter((w) => w.accuracy !== null)
    .map((w) => `${percent(w.accuracy as number)} within ±${formatNumber(w.tolerance, 6)}`)
    .join(', ');
  return (
    `MAE ${errorText(r, l.mae)}` +
    (l.rmse === null ? '' : ` · RMSE ${errorText(r, l.rmse)}`) +
    ` over the last ${l.days} days (${grouped(l.labelled)} labelled rows)` +
    (within ? ` · ${within}` : '')
  );
}

/** The champion's holdout MAE and what always predicting the training mean would score. */
export function holdoutMaeText(r: RegressionReport): string {
  const c = r.champion;
  if (c === null) return 'none yet';
  const parts = [`v${c.version} · ${algorithmTitle(c.algorithm)}`];
  if (c.holdoutMae !== undefined) parts.push(`holdout MAE ${errorText(r, c.holdoutMae)}`);
  if (c.holdoutRmse !== undefined) parts.push(`RMSE ${errorText(r, c.holdoutRmse)}`);
  if (c.holdoutBaselineMae != null) parts.push(`mean baseline MAE ${errorText(r, c.holdoutBaselineMae)}`);
  return parts.join(' · ');
}

/** The MAE alert in words: rolling 30-day MAE above the holdout MAE plus the margin. */
export function maeRuleText(r: RegressionReport): string {
  const threshold = maeThreshold(r);
  if (threshold === null) return 'no MAE alert: the champion has no holdout MAE';
  return `alert when the rolling 30-day MAE exceeds ${errorText(r, threshold)} (holdout MAE plus the margin)`;
}

export function regressionSummaryPanel(r: RegressionReport): HTMLElement {
  const active = activeAlerts(r);
  const run = lastRun(r);
  const facts: [string, string][] = [
    ['Task', `regression: predicts ${r.label.title}${r.label.unit ? ` in ${r.label.unit}` : ''}`],
    ['Champion', holdoutMaeText(r)],
    ['Live error', liveMaeText(r)],
    ['MAE alert', maeRuleText(r)],
    [
      'Rows predicted',
      `${grouped(r.totals.bySource.synthetic)} synthetic (drawn daily by the generator fitted to the real rows) · ` +
        `${grouped(r.totals.bySource.ingest)} ingested (real)`,
    ],
    ['Predictions', `${grouped(r.totals.predictions)} · ${grouped(r.totals.labelled)} labelled`],
    ['Last daily run', run ? utcText(run) : 'not yet'],
    ['Data up to', r.asOf ? utcText(r.asOf) : '–'],
  ];
  return h(
    'section',
    { class: 'summary', 'aria-labelledby': 'summary-title', 'data-task': 'regression' },
    h('h2', { id: 'summary-title', class: 'sr-only' }, 'Summary'),
    h('dl', { class: 'facts' }, ...facts.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))),
    active.length === 0
      ? h('p', { class: 'alerts ok', id: 'alerts' }, 'No active alerts.')
      : h(
          'ul',
          { class: 'alerts active', id: 'alerts', role: 'alert' },
          ...active.map((a) => h('li', { 'data-kind': a.kind }, a.message)),
        ),
  );
}

const numberOf = (text: string | null) => (text === null || text.trim() === '' ? null : Number(text));

/** The error of a logged prediction (predicted − actual), or null while it waits for its label. */
function errorOf(p: Logged): number | null {
  const actual = numberOf(p.actual);
  const predicted = numberOf(p.predicted);
  return actual === null || predicted === null || !Number.isFinite(actual) || !Number.isFinite(predicted)
    ? null
    : predicted - actual;
}

/** A logged interval "5.2–6.8 points" (the table's column names the unit once: withUnit false). */
const intervalOf = (r: RegressionReport, p: Logged, withUnit = true) => {
  if (p.low === undefined || p.high === undefined) return '–';
  const d = predictionDecimals(r.label);
  const unit = withUnit && r.label.unit ? ` ${r.label.unit}` : '';
  return `${formatNumber(p.low, d)}–${formatNumber(p.high, d)}${unit}`;
};

export function regressionLatestPanel(r: RegressionReport): HTMLElement {
  const p = latestOf(r) as Logged | null;
  const body: HTMLElement[] = [];
  if (p === null) body.push(h('p', {}, 'No predictions yet: the daily pipeline has not run.'));
  else {
    const error = errorOf(p);
    const predicted = numberOf(p.predicted);
    body.push(
      h(
        'p',
        { class: 'latest-meta' },
        `Row #${p.id} · event time ${utcText(p.eventTime)} · model v${p.modelVersion}`,
      ),
      h(
        'dl',
        { class: 'facts latest-values' },
        h(
          'div',
          {},
          h('dt', {}, 'Predicted'),
          h('dd', { 'data-role': 'predicted' }, valueWithUnit(r, predicted)),
        ),
        h('div', {}, h('dt', {}, 'Likely between'), h('dd', {}, intervalOf(r, p))),
        h(
          'div',
          {},
          h('dt', {}, 'Actual'),
          h(
            'dd',
            { 'data-role': 'actual' },
            p.actual === null
              ? 'waiting for its label'
              : `${p.actual}${r.label.unit ? ` ${r.label.unit}` : ''}`,
          ),
        ),
        h('div', {}, h('dt', {}, 'Error'), h('dd', {}, error === null ? 'not yet known' : signed(r, error))),
      ),
    );
  }
  return h(
    'section',
    { class: 'panel latest', id: 'latest', 'aria-labelledby': 'latest-title' },
    h('h2', { id: 'latest-title' }, 'Latest sample'),
    ...body,
  );
}

/** The recent predictions, newest first, with interval and error; `rows` is the (date-filtered) subset. */
export function regressionRecentTable(r: RegressionReport, rows: readonly PredictionRecord[]): HTMLElement {
  const unit = r.label.unit ? ` (${r.label.unit})` : '';
  // What a reader scans first (predicted, actual, error) first, so a phone shows it without scrolling.
  const head = [
    `predicted${unit}`,
    `actual${unit}`,
    `error${unit}`,
    `likely between${unit}`,
    'event time (UTC)',
    'model',
    'id',
  ];
  const row = (p: Logged) => {
    const error = errorOf(p);
    const predicted = numberOf(p.predicted);
    return h(
      'tr',
      { 'data-id': p.id, class: error === null ? 'waiting' : 'labelled' },
      h(
        'td',
        { class: 'num' },
        predicted === null ? '–' : formatNumber(predicted, predictionDecimals(r.label)),
      ),
      h('td', { class: 'num' }, p.actual === null ? 'waiting' : p.actual),
      h(
        'td',
        { class: 'num' },
        error === null
          ? ''
          : `${error > 0 ? '+' : ''}${formatNumber(error, predictionDecimals(r.label) + 1)}`,
      ),
      h('td', { class: 'num' }, intervalOf(r, p, false)),
      h('td', {}, utcText(p.eventTime).replace(' UTC', '')),
      h('td', {}, `v${p.modelVersion}`),
      h('td', {}, String(p.id)),
    );
  };
  return recentScroller(
    h(
      'table',
      { class: 'recent', id: 'recent-table' },
      h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...(rows.length === 0
          ? [h('tr', {}, h('td', { colspan: head.length }, 'No predictions in the selected days.'))]
          : [...rows].reverse().map((p) => row(p))),
      ),
    ),
  );
}

/** The drift chart's rows as a table: the features, the predicted value and the errors (drift-chart.ts driftRows). */
export function regressionDriftTable(r: RegressionReport): HTMLElement {
  const rows = driftRows(r) as unknown as {
    name: string;
    test: string;
    statistic: number;
    pValue: number;
    adjustedPValue: number;
    psi: number;
    status: string;
  }[];
  if (rows.length === 0)
    return h('p', { class: 'note' }, `Drift not computed: ${r.driftSkipped ?? 'no window'}.`);
  return driftTableOf(
    r.drift
      ? `Drift of the features, the predicted value and the errors as a table (${r.drift.window.from} – ${r.drift.window.to}, ${grouped(r.drift.window.rows)} rows)`
      : 'Drift as a table',
    'what',
    rows.map(({ test, ...f }) => ({ ...f, ks: test === 'KS' })),
  );
}
