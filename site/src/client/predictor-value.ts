// The predictor's answer for a regression label: the predicted value with its unit, the interval the
// model says it likely falls in (10th–90th percentile), and a bar of where both sit in the label's range,
// told in words as well (the bar is decoration for sighted readers; the sentence carries the same facts).
// Nodes are built once and updated in place, so a slider drag stays cheap.

import { percent } from '../../../actions/lib/core/format.js';
import { predictionDecimals } from '../../../actions/lib/monitoring/predicted-value.js';
import { h } from './dom.js';
import type { PredictorLabel } from './page-data.js';
import { ResultCaveat } from './result-caveat.js';
import { fixed, shareOf, spanText, valueText } from './value-format.js';

/** A regression answer: the point estimate and its 10th–90th percentile interval. */
export interface ValuePrediction {
  value: number;
  low: number;
  high: number;
}

const INTERVAL_MEANING = {
  trees:
    "Likely between: the 10th to 90th percentile of the forest's trees' predictions for these inputs — the trees agree less the wider it is.",
  residuals:
    "Likely between: the prediction plus the 10th and 90th percentile of the model's errors on its holdout rows — about 8 in 10 such rows fell inside.",
};

export class ValueResult {
  readonly element: HTMLElement;
  private readonly value: HTMLElement;
  private readonly exact: HTMLElement;
  private readonly interval: HTMLElement;
  private readonly caveat: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly band: HTMLElement;
  private readonly marker: HTMLElement;
  private readonly position: HTMLElement;
  private readonly note: HTMLElement;
  private readonly inputCaveat = new ResultCaveat();
  private readonly range: [number, number] | null;
  private readonly observed: [number, number] | null;

  constructor(
    private readonly label: PredictorLabel,
    observed: [number, number] | null,
    intervalKind: 'trees' | 'residuals',
    modelLine: string,
  ) {
    // The spec's valid range; without one, the values the feature group has seen.
    this.range = label.range ?? observed;
    // Inside a valid range, the labels the feature group has seen are marked too (3–9 of a 0–10 scale).
    this.observed = label.range && observed ? observed : null;
    this.value = h('p', { class: 'value-label', id: 'predicted-value' });
    this.exact = h('p', { class: 'confidence', id: 'predicted-exact' });
    this.interval = h('p', { class: 'confidence', id: 'predicted-interval' });
    this.caveat = h('p', { class: 'caveat', id: 'prediction-caveat', hidden: true });
    this.problem = h('p', { class: 'problem', id: 'prediction-problem', hidden: true });
    this.band = h('span', { class: 'band' });
    this.marker = h('span', { class: 'marker' });
    this.position = h('p', { class: 'range-text', id: 'range-position' });
    this.note = h('p', { class: 'example-note', id: 'example-note', hidden: true });
    const bar =
      this.range === null
        ? null
        : h(
            'div',
            { class: 'range-figure' },
            // The bar repeats the sentence under it: hidden from assistive technology, which reads that.
            h(
              'div',
              { class: 'range-bar', id: 'range-bar', 'aria-hidden': 'true' },
              this.observed ? this.observedSpan(this.range, this.observed) : null,
              this.band,
              this.marker,
            ),
            h(
              'div',
              { class: 'range-ends', 'aria-hidden': 'true' },
              h('span', {}, valueText(this.range[0], label)),
              h('span', {}, valueText(this.range[1], label)),
            ),
          );
    this.element = h(
      'section',
      // Focusable: on a phone the panel scrolls inside itself, and a keyboard must reach what it hides.
      {
        class: 'result value-result',
        'aria-labelledby': 'result-title',
        'data-task': 'regression',
        tabindex: 0,
      },
      h('h2', { id: 'result-title' }, `Predicted ${label.title.toLowerCase()}`),
      h(
        'div',
        { class: 'verdict', 'aria-live': 'polite', 'aria-atomic': 'true' },
        h('div', {}, this.value, this.exact, this.interval),
        this.caveat,
        this.inputCaveat.element,
        this.problem,
      ),
      // Under the answer: a phone's pinned answer panel shows it without scrolling.
      this.note,
      h(
        'h3',
        { class: 'bars-title', id: 'range-title' },
        this.range === null
          ? 'Where it sits'
          : `Where it sits in the ${label.range ? 'valid' : 'observed'} range ${spanText(this.range[0], this.range[1], label)}`,
      ),
      bar,
      this.position,
      h('p', { class: 'interval-help', id: 'interval-help' }, INTERVAL_MEANING[intervalKind]),
      h('p', { class: 'model-line' }, modelLine),
    );
  }

