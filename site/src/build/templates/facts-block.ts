// The facts of site/src/build/site-facts.ts in words, server-rendered: a compact form for the home card and
// a section headed "Before you trust it" for the top of the predictor and the dashboard. Every figure
// comes from the facts; nothing here computes one. Browser-safe (runs in the Node build).

import { grouped, percent, points, signedPoints } from '../../../../actions/lib/core/format.js';
import { utcText } from '../../../../actions/lib/core/time.js';
import { errorText, type ValueLabel } from '../../client/value-format.js';
import type { AlertRuleFacts, IntervalSide, SiteFacts } from '../site-facts.js';
import { type Html, html } from './html.js';

export interface FactsContext {
  name: string;
  /** Regression: how to write the label's errors. */
  label?: ValueLabel;
  /** https://github.com/owner/name, when the build knows it. */
  repositoryUrl?: string;
}

/** "53.3% (95% interval 36.1%–69.8%) over the last 30 days, 30 labelled rows". */
export function liveAccuracyText(f: SiteFacts): string | null {
  const l = f.accuracy?.live;
  if (!l || l.accuracy === null) return null;
  return `${percent(l.accuracy)} (95% interval ${percent(l.low ?? 0)}–${percent(l.high ?? 1)}) over the last ${l.days} days, ${grouped(l.labelled)} labelled rows`;
}

const BASELINE_VERDICT: Record<IntervalSide, string> = {
  inside:
    'Not yet distinguishable from always guessing the commonest class: the majority-class baseline lies inside the live interval.',
  below:
    'Better than always guessing the commonest class: the majority-class baseline lies below the live interval.',
  above:
    'Worse than always guessing the commonest class: the majority-class baseline lies above the live interval.',
};

const HOLDOUT_VERDICT: Record<IntervalSide, string> = {
  inside: 'Live rows agree with the holdout accuracy (inside the interval).',
  below: 'Live rows score better than the holdout accuracy (below the interval).',
  above: 'Worse on live rows than on the holdout (its accuracy lies above the interval).',
};

/** What live vs holdout vs baseline means, in sentences (classification: from the interval). */
export function verdictText(f: SiteFacts, label?: ValueLabel): string | null {
  const a = f.accuracy;
  if (a?.baselineSide)
    return `${BASELINE_VERDICT[a.baselineSide]}${a.holdoutSide ? ` ${HOLDOUT_VERDICT[a.holdoutSide]}` : ''}`;
  const e = f.error;
  if (!e || e.liveMae === null || !label) return null;
  if (e.baselineMae !== null && e.liveMae >= e.baselineMae)
    return `Live MAE is at or above the mean baseline's ${errorText(e.baselineMae, label)}: on live rows, always predicting the training mean would do as well.`;
  if (e.holdoutMae !== null)
    return e.liveMae > e.holdoutMae
      ? `Live MAE is above the holdout MAE ${errorText(e.holdoutMae, label)} and below the mean baseline's.`
      : `Live MAE is at or below the holdout MAE ${errorText(e.holdoutMae, label)}.`;
  return null;
}

/** Where the predicted daily rows come from: generated or real, with counts. */
export function sourcesText(f: SiteFacts): string | null {
  const p = f.predicted;
  if (!p) return null;
  return p.ingest === 0
    ? `All ${grouped(p.synthetic)} predicted rows are synthetic daily rows, drawn by the generator fitted to the real rows; none are ingested real rows.`
    : `${grouped(p.synthetic)} predicted rows are synthetic daily rows, drawn by the generator fitted to the real rows; ${grouped(p.ingest)} are ingested real rows.`;
}

/** The feature group's rows by source. */
export function groupRowsText(f: SiteFacts): string | null {
  const g = f.groupRows;
  if (!g) return null;
  return `${grouped(g.backfill)} real rows from the source file, ${grouped(g.synthetic)} synthetic, ${grouped(g.ingest)} ingested`;
}

