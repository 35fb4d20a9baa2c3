// The dashboard's HTML panels (the parts that are text, not charts): the model and alert summary, the
// latest sample with predicted and actual class, the recent prediction history and the drift table.

import { algorithmTitle } from '../../../actions/lib/charts/algorithm-titles.js';
import { classLabel, outcomeMark } from '../../../actions/lib/charts/class-values.js';
import { grouped, percent, pValueText } from '../../../actions/lib/core/format.js';
import { utcText } from '../../../actions/lib/core/time.js';
import {
  lastRun,
  latestOf,
  type MonitoringReport,
  type PredictionRecord,
} from '../../../actions/lib/monitoring/monitoring-types.js';
import { rangeText } from '../../../actions/lib/pipelines/daily-schedule.js';
import { classIcon } from './class-icon.js';
import { h } from './dom.js';
import { activeAlerts } from './report-facts.js';

const classIndex = (r: MonitoringReport, value: string) => r.classes.findIndex((c) => c.value === value);

export function summaryPanel(r: MonitoringReport): HTMLElement {
  const active = activeAlerts(r);
  const run = lastRun(r);
  const facts: [string, string][] = [
    [
      'Champion',
      r.champion
        ? `v${r.champion.version} · ${algorithmTitle(r.champion.algorithm)} · holdout accuracy ${percent(r.champion.holdoutAccuracy)}` +
          (r.champion.holdoutBaseline === null
            ? ''
            : ` · majority-class baseline ${percent(r.champion.holdoutBaseline)}`)
        : 'none yet',
    ],
    ['Live accuracy', liveAccuracyText(r)],
    [
      'Rows predicted',
      `${grouped(r.totals.bySource.synthetic)} synthetic (drawn daily by the generator fitted to the real rows) · ` +
        `${grouped(r.totals.bySource.ingest)} ingested (real)`,
    ],
    [
      'Predictions',
      `${grouped(r.totals.predictions)} · ${grouped(r.totals.labelled)} labelled · accuracy ${r.totals.accuracy === null ? '–' : percent(r.totals.accuracy)}`,
    ],
    ['Last daily run', run ? utcText(run) : 'not yet'],
    ['Data up to', r.asOf ? utcText(r.asOf) : '–'],
  ];
  return h(
    'section',
    { class: 'summary', 'aria-labelledby': 'summary-title' },
    h('h2', { id: 'summary-title', class: 'sr-only' }, 'Summary'),
    h('dl', { class: 'facts' }, ...facts.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))),
    missingDaysNotice(r),
    active.length === 0
      ? h('p', { class: 'alerts ok', id: 'alerts' }, 'No active alerts.')
      : h(
          'ul',
          { class: 'alerts active', id: 'alerts', role: 'alert' },
          ...active.map((a) => h('li', { 'data-kind': a.kind }, a.message)),
        ),
  );
}

/** The last days' accuracy with its 95% interval: 30 rows a month give a wide one, and it should show. */
function liveAccuracyText(r: MonitoringReport): string {
  const l = r.live;
  if (l.accuracy === null) return `no labelled predictions in the last ${l.days} days`;
  return (
    `${percent(l.accuracy)} over the last ${l.days} days (95% interval ${percent(l.low ?? 0)}–${percent(l.high ?? 1)}, ` +
    `${grouped(l.labelled)} labelled rows)`
  );
}

/** Days the daily missed beyond its catch-up bound; the repository report has the command for each. */
function missingDaysNotice(r: MonitoringReport): HTMLElement | null {
  const missing = r.missingDays ?? [];
  if (missing.length === 0) return null;
  return h(
    'p',
    { class: 'notice', id: 'missing-days' },
    `Days not made good (more were missing than one daily run catches up): ${missing.map(rangeText).join(', ')}. `,
    `The repository report reports/${r.dataset}/README.md has the command that backfills them.`,
  );
}

function classBadge(r: MonitoringReport, value: string, role: string): HTMLElement {
  const i = classIndex(r, value);
  return h(
    'div',
    { class: 'badge', 'data-role': role },
    i >= 0 ? classIcon(i, r.classes.length, 48) : null,
    h(
      'div',
      {},
      h('p', { class: 'badge-role' }, role),
      h('p', { class: 'badge-label' }, classLabel(r, value)),
    ),
  );
}

export function latestPanel(r: MonitoringReport): HTMLElement {
  const p = latestOf(r);
  const body =
    p === null
      ? [h('p', {}, 'No predictions yet: the daily pipeline has not run.')]
      : [
          h(
            'p',
            { class: 'latest-meta' },
            `Row #${p.id} · event time ${utcText(p.eventTime)} · model v${p.modelVersion} · p = ${p.probability.toFixed(2)}`,
          ),
          h(
            'div',
            { class: 'badges' },
            classBadge(r, p.predicted, 'Predicted'),
            p.actual === null
              ? h(
                  'div',
                  { class: 'badge waiting', 'data-role': 'Actual' },
                  h('p', {}, 'Actual: waiting for its label'),
                )
              : classBadge(r, p.actual, 'Actual'),
            h(
              'p',
              {
                class: `outcome ${p.actual === null ? 'waiting' : p.actual === p.predicted ? 'right' : 'wrong'}`,
              },
              p.actual === null ? 'Not yet known' : p.actual === p.predicted ? '✓ Correct' : '✗ Wrong',
            ),
          ),
        ];
  return h(
    'section',
    { class: 'panel latest', id: 'latest', 'aria-labelledby': 'latest-title' },
    h('h2', { id: 'latest-title' }, 'Latest sample'),
    ...body,
  );
}

