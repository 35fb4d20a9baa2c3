// Cleaning: turns a raw record (source or user CSV) into a stored row, following the spec's rules:
// column mapping, fills for missing values (recorded at backfill), was-missing flags, label mapping.
// A row that breaks a rule is not fixed up: the reasons go with it to quarantine.
import { median } from 'simple-statistics';
import type { DatasetSpec, FeatureSchema } from '../spec/spec.js';

/** Fill values for missing cells, by stored feature name; written to the feature group's metadata. */
export type FillValues = Record<string, string>;

export interface CleanRow {
  /** Normalised stored value of every feature (schema order), by name. */
  values: Record<string, string>;
  /**
   * Class value (classification) or the number in its shortest form (regression); '' when the row has
   * no label yet (ingested observations awaiting their actual).
   */
  label: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a strict decimal number; returns a reason on failure. */
export function parseNumber(raw: string, column: string): number | string {
  if (!NUMBER.test(raw)) {
    return /^[+-]?(nan|inf|infinity)$/i.test(raw)
      ? `'${column}' = '${raw}' is not a finite number`
      : `'${column}' = '${raw}' is not a number`;
  }
  const x = Number(raw);
  return Number.isFinite(x) ? x : `'${column}' = '${raw}' is not a finite number`;
}

/** What a numeric label (regression) must be: a finite number, inside the range when the spec gives one. */
export interface NumericLabelRule {
  name: string;
  range?: readonly [number, number] | readonly number[];
}

/**
 * A numeric label's text checked: its value and stored text (shortest form, so '6.0' and '6' are one
 * value), or the reason in the words rejected.csv uses (`label 'quality' = 'abc' is not a number`).
 */
export function numericLabel(rule: NumericLabelRule, raw: string): { value: number; text: string } | string {
  // NaN and Infinity are spelt as numbers but are none: one reason for every text that is not a number.
  const x = NUMBER.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(x)) return `label '${rule.name}' = '${raw}' is not a number`;
  const [lo, hi] = rule.range ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  if (x < lo || x > hi) return `label '${rule.name}' = ${raw} is outside [${lo}, ${hi}]`;
  return { value: x, text: String(x) };
}

/** Computes fill values from the raw records (median for numeric, most frequent category for mode). */
export function computeFills(spec: DatasetSpec, records: readonly Record<string, string>[]): FillValues {
  const fills = new FillAccumulator(spec);
  for (const r of records) fills.add(r);
  return fills.result();
}

/**
 * computeFills one record at a time (a streamed backfill of a million rows): numbers kept in a growing
 * Float64Array per numeric feature (8 bytes a cell, no record kept), category counts in a map.
 */
export class FillAccumulator {
  private readonly numbers = new Map<string, { xs: Float64Array; n: number }>();
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly features: DatasetSpec['features'];

  constructor(spec: DatasetSpec) {
    this.features = spec.features.filter((f) => f.missing !== 'reject');
    for (const f of this.features)
      if (f.type === 'numeric') this.numbers.set(f.name, { xs: new Float64Array(1024), n: 0 });
      else this.counts.set(f.name, new Map());
  }

  add(r: Record<string, string>): void {
    for (const f of this.features) {
      const v = (r[f.column] ?? '').trim();
      if (v === '') continue;
      const numbers = this.numbers.get(f.name);
      if (numbers) {
        const x = parseNumber(v, f.column);
        if (typeof x !== 'number') continue;
        if (numbers.n === numbers.xs.length) {
          const grown = new Float64Array(numbers.xs.length * 2);
          grown.set(numbers.xs);
          numbers.xs = grown;
        }
        numbers.xs[numbers.n++] = x;
      } else {
        const counts = this.counts.get(f.name)!;
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
    }
  }

  result(): FillValues {
    const fills: FillValues = {};
    for (const f of this.features) {
      const numbers = this.numbers.get(f.name);
      if (numbers) {
        if (numbers.n > 0) fills[f.name] = String(median(Array.from(numbers.xs.subarray(0, numbers.n))));
        continue;
      }
      const counts = this.counts.get(f.name)!;
      let best = '';
      let bestCount = 0;
      for (const c of f.categories ?? []) {
        const n = counts.get(c.value) ?? 0;
        if (n > bestCount) {
          best = c.value;
          bestCount = n;
        }
      }
      if (best !== '') fills[f.name] = best;
    }
    return fills;
  }
}

/** Checks a stored value against its schema; returns a reason or null. Used on every insert. */
export function checkValue(f: FeatureSchema, value: string, column = f.name): string | null {
  if (value === '') return `'${column}' is missing`;
  if (f.type === 'numeric') {
    const x = parseNumber(value, column);
    if (typeof x === 'string') return x;
    const [lo, hi] = f.range ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    if (x < lo || x > hi) return `'${column}' = ${value} is outside the valid range [${lo}, ${hi}]`;
    return null;
  }
  const cats = f.categories ?? [];
  if (!cats.some((c) => c.value === value)) {
    return `'${column}' = '${value}' is not one of ${cats.map((c) => c.value).join(', ')}`;
  }
  return null;
}

/**
 * Cleans one raw record. `columnOf` maps a stored name to the column to read in this file (source
 * column names for the raw file; for user CSVs either name works). Returns the row or its reasons.
 */
export function cleanRecord(
  spec: DatasetSpec,
  fills: FillValues,
  record: Record<string, string>,
  options: { labelRequired: boolean },
): CleanRow | { reasons: string[] } {
  const reasons: string[] = [];
  const values: Record<string, string> = {};
  for (const f of spec.features) {
    const column = f.column in record ? f.column : f.name;
    let raw = (record[column] ?? '').trim();
    let wasMissing = false;
    if (raw === '' && f.missing !== 'reject') {
      const fill = fills[f.name];
      if (fill === undefined) reasons.push(`'${f.name}' is missing and no fill value was recorded`);
      else {
        raw = fill;
        wasMissing = true;
      }
    }
    // Numbers are stored in their shortest form so '7.0' and '7' are the same row.
    if (f.type === 'numeric' && raw !== '') {
      const x = parseNumber(raw, column);
      if (typeof x === 'number') raw = String(x);
    }
    const reason = checkValue(f, raw, column);
    if (reason) reasons.push(reason);
    values[f.name] = raw;
    if (f.missingFlag) values[f.missingFlag] = wasMissing ? '1' : '0';
  }
  let label = (record[spec.label.column] ?? record[spec.label.name] ?? '').trim();
  if (label === '' && options.labelRequired) {
    reasons.push(`label '${spec.label.name}' is missing`);
  } else if (label !== '' && spec.label.type === 'numeric') {
    const checked = numericLabel(spec.label, label);
    if (typeof checked === 'string') reasons.push(checked);
    else label = checked.text;
  } else if (label !== '' && !spec.label.classes.some((c) => c.value === label)) {
    // Tolerate numeric spellings of numeric class values ('6.0' for '6').
    const x = Number(label);
    const match = spec.label.classes.find((c) => Number.isFinite(x) && Number(c.value) === x);
    if (match) label = match.value;
    else {
      reasons.push(
        `label '${spec.label.name}' = '${label}' is not one of ${spec.label.classes.map((c) => c.value).join(', ')}`,
      );
    }
  }
  return reasons.length ? { reasons } : { values, label };
}
