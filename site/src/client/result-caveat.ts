// The caveat an answer carries when its inputs lie outside the training data: inside the answer's live
// verdict, so it is read with the answer (aloud too) and not only beside the field that caused it.
import { h } from './dom.js';

export class ResultCaveat {
  readonly element = h('p', { class: 'caveat input-caveat', id: 'input-caveat', hidden: true });

  /** Shows the text, or hides the caveat for null. */
  set(text: string | null): void {
    this.element.hidden = text === null;
    this.element.textContent = text ?? '';
  }
}
