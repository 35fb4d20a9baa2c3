// Streams a CSV file from outside (a user's ingest file can be a million rows): the same parser, options
// and messages as csv-input.ts, fed a megabyte at a time. Its own module because csv-parse's stream
// entry point cannot be tree-shaken: only the bundles that stream carry it.
import { closeSync, readSync } from 'node:fs';
import { Parser } from 'csv-parse';
import {
  type CsvRecord,
  headerOf,
  InputError,
  PARSE_OPTIONS,
  type ParsedRow,
  parseError,
  recordOf,
} from './csv-input.js';
import { openInputFile } from './input-file.js';

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
