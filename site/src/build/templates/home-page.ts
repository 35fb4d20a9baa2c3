// The home page: one card per dataset with its champion, feature group size, last daily run and alert
// state, linking to the predictor and the dashboard. Pure: strings in, HTML out.

import { grouped, percent } from '../../../../actions/lib/core/format.js';
import { utcText } from '../../../../actions/lib/core/time.js';
import type { LiveAccuracy } from '../../../../actions/lib/monitoring/monitoring-types.js';
import type { ChampionInfo } from '../../client/page-data.js';
import { errorText, type ValueLabel } from '../../client/value-format.js';
import type { SiteFacts } from '../site-facts.js';
import { cardFactRows, groupRowsText, liveAccuracyText, verdictText } from './facts-block.js';
import { html } from './html.js';
import { page } from './layout.js';
import type { SocialMeta } from './social-tags.js';

export interface DatasetSummary {
  /** Why the dataset's files could not be read (the card shows it as failing), or null. */
  failure: string | null;
  name: string;
  title: string;
  description: string;
  champion: ChampionInfo | null;
  featureGroup: { version: number; rows: number } | null;
  /** Null: the daily pipeline has not written a monitoring file yet. */
  monitoring: {
    lastRun: string | null;
    alerts: { kind: string; message: string }[];
    live: LiveAccuracy;
    /** The majority-class share of the champion's holdout (null for a champion registered before it was kept). */
    baseline: number | null;
    bySource: { synthetic: number; ingest: number };
  } | null;
  /**
   * A regression dataset: how to write its values, and the live errors of the monitoring file's window
   * (null before the first monitoring run). Absent: classification.
   */
  regression?: {
    label: ValueLabel;
    live: { days: number; labelled: number; mae: number | null; rmse: number | null } | null;
  };
  /** What a visitor must learn before trusting the model (site/src/build/site-facts.ts); absent when failing. */
  facts?: SiteFacts;
}

function baselineText(m: DatasetSummary['monitoring']): string {
  return m?.baseline == null ? '' : ` · majority-class baseline ${percent(m.baseline)}`;
}

/** Live accuracy with its interval and what it was measured on, beside the holdout line above it. */
function liveState(m: DatasetSummary['monitoring']) {
  if (m === null) return 'no monitoring yet';
  const l = m.live;
  const where =
    m.bySource.ingest === 0
      ? 'synthetic daily rows'
      : `${grouped(m.bySource.synthetic)} synthetic and ${grouped(m.bySource.ingest)} ingested rows in all`;
  if (l.accuracy === null) return `no labelled predictions in the last ${l.days} days (${where})`;
  return `${percent(l.accuracy)} (95% interval ${percent(l.low ?? 0)}–${percent(l.high ?? 1)}) over the last ${l.days} days, ${grouped(l.labelled)} labelled rows; ${where}`;
}

/** The group's size and version, and its rows by source when the facts have them. */
function groupText(d: DatasetSummary): string {
  if (!d.featureGroup) return 'not built yet — run backfill';
  const bySource = d.facts ? groupRowsText(d.facts) : null;
  return `${grouped(d.featureGroup.rows)} rows (v${d.featureGroup.version})${bySource ? `: ${bySource}` : ''}`;
}

/** The live figure from the facts (its sources have their own row then), else the monitoring summary's. */
function liveLine(d: DatasetSummary): string {
  const live = d.facts ? liveAccuracyText(d.facts) : null;
  return live ?? liveState(d.monitoring);
}

/** What live vs holdout vs baseline means, under the live figure. */
function verdictLine(d: DatasetSummary, label?: ValueLabel) {
  const v = d.facts ? verdictText(d.facts, label) : null;
  return v ? html` <span class="verdict-text">${v}</span>` : '';
}

function alertState(m: DatasetSummary['monitoring']) {
  if (m === null) return html`<span class="state none">no monitoring yet</span>`;
  if (m.alerts.length === 0) return html`<span class="state ok">no active alerts</span>`;
  return html`<span class="state alert" title="${m.alerts.map((a) => a.message).join('\n')}">${m.alerts.length} active: ${m.alerts.map((a) => a.kind).join(', ')}</span>`;
}

/** A dataset the build could not read: shown as failing with the message, never dropped. */
function failingCard(d: DatasetSummary) {
  return html`<article class="card failing" data-dataset="${d.name}" data-failing="true" aria-labelledby="card-${d.name}">
<h2 id="card-${d.name}">${d.title}</h2>
${d.description ? html`<p class="lead">${d.description}</p>` : ''}
<p class="failure" role="alert"><strong>Failing:</strong> ${d.failure}</p>
<p>The other datasets are up to date. Fix the file named above and the next run picks this one up again.</p>
<p class="links"><a href="${d.name}/">Predictor</a><a href="${d.name}/dashboard.html">Dashboard</a></p>
</article>
`;
}

/** Where the live rows come from: generated daily, or ingested as well. */
function sourceText(m: NonNullable<DatasetSummary['monitoring']>): string {
  return m.bySource.ingest === 0
    ? 'synthetic daily rows'
    : `${grouped(m.bySource.synthetic)} synthetic and ${grouped(m.bySource.ingest)} ingested rows in all`;
}

