// "Why this prediction": the predictor's explanation panel. The numbers are the library's
// (actions/lib/explain/explain-prediction.ts), the very ones `gitml predict --explain` prints: per-feature
// contributions that add up to the explained quantity (naive Bayes and logistic log-odds, linear terms,
// forest TreeSHAP), or the k nearest training examples of a kNN model. Shown as a table (text first; the
// bars are decoration), built once with its final number of rows so an update changes text, never the
// layout. An explanation is computed after the answer is drawn: a forest's TreeSHAP takes milliseconds,
// and a slider drag must not wait for it; the latest input wins. Exact values sit in data-* attributes.

import { percent } from '../../../actions/lib/core/format.js';
import {
  EXPLAINED_ALGORITHMS,
  type ExplainableModel,
  explainPrediction,
} from '../../../actions/lib/explain/explain-prediction.js';
import type {
  Explanation,
  FeatureContribution,
  FeatureValue,
  NeighbourExplanation,
} from '../../../actions/lib/explain/explanation.js';
import { h } from './dom.js';
import type { PredictorData, PredictorFeature } from './page-data.js';
import { PERF_MARKS } from './perf-marks.js';
import { fixed, valueText } from './value-format.js';

/** A cheap explanation is drawn at once; a slow one (a big forest) waits for the input to rest. */
const SLOW_MS = 4;
const REST_MS = 120;

/** A signed contribution as the page writes it: "+0.123", "−1.500" (a true minus sign), never "−0.000". */
export function signedText(x: number, decimals = 3): string {
  const t = fixed(x, decimals);
  if (/^0(\.0*)?$/.test(t)) return t;
  return t.startsWith('-') ? `−${t.slice(1)}` : `+${t}`;
}

/** A feature's value as the page writes it: the category's label, or the number (at most the spec's decimals). */
export function featureValueText(v: FeatureValue, f: PredictorFeature | undefined): string {
  if (v.valueLabel !== undefined) return v.valueLabel;
  if (typeof v.value === 'string') return v.value;
  if (!Number.isFinite(v.value)) return '–';
  // Shortest form within the spec's decimals: 14.5 as typed, not 14.5000; a training row's 5.1, not 5.0999….
  return String(f?.decimals !== undefined ? Number(v.value.toFixed(Math.min(20, f.decimals))) : v.value);
}

/** Distances and log-odds read in three decimals. */
export const distanceText = (d: number) => fixed(d, 3);

interface ContributionRow {
  row: HTMLElement;
  name: HTMLElement;
  value: HTMLElement;
  effect: HTMLElement;
  fill: HTMLElement;
}

interface NeighbourRow {
  row: HTMLElement;
  answer: HTMLElement;
  distance: HTMLElement;
  weight: HTMLElement;
  values: HTMLElement[];
}

const NEIGHBOUR_KINDS = new Set(['knn', 'knn-regressor']);
/** The neighbour table's widths (rem): its four first columns together (as styles.css sets them), a feature's. */
const NEIGHBOUR_COLUMNS_REM = 23.5;
const FEATURE_COLUMN_REM = 5;

