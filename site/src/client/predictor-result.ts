// The predictor's answer: the predicted class with its glyph, a probability bar for every class and the
// model that answered. Nodes are built once and updated in place, so a slider drag stays cheap.

import { FEW_ENTRIES, SHORT_LABEL, shortLabels } from '../../../actions/lib/charts/chart-classes.js';
import { classColour } from '../../../actions/lib/charts/class-colours.js';
import { percent } from '../../../actions/lib/core/format.js';
import type { Prediction } from '../../../actions/lib/models/serving-model.js';
import type { Category } from '../../../actions/lib/spec/spec.js';
import { classIcon } from './class-icon.js';
import { h, replaceChildren } from './dom.js';
import { ResultCaveat } from './result-caveat.js';

interface Bar {
  row: HTMLElement;
  fill: HTMLElement;
  value: HTMLElement;
}

export class PredictorResult {
  readonly element: HTMLElement;
  private readonly icon: HTMLElement;
  private readonly label: HTMLElement;
  private readonly confidence: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly bars: Bar[];
  private readonly note: HTMLElement;
  private readonly caveat = new ResultCaveat();

  constructor(
    private readonly classes: readonly Category[],
    labelTitle: string,
    modelLine: string,
  ) {
    this.icon = h('div', { class: 'icon' });
    this.label = h('p', { class: 'class-label', id: 'predicted-class' });
    this.confidence = h('p', { class: 'confidence', id: 'predicted-probability' });
    this.problem = h('p', { class: 'problem', id: 'prediction-problem', hidden: true });
    // Many classes: names cut so they still differ ("Species number 07 …"), in full on hover.
    const names =
      classes.length > FEW_ENTRIES
        ? shortLabels(
            classes.map((c) => c.label),
            SHORT_LABEL,
          )
        : classes.map((c) => c.label);
    this.bars = classes.map((c, i) => {
      const fill = h('span', { class: 'fill' });
      const value = h('span', { class: 'value' });
      const row = h(
        'li',
        { 'data-class': c.value, 'data-class-index': i },
        h('span', { class: 'name', title: c.label }, names[i]),
        h('span', { class: 'track', 'aria-hidden': 'true' }, fill),
        value,
      );
      fill.style.backgroundColor = classColour(i, classes.length);
      return { row, fill, value };
    });
    this.note = h('p', { class: 'example-note', id: 'example-note', hidden: true });
    this.element = h(
      'section',
      // Focusable: on a phone the panel scrolls inside itself, and a keyboard must reach what it hides.
      { class: 'result', 'aria-labelledby': 'result-title', tabindex: 0 },
      h('h2', { id: 'result-title' }, `Predicted ${labelTitle.toLowerCase()}`),
      h(
        'div',
        { class: 'verdict', 'aria-live': 'polite', 'aria-atomic': 'true' },
        this.icon,
        h('div', {}, this.label, this.confidence),
        this.caveat.element,
        this.problem,
      ),
      // Under the answer, not under the bars: a phone's pinned answer panel shows it without scrolling.
      this.note,
      h('h3', { class: 'bars-title', id: 'bars-title' }, 'Probability of each class'),
      h('ol', { class: 'bars', 'aria-labelledby': 'bars-title' }, ...this.bars.map((b) => b.row)),
      h('p', { class: 'model-line' }, modelLine),
    );
  }

  show(p: Prediction): void {
    const c = this.classes[p.classIndex];
    this.element.classList.remove('no-answer');
    this.problem.hidden = true;
    replaceChildren(this.icon, classIcon(p.classIndex, this.classes.length));
    this.label.textContent = c.label;
    this.label.dataset.class = c.value;
    this.confidence.textContent = `${percent(p.probabilities[p.classIndex])} probability`;
    this.bars.forEach((b, i) => {
      const q = p.probabilities[i];
      b.row.dataset.probability = String(q);
      b.row.classList.toggle('top', i === p.classIndex);
      b.fill.style.width = percent(q, 2);
      b.value.textContent = percent(q);
    });
  }

  /** No answer (inputs that cannot be predicted, or the model still loading), with the reason shown. */
  showProblem(message: string, tone: 'error' | 'pending' = 'error'): void {
    this.element.classList.add('no-answer');
    this.problem.hidden = false;
    this.problem.className = `problem ${tone}`;
    this.problem.textContent = message;
    this.caveat.set(null);
    this.label.textContent = '–';
    delete this.label.dataset.class;
    this.confidence.textContent = '';
    replaceChildren(this.icon);
    for (const b of this.bars) {
      delete b.row.dataset.probability;
      b.row.classList.remove('top');
      b.fill.style.width = '0%';
      b.value.textContent = '–';
    }
  }

  /** The answer's caveat for inputs outside the training data, or none. */
  setCaveat(text: string | null): void {
    this.caveat.set(text);
  }

  /** A line under the answer (the holdout example's actual class), or none. */
  setNote(text: string | null): void {
    this.note.hidden = text === null;
    this.note.textContent = text ?? '';
  }
}
