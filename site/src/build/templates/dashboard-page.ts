// A dataset's monitoring dashboard page. The panels are built in the browser from monitoring.json;
// without one the page says how to produce it. Pure: strings in, HTML out.

import { MONITORING_FILE } from '../../../../actions/lib/monitoring/monitoring-types.js';
import type { SiteFacts } from '../site-facts.js';
import { datasetNav } from './dataset-nav.js';
import { type FactsContext, factsSection } from './facts-block.js';
import { failingNotice } from './failing-notice.js';
import { html } from './html.js';
import { type ImportanceView, importancePanel } from './importance-panel.js';
import { page } from './layout.js';
import type { SocialMeta } from './social-tags.js';

/** charts: the report's charts compiled to Vega at build time (site/src/build/site-charts.ts). */
export const DASHBOARD_FILES = {
  report: MONITORING_FILE,
  charts: 'charts.json',
  script: 'assets/dashboard.js',
};

export function dashboardPage(
  d: {
    name: string;
    title: string;
    description: string;
    hasReport: boolean;
    failure?: string | null;
    social?: SocialMeta;
    /** The champion's permutation importance, shown under the charts (server-rendered). */
    importance?: ImportanceView | null;
    /** What a visitor must learn first (site/src/build/site-facts.ts), rendered above the app. */
    facts?: { facts: SiteFacts; context: FactsContext };
  },
  builtAt: string,
  actionsUrl?: string,
): string {
  const root = '../';
  const app = d.failure
    ? failingNotice(d.failure)
    : d.hasReport
      ? html`<div id="app" class="app" data-report="${DASHBOARD_FILES.report}" data-charts="${DASHBOARD_FILES.charts}"><p class="loading">Loading the monitoring data…</p></div>
<noscript><p class="notice">The dashboard draws its charts in your browser and needs JavaScript; the repository's reports/${d.name}/README.md shows the same charts.</p></noscript>`
      : html`<p class="notice" id="no-report">No monitoring yet — run <code>gitml daily --dataset ${d.name}</code> (or wait for the daily workflow) to predict new rows and write reports/${d.name}/monitoring.json.</p>`;
  return page({
    title: `${d.title} — monitoring · gitml`,
    description: `How the ${d.title} champion model has been doing: accuracy, confusion, drift and recent predictions.`,
    root,
    nav: datasetNav('dashboard'),
    builtAt,
    social: d.social,
    actionsUrl,
    head: d.hasReport
      ? html`<link rel="preload" href="${DASHBOARD_FILES.report}" as="fetch" crossorigin="anonymous">
<link rel="preload" href="${DASHBOARD_FILES.charts}" as="fetch" crossorigin="anonymous">
<script type="module" src="${root}${DASHBOARD_FILES.script}"></script>
`
      : undefined,
    main: html`<h1>${d.title}: monitoring</h1>
${d.facts && !d.failure ? factsSection(d.facts.facts, d.facts.context) : ''}${app}
${!d.failure && d.importance ? importancePanel(d.importance) : ''}`,
  });
}
