// Decides what each profiled column becomes in the spec — label, primary key, event time, numeric or
// categorical feature, or dropped with a reason — and says why, in words a person checks at a glance.

import { didYouMean } from '../../core/did-you-mean.js';
import { percentOf } from '../../core/format.js';
import { InputError } from '../../core/input-error.js';
import type { Category } from '../spec.js';
import { featureGroups } from './groups.js';
import { booleanPair, naturalSort, sentenceTitle, uniqueNames, valueLabel } from './naming.js';
import { type ColumnProfile, DISTINCT_CAP } from './profile.js';

/** A numeric label with more distinct values than this is a quantity to predict (regression), not classes. */
export const MAX_NUMERIC_CLASSES = 20;
/** A text column with more distinct values than this (or than half its rows) is free text. */
export const MAX_CATEGORIES = 50;
/** More blanks than this share of rows: the fact that a value was blank is kept as a feature of its own. */
export const FLAG_MISSING_ABOVE = 0.05;

/** Header names that say "this is what to predict", most telling first. */
const LABEL_NAMES = [
  'label',
  'target',
  'class',
  'y',
  'outcome',
  'diagnosis',
  'species',
  'variety',
  'survived',
  'quality',
  'churn',
  'result',
];
const ID_NAME = /(^|_)(id|uuid|guid|key|idx|index)$|^id_/;
/** Whole numbers in a column named like these are codes (ticket class 1/2/3), not quantities. */
const CODE_NAME = /(class|type|kind|category|code|grade|group|zone|region)(_|$)/;

export interface FeaturePlan {
  header: string;
  name: string;
  title: string;
  type: 'numeric' | 'categorical';
  range?: [number, number];
  decimals?: number;
  categories?: Category[];
  missing: 'reject' | 'median' | 'mode';
  missingFlag?: string;
  group?: string;
  /** What was inferred from what, in full: the decisions table. */
  why: string;
  /** Numeric: the observed min–max (a trailing comment in the spec). */
  observed?: string;
  /** What the spec's comment over the feature says: only what is not plain from the line itself. */
  note?: string;
}

/**
 * The label: classes (classification), or for a many-valued numeric column a number (regression) with
 * its range rounded out from the values seen and the decimals they are written with.
 */
export interface LabelPlan {
  header: string;
  name: string;
  title: string;
  type: 'categorical' | 'numeric';
  /** Categorical: the classes. Numeric: empty. */
  classes: Category[];
  range?: [number, number];
  decimals?: number;
  /** Numeric: the observed min–max (a trailing comment in the spec). */
  observed?: string;
  why: string;
}

export interface ColumnPlan {
  features: FeaturePlan[];
  label: LabelPlan;
  key?: { header: string; why: string };
  time?: { header: string; why: string };
  dropped: { header: string; why: string }[];
  /** Things the user should know that are not a column's decision (blank labels, …). */
  notes: string[];
  /** The file's headers, in order. */
  order: string[];
}