function figure(rule: AlertRuleFacts, x: number, label?: ValueLabel): string {
  return rule.kind === 'mae' && label ? errorText(x, label) : percent(x);
}

/** The rule in words: what is compared, with what, and where the threshold comes from. */
export function alertRuleText(rule: AlertRuleFacts, label?: ValueLabel): string {
  const what =
    rule.kind === 'mae'
      ? `when the rolling ${rule.windowDays}-day MAE exceeds ${figure(rule, rule.threshold, label)}`
      : `when the rolling ${rule.windowDays}-day accuracy falls below ${percent(rule.threshold)}`;
  const v = rule.championVersion === null ? '' : ` v${rule.championVersion}`;
  const from =
    rule.setBy === 'spec'
      ? `the threshold is set by hand in the spec (monitoring.${rule.key})`
      : rule.kind === 'mae'
        ? `by default, champion${v}'s holdout MAE ${rule.holdout === null ? '' : figure(rule, rule.holdout, label)} plus a margin of ${rule.margin === null ? '' : figure(rule, rule.margin, label)}`
        : `by default, champion${v}'s holdout ${percent(rule.holdout, 1, '')} − ${rule.margin === null ? ' points' : points(rule.margin)}`;
  return `Alert ${what} (over at least ${rule.minWindowRows} labelled rows); ${from}.`;
}

/** The spec's reason, quoted, or what its silence means. */
export function reasonHtml(rule: AlertRuleFacts) {
  if (rule.reason !== null) return html`Why, in the spec's words: <q>${rule.reason}</q>`;
  return rule.setBy === 'spec'
    ? `The spec sets monitoring.${rule.key} without a comment saying why.`
    : 'The spec keeps the default and gives no reason of its own.';
}

/** The latest champion change: its version, date and holdout delta against the champion before it. */
export function championChangeText(f: SiteFacts, label?: ValueLabel): string | null {
  const c = f.champion;
  if (!c) return null;
  const when = `champion v${c.version}, registered ${utcText(c.createdAt)}`;
  if (!c.previous) return `${when}: the first champion.`;
  const name = c.metric === 'mae' ? 'holdout MAE' : 'holdout accuracy';
  const show = (x: number) => (c.metric === 'mae' && label ? errorText(x, label) : percent(x));
  if (c.value === null || c.previousValue === null)
    return `${when}, after v${c.previous.version} (no comparable ${name} recorded).`;
  const delta =
    c.metric === 'mae' && label
      ? `${(c.delta ?? 0) >= 0 ? '+' : '−'}${errorText(Math.abs(c.delta ?? 0), label)}`
      : signedPoints(c.delta ?? 0);
  return `${when}, after v${c.previous.version}: ${name} ${show(c.value)} vs ${show(c.previousValue)} (${delta}).`;
}

/** The week's rows and alerts. */
export function weekText(f: SiteFacts): string | null {
  const w = f.week;
  if (!w) return null;
  const rows = `${grouped(w.rowsAdded.synthetic)} synthetic and ${grouped(w.rowsAdded.ingest)} ingested rows added, ${grouped(w.predicted)} predicted`;
  const fresh = w.alerts.filter((a) => a.thisWeek);
  const older = w.alerts.filter((a) => !a.thisWeek);
  const alerts = [
    fresh.length === 0
      ? 'no new alerts'
      : `new alerts: ${fresh.map((a) => `${a.kind} since ${a.since}`).join(', ')}`,
    ...older.map((a) =>
      a.since
        ? `${a.kind} active since ${a.since}`
        : `${a.kind} active (start unknown: the file keeps no history of it)`,
    ),
  ];
  return `${w.from} to ${w.to}: ${rows}; ${alerts.join('; ')}.`;
}

