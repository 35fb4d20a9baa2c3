// One input row for a prediction (gitml predict, and any caller with a row by name): checked by the same
// rules ingest applies (cleanRecord: types, ranges, categories, the spec's fills and was-missing flags),
// plus the rules of a hand-typed object: a JSON object, values that are numbers or text, no unknown keys
// (with a did-you-mean), and no derived flag or label typed by hand. Browser-safe.

import { didYouMean, nearestName } from '../core/did-you-mean.js';
import { InputError } from '../core/input-error.js';
import { cleanRecord, type FillValues } from '../features/clean.js';
import type { DatasetSpec } from '../spec/spec.js';

/**
 * The stored values of the features (flags derived, blanks filled as at ingest); throws InputError.
 * `reads`: the stored feature names the model reads — a feature it does not read may be left out (the
 * predictor page and the model card's example give just those), but when given it is checked too.
 */
export function predictionInput(
  spec: DatasetSpec,
  fills: FillValues,
  input: unknown,
  reads?: readonly string[],
): Record<string, string> {
  const example = `{"${spec.features[0].name}": …}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new InputError(
      `the input must be a JSON object by feature name, like ${example}; got ${describe(input)}`,
    );
  const known = spec.features.flatMap((f) => (f.column === f.name ? [f.name] : [f.name, f.column]));
  const reasons: string[] = [];
  const record: Record<string, string> = {};
  const typedFlags = new Map<string, string>();
  const unknown: string[] = [];
  // Keys already explained (a wrong type, the likely target of a typo): no second "is missing" for them.
  const reported = new Set<string>();
  for (const [key, value] of Object.entries(input)) {
    if (spec.features.some((f) => f.missingFlag === key)) {
      typedFlags.set(key, value === null || value === undefined ? '' : String(value));
    } else if (key === spec.label.name || key === spec.label.column) {
      reasons.push(`'${key}' is the label, which the model predicts: leave it out`);
    } else if (!known.includes(key)) {
      unknown.push(`'${key}'${didYouMean(key, known)}`);
      const near = nearestName(key, known);
      if (near) reported.add(near);
    } else if (value === null || value === undefined) {
      record[key] = ''; // blank: filled by the spec's rule, or refused as missing
    } else if (typeof value === 'number') {
      if (Number.isFinite(value)) record[key] = String(value);
      else reasons.push(`'${key}' = ${value} is not a finite number`);
    } else if (typeof value === 'string') {
      record[key] = value;
    } else {
      reasons.push(`'${key}' = ${describe(value)} is not a number or text`);
      reported.add(key);
    }
  }
  if (unknown.length)
    reasons.push(
      `unknown feature${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (the features: ${spec.features.map((f) => f.name).join(', ')})`,
    );
  const read = reads ? new Set(reads) : null;
  const checked =
    read === null
      ? spec
      : {
          ...spec,
          features: spec.features.filter(
            (f) =>
              read.has(f.name) ||
              (f.missingFlag !== undefined && read.has(f.missingFlag)) ||
              f.name in record ||
              f.column in record,
          ),
        };
  const clean = cleanRecord(checked, fills, record, { labelRequired: false });
  if ('reasons' in clean)
    reasons.push(...clean.reasons.filter((r) => ![...reported].some((k) => r === `'${k}' is missing`)));
  else
    for (const f of checked.features)
      if (f.missingFlag) checkTypedFlag(f, fills, typedFlags, clean.values, reasons);
  if (reasons.length) throw new InputError(`${spec.name}: ${[...new Set(reasons)].join('; ')}`);
  return (clean as { values: Record<string, string> }).values;
}

/**
 * A was-missing flag is derived (1 when the value is blank, which is then filled): it need not be typed.
 * Typed, it must agree with its value — 1 goes with a blank or the fill value (a stored row read back),
 * 0 with a value given — and it then stands as typed.
 */
function checkTypedFlag(
  f: DatasetSpec['features'][number],
  fills: FillValues,
  typed: Map<string, string>,
  values: Record<string, string>,
  reasons: string[],
): void {
  const flag = f.missingFlag!;
  const given = typed.get(flag);
  if (given === undefined) return;
  const derived = values[flag];
  const rule = `'${flag}' is derived from '${f.name}' (1 when it is blank): leave it out`;
  if (given !== '0' && given !== '1') reasons.push(`'${flag}' = '${given}' is not 0 or 1; ${rule}`);
  else if (given === '0' && derived === '1') reasons.push(`'${flag}' = 0 but '${f.name}' is blank; ${rule}`);
  else if (given === '1' && derived === '0' && values[f.name] !== fills[f.name])
    reasons.push(`'${flag}' = 1 but '${f.name}' = ${values[f.name]} was given; ${rule}`);
  else values[flag] = given;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list ${truncate(JSON.stringify(v))}`;
  if (typeof v === 'object') return `an object ${truncate(JSON.stringify(v))}`;
  return typeof v === 'string' ? `text '${truncate(v)}'` : truncate(String(v));
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
