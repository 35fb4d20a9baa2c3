// Streams a CSV file from outside (a user's ingest file can be a million rows): the same parser, options
// and messages as csv-input.ts, fed a megabyte at a time. Its own module because csv-parse's stream
// entry point cannot be tree-shaken: only the bundles that stream carry it.
import { closeSync, readSync } from 'node:fs';
import { Parser } from 'csv-parse';
import { openInputFile } from '../files/input-file.js';
import {
  type CsvRecord,
  headerOf,
  InputError,
  PARSE_OPTIONS,
  type ParsedRow,
  parseError,
  recordOf,
} from './csv-input.js';

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
    let header: string[] | null = null;
    let blank = true;
    streamCsvRows(fd, label, PARSE_OPTIONS, (row) => {
      if (header) return handlers.onRecord(recordOf(row, header, label));
      if (blank && row.record.every((f) => f.trim() === '')) return; // as parseCsvText: blank is empty
      header = headerOf(row, label);
      blank = false;
      handlers.onHeader(header);
    });
    if (!header) throw new InputError(`${label}: the file is empty (a header row is required)`);
  } finally {
    closeSync(fd);
  }
}

/**
 * The chunk loop under streamCsvFile: parses an open file (from its current position) with the given
 * csv-parse options and hands over each raw row; `onChunk` sees every chunk's bytes first (a progress
 * line, an encoding check). The caller owns the descriptor.
 */
export function streamCsvRows(
  fd: number,
  label: string,
  options: object,
  onRow: (row: ParsedRow) => void,
  onChunk?: (bytes: Buffer) => void,
  /** Read from this byte on (a second pass); absent: from the descriptor's current position. */
  start?: number,
): void {
  let position = start ?? null;
  const parser = (new Parser(options) as unknown as { api: ChunkParser }).api;
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  for (;;) {
    const n = readSync(fd, buffer, 0, READ_CHUNK_BYTES, position);
    if (position !== null) position += n;
    // A copy: the parser may keep an unfinished record's bytes until the next chunk.
    const chunk = n > 0 ? Buffer.from(buffer.subarray(0, n)) : undefined;
    if (chunk) onChunk?.(chunk);
    const err = parser.parse(chunk, n === 0, onRow, () => {});
    if (err) throw parseError(err, label);
    if (n === 0) break;
  }
}
