// Permutation feature importance on the honest holdout, server-rendered: a table (the accessible
// figures) and a small inline-SVG bar chart of each feature's mean drop with its ±1 sd spread. Shared by
// the model-card page and the dashboard. Pure: strings in, HTML out.
import { percent, points } from '../../../../actions/lib/core/format.js';
import type { PermutationImportance } from '../../../../actions/lib/explain/permutation-importance.js';
import type { ImportanceSource } from '../../../../actions/lib/registry/version-importance.js';
import { type Html, html } from './html.js';

export interface ImportanceView {
  /** The model version the figures are of. */
  version: number;
  source: ImportanceSource;
  importance: PermutationImportance;
  /** A regression label's unit, shown after MAE drops. */
  unit?: string;
}

const BAR_HEIGHT = 18;
const GAP = 6;
const LABEL_WIDTH = 190;
const CHART_WIDTH = 560;
const PLOT_WIDTH = CHART_WIDTH - LABEL_WIDTH - 70;

/** A drop as the reader reads it: accuracy in percentage points, MAE in the label's unit. */
export function dropText(v: ImportanceView, x: number): string {
  if (v.importance.scoring === 'accuracy') return points(x, 1, 'pp');
  return `${x.toFixed(3)}${v.unit ? ` ${v.unit}` : ''}`;
}

/** Where the figures come from, in one sentence (training wrote them, or this build computed them). */
export function sourceText(v: ImportanceView): string {
  const how = `${v.importance.nRepeats} shuffles per feature, seed ${v.importance.seed}`;
  return v.source === 'training'
    ? `Recorded by training in model v${v.version}'s metrics.json (${how}).`
    : `Model v${v.version} was registered before training recorded importance, so this site computed it when it was built, with the same function and settings training now uses (${how}) on the same holdout rows.`;
}

const short = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

function chart(v: ImportanceView): Html {
  const fs = v.importance.features;
  const lo = Math.min(0, ...fs.map((f) => f.mean - f.sd));
  const hi = Math.max(1e-12, ...fs.map((f) => f.mean + f.sd));
  const x = (t: number) => LABEL_WIDTH + ((t - lo) / (hi - lo)) * PLOT_WIDTH;
  const height = fs.length * (BAR_HEIGHT + GAP) + GAP;
  const zero = x(0).toFixed(1);
  const rows = fs.map((f, i) => {
    const y = GAP + i * (BAR_HEIGHT + GAP);
    const a = x(Math.min(0, f.mean));
    const b = x(Math.max(0, f.mean));
    const mid = (y + BAR_HEIGHT / 2).toFixed(1);
    return html`<text x="${LABEL_WIDTH - 8}" y="${mid}" text-anchor="end" dominant-baseline="middle">${short(f.title, 26)}</text>
<rect x="${a.toFixed(1)}" y="${y}" width="${Math.max(0.5, b - a).toFixed(1)}" height="${BAR_HEIGHT}" class="${f.mean < 0 ? 'neg' : 'pos'}"/>
<line x1="${x(f.mean - f.sd).toFixed(1)}" x2="${x(f.mean + f.sd).toFixed(1)}" y1="${mid}" y2="${mid}" class="sd"/>
<text x="${(x(Math.max(f.mean + f.sd, 0)) + 6).toFixed(1)}" y="${mid}" dominant-baseline="middle" class="value">${dropText(v, f.mean)}</text>
`;
  });
  return html`<svg class="importance-chart" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" aria-hidden="true" focusable="false">
<line x1="${zero}" x2="${zero}" y1="0" y2="${height}" class="axis"/>
${rows}</svg>`;
}

/** The panel; `id` names its heading (one per page). */
export function importancePanel(v: ImportanceView, headingLevel: 2 | 3 = 2): Html {
  const imp = v.importance;
  const what = imp.scoring === 'accuracy' ? 'accuracy' : 'mean absolute error';
  const baseline =
    imp.scoring === 'accuracy'
      ? percent(imp.baseline)
      : `${(-imp.baseline).toFixed(3)}${v.unit ? ` ${v.unit}` : ''}`;
  const heading = 'Permutation feature importance (honest holdout)';
  const title =
    headingLevel === 2
      ? html`<h2 id="importance-title">${heading}</h2>`
      : html`<h3 id="importance-title">${heading}</h3>`;
  return html`<section class="panel importance" aria-labelledby="importance-title" data-importance-source="${v.source}">
${title}
<p>How much the holdout ${what} (${baseline} on ${imp.rows} rows the model never trained on) gets worse when one feature's values are shuffled across those rows: the model's reliance on each feature, on unseen data. Bars: the mean over ${imp.nRepeats} shuffles; whiskers: ±1 standard deviation.</p>
<p class="importance-source">${sourceText(v)}</p>
<figure class="importance-figure">${chart(v)}</figure>
<div class="table-scroll" role="region" aria-label="Permutation importance figures" tabindex="0">
<table class="importance-table">
<thead><tr><th scope="col">Feature</th><th scope="col">Mean drop</th><th scope="col">Spread (sd)</th><th scope="col">Each shuffle</th></tr></thead>
<tbody>
${imp.features.map(
  (f) =>
    html`<tr><th scope="row">${f.title}</th><td class="num">${dropText(v, f.mean)}</td><td class="num">± ${dropText(v, f.sd)}</td><td class="num">${f.importances.map((d) => dropText(v, d)).join(', ')}</td></tr>
`,
)}</tbody>
</table>
</div>
</section>`;
}
