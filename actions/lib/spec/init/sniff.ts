// The first look at a CSV from outside, on its first 64 KB: which delimiter, whether line 1 is
// scikit-learn's `n_samples,n_features,class names…` line, and whether the first row is a header at all.
import { parse } from 'csv-parse/sync';
import { PARSE_OPTIONS } from '../../features/csv-input.js';
import { CSV_DELIMITERS } from '../source-format.js';

export const SAMPLE_BYTES = 64 * 1024;

export interface Sniffed {
  delimiter: string;
  /** Lines before the header (1 for scikit-learn's count line). */
  skipLines: number;
  /** scikit-learn's first line: the row and feature counts it promises and the class names. */
  sklearn?: { rows: number; features: number; classNames: string[] };
  /** The first row after the skipped lines (the header, unless the file has none). */
  firstRow: string[];
  /** True when every field of the first row is a number: most likely data, not a header. */
  firstRowNumeric: boolean;
}

const NUMBER = /^[+-]?(\d+[.,]?\d*|[.,]\d+)([eE][+-]?\d+)?$/;

const delimiterName = (d: string) =>
  d === '\t' ? 'tab' : d === ';' ? 'semicolon' : d === '|' ? 'pipe' : 'comma';

export { delimiterName };

/** Parses up to 50 rows of the sample with a delimiter; null when it does not parse. */
function rowsWith(sample: string, delimiter: string, skipLines: number): string[][] | null {
  try {
    const rows = parse(sample, {
      ...PARSE_OPTIONS,
      info: false,
      delimiter,
      from_line: skipLines + 1,
      to: 50,
    }) as string[][];
    return rows.length ? rows : null;
  } catch {
    return null;
  }
}

/** `sample` is decoded text from the file's start, cut at the last whole line when the file is longer. */
export function sniff(sample: string): Sniffed {
  const text = sample.replace(/^\uFEFF/, '');
  const sklearn = sklearnLine(text);
  const skipLines = sklearn ? 1 : 0;
  let best: { delimiter: string; rows: string[][]; score: number } | null = null;
  for (const delimiter of sklearn ? [','] : CSV_DELIMITERS) {
    const rows = rowsWith(text, delimiter, skipLines);
    if (!rows) continue;
    const width = rows[0].length;
    if (width < 2) continue;
    const consistent = rows.filter((r) => r.length === width).length / rows.length;
    const score = consistent * 1000 + width;
    if (!best || score > best.score) best = { delimiter, rows, score };
  }
  const rows = best?.rows ?? rowsWith(text, ',', skipLines) ?? [[]];
  const firstRow = rows[0].map((f) => f.trim());
  return {
    delimiter: best?.delimiter ?? ',',
    skipLines,
    ...(sklearn ? { sklearn } : {}),
    firstRow,
    firstRowNumeric: firstRow.length > 0 && firstRow.every((f) => NUMBER.test(f)),
  };
}

/**
 * scikit-learn's bundled CSVs start with `150,4,setosa,versicolor,virginica`: the row count, the feature
 * count and the class names; the next line has features + 1 fields (or is a header, as in boston).
 */
function sklearnLine(text: string): Sniffed['sklearn'] | undefined {
  const lines = text.split(/\r?\n/, 3);
  if (lines.length < 2) return undefined;
  const first = lines[0].split(',').map((f) => f.trim());
  if (first.length < 2 || !/^\d+$/.test(first[0]) || !/^\d+$/.test(first[1])) return undefined;
  const classNames = first.slice(2).filter((f) => f !== '');
  if (classNames.some((c) => NUMBER.test(c))) return undefined;
  // Class names, or only empty fields (boston: a regression file whose header follows).
  if (classNames.length < 2 && !(classNames.length === 0 && first.length > 2)) return undefined;
  const features = Number(first[1]);
  if (lines[1].split(',').length !== features + 1) return undefined;
  return { rows: Number(first[0]), features, classNames };
}
