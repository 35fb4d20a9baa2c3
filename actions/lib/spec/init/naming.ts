// Names and words for a spec written from a CSV header: lower_snake_case names, sentence-case titles,
// human labels for category values, and the natural order of class values (3 < 10).
import { META_COLUMNS } from '../spec.js';

/** Splits a header into words: separators, and camelCase humps of two letters or more (SibSp, PassengerId; not pH). */
export function headerWords(header: string): string[] {
  const plain = header.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return plain
    .replace(/([a-z0-9])([A-Z][a-z]+)/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z]+)/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
}

/** 'fixed acidity' → fixed_acidity, 'SibSp' → sib_sp, 'pH' → ph, '2nd dose' → x_2nd_dose. */
export function snakeName(header: string): string {
  const name = headerWords(header)
    .map((w) => w.toLowerCase())
    .join('_');
  if (name === '') return '';
  return /^[a-z]/.test(name) ? name : `x_${name}`;
}

/** Stored names for headers, in order: unique, never a reserved column, never empty. */
export function uniqueNames(headers: readonly string[], taken: Iterable<string> = []): string[] {
  const used = new Set<string>([...META_COLUMNS, ...taken]);
  return headers.map((h, i) => {
    let base = snakeName(h) || `x${i + 1}`;
    if ((META_COLUMNS as readonly string[]).includes(base)) base = `${base}_value`;
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  });
}

/** 'fixed acidity' → 'Fixed acidity', 'SibSp' → 'Sib sp', 'pH' → 'pH', 'HDL level' → 'HDL level'. */
export function sentenceTitle(header: string): string {
  const words = headerWords(header).map((w, i) => {
    const kept = /^[A-Z0-9]{2,}$/.test(w) || /[a-z].*[A-Z]/.test(w); // acronyms and pH stay as written
    if (kept) return w;
    const lower = w.toLowerCase();
    return i === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
  });
  return words.join(' ') || header.trim();
}

const BOOLEAN_WORDS: Record<string, 'No' | 'Yes'> = {
  '0': 'No',
  '1': 'Yes',
  false: 'No',
  true: 'Yes',
  no: 'No',
  yes: 'Yes',
  n: 'No',
  y: 'Yes',
  f: 'No',
  t: 'Yes',
};

const BOOLEAN_PAIRS = [
  ['0', '1'],
  ['false', 'true'],
  ['no', 'yes'],
  ['n', 'y'],
  ['f', 't'],
];

/** Whether two values are a yes/no pair: {0,1}, {false,true}, {no,yes}, {n,y} or {f,t}, in any case. */
export function booleanPair(values: readonly string[]): boolean {
  if (values.length !== 2) return false;
  const [a, b] = values.map((v) => v.toLowerCase());
  return BOOLEAN_PAIRS.some((pair) => a !== b && pair.includes(a) && pair.includes(b));
}

/** A human label for a stored value: yes/no words as Yes/No (in a boolean column), 'class_0' → 'Class 0'. */
export function valueLabel(value: string, boolean: boolean): string {
  if (boolean) return BOOLEAN_WORDS[value.toLowerCase()];
  const spaced = value.replace(/_/g, ' ').trim();
  return /^[a-z]/.test(spaced) ? spaced.charAt(0).toUpperCase() + spaced.slice(1) : spaced;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Natural order: numbers by value when every value is one, otherwise digit runs compare as numbers. */
export function naturalSort(values: readonly string[]): string[] {
  if (values.every((v) => NUMBER.test(v)))
    return [...values].sort((a, b) => Number(a) - Number(b) || cmp(a, b));
  return [...values].sort(naturalCompare);
}

function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else {
      const c = cmp(x.toLowerCase(), y.toLowerCase()) || cmp(x, y);
      if (c !== 0) return c;
    }
  }
  return pa.length - pb.length || cmp(a, b);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