/** Holdout MAE beside what always predicting the training mean scores. */
function holdoutErrorText(d: DatasetSummary, label: ValueLabel): string {
  const c = d.champion;
  if (c === null) return '–';
  if (c.holdoutMae === undefined) return `not recorded (${grouped(c.holdoutRows)} holdout rows)`;
  const baseline =
    c.holdoutBaselineMae === undefined
      ? ''
      : ` · mean baseline MAE ${errorText(c.holdoutBaselineMae, label)}`;
  return `${errorText(c.holdoutMae, label)} on ${grouped(c.holdoutRows)} rows${baseline}`;
}

function liveErrorText(d: DatasetSummary, label: ValueLabel): string {
  const m = d.monitoring;
  const live = d.regression?.live ?? null;
  if (m === null || live === null) return 'no monitoring yet';
  if (live.mae === null) return `no labelled predictions in the last ${live.days} days (${sourceText(m)})`;
  const rmse = live.rmse === null ? '' : ` (RMSE ${errorText(live.rmse, label)})`;
  return `${errorText(live.mae, label)}${rmse} over the last ${live.days} days, ${grouped(live.labelled)} labelled rows; ${sourceText(m)}`;
}

/** A regression dataset's card: errors in the label's unit where a classifier's card has accuracies. */
function regressionCard(d: DatasetSummary, label: ValueLabel) {
  const c = d.champion;
  const lastRun = d.monitoring?.lastRun;
  return html`<article class="card" data-dataset="${d.name}" data-task="regression"${lastRun ? html` data-last-run="${lastRun}"` : ''} aria-labelledby="card-${d.name}">
<h2 id="card-${d.name}">${d.title}</h2>
<p class="lead">${d.description}</p>
<dl>
<dt>Task</dt><dd>regression${label.unit ? ` (in ${label.unit})` : ''}</dd>
<dt>Champion</dt><dd>${c ? `v${c.version} · ${c.algorithmTitle}` : 'no model yet — run train'}</dd>
<dt>Holdout MAE</dt><dd>${holdoutErrorText(d, label)}</dd>
<dt>Live MAE</dt><dd>${liveErrorText(d, label)}${verdictLine(d, label)}</dd>
${d.facts ? cardFactRows(d.facts, { name: d.name, label }) : ''}<dt>Feature group</dt><dd>${groupText(d)}</dd>
<dt>Last daily run</dt><dd>${d.monitoring?.lastRun ? utcText(d.monitoring.lastRun) : 'not yet'}</dd>
<dt>Alerts</dt><dd>${alertState(d.monitoring)}</dd>
</dl>
<p class="links"><a href="${d.name}/">Predictor</a><a href="${d.name}/dashboard.html">Dashboard</a><a href="${d.name}/model-card.html">Model card</a></p>
</article>
`;
}

function card(d: DatasetSummary) {
  if (d.failure !== null) return failingCard(d);
  if (d.regression) return regressionCard(d, d.regression.label);
  const c = d.champion;
  // The last run's time rides on the card: assets/home.js compares it with the reader's clock.
  const lastRun = d.monitoring?.lastRun;
  return html`<article class="card" data-dataset="${d.name}"${lastRun ? html` data-last-run="${lastRun}"` : ''} aria-labelledby="card-${d.name}">
<h2 id="card-${d.name}">${d.title}</h2>
<p class="lead">${d.description}</p>
<dl>
<dt>Champion</dt><dd>${c ? `v${c.version} · ${c.algorithmTitle}` : 'no model yet — run train'}</dd>
<dt>Holdout accuracy</dt><dd>${c ? `${percent(c.holdoutAccuracy ?? 0)} on ${grouped(c.holdoutRows)} rows${baselineText(d.monitoring)}` : '–'}</dd>
<dt>Live accuracy</dt><dd>${liveLine(d)}${verdictLine(d)}</dd>
${d.facts ? cardFactRows(d.facts, { name: d.name }) : ''}<dt>Feature group</dt><dd>${groupText(d)}</dd>
<dt>Last daily run</dt><dd>${d.monitoring?.lastRun ? utcText(d.monitoring.lastRun) : 'not yet'}</dd>
<dt>Alerts</dt><dd>${alertState(d.monitoring)}</dd>
</dl>
<p class="links"><a href="${d.name}/">Predictor</a><a href="${d.name}/dashboard.html">Dashboard</a><a href="${d.name}/model-card.html">Model card</a></p>
</article>
`;
}

export const HOME_SCRIPT = 'assets/home.js';

export function homePage(
  datasets: readonly DatasetSummary[],
  builtAt: string,
  actionsUrl?: string,
  social?: SocialMeta,
  repositoryUrl?: string,
): string {
  return page({
    title: 'gitml — serverless ML in one GitHub repository',
    description: `Predictors and monitoring dashboards for ${datasets.map((d) => d.title).join(', ')}.`,
    root: '',
    nav: [{ href: './', label: 'All datasets', current: true }],
    builtAt,
    actionsUrl,
    social,
    head: html`<script type="module" src="${HOME_SCRIPT}"></script>
`,
    main: html`<h1>Serverless ML in one GitHub repository</h1>
<p class="lead">Each dataset has a feature store, a model registry and a daily pipeline in git. Try the champion model in your browser, or see how it has been doing.${repositoryUrl ? html` Specs, data, models and reports, with their history: <a href="${repositoryUrl}">the repository</a>.` : ''}</p>
<div class="cards">
${datasets.length === 0 ? html`<p class="notice">No datasets yet: add data/&lt;name&gt;/dataset.yml and run backfill.</p>` : datasets.map(card)}</div>`,
  });
}
