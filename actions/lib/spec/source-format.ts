// How a raw source file is written when it is not a plain comma CSV with a header: the spec's
// `source.delimiter`, `decimal`, `skipLines`, `columns` and `missingValues` (written by `gitml init`,
// which keeps the user's file byte for byte; read by csv-format.ts). No parser here: spec.ts imports
// this module, and the browser bundles import spec.ts.
export const CSV_DELIMITERS: readonly string[] = [',', ';', '\t', '|'];

export interface SourceFormat {
  /** Field separator; absent: ','. */
  delimiter?: string;
  /** ',' when numbers are written with a decimal comma (only with a delimiter other than ','). */
  decimal?: ',';
  /** Lines before the header (or before the first record when `columns` is given). */
  skipLines?: number;
  /** The column names of a file without a header row, in order. */
  columns?: string[];
  /** Cell texts that mean "no value" (NA, ?): read as blanks, so the spec's missing rules apply. */
  missingValues?: string[];
}

/** The spellings of "no value" that init recognises (R, pandas, Excel, UCI files). */
export const MISSING_VALUE_TOKENS: readonly string[] = [
  'NA',
  'N/A',
  'NaN',
  'nan',
  'null',
  'NULL',
  '#N/A',
  '?',
];

const DECIMAL_COMMA = /^[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?$/;

/** '7,4' → '7.4' (a number written with a decimal comma); anything else unchanged. */
export function withDecimalPoint(value: string): string {
  const v = value.trim();
  return DECIMAL_COMMA.test(v) ? v.replace(',', '.') : value;
}

export function isDecimalComma(value: string): boolean {
  return DECIMAL_COMMA.test(value.trim());
}