function repositoryLinks(c: FactsContext) {
  if (!c.repositoryUrl) return '';
  const spec = `data/${c.name}/dataset.yml`;
  return html`<dt>Source</dt><dd><a href="${`${c.repositoryUrl}/blob/HEAD/${spec}`}">${spec}</a> in <a href="${c.repositoryUrl}">the repository</a> (spec, data, models and their history)</dd>
`;
}

function accuracyRows(f: SiteFacts, c: FactsContext) {
  const a = f.accuracy;
  if (a) {
    const holdout =
      a.holdout === null
        ? '–'
        : `${percent(a.holdout)} on ${grouped(a.holdoutRows)} rows${a.baseline === null ? '' : ` · majority-class baseline ${percent(a.baseline)}`}`;
    return html`<dt>Live accuracy</dt><dd>${liveAccuracyText(f) ?? 'no labelled live rows yet'}</dd>
<dt>Holdout accuracy</dt><dd>${holdout}</dd>
`;
  }
  const e = f.error;
  if (!e || !c.label) return '';
  const live =
    e.liveMae === null
      ? 'no labelled live rows yet'
      : `${errorText(e.liveMae, c.label)} over the last ${e.days} days, ${grouped(e.labelled)} labelled rows`;
  const holdout =
    e.holdoutMae === null
      ? '–'
      : `${errorText(e.holdoutMae, c.label)} on ${grouped(e.holdoutRows)} rows${e.baselineMae === null ? '' : ` · mean baseline MAE ${errorText(e.baselineMae, c.label)}`}`;
  return html`<dt>Live MAE</dt><dd>${live}</dd>
<dt>Holdout MAE</dt><dd>${holdout}</dd>
`;
}

/** One term of a facts list; nothing when there is nothing to say. */
function item(term: string, detail: Html | string | null, id?: string) {
  if (detail === null) return '';
  return html`<dt${id ? html` id="${id}"` : ''}>${term}</dt><dd>${detail}</dd>
`;
}

/**
 * The section at the top of the predictor and the dashboard; its alert rule carries the id `alert-rule`
 * the home card's "Why this rule" links to.
 */
export function factsSection(f: SiteFacts, c: FactsContext, opts: { compact?: boolean } = {}) {
  const verdict = verdictText(f, c.label);
  const rule = f.alertRule;
  const change = championChangeText(f, c.label);
  const first = [
    accuracyRows(f, c),
    item('In short', verdict && html`<span class="verdict-text">${verdict}</span>`),
    item('Rows', sourcesText(f)),
  ];
  const more = [
    item('Feature group', groupRowsText(f)),
    item(
      'Alert rule',
      rule && html`${alertRuleText(rule, c.label)} <span class="reason">${reasonHtml(rule)}</span>`,
      'alert-rule',
    ),
    item(
      'Latest model change',
      change && html`${change} <span class="reason">The gate: ${f.champion?.decision ?? ''}</span>`,
    ),
    item('This week', weekText(f)),
    repositoryLinks(c),
  ];
  // Compact (the predictor): the figures in view, the rest one click away, so the form stays near the top.
  const rest = opts.compact
    ? html`<details><summary>Alert rule, recent changes and the source</summary><dl>
${more}</dl></details>
`
    : '';
  return html`<section class="honest" aria-labelledby="honest-title" data-facts="${f.task}">
<h2 id="honest-title">Before you trust it</h2>
<dl>
${first}${opts.compact ? '' : more}</dl>
${rest}</section>
`;
}

/** The home card's extra rows: where rows come from, the rule (its reason on the dashboard), the week. */
export function cardFactRows(f: SiteFacts, c: FactsContext) {
  const rule = f.alertRule;
  return html`${item('Rows', sourcesText(f))}${item(
    'Alert rule',
    rule &&
      html`${alertRuleText(rule, c.label)} <a href="${c.name}/dashboard.html#alert-rule">Why this rule</a>`,
  )}${item('Model', championChangeText(f, c.label))}${item('This week', weekText(f))}`;
}