function recentRow(r: MonitoringReport, p: PredictionRecord): HTMLTableRowElement {
  const tone = p.actual === null ? 'waiting' : p.actual === p.predicted ? 'right' : 'wrong';
  return h(
    'tr',
    { 'data-id': p.id, class: tone },
    h('td', {}, classLabel(r, p.predicted)),
    h('td', {}, p.actual === null ? 'waiting' : classLabel(r, p.actual)),
    h('td', { class: 'mark', 'aria-label': tone }, outcomeMark(p)),
    h('td', { class: 'num' }, p.probability.toFixed(2)),
    h('td', {}, utcText(p.eventTime).replace(' UTC', '')),
    h('td', {}, `v${p.modelVersion}`),
    h('td', {}, String(p.id)),
  );
}

/**
 * A table of recent predictions that scrolls sideways on a phone: focusable for the keyboard, and a
 * region named apart from the panel that holds it (two landmarks with one name are a screen reader trap).
 */
export function recentScroller(table: HTMLElement): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Recent predictions table' },
    table,
  );
}

/** The outcome column's header: the column shows only ✓ ✗ …, its name is for screen readers. */
const outcomeHeader = () => h('span', { class: 'sr-only' }, 'outcome');

/**
 * The recent predictions, newest first; `rows` is the (date-filtered) subset to show. The columns a
 * reader scans first (predicted, actual, ✓ ✗) come first, so a phone shows them without scrolling.
 */
export function recentTable(r: MonitoringReport, rows: readonly PredictionRecord[]): HTMLElement {
  const head = ['predicted', 'actual', outcomeHeader(), 'p', 'event time (UTC)', 'model', 'id'];
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
          : [...rows].reverse().map((p) => recentRow(r, p))),
      ),
    ),
  );
}

export function driftTable(r: MonitoringReport): HTMLElement {
  if (r.drift === null)
    return h('p', { class: 'note' }, `Drift not computed: ${r.driftSkipped ?? 'no window'}.`);
  const d = r.drift;
  const rows = [
    ...d.features.map((f) => ({ ...f, name: f.title })),
    // The predicted class is one test of its own: its p-value is the one that decides.
    { ...d.prediction, adjustedPValue: d.prediction.pValue, name: 'Predicted class (model output)' },
  ];
  return driftTableOf(
    `Drift per feature as a table (${d.window.from} – ${d.window.to}, ${grouped(d.window.rows)} rows)`,
    'feature',
    rows.map((f) => ({
      name: f.name,
      ks: f.test === 'ks',
      statistic: f.statistic,
      pValue: f.pValue,
      // A monitoring.json from before the adjusted decision has neither: its raw p and verdict stand.
      adjustedPValue: f.adjustedPValue ?? f.pValue,
      psi: f.psi,
      status: f.status ?? (f.drifted ? 'drifted' : 'stable'),
    })),
  );
}

/** One row of a drift table: a tested quantity, its test (KS or chi-square), p-values, PSI and decision. */
export interface DriftTableRow {
  name: string;
  ks: boolean;
  statistic: number;
  pValue: number;
  adjustedPValue: number;
  psi: number;
  status: string;
}

/** The drift chart's rows as a table, in a closed details element (both tasks' dashboards). */
export function driftTableOf(
  summary: string,
  firstColumn: string,
  rows: readonly DriftTableRow[],
): HTMLElement {
  return h(
    'details',
    { class: 'drift-table' },
    h('summary', {}, summary),
    h(
      'div',
      // It scrolls sideways on a phone: focusable for the keyboard, and named.
      { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Drift table' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[firstColumn, 'test', 'statistic', 'p-value', 'adjusted p', 'PSI', 'status'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map((f) =>
            h(
              'tr',
              { class: f.status === 'drifted' ? 'drifted' : 'stable' },
              h('th', { scope: 'row' }, f.name),
              h('td', {}, f.ks ? 'Kolmogorov–Smirnov' : 'chi-square'),
              h('td', { class: 'num' }, f.statistic.toFixed(4)),
              h('td', { class: 'num' }, pValueText(f.pValue)),
              h('td', { class: 'num' }, pValueText(f.adjustedPValue)),
              h('td', { class: 'num' }, f.psi.toFixed(3)),
              h('td', {}, f.status),
            ),
          ),
        ),
      ),
    ),
  );
}
