// Checks one form value before it reaches the model: a missing or non-numeric value, or one outside the
// valid range, is an error shown next to its input (the rules every row follows: ingest quarantines such a
// row and the model refuses it); a value outside the observed range is a warning (the model extrapolates),
// repeated on the answer itself. A decimal comma ('6,5') is read as a dot where it cannot be a thousands
// separator. Pure, so the same rules are tested in Node and used in the browser.
import { formatNumber } from '../../../actions/lib/core/json.js';
import type { PredictorFeature } from './page-data.js';

export type FieldCheck =
  | { kind: 'ok' }
  | { kind: 'warning'; message: string }
  | { kind: 'error'; message: string };

/** The number syntax ServingModel.predictOne accepts (no hex, no "Infinity", no trailing text). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function rangeText(f: PredictorFeature, lo: number, hi: number): string {
  const unit = f.unit ? ` ${f.unit}` : '';
  return `${formatNumber(lo, f.decimals)}–${formatNumber(hi, f.decimals)}${unit}`;
}

/** A decimal comma: one comma with digits on both sides and no dot ("6,5"). */
const COMMA_DECIMAL = /^([+-]?\d+),(\d+)$/;

/**
 * Whether "a,bcd" could also be a thousands separator: three digits after the comma, no leading-zero
 * group, and the thousands reading a value of the field's valid range ("1,000" £ is one or a thousand;
 * "1,000" years can only be one).
 */
function thousandsToo(f: PredictorFeature, whole: string, part: string): boolean {
  if (part.length !== 3 || /^[+-]?0$/.test(whole)) return false;
  const x = Number(whole + part);
  return !f.range || (x >= f.range[0] && x <= f.range[1]);
}

/**
 * A numeric box's text as the model reads it: a decimal comma becomes a dot ('6,5' → '6.5') when that
 * is its only reading; anything else is returned trimmed, as typed (checkField says what is wrong with it).
 */
export function numberText(f: PredictorFeature, raw: string): string {
  const text = raw.trim();
  const m = COMMA_DECIMAL.exec(text);
  return m && !thousandsToo(f, m[1], m[2]) ? `${m[1]}.${m[2]}` : text;
}

export function checkField(f: PredictorFeature, raw: string): FieldCheck {
  const typed = raw.trim();
  const m = f.type === 'numeric' ? COMMA_DECIMAL.exec(typed) : null;
  if (m && thousandsToo(f, m[1], m[2]))
    return {
      kind: 'error',
      message: `“${typed}” could be ${m[1]}${m[2]} or ${m[1]}.${m[2]}: write decimals with a dot and no thousands separator.`,
    };
  const text = f.type === 'numeric' ? numberText(f, typed) : typed;
  // Blank means "unknown" where the pipeline fills a blank (the form then sends the recorded fill value).
  if (text === '' && f.fill !== undefined) return { kind: 'ok' };
  if (f.type === 'categorical') {
    const known = (f.categories ?? []).some((c) => c.value === text);
    return known
      ? { kind: 'ok' }
      : { kind: 'error', message: `Choose one of: ${(f.categories ?? []).map((c) => c.label).join(', ')}.` };
  }
  if (text === '') return { kind: 'error', message: 'Enter a number.' };
  const x = Number(text);
  if (!NUMBER.test(text) || !Number.isFinite(x))
    return { kind: 'error', message: `“${typed}” is not a number.` };
  if (f.range && (x < f.range[0] || x > f.range[1])) {
    return {
      kind: 'error',
      message: `Outside the valid range ${rangeText(f, f.range[0], f.range[1])}: the pipeline rejects such a row.`,
    };
  }
  const seen = f.observed;
  if (seen && (x < seen.min || x > seen.max)) {
    return {
      kind: 'warning',
      message: `Outside the observed range ${rangeText(f, seen.min, seen.max)}: the model extrapolates.`,
    };
  }
  return { kind: 'ok' };
}

/**
 * The caveat an answer carries when inputs lie outside the observed (training) range: the model
 * extrapolates there, so the answer itself says so, naming each such input. Null when every input is inside.
 */
export function inputCaveat(
  features: readonly PredictorFeature[],
  values: Readonly<Record<string, string>>,
): string | null {
  const outside: string[] = [];
  for (const f of features) {
    const seen = f.observed;
    const text = values[f.name] ?? '';
    if (!seen || checkField(f, text).kind !== 'warning') continue;
    const unit = f.unit ? ` ${f.unit}` : '';
    outside.push(`${f.title} ${numberText(f, text)}${unit} (observed ${rangeText(f, seen.min, seen.max)})`);
  }
  if (outside.length === 0) return null;
  return `Outside the training data: ${outside.join(', ')}. The model extrapolates there; read this answer with care.`;
}