export interface InferOptions {
  label?: string;
  key?: string;
  time?: string;
  /** scikit-learn's class names, by class index. */
  classNames?: string[];
  /** The clock: event times after it are quarantined by backfill. */
  now: Date;
  /** Whether each whole-number column without blanks holds unique values (counted in a second pass). */
  unique(p: ColumnProfile): boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const quoteList = (xs: string[]) => xs.map((x) => `'${x}'`).join(', ');

/** The key and event-time columns, given or found so far. */
interface KeyAndTime {
  key?: { header: string; why: string };
  time?: { header: string; why: string };
}

export function inferColumns(file: string, profiles: ColumnProfile[], opts: InferOptions): ColumnPlan {
  const headers = profiles.map((p) => p.header);
  const byHeader = (flag: string, h: string) => {
    const p = profiles.find((x) => x.header === h);
    if (!p)
      throw new InputError(
        `--${flag} '${h}' is not a column of ${file}${didYouMean(h, headers)} (columns: ${headers.join(', ')})`,
      );
    return p;
  };
  const names = uniqueNames(headers);
  const nameOf = (p: ColumnProfile) => names[p.index];
  const rows = profiles[0].rows;

  const labelProfile = opts.label ? byHeader('label', opts.label) : labelByName(profiles, names);
  const label = labelOf(file, labelProfile, nameOf(labelProfile), opts);
  const notes: string[] = [];
  if (labelProfile.blanks > 0)
    notes.push(
      `${plural(labelProfile.blanks, 'row')} ha${labelProfile.blanks === 1 ? 's' : 've'} no '${labelProfile.header}': backfill quarantines them (a row without its label cannot train)`,
    );

  const rest = profiles.filter((p) => p !== labelProfile);
  if (rest.length === 0)
    throw new InputError(
      `${file}: has only the label column '${labelProfile.header}'; at least one feature column is needed`,
    );
  const dropped: ColumnPlan['dropped'] = [];
  const found = givenKeyAndTime(opts, byHeader, labelProfile, notes);
  const features: FeaturePlan[] = [];
  for (const p of rest) {
    if (p.header === found.key?.header || p.header === found.time?.header) continue;
    const plan = planColumn(p, nameOf(p), opts, rows, found);
    if (typeof plan === 'string') dropped.push({ header: p.header, why: plan });
    else if (plan) features.push(plan);
  }
  const { key, time } = found;
  if (features.length === 0)
    throw new InputError(
      `${file}: no column is usable as a feature (${dropped.map((d) => `'${d.header}': ${d.why}`).join('; ') || 'only the label, key and time'})`,
    );
  const timeProfile = time && profiles.find((p) => p.header === time?.header);
  if (timeProfile?.lastTime && Date.parse(timeProfile.lastTime) > opts.now.getTime())
    notes.push(
      `'${timeProfile.header}' has times after now (up to ${timeProfile.lastTime}): backfill quarantines those rows as in the future`,
    );
  const groups = featureGroups(features.map((f) => f.name));
  for (const f of features) if (groups.has(f.name)) f.group = groups.get(f.name);
  renameMissingFlags(features, new Set([...names, label.name]));
  return { features, label, key, time, dropped, notes, order: headers };
}

/** The key and time columns the options name (--key, --time), checked; a time column's blanks noted. */
function givenKeyAndTime(
  opts: InferOptions,
  byHeader: (flag: string, h: string) => ColumnProfile,
  labelProfile: ColumnProfile,
  notes: string[],
): KeyAndTime {
  const found: KeyAndTime = {};
  if (opts.key) {
    const p = byHeader('key', opts.key);
    if (p === labelProfile) throw new InputError(`--key '${p.header}' is the label`);
    const why = keyProblem(p, opts);
    if (why) throw new InputError(`--key '${p.header}': ${why}; backfill needs unique whole numbers from 1`);
    found.key = { header: p.header, why: `--key: unique whole numbers ${p.min}–${p.max}` };
  }
  if (opts.time) {
    const p = byHeader('time', opts.time);
    if (p === labelProfile) throw new InputError(`--time '${p.header}' is the label`);
    if (p.filled === 0 || p.isoTimes !== p.filled)
      throw new InputError(
        `--time '${p.header}': ${p.filled === 0 ? 'every value is blank' : `'${p.firstText?.value ?? p.mode()}' (line ${p.firstText?.line ?? '?'}) is not a UTC date or instant`}; event times must look like 2026-01-31 or 2026-01-31T08:00:00Z`,
      );
    found.time = { header: p.header, why: `--time: ${timeSpan(p)}` };
    if (p.blanks) notes.push(`${plural(p.blanks, 'row')} have no '${p.header}': backfill quarantines them`);
  }
  return found;
}

/** A column's decision: a feature, why it is dropped, or null when it became the key or the event time. */
function planColumn(
  p: ColumnProfile,
  name: string,
  opts: InferOptions,
  rows: number,
  found: KeyAndTime,
): FeaturePlan | string | null {
  if (p.filled === 0) return 'blank in every row';
  if (p.distinctCount === 1 && !p.overflow)
    return `the same value '${p.mode()}' in every ${p.blanks ? 'filled ' : ''}row: nothing to learn from`;
  if (p.isoTimes === p.filled) {
    if (!found.time && p.blanks === 0) {
      found.time = { header: p.header, why: timeSpan(p) };
      return null;
    }
    return p.blanks
      ? `timestamps with ${plural(p.blanks, 'blank')}: not used as the event time`
      : `a second timestamp column (the event time is '${found.time?.header}')`;
  }
  if (p.isoTimes + p.localTimes === p.filled)
    return `dates without a UTC zone (e.g. '${p.firstText?.value}'): backfill takes only 2026-01-31 or 2026-01-31T08:00:00Z`;
  if (isIdentifier(p, name, opts, rows)) {
    if (!found.key && !keyProblem(p, opts)) {
      found.key = { header: p.header, why: `unique whole numbers ${p.min}–${p.max}` };
      return null;
    }
    return `a different value in every row: an identifier${found.key ? '' : ' (not whole numbers from 1, so not the key)'}`;
  }
  if (ID_NAME.test(name) && !(p.allNumbers && !p.allWhole))
    return `named like an identifier, but ${p.blanks ? `${plural(p.blanks, 'blank')}` : 'values repeat'}: an identifier of something else (a customer, a batch), not a measurement`;
  const values = p.values();
  if (values && booleanPair(values)) return categorical(p, name, values, true);
  if (p.allNumbers) {
    if (p.allWhole && values && values.length <= MAX_NUMERIC_CLASSES && CODE_NAME.test(name))
      return categorical(p, name, values, false);
    return numeric(p, name);
  }
  const mixed =
    p.numbers > 0
      ? `numbers mixed with text such as '${p.firstText?.value}' (line ${p.firstText?.line}); `
      : '';
  if (!values || values.length > MAX_CATEGORIES || (p.filled >= 20 && values.length > p.filled / 2))
    return `${mixed}${values ? values.length : `more than ${DISTINCT_CAP}`} distinct values in ${p.filled} filled rows: free text`;
  if (p.unstorable > 0)
    return `${mixed}values with a comma, quote or line break, which a category cannot hold`;
  const f = categorical(p, name, values, false);
  if (mixed) {
    f.why = `${mixed}${f.why}`;
    f.note = `${mixed}${f.note ?? 'kept as categories'}`;
  }
  return f;
}

/** A was-missing flag takes a name of its own: never one a column (or an earlier flag) already has. */
function renameMissingFlags(features: FeaturePlan[], taken: Set<string>): void {
  for (const f of features)
    if (f.missingFlag) {
      let flag = f.missingFlag;
      for (let k = 2; taken.has(flag); k++) flag = `${f.missingFlag}_${k}`;
      f.missingFlag = flag;
      taken.add(flag);
      f.why = f.why.replace(`'${f.name}_missing'`, `'${flag}'`);
      f.note = f.note?.replace(`'${f.name}_missing'`, `'${flag}'`);
    }
}

function labelByName(profiles: ColumnProfile[], names: string[]): ColumnProfile {
  for (const wanted of LABEL_NAMES) {
    const p = profiles.find((x) => names[x.index] === wanted);
    if (p) return p;
  }
  return profiles[profiles.length - 1];
}

function labelOf(file: string, p: ColumnProfile, name: string, opts: InferOptions): LabelPlan {
  const how = opts.label ? '--label' : LABEL_NAMES.includes(name) ? 'named like a label' : 'the last column';
  const values = p.values();
  const way = 'pass --label with the column that holds the classes';
  if (p.filled === 0)
    throw new InputError(`${file}: the label '${p.header}' (${how}) is blank in every row; ${way}`);
  if (p.allNumbers) {
    const counts = values ? values.map((v) => p.distinct.get(v) ?? 0) : [];
    const singles = counts.filter((n) => n === 1).length;
    if (
      !values ||
      values.length > MAX_NUMERIC_CLASSES ||
      (values.length >= 5 && singles * 2 >= values.length)
    ) {
      // A quantity: regression. The range is the numeric features' rule (padded, rounded out).
      const range = roundRange(p.min, p.max);
      const distinct = values
        ? `${values.length} distinct numbers (${singles} of them in a single row)`
        : `more than ${DISTINCT_CAP} distinct numbers`;
      return {
        header: p.header,
        name,
        title: sentenceTitle(p.header),
        type: 'numeric',
        classes: [],
        range,
        decimals: p.decimals,
        observed: `${fmt(p.min)}–${fmt(p.max)}`,
        why:
          `${how}; ${distinct}, ${fmt(p.min)}–${fmt(p.max)}: a quantity to predict, so regression ` +
          `(range rounded out to [${range[0]}, ${range[1]}], ${plural(p.decimals, 'decimal')})`,
      };
    }
  }
  if (!values)
    throw new InputError(
      `${file}: the label '${p.header}' (${how}) has more than ${DISTINCT_CAP} distinct values, which are not classes; ${way}`,
    );
  const singles = values.filter((v) => p.distinct.get(v) === 1).length;
  if (!p.allNumbers && values.length > MAX_CATEGORIES && singles * 2 >= values.length)
    throw new InputError(
      `${file}: the label '${p.header}' (${how}) has ${values.length} distinct values, ${singles} of them in a single row: free text or an identifier, not classes; ${way}`,
    );
  if (values.length < 2)
    throw new InputError(
      `${file}: the label '${p.header}' (${how}) has one class ('${values[0]}' in all ${p.filled} labelled rows); a classifier needs at least two: ${way}`,
    );
  const bad = values.find((v) => /[",\r\n]/.test(v));
  if (bad !== undefined)
    throw new InputError(
      `${file}: the label '${p.header}' has the value '${bad}'; class values cannot hold a comma, quote or line break`,
    );
  const sorted = naturalSort(values);
  const boolean = booleanPair(values);
  const named =
    opts.classNames && opts.classNames.length === values.length && sorted.every((v, i) => v === String(i));
  const classes = sorted.map((v, i) => ({
    value: v,
    label: named ? valueLabel(opts.classNames?.[i] as string, false) : valueLabel(v, boolean),
  }));
  const counts = sorted.map((v) => `${v}: ${p.distinct.get(v)}`).join(', ');
  return {
    header: p.header,
    name,
    title: sentenceTitle(p.header),
    type: 'categorical',
    classes,
    why: `${how}; ${values.length} classes (${counts})${named ? ', class names from the first line' : ''}`,
  };
}

function keyProblem(p: ColumnProfile, opts: InferOptions): string | null {
  if (p.blanks) return `${plural(p.blanks, 'row')} ha${p.blanks === 1 ? 's' : 've'} no value`;
  if (!p.allWhole) return `'${p.firstText?.value ?? 'a fraction'}' is not a whole number`;
  if (p.min < 1) return `${p.min} is below 1`;
  if (!opts.unique(p)) return 'some values repeat';
  return null;
}

function isIdentifier(p: ColumnProfile, name: string, opts: InferOptions, rows: number): boolean {
  if (p.blanks || p.filled < 2) return false;
  if (p.allNumbers && !p.allWhole) return false;
  const unique = p.allWhole ? opts.unique(p) : !p.overflow && p.distinctCount === p.filled;
  if (!unique) return false;
  if (ID_NAME.test(name)) return true;
  if (rows < 20 || p.spaced * 2 > p.filled) return false; // mostly words: free text, said as such
  return p.allWhole ? p.max - p.min + 1 === p.filled : true;
}

function numeric(p: ColumnProfile, name: string): FeaturePlan {
  const decimals = p.decimals;
  const range = roundRange(p.min, p.max);
  const f: FeaturePlan = {
    header: p.header,
    name,
    title: sentenceTitle(p.header),
    type: 'numeric',
    range,
    decimals,
    missing: 'reject',
    observed: `${fmt(p.min)}–${fmt(p.max)}`,
    why: `${decimals ? `numbers ${fmt(p.min)}–${fmt(p.max)}, ${plural(decimals, 'decimal')}` : `whole numbers ${fmt(p.min)}–${fmt(p.max)}`}: range rounded out to [${range[0]}, ${range[1]}]`,
  };
  if (p.blanks) {
    f.missing = 'median';
    f.note = `${plural(p.blanks, 'blank')} (${percentOf(p.blanks, p.rows)}): filled with the median`;
    if (p.blanks / p.rows > FLAG_MISSING_ABOVE) {
      f.missingFlag = `${name}_missing`;
      f.note += `, and '${f.missingFlag}' keeps which were blank`;
    }
    f.why += `; ${f.note}`;
  }
  return f;
}

function categorical(p: ColumnProfile, name: string, values: string[], boolean: boolean): FeaturePlan {
  const sorted = naturalSort(values);
  const f: FeaturePlan = {
    header: p.header,
    name,
    title: sentenceTitle(p.header),
    type: 'categorical',
    categories: sorted.map((v) => ({ value: v, label: valueLabel(v, boolean) })),
    missing: 'reject',
    why: boolean
      ? `yes/no values ${quoteList(sorted)}`
      : p.allNumbers
        ? `${values.length} whole-number codes in a column named like a class`
        : `${values.length} distinct values`,
  };
  if (p.allNumbers && !boolean) f.note = f.why;
  if (p.blanks) {
    f.missing = 'mode';
    const blanks = `${plural(p.blanks, 'blank')} (${percentOf(p.blanks, p.rows)}): filled with the most frequent value '${p.mode()}'`;
    f.why += `; ${blanks}`;
    f.note = f.note ? `${f.note}; ${blanks}` : blanks;
  }
  return f;
}

function timeSpan(p: ColumnProfile): string {
  return `UTC times ${p.firstTime} to ${p.lastTime}`;
}

const fmt = (x: number) => String(Number(x.toPrecision(12)));

/**
 * The valid range of a numeric feature: the observed min/max padded by a tenth of the span and rounded
 * out to the span's order of magnitude (4.3–7.9 → [3, 9]); a never-negative column stays ≥ 0.
 */
export function roundRange(min: number, max: number): [number, number] {
  const span = max - min;
  const unit = 10 ** Math.floor(Math.log10(span > 0 ? span : Math.abs(min) || 1));
  const pad = span > 0 ? span / 10 : unit;
  let lo = Math.floor((min - pad) / unit) * unit;
  const hi = Math.ceil((max + pad) / unit) * unit;
  if (min >= 0 && lo < 0) lo = 0;
  const digits = Math.max(0, -Math.floor(Math.log10(unit)));
  return [Number(lo.toFixed(digits)), Number(hi.toFixed(digits))];
}
