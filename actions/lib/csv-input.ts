// Reads CSV files that come from outside (raw sources, user uploads): any column order, header required,
// BOM and CRLF tolerated, quoted fields (Titanic names have commas). Every error names file and line.
import { closeSync, readSync } from 'node:fs';
import { Parser } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { InputError } from './input-error.js';
import { openInputFile, readInputFile } from './input-file.js';

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

const PARSE_OPTIONS = { bom: true, info: true, relax_column_count: true, skip_empty_lines: true };

type ParsedRow = { record: string[]; info: { lines: number } };

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

function parseError(err: unknown, file: string): InputError {
  const e = err as { lines?: number; message: string };
  return new InputError(
    `${file}${e.lines ? ` line ${e.lines}` : ''}: ${e.message.replace(/^[A-Za-z_]+: /, '')}`,
  );
}

function headerOf(row: ParsedRow, file: string): string[] {
  const header = row.record.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (h === '') throw new InputError(`${file} line 1: the header has an empty column name`);
    if (seen.has(h)) throw new InputError(`${file} line 1: column '${h}' appears twice in the header`);
    seen.add(h);
  }
  return header;
}

function recordOf({ record, info }: ParsedRow, header: string[], file: string): CsvRecord {
  // info.lines is the line where the record ends; quoted newlines are rare but count them back.
  const line = info.lines - countNewlines(record);
  if (record.length !== header.length) {
    throw new InputError(
      `${file} line ${line}: has ${record.length} fields, the header has ${header.length}`,
    );
  }
  const values: Record<string, string> = {};
  for (let c = 0; c < header.length; c++) values[header[c]] = record[c];
  return { line, values };
}

/** The synchronous core of csv-parse's stream Parser (what csv-parse/sync runs), fed chunk by chunk. */
interface ChunkParser {
  parse(
    chunk: Buffer | undefined,
    end: boolean,
    push: (row: ParsedRow) => void,
    close: () => void,
  ): Error | undefined;
}

const READ_CHUNK_BYTES = 1 << 20;

/**
 * Reads a CSV file from outside (a regular file, see readInputFile) a megabyte at a time and hands each
 * record over as it is parsed: memory stays one chunk and one record, whatever the file's size. The
 * same parser, options and messages as readCsvFile; `onHeader` runs before the first record.
 */
export function streamCsvFile(
  root: string,
  file: string,
  label: string,
  within: string | undefined,
  handlers: { onHeader(header: string[]): void; onRecord(record: CsvRecord): void },
): void {
  const { fd } = openInputFile(root, file, label, within);
  try {
    const parser = (new Parser(PARSE_OPTIONS) as unknown as { api: ChunkParser }).api;
    let header: string[] | null = null;
    let blank = true;
    const push = (row: ParsedRow) => {
      if (header) return handlers.onRecord(recordOf(row, header, label));
      if (blank && row.record.every((f) => f.trim() === '')) return; // as parseCsvText: blank is empty
      header = headerOf(row, label);
      blank = false;
      handlers.onHeader(header);
    };
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    for (;;) {
      const n = readSync(fd, buffer, 0, READ_CHUNK_BYTES, null);
      // A copy: the parser may keep an unfinished record's bytes until the next chunk.
      const err = parser.parse(
        n > 0 ? Buffer.from(buffer.subarray(0, n)) : undefined,
        n === 0,
        push,
        () => {},
      );
      if (err) throw parseError(err, label);
      if (n === 0) break;
    }
    if (!header) throw new InputError(`${label}: the file is empty (a header row is required)`);
  } finally {
    closeSync(fd);
  }
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
