// Reads CSV files that come from outside (raw sources, user uploads): any column order, header required,
// BOM and CRLF tolerated, quoted fields (Titanic names have commas). Every error names file and line.
import { parse } from 'csv-parse/sync';
import { lineMessage } from '../core/gitml-error.js';
import { InputError } from '../core/input-error.js';
import { readInputFile } from '../files/input-file.js';

export { InputError };

export interface CsvRecord {
  /** 1-based line in the file where the record starts (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

export interface CsvTable {
  file: string;
  header: string[];
  records: CsvRecord[];
}

export const PARSE_OPTIONS = { bom: true, info: true, relax_column_count: true, skip_empty_lines: true };

export type ParsedRow = { record: string[]; info: { lines: number } };

/** Parses CSV text; `file` is only used in messages. */
export function parseCsvText(text: string, file: string): CsvTable {
  if (text.trim() === '') throw new InputError(`${file}: the file is empty (a header row is required)`);
  let rows: ParsedRow[];
  try {
    rows = parse(text, PARSE_OPTIONS) as never;
  } catch (err) {
    throw parseError(err, file);
  }
  const header = headerOf(rows[0], file);
  const records: CsvRecord[] = [];
  for (let r = 1; r < rows.length; r++) records.push(recordOf(rows[r], header, file));
  return { file, header, records };
}

export function parseError(err: unknown, file: string): InputError {
  const e = err as { lines?: number; message: string };
  const rule = e.message.replace(/^[A-Za-z_]+: /, '');
  return e.lines ? new InputError(...lineMessage(file, e.lines, rule)) : new InputError(`${file}: ${rule}`);
}

export function headerOf(row: ParsedRow, file: string): string[] {
  const header = row.record.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (h === '') throw new InputError(...lineMessage(file, 1, 'the header has an empty column name'));
    if (seen.has(h))
      throw new InputError(...lineMessage(file, 1, `column '${h}' appears twice in the header`));
    seen.add(h);
  }
  return header;
}

export function recordOf({ record, info }: ParsedRow, header: string[], file: string): CsvRecord {
  // info.lines is the line where the record ends; quoted newlines are rare but count them back.
  const line = info.lines - countNewlines(record);
  if (record.length !== header.length) {
    throw new InputError(
      ...lineMessage(file, line, `has ${record.length} fields, the header has ${header.length}`),
    );
  }
  const values: Record<string, string> = {};
  for (let c = 0; c < header.length; c++) values[header[c]] = record[c];
  return { line, values };
}

function countNewlines(fields: string[]): number {
  let n = 0;
  for (const f of fields) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) n++;
  return n;
}

/** A CSV file from outside, read only as a regular file inside `root` (readInputFile). */
export function readCsvFile(root: string, file: string, label: string, within?: string): CsvTable {
  return parseCsvText(readInputFile(root, file, label, within).toString('utf8'), label);
}
