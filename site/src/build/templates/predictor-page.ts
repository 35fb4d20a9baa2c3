// A dataset's predictor page. The form is built in the browser from predictor.json; without a champion
// the page says how to train one. Pure: strings in, HTML out.

import type { SiteFacts } from '../site-facts.js';
import { datasetNav } from './dataset-nav.js';
import { type FactsContext, factsSection } from './facts-block.js';
import { failingNotice } from './failing-notice.js';
import { html } from './html.js';
import { page } from './layout.js';
import type { SocialMeta } from './social-tags.js';

/** model.json is the champion's header and model.bin its bytes (actions/lib/models/model-wire.ts). */
export const PREDICTOR_FILES = {
  data: 'predictor.json',
  model: 'model.json',
  modelBin: 'model.bin',
  script: 'assets/predictor.js',
};

export function predictorPage(
  d: {
    name: string;
    title: string;
    description: string;
    hasChampion: boolean;
    failure?: string | null;
    social?: SocialMeta;
    /** What a visitor must learn first (site/src/build/site-facts.ts), rendered above the app. */
    facts?: { facts: SiteFacts; context: FactsContext };
  },
  builtAt: string,
): string {
  const root = '../';
  const app = d.failure
    ? failingNotice(d.failure)
    : d.hasChampion
      ? html`<div id="app" class="app" data-data="${PREDICTOR_FILES.data}" data-model="${PREDICTOR_FILES.model}" data-model-bin="${PREDICTOR_FILES.modelBin}"><p class="loading">Loading the champion model…</p></div>
<noscript><p class="notice">The predictor runs the model in your browser and needs JavaScript.</p></noscript>`
      : html`<p class="notice" id="no-model">No model yet — run <code>gitml train --dataset ${d.name}</code> (or the training workflow) to register a champion.</p>`;
  return page({
    title: `${d.title} — predictor · gitml`,
    description: d.description,
    root,
    nav: datasetNav('predictor'),
    builtAt,
    social: d.social,
    head: d.hasChampion
      ? html`<link rel="preload" href="${PREDICTOR_FILES.model}" as="fetch" crossorigin="anonymous">
<link rel="preload" href="${PREDICTOR_FILES.modelBin}" as="fetch" crossorigin="anonymous">
<link rel="preload" href="${PREDICTOR_FILES.data}" as="fetch" crossorigin="anonymous">
<script type="module" src="${root}${PREDICTOR_FILES.script}"></script>
`
      : undefined,
    main: html`<h1>${d.title}: predictor</h1>
<p class="lead">${d.description}</p>
${d.facts && !d.failure ? factsSection(d.facts.facts, d.facts.context, { compact: true }) : ''}${app}`,
  });
}
