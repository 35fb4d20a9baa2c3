// The predictor's input form, built from the champion's feature schema: numeric features get a slider on
// the spec's decimals grid plus a text box (the text is authoritative: it can leave the range, and typing
// moves the slider), categorical features a dropdown with the spec's human labels. Fields that share a
// spec `group` sit in one fieldset under its legend. A was-missing flag is never an input: it is derived
// from its feature's box (1 when left blank, the blank then filled as the pipeline fills it). A decimal
// comma ('6,5') counts as a dot where it cannot be a thousands separator. Each field shows its own error
// or warning; values outside the observed range also give the answer a caveat.
import { formatNumber } from '../../../actions/lib/core/json.js';
import { h, replaceChildren } from './dom.js';
import { checkField, inputCaveat, numberText, rangeText } from './field-check.js';
import type { PredictorFeature } from './page-data.js';

interface Field {
  feature: PredictorFeature;
  /** Holds the value as text: a text box or a select. */
  input: HTMLInputElement | HTMLSelectElement;
  slider: HTMLInputElement | null;
  message: HTMLElement;
}

/** The legend of the fieldset that holds the ungrouped fields when other fields have a group. */
export const OTHER_GROUP = 'Other features';

const idOf = (prefix: string, f: PredictorFeature) => `${prefix}-${f.name}`;

const unknownHint = (f: PredictorFeature) =>
  f.fill === undefined ? '' : ` · leave blank if unknown (filled with ${f.fill}, as the pipeline does)`;

function numericField(f: PredictorFeature, onChange: () => void): { row: HTMLElement; field: Field } {
  const step = f.slider?.step ?? 10 ** -(f.decimals ?? 2);
  const lo = f.slider?.min ?? f.observed?.min ?? f.range?.[0] ?? 0;
  const hi = f.slider?.max ?? f.observed?.max ?? f.range?.[1] ?? 1;
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
  input.addEventListener('input', () => {
    moveSlider(slider, numberText(f, input.value));
    onChange();
  });
  const row = h(
    'div',
    { class: 'field numeric', 'data-feature': f.name },
    h('label', { for: input.id }, f.title, f.unit ? h('span', { class: 'unit' }, ` (${f.unit})`) : null),
    h('div', { class: 'controls' }, slider, input),
    h('p', { class: 'hint', id: idOf('h', f) }, hint + unknownHint(f)),
    message,
  );
  return { row, field: { feature: f, input, slider, message } };
}

/** Puts the slider at a typed number (the browser clamps it to the ends); text that is no number leaves it. */
function moveSlider(slider: HTMLInputElement, text: string): void {
  const t = text.trim();
  if (t !== '' && Number.isFinite(Number(t))) slider.value = t;
}

function categoricalField(f: PredictorFeature, onChange: () => void): { row: HTMLElement; field: Field } {
  const input = h(
    'select',
    { id: idOf('f', f), name: f.name, 'aria-describedby': idOf('m', f) },
    ...(f.categories ?? []).map((c) => h('option', { value: c.value }, c.label)),
    f.fill === undefined ? null : h('option', { value: '' }, `Unknown (counts as ${labelOf(f, f.fill)})`),
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

const labelOf = (f: PredictorFeature, value: string) =>
  (f.categories ?? []).find((c) => c.value === value)?.label ?? value;

/** Fields in fieldsets by group, in order of each group's first field; ungrouped fields last. */
function layout(rows: { feature: PredictorFeature; row: HTMLElement }[]): HTMLElement[] {
  if (rows.every((r) => r.feature.group === undefined)) return rows.map((r) => r.row);
  const groups = new Map<string, HTMLElement[]>();
  for (const r of rows) {
    const name = r.feature.group ?? OTHER_GROUP;
    groups.set(name, [...(groups.get(name) ?? []), r.row]);
  }
  const order = [...groups.keys()].filter((g) => g !== OTHER_GROUP);
  if (groups.has(OTHER_GROUP)) order.push(OTHER_GROUP);
  return order.map((name) =>
    h(
      'fieldset',
      { class: 'group', 'data-group': name },
      h('legend', {}, name),
      h('div', { class: 'fields' }, ...(groups.get(name) ?? [])),
    ),
  );
}

export class PredictorForm {
  readonly element: HTMLElement;
  /** The features typed in the form (every feature but the derived flags). */
  readonly inputs: readonly PredictorFeature[];
  private readonly fields: Field[];
  private readonly derived: readonly PredictorFeature[];

  constructor(features: readonly PredictorFeature[], onChange: () => void) {
    this.inputs = features.filter((f) => f.derivedFrom === undefined);
    this.derived = features.filter((f) => f.derivedFrom !== undefined);
    const built = this.inputs.map((f) =>
      f.type === 'numeric' ? numericField(f, onChange) : categoricalField(f, onChange),
    );
    this.fields = built.map((b) => b.field);
    this.element = h(
      'div',
      { class: 'fields' },
      ...layout(built.map((b, i) => ({ ...b, feature: this.inputs[i] }))),
    );
  }

  /** The form's values as typed, by input feature name (the URL keeps these). */
  values(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.fields) out[f.feature.name] = f.input.value;
    return out;
  }

  /** What the model reads: a blank fillable value filled, each derived flag 1 when its feature was blank. */
  modelInput(): Record<string, string> {
    const typed = this.values();
    const out: Record<string, string> = {};
    for (const f of this.inputs) {
      const v = typed[f.name];
      out[f.name] =
        v.trim() === '' && f.fill !== undefined ? f.fill : f.type === 'numeric' ? numberText(f, v) : v;
    }
    for (const flag of this.derived) out[flag.name] = typed[flag.derivedFrom!]?.trim() === '' ? '1' : '0';
    return out;
  }

  setValues(values: Readonly<Record<string, string>>): void {
    for (const f of this.fields) {
      const v = values[f.feature.name] ?? f.feature.initial;
      if (f.input instanceof HTMLSelectElement) {
        // An unknown category from a link keeps an explicit, flagged option rather than silently changing.
        const known =
          (f.feature.categories ?? []).some((c) => c.value === v) ||
          (v === '' && f.feature.fill !== undefined);
        f.input.querySelector('option[data-unknown]')?.remove();
        if (!known) f.input.append(h('option', { value: v, 'data-unknown': true }, `${v} (unknown)`));
      }
      f.input.value = v;
      if (f.slider) moveSlider(f.slider, numberText(f.feature, v));
    }
  }

  /** The caveat the answer carries for inputs outside the observed range, or null. */
  caveat(): string | null {
    return inputCaveat(this.inputs, this.values());
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