  /** The observed labels' stretch of the bar: a dashed outline, named in the sentence under the bar. */
  private observedSpan(range: [number, number], observed: [number, number]): HTMLElement {
    const lo = shareOf(observed[0], range);
    const hi = shareOf(observed[1], range);
    const span = h('span', { class: 'observed' });
    span.style.left = percent(lo, 2);
    span.style.width = percent(hi - lo, 2);
    return span;
  }

  show(p: ValuePrediction): void {
    const label = this.label;
    this.element.classList.remove('no-answer');
    this.problem.hidden = true;
    // The headline on the label's own grid (what a row's label would read), the model's output beside it.
    this.value.textContent = valueText(p.value, label);
    this.value.dataset.value = String(p.value);
    this.exact.textContent = `model output ${fixed(p.value, predictionDecimals(label))}`;
    this.interval.textContent = `likely between ${spanText(p.low, p.high, label, 1).replace('–', ' and ')}`;
    this.interval.dataset.low = String(p.low);
    this.interval.dataset.high = String(p.high);
    const outside = this.range !== null && (p.value < this.range[0] || p.value > this.range[1]);
    this.caveat.hidden = !outside;
    this.caveat.textContent = outside
      ? `Outside the ${label.range ? 'valid' : 'observed'} range ${spanText(this.range![0], this.range![1], label)}: the model extrapolates, read it with care.`
      : '';
    if (this.range === null) {
      this.position.textContent = '';
      return;
    }
    const at = shareOf(p.value, this.range);
    const lo = shareOf(Math.min(p.low, p.high), this.range);
    const hi = shareOf(Math.max(p.low, p.high), this.range);
    this.marker.style.left = percent(at, 2);
    this.band.style.left = percent(lo, 2);
    this.band.style.width = percent(hi - lo, 2);
    this.position.textContent =
      `${valueText(p.value, label, 2)} sits ${Math.round(at * 100)}% of the way from ` +
      `${valueText(this.range[0], label)} to ${valueText(this.range[1], label)}; ` +
      `the interval covers ${Math.round(lo * 100)}%–${Math.round(hi * 100)}% of the range.` +
      (this.observed
        ? ` The feature group's labels run from ${spanText(this.observed[0], this.observed[1], label).replace('–', ' to ')} (dashed).`
        : '');
  }

  /** No answer (inputs that cannot be predicted, or the model still loading), with the reason shown. */
  showProblem(message: string, tone: 'error' | 'pending' = 'error'): void {
    this.element.classList.add('no-answer');
    this.problem.hidden = false;
    this.problem.className = `problem ${tone}`;
    this.problem.textContent = message;
    this.value.textContent = '–';
    delete this.value.dataset.value;
    this.exact.textContent = '';
    this.interval.textContent = '';
    delete this.interval.dataset.low;
    delete this.interval.dataset.high;
    this.caveat.hidden = true;
    this.inputCaveat.set(null);
    this.position.textContent = '';
  }

  /** The answer's caveat for inputs outside the training data, or none. */
  setCaveat(text: string | null): void {
    this.inputCaveat.set(text);
  }

  /** A line under the answer (the holdout example's actual value), or none. */
  setNote(text: string | null): void {
    this.note.hidden = text === null;
    this.note.textContent = text ?? '';
  }
}
