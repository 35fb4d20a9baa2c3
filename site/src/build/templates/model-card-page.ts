// A dataset's model-card page: the champion's card (models/<ds>/v<N>/card.md, rendered at build time)
// and its permutation feature importance on the honest holdout. Plain HTML, no script. Pure:
// strings in, HTML out.
import { datasetNav } from './dataset-nav.js';
import { failingNotice } from './failing-notice.js';
import { type Html, html } from './html.js';
import { type ImportanceView, importancePanel } from './importance-panel.js';
import { page } from './layout.js';
import type { SocialMeta } from './social-tags.js';

export const MODEL_CARD_PAGE = 'model-card.html';

export interface ModelCardPageData {
  name: string;
  title: string;
  description: string;
  failure?: string | null;
  /** Null: no champion yet. */
  card: {
    version: number;
    /** The card file, relative to the repository root. */
    file: string;
    /** The registry's word on the champion now (index.json's decision): the card's Status is as of training. */
    decision: string;
    /** The card's content as HTML (see site/src/build/card-markdown.ts). */
    body: Html;
    importance: ImportanceView | null;
    /** Why there is no importance (with `importance` null). */
    importanceMissing?: string;
  } | null;
  social?: SocialMeta;
}

export function modelCardPage(d: ModelCardPageData, builtAt: string, actionsUrl?: string): string {
  const c = d.card;
  const main = d.failure
    ? failingNotice(d.failure)
    : c === null
      ? html`<p class="notice" id="no-model">No model yet — run <code>gitml train --dataset ${d.name}</code> (or the training workflow) to register a champion; its card appears here.</p>`
      : html`<p class="lead">The champion, model v${c.version}: its card as the registry wrote it at training (<code>${c.file}</code>), and what it relies on.</p>
<p id="current-status"><strong>Champion now:</strong> ${c.decision} (<code>models/${d.name}/index.json</code>). The card's own Status line is as it stood when the model was registered.</p>
${c.importance ? importancePanel(c.importance) : html`<p class="notice" id="no-importance">No permutation importance: ${c.importanceMissing ?? 'the holdout rows are not recorded'}.</p>`}
<article class="panel model-card" aria-labelledby="card-title">
<h2 id="card-title">Model card v${c.version}</h2>
${c.body}</article>`;
  return page({
    title: `${d.title} — model card · gitml`,
    description: `The ${d.title} champion model's card: lineage, holdout metrics, model selection and permutation feature importance on the honest holdout.`,
    root: '../',
    nav: datasetNav('model-card'),
    builtAt,
    actionsUrl,
    social: d.social,
    main: html`<h1>${d.title}: model card</h1>
${main}`,
  });
}
