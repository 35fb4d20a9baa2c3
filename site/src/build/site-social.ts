// The social preview of each page: the image's text (title, the headline figure, three short lines)
// from the same summary the home page shows, and the page's social tags. Pure apart from the
// PNG the caller writes with og-image.ts.
import { grouped, percent } from '../../../actions/lib/core/format.js';
import type { OgCard } from './og-image.js';
import type { DatasetSummary } from './templates/home-page.js';
import type { SocialMeta } from './templates/social-tags.js';

/** The preview image of the home page, and of each dataset (in its folder). */
export const HOME_OG_IMAGE = 'og-image.png';
export const DATASET_OG_IMAGE = 'og-image.png';

const KICKER = 'gitml · serverless ML in one GitHub repo';

function mae(x: number | null | undefined, unit: string | undefined, decimals = 3): string {
  return x == null ? '–' : `${x.toFixed(decimals)}${unit ? ` ${unit}` : ''}`;
}

export function datasetOgCard(d: DatasetSummary): OgCard {
  const c = d.champion;
  const m = d.monitoring;
  const details: string[] = [];
  let headline = 'No model yet';
  if (d.failure !== null) headline = 'Failing: see the site';
  else if (c && d.regression) {
    const unit = d.regression.label.unit;
    headline = `Holdout MAE ${mae(c.holdoutMae, unit)}`;
    const live = d.regression.live;
    if (live?.mae != null) details.push(`Live MAE ${mae(live.mae, unit)} over the last ${live.days} days`);
    if (c.holdoutBaselineMae !== undefined)
      details.push(`Predicting the mean: MAE ${mae(c.holdoutBaselineMae, unit)}`);
  } else if (c) {
    const live = m?.live.accuracy;
    headline =
      live != null
        ? `Holdout ${percent(c.holdoutAccuracy ?? 0)} · live ${percent(live)}`
        : `Holdout accuracy ${percent(c.holdoutAccuracy ?? 0)}`;
    if (m && live != null)
      details.push(
        `Live 95% CI ${percent(m.live.low ?? 0)}–${percent(m.live.high ?? 1)}, ${grouped(m.live.labelled)} rows in ${m.live.days} days`,
      );
    if (m?.baseline != null) details.push(`Majority-class baseline ${percent(m.baseline)}`);
  }
  if (c) details.push(`Champion v${c.version} · ${c.algorithmTitle}`);
  return { kicker: KICKER, title: d.title, headline, details };
}

export function homeOgCard(datasets: readonly DatasetSummary[]): OgCard {
  const withModel = datasets.filter((d) => d.champion !== null).length;
  return {
    kicker: KICKER,
    title: 'Predictors, dashboards and model cards',
    headline: `${datasets.length} dataset${datasets.length === 1 ? '' : 's'} · ${withModel} champion model${withModel === 1 ? '' : 's'}`,
    details: [
      datasets.map((d) => d.title).join(' · '),
      'Each model runs in your browser',
      'Monitored daily by GitHub Actions',
    ],
  };
}

/** What the image says, as its alt text. */
export function imageAlt(card: OgCard): string {
  return `${card.title}: ${card.headline}`;
}

export function socialMeta(image: string, card: OgCard, pagePath: string, siteUrl?: string): SocialMeta {
  return { image, imageAlt: imageAlt(card), path: pagePath, ...(siteUrl ? { siteUrl } : {}) };
}
