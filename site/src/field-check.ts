// Checks one form value before it reaches the model: a missing or non-numeric value, or one outside the
// valid range, is an error shown next to its input (the rules every row follows: ingest quarantines such a
// row and the model refuses it); a value outside the observed range is a warning (the model extrapolates). Pure, so the same rules are tested in Node and used in the browser.
import { formatNumber } from '../../actions/lib/json.js';
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

export function checkField(f: PredictorFeature, raw: string): FieldCheck {
  const text = raw.trim();
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
    return { kind: 'error', message: `“${text}” is not a number.` };
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
