// Streams a raw source in its format (csv-format.ts) record by record, a megabyte at a time: backfill of
// a million-row source holds one chunk and one record, never the file's text or a record per row. The
// same parser options, value rewrites (missing tokens, decimal commas) and messages as parseSourceText,
// in the same order: a syntax error anywhere is said before a bad header or a short record.
import { createHash } from 'node:crypto';
import { closeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { openInputFile } from '../files/input-file.js';
import { type SourceFormat, withDecimalPoint } from '../spec/source-format.js';
import { parseOptionsOf } from './csv-format.js';
import { type CsvRecord, headerOf, InputError, recordOf } from './csv-input.js';
import { streamCsvRows } from './csv-stream.js';

export interface SourcePass {
  header: string[];
  /** Records handed over (the header row not counted). */
  records: number;
  /** sha256 of the file's bytes, as read in this pass. */
  sha256: string;
}

/**
 * One pass over a raw source: `onRecord` gets each record as parseSourceText would hold it, in file
 * order. Call it twice for two passes (fills first, rows second); compare the hashes to know the file
 * did not change in between.
 */
export function streamSourceFile(
  root: string,
  file: string,
  label: string,
  format: SourceFormat,
  numericColumns: readonly string[],
  onRecord: (record: CsvRecord) => void,
): SourcePass {
  const { fd } = openInputFile(root, file, label);
  const hash = createHash('sha256');
  const blank = new Set(format.missingValues ?? []);
  const decimalComma = format.decimal === ',';
  let header: string[] | null = format.columns ?? null;
  let rows = 0;
  let records = 0;
  // parseSourceText parses the whole text before it looks at a row: its row errors wait for the end.
  let deferred: InputError | null = null;
  // Whether the text so far is only whitespace (parseSourceText's `text.trim() === ''`).
  let empty = true;
  const decoder = new StringDecoder('utf8');
  try {
    streamCsvRows(
      fd,
      label,
      parseOptionsOf(format),
      (row) => {
        rows++;
        if (deferred) return;
        let rec: CsvRecord;
        try {
          if (!header) {
            header = headerOf(row, label);
            return;
          }
          rec = recordOf(row, header, label);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          deferred = err;
          return;
        }
        if (blank.size)
          for (const c of Object.keys(rec.values)) if (blank.has(rec.values[c].trim())) rec.values[c] = '';
        if (decimalComma)
          for (const c of numericColumns)
            if (c in rec.values) rec.values[c] = withDecimalPoint(rec.values[c]);
        records++;
        onRecord(rec);
      },
      (bytes) => {
        hash.update(bytes);
        if (empty && decoder.write(bytes).trim() !== '') empty = false;
      },
      0,
    );
  } catch (err) {
    if (empty && decoder.end().trim() === '') throw emptyFile(label);
    throw err;
  } finally {
    closeSync(fd);
  }
  if (empty && decoder.end().trim() === '') throw emptyFile(label);
  if (rows === 0) throw new InputError(`${label}: no rows after the ${format.skipLines} skipped line(s)`);
  if (deferred) throw deferred;
  return { header: header ?? [], records, sha256: hash.digest('hex') };
}

function emptyFile(label: string): InputError {
  return new InputError(`${label}: the file is empty (a header row is required)`);
}