export class PredictionExplainer {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly features: PredictorFeature[];
  private readonly contributions: ContributionRow[] = [];
  private readonly neighbours: NeighbourRow[] = [];
  private readonly inputCells: HTMLElement[] = [];
  private readonly base = {
    row: h('tr', { class: 'base' }),
    name: h('th', { scope: 'row' }),
    effect: h('td', { class: 'num' }),
  };
  private readonly total = {
    row: h('tr', { class: 'total' }),
    name: h('th', { scope: 'row' }),
    effect: h('td', { class: 'num' }),
  };
  private pending: { model: ExplainableModel; input: Record<string, string | number> } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** How long the last explanation took; null before the first (which also decodes a forest's trees). */
  private lastMs: number | null = null;

  constructor(private readonly data: PredictorData) {
    this.features = data.features.filter((f) => !f.inputOnly);
    const algorithm = data.champion?.algorithm ?? '';
    this.summary = h('p', { class: 'explain-summary', id: 'explain-summary' });
    this.caption = h('p', { class: 'explain-caption', id: 'explain-caption' });
    const known = (EXPLAINED_ALGORITHMS as readonly string[]).includes(algorithm);
    const table = !known
      ? null
      : NEIGHBOUR_KINDS.has(algorithm)
        ? this.neighbourTable(data.champion?.neighbours ?? 0)
        : this.contributionTable();
    this.summary.textContent = known
      ? summaryOf(algorithm)
      : `A ${data.champion?.algorithmTitle ?? algorithm} model gives no explanation.`;
    this.element = h(
      'section',
      {
        class: 'explain',
        id: 'explanation',
        'aria-labelledby': 'explain-title',
        'data-state': known ? 'pending' : 'none',
      },
      h('h3', { id: 'explain-title' }, 'Why this prediction'),
      this.summary,
      table && this.caption,
      // The neighbours' wide table scrolls sideways: focusable, so the keyboard can scroll it too.
      table &&
        h(
          'div',
          table.classList.contains('neighbours')
            ? { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'explain-caption' }
            : { class: 'table-scroll' },
          table,
        ),
    );
  }

  /** Explains the prediction for this input soon (the latest call wins). */
  explain(model: ExplainableModel, input: Record<string, string | number>): void {
    if (this.element.dataset.state === 'none') return;
    this.pending = { model, input };
    this.element.dataset.state = 'pending';
    this.element.setAttribute('aria-busy', 'true');
    clearTimeout(this.timer);
    const later = () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.run(), this.lastMs !== null && this.lastMs < SLOW_MS ? 0 : REST_MS);
    };
    // The first waits for the answer to be painted: it may decode a whole forest first.
    if (this.lastMs === null) requestAnimationFrame(later);
    else later();
  }

  /** No prediction (bad input, model loading): the last numbers stay, dimmed, until the next one. */
  clear(): void {
    if (this.element.dataset.state === 'none') return;
    clearTimeout(this.timer);
    this.pending = null;
    this.element.dataset.state = 'stale';
    this.element.removeAttribute('aria-busy');
  }

  private run(): void {
    const job = this.pending;
    if (job === null) return;
    this.pending = null;
    const t0 = performance.now();
    try {
      const e = explainPrediction(job.model, job.input);
      if (e.method === 'neighbours') this.showNeighbours(e);
      else this.showContributions(e);
      this.element.dataset.method = e.method;
      this.element.dataset.state = 'ready';
    } catch (err) {
      this.summary.textContent = `No explanation: ${(err as Error).message}`;
      this.element.dataset.state = 'error';
    }
    this.element.removeAttribute('aria-busy');
    const t1 = performance.now();
    this.lastMs = t1 - t0;
    performance.measure(PERF_MARKS.explanation, { start: t0, end: t1 });
  }

  private contributionTable(): HTMLElement {
    this.caption.textContent = 'Contributions';
    const body = this.features.map((f) => {
      const name = h('th', { scope: 'row' }, f.title);
      const value = h('td', {});
      const effect = h('td', { class: 'num' });
      const fill = h('span', { class: 'fill' });
      const row = h(
        'tr',
        {},
        name,
        value,
        effect,
        h('td', { class: 'effect-bar', 'aria-hidden': 'true' }, fill),
      );
      this.contributions.push({ row, name, value, effect, fill });
      return row;
    });
    this.base.row.append(this.base.name, h('td', {}), this.base.effect, h('td', { 'aria-hidden': 'true' }));
    this.total.row.append(
      this.total.name,
      h('td', {}),
      this.total.effect,
      h('td', { 'aria-hidden': 'true' }),
    );
    return h(
      'table',
      { class: 'contributions', id: 'explain-table', 'aria-labelledby': 'explain-caption' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Feature'),
          h('th', { scope: 'col' }, 'Value'),
          h('th', { scope: 'col', class: 'num' }, 'Contribution'),
          h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Direction')),
        ),
      ),
      h('tbody', {}, this.base.row, ...body),
      h('tfoot', {}, this.total.row),
    );
  }

  private neighbourTable(k: number): HTMLElement {
    this.caption.textContent = `The ${k} nearest training examples`;
    const inputRow = h(
      'tr',
      { class: 'input-row' },
      h('th', { scope: 'row' }, 'Your input'),
      h('td', {}),
      h('td', {}),
      h('td', {}),
    );
    for (const _ of this.features) {
      const cell = h('td', {});
      this.inputCells.push(cell);
      inputRow.append(cell);
    }
    const rows = Array.from({ length: k }, (_, r) => {
      const answer = h('td', {});
      const distance = h('td', { class: 'num' });
      const weight = h('td', { class: 'num' });
      const values = this.features.map(() => h('td', {}));
      const row = h('tr', {}, h('th', { scope: 'row' }, `#${r + 1}`), answer, distance, weight, ...values);
      this.neighbours.push({ row, answer, distance, weight, values });
      return row;
    });
    const table = h(
      'table',
      { class: 'neighbours', id: 'explain-table', 'aria-labelledby': 'explain-caption' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Example'),
          h('th', { scope: 'col' }, this.data.label.title),
          h('th', { scope: 'col', class: 'num' }, 'Distance'),
          h('th', { scope: 'col', class: 'num' }, 'Weight'),
          ...this.features.map((f) => h('th', { scope: 'col' }, f.title)),
        ),
      ),
      h('tbody', {}, inputRow, ...rows),
    );
    // Fixed column widths (styles.css): new neighbours change the text, never the columns.
    table.style.width = `${NEIGHBOUR_COLUMNS_REM + FEATURE_COLUMN_REM * this.features.length}rem`;
    return table;
  }

  private showContributions(e: Exclude<Explanation, NeighbourExplanation>): void {
    const t = texts(e, this.data);
    this.caption.textContent = t.caption;
    this.base.name.textContent = t.base;
    this.base.row.dataset.value = String(t.baseValue);
    this.base.effect.textContent = t.number(t.baseValue);
    this.total.name.textContent = t.total;
    this.total.row.dataset.value = String(t.totalValue);
    this.total.effect.textContent = t.number(t.totalValue);
    const largest = Math.max(1e-300, ...e.features.map((f) => Math.abs(f.contribution)));
    e.features.forEach((c: FeatureContribution, i) => {
      const r = this.contributions[i];
      if (!r) return;
      r.row.dataset.feature = c.name;
      r.row.dataset.contribution = String(c.contribution);
      r.name.textContent = c.title;
      r.value.textContent = featureValueText(
        c,
        this.features.find((f) => f.name === c.name),
      );
      r.effect.textContent = signedText(c.contribution);
      r.row.classList.toggle('up', c.contribution > 0);
      r.row.classList.toggle('down', c.contribution < 0);
      r.fill.style.width = `${((Math.abs(c.contribution) / largest) * 50).toFixed(2)}%`;
    });
  }

  private showNeighbours(e: NeighbourExplanation): void {
    const byName = (values: FeatureValue[]) => new Map(values.map((v) => [v.name, v]));
    const input = byName(e.input);
    this.features.forEach((f, j) => {
      const v = input.get(f.name);
      this.inputCells[j].textContent = v ? featureValueText(v, f) : '–';
    });
    const totalWeight = e.neighbours.reduce((a, n) => a + n.weight, 0);
    this.caption.textContent = `The ${e.k} nearest training examples, ${e.weights === 'distance' ? 'each weighing 1 / its distance' : 'each weighing the same'}`;
    this.neighbours.forEach((r, i) => {
      const n = e.neighbours[i];
      r.row.hidden = n === undefined;
      if (!n) return;
      r.row.dataset.trainingIndex = String(n.trainingIndex);
      r.row.dataset.distance = String(n.distance);
      r.row.dataset.weight = String(n.weight);
      if (n.label) {
        r.row.dataset.class = n.label.value;
        r.answer.textContent = n.label.label;
      } else if (n.value !== undefined) {
        r.row.dataset.value = String(n.value);
        r.answer.textContent = valueText(n.value, this.data.label);
      }
      r.distance.textContent = distanceText(n.distance);
      r.weight.textContent = totalWeight > 0 ? percent(n.weight / totalWeight) : '–';
      const values = byName(n.features);
      this.features.forEach((f, j) => {
        const v = values.get(f.name);
        r.values[j].textContent = v ? featureValueText(v, f) : '–';
      });
    });
  }
}

