// How a raw source file is written when it is not a plain comma CSV with a header: the spec's
// `source.delimiter`, `source.decimal`, `source.skipLines` and `source.columns` (written by `gitml init`,
// which keeps the user's file byte for byte). Backfill reads the source through parseSourceText.
import { parse } from 'csv-parse/sync';
import {
  type CsvRecord,
  type CsvTable,
  headerOf,
  InputError,
  PARSE_OPTIONS,
  type ParsedRow,
  parseError,
  recordOf,
} from './csv-input.js';

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

/** csv-parse options for a format (the shared ones of csv-input.ts plus delimiter and first line). */
export function parseOptionsOf(format: SourceFormat): typeof PARSE_OPTIONS & {
  delimiter: string;
  from_line: number;
} {
  return { ...PARSE_OPTIONS, delimiter: format.delimiter ?? ',', from_line: (format.skipLines ?? 0) + 1 };
}

const DECIMAL_COMMA = /^[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?$/;

/** '7,4' → '7.4' (a number written with a decimal comma); anything else unchanged. */
export function withDecimalPoint(value: string): string {
  const v = value.trim();
  return DECIMAL_COMMA.test(v) ? v.replace(',', '.') : value;
}

export function isDecimalComma(value: string): boolean {
  return DECIMAL_COMMA.test(value.trim());
}

/**
 * Parses a raw source in its format; `numericColumns` (the spec's numeric feature columns) get their
 * decimal commas turned into points, so the rest of the pipeline sees ordinary numbers.
 */
export function parseSourceText(
  text: string,
  file: string,
  format: SourceFormat,
  numericColumns: readonly string[],
): CsvTable {
  if (text.trim() === '') throw new InputError(`${file}: the file is empty (a header row is required)`);
  let rows: ParsedRow[];
  try {
    rows = parse(text, parseOptionsOf(format)) as never;
  } catch (err) {
    throw parseError(err, file);
  }
  if (rows.length === 0)
    throw new InputError(`${file}: no rows after the ${format.skipLines} skipped line(s)`);
  const header = format.columns ?? headerOf(rows[0], file);
  const records: CsvRecord[] = [];
  for (let r = format.columns ? 0 : 1; r < rows.length; r++) records.push(recordOf(rows[r], header, file));
  if (format.missingValues?.length) {
    const blank = new Set(format.missingValues);
    for (const rec of records)
      for (const c of Object.keys(rec.values)) if (blank.has(rec.values[c].trim())) rec.values[c] = '';
  }
  if (format.decimal === ',') {
    for (const rec of records)
      for (const c of numericColumns) if (c in rec.values) rec.values[c] = withDecimalPoint(rec.values[c]);
  }
  return { file, header, records };
}
