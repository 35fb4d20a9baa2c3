// The predictor's input form, built from the champion's feature schema: numeric features get a slider over
// the observed range plus a text box (the text is authoritative: it can leave the range), categorical
// features a dropdown with the spec's human labels. Each field shows its own error or warning.
import { formatNumber } from '../../actions/lib/json.js';
import { h, replaceChildren } from './dom.js';
import { checkField, rangeText } from './field-check.js';
import type { PredictorFeature } from './page-data.js';

interface Field {
  feature: PredictorFeature;
  /** Holds the value as text: a text box or a select. */
  input: HTMLInputElement | HTMLSelectElement;
  slider: HTMLInputElement | null;
  message: HTMLElement;
}

const idOf = (prefix: string, f: PredictorFeature) => `${prefix}-${f.name}`;

function numericField(f: PredictorFeature, onChange: () => void): { row: HTMLElement; field: Field } {
  const lo = f.observed?.min ?? f.range?.[0] ?? 0;
  const hi = f.observed?.max ?? f.range?.[1] ?? 1;
  const step = f.step ?? 10 ** -(f.decimals ?? 2);
  const slider = h('input', {
    type: 'range',
    id: idOf('s', f),
    min: lo,
    max: hi > lo ? hi : lo + step,
    step,
    'aria-label': `${f.title} slider`,
    'aria-describedby': idOf('h', f),
  });
  const input = h('input', {
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    spellcheck: 'false',
    id: idOf('f', f),
    name: f.name,
    'aria-describedby': `${idOf('h', f)} ${idOf('m', f)}`,
  });
  const hint = f.observed
    ? `Observed ${rangeText(f, f.observed.min, f.observed.max)} · median ${formatNumber(f.observed.median, f.decimals)}`
    : `Valid ${rangeText(f, lo, hi)}`;
  const message = h('p', { class: 'message', id: idOf('m', f) });
  slider.addEventListener('input', () => {
    input.value = formatNumber(Number(slider.value), f.decimals);
    onChange();
  });
  input.addEventListener('input', onChange);
  const row = h(
    'div',
    { class: 'field numeric', 'data-feature': f.name },
    h('label', { for: input.id }, f.title, f.unit ? h('span', { class: 'unit' }, ` (${f.unit})`) : null),
    h('div', { class: 'controls' }, slider, input),
    h('p', { class: 'hint', id: idOf('h', f) }, hint),
    message,
  );
  return { row, field: { feature: f, input, slider, message } };
}

function categoricalField(f: PredictorFeature, onChange: () => void): { row: HTMLElement; field: Field } {
  const input = h(
    'select',
    { id: idOf('f', f), name: f.name, 'aria-describedby': idOf('m', f) },
    ...(f.categories ?? []).map((c) => h('option', { value: c.value }, c.label)),
  );
  const message = h('p', { class: 'message', id: idOf('m', f) });
  input.addEventListener('change', onChange);
  const row = h(
    'div',
    { class: 'field categorical', 'data-feature': f.name },
    h('label', { for: input.id }, f.title),
    h('div', { class: 'controls' }, input),
    message,
  );
  return { row, field: { feature: f, input, slider: null, message } };
}

export class PredictorForm {
  readonly element: HTMLElement;
  private readonly fields: Field[];

  constructor(features: readonly PredictorFeature[], onChange: () => void) {
    const built = features.map((f) =>
      f.type === 'numeric' ? numericField(f, onChange) : categoricalField(f, onChange),
    );
    this.fields = built.map((b) => b.field);
    this.element = h('div', { class: 'fields' }, ...built.map((b) => b.row));
  }

  values(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.fields) out[f.feature.name] = f.input.value;
    return out;
  }

  setValues(values: Readonly<Record<string, string>>): void {
    for (const f of this.fields) {
      const v = values[f.feature.name] ?? f.feature.initial;
      if (f.input instanceof HTMLSelectElement) {
        // An unknown category from a link keeps an explicit, flagged option rather than silently changing.
        const known = (f.feature.categories ?? []).some((c) => c.value === v);
        f.input.querySelector('option[data-unknown]')?.remove();
        if (!known) f.input.append(h('option', { value: v, 'data-unknown': true }, `${v} (unknown)`));
      }
      f.input.value = v;
      if (f.slider && v.trim() !== '' && Number.isFinite(Number(v))) f.slider.value = v;
    }
  }

  /** Shows every field's error or warning; true when the model can predict from the values. */
  check(): boolean {
    let ok = true;
    for (const f of this.fields) {
      const result = checkField(f.feature, f.input.value);
      f.message.className = `message ${result.kind}`;
      if (result.kind === 'ok') replaceChildren(f.message);
      else replaceChildren(f.message, result.message);
      if (result.kind === 'error') {
        ok = false;
        f.input.setAttribute('aria-invalid', 'true');
      } else f.input.removeAttribute('aria-invalid');
    }
    return ok;
  }
}