const TREES =
  'TreeSHAP: each feature’s exact Shapley value of the trees’ path-dependent output (the stored trees keep ' +
  'no training counts, so every leaf weighs the same).';

/** What the panel says it shows, known from the algorithm before the model arrives (so no text moves). */
function summaryOf(algorithm: string): string {
  switch (algorithm) {
    case 'gaussian-nb':
      return 'Gaussian naive Bayes: the class priors plus one log-likelihood term per feature add up exactly to the log-odds of the predicted class against the runner-up. A positive term favours the predicted class.';
    case 'logistic-regression':
      return 'Logistic regression: the intercepts plus one term per feature add up exactly to the log-odds of the predicted class against the runner-up. A positive term favours the predicted class.';
    case 'linear-regression':
    case 'ridge':
      return 'Linear model: the intercept plus one term per feature add up exactly to the predicted value.';
    case 'random-forest':
      return `${TREES} The average before any feature is known plus every contribution is exactly the forest’s probability of the predicted class.`;
    case 'random-forest-regressor':
      return `${TREES} The average before any feature is known plus every contribution is exactly the forest’s predicted value.`;
    case 'hist-gradient-boosting':
      return `${TREES} The starting score plus every contribution is exactly the model’s log-odds of the predicted class against the runner-up.`;
    default:
      return 'k-nearest neighbours: the answer is the weighted vote (or mean) of these real training examples. Distance is measured on the standardised features, each in units of its training spread.';
  }
}

