// Reads a raw source in its format (source-format.ts): backfill's parser for the files `gitml init`
// keeps byte for byte (semicolons, decimal commas, a count line, no header, NA for blanks).
import { parse } from 'csv-parse/sync';
import { type SourceFormat, withDecimalPoint } from '../spec/source-format.js';
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

/** csv-parse options for a format (the shared ones of csv-input.ts plus delimiter and first line). */
export function parseOptionsOf(format: SourceFormat): typeof PARSE_OPTIONS & {
  delimiter: string;
  from_line: number;
} {
  return { ...PARSE_OPTIONS, delimiter: format.delimiter ?? ',', from_line: (format.skipLines ?? 0) + 1 };
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