/** The contribution table's caption, first and last rows, and how its numbers read, per explanation. */
function texts(e: Exclude<Explanation, NeighbourExplanation>, data: PredictorData) {
  const value = (x: number) => valueText(x, data.label, 3);
  const versus = (w?: { label: string }, r?: { label: string }) => ({
    caption: `Log-odds: ${w?.label} against ${r?.label}`,
    total: 'Log-odds',
    number: signedText,
  });
  switch (e.method) {
    case 'naive-bayes-log-odds':
      return {
        ...versus(e.predicted, e.runnerUp),
        base: 'Class priors',
        baseValue: e.prior,
        totalValue: e.logOdds,
      };
    case 'logistic-log-odds':
      return {
        ...versus(e.predicted, e.runnerUp),
        base: 'Intercepts',
        baseValue: e.intercept,
        totalValue: e.logOdds,
      };
    case 'linear':
      return {
        caption: 'The predicted value',
        base: 'Intercept',
        baseValue: e.intercept,
        total: 'Predicted value',
        totalValue: e.prediction,
        number: value,
      };
  }
  if (e.explains === 'log-odds')
    return {
      ...versus(e.predicted, e.runnerUp),
      base: 'Starting score',
      baseValue: e.bias,
      totalValue: e.prediction,
    };
  const probability = e.explains === 'probability';
  return {
    caption: probability ? `Probability of ${e.predicted?.label}` : 'The predicted value',
    base: 'Before any feature is known',
    baseValue: e.bias,
    total: probability ? `Probability of ${e.predicted?.label}` : 'Predicted value',
    totalValue: e.prediction,
    number: probability ? (x: number) => fixed(x, 3) : value,
  };
}
