// Feature-group integrity. The group's own writer records each month's row count and the sha256 of each
// partition file (a month past the size limit is several pieces, each hashed under its own key) in
// stats.json; every read checks the bytes against them (hashed while read, nothing read twice), and
// checks that each row sits in the partition of its event-time month. A partition that was truncated,
// edited, lost or gained a line is named with the way to restore it, instead of surfacing later as
// 'corrupt counts' in stats.json or as wrong statistics. Groups written before the hashes were recorded
// are checked by row count until their next write records the hashes.
// The functions return the message (or null); the feature group throws it as its own error.

import { isoFromMs } from '../core/time.js';
import { sha256Hex } from '../files/sha256.js';
import { type CsvTable, parseCsvText } from './csv-input.js';
import type { FeatureTable } from './feature-table.js';
import { countRows } from './partition-reader.js';
import { pieceKey } from './size-limits.js';

/**
 * What stats.json records of one month: its row count and the sha256 of every partition file, by piece
 * key (YYYY-MM for the first piece, YYYY-MM-N for the N-th; size-limits.ts). Both are absent for a file
 * added by hand; the hashes are absent in groups written before they were recorded.
 */
export interface RecordedMonth {
  rows: number | undefined;
  sha256: Readonly<Record<string, string>> | undefined;
}

/** The way back for a file git has the last good version of. */
export function restoreWithGit(file: string): string {
  return `restore it with git (git checkout -- ${file}; git log -p -- ${file} shows what changed)`;
}

/**
 * Checks a month's pieces (in order; at least one) against stats.json: each file against the sha256
 * recorded under its key, and no recorded piece missing; a month recorded without hashes by its row
 * count. Returns each piece's sha256 when they match. `fileOf(n)` names the month's n-th piece.
 */
export function checkMonthPieces(
  month: string,
  pieces: readonly { path: string; bytes: Uint8Array }[],
  recorded: RecordedMonth,
  fileOf: (piece: number) => string,
  countsFile: string,
): { sha256: string[] } | { problem: string } {
  const notRecorded = (file: string) => ({
    problem: `${file}: not in ${countsFile}: the partition was added or renamed by hand; remove it (git rm ${file}) or restore ${countsFile} with git (git checkout -- ${countsFile})`,
  });
  if (recorded.rows === undefined) return notRecorded(pieces[0].path);
  const sha256 = pieces.map((p) => sha256Hex(p.bytes));
  const rows = pieces.reduce((s, p) => s + countRows(p.bytes), 0);
  const inMonth = pieces.length > 1 ? ` in ${month}` : '';
  const hashes = recorded.sha256;
  if (hashes?.[pieceKey(month, 1)] !== undefined) {
    for (let i = 0; i < pieces.length; i++) {
      const expected = hashes[pieceKey(month, i + 1)];
      const file = pieces[i].path;
      if (expected === undefined) return notRecorded(file);
      if (expected !== sha256[i])
        return {
          problem: `${file}: content does not match ${countsFile} (sha256 differs; ${rows} rows${inMonth}, ${recorded.rows} recorded): the partition was truncated or edited by hand; ${restoreWithGit(file)}`,
        };
    }
    // Every piece on disk matches: a later one that is recorded but gone was deleted, with its rows.
    if (hashes[pieceKey(month, pieces.length + 1)] !== undefined)
      return { problem: missingPartition(fileOf(pieces.length + 1), recorded.rows - rows, countsFile) };
    return { sha256 };
  }
  if (rows !== recorded.rows) {
    const files = pieces.map((p) => p.path).join(', ');
    return {
      problem: `${files}: ${pieces.length > 1 ? 'have' : 'has'} ${rows} rows but ${countsFile} records ${recorded.rows}: a line was deleted or duplicated by hand; ${restoreWithGit(pieces[pieces.length - 1].path)}`,
    };
  }
  return { sha256 };
}

/** A partition listed in stats.json whose file is gone. */
export function missingPartition(file: string, rows: number, countsFile: string): string {
  return `${file}: listed in ${countsFile} (${rows} rows) but missing; ${restoreWithGit(file)}`;
}

/** Every row of a month's partition must have an event time in that month. */
export function wrongMonthRow(
  file: string,
  month: string,
  bytes: Uint8Array,
  table: FeatureTable,
  offset = 0,
  rows = table.rows,
): string | null {
  const [y, m] = month.split('-').map(Number);
  const start = Date.UTC(y, m - 1, 1);
  const end = Date.UTC(y, m, 1);
  for (let i = offset; i < offset + rows; i++) {
    const t = table.eventTimes[i];
    if (t >= start && t < end) continue;
    return `${file} line ${lineOfRow(bytes, i - offset)}: event_time ${isoFromMs(t)} is not in ${month}: the row was filed under the wrong month by hand; ${restoreWithGit(file)}`;
  }
  return null;
}

/** The file line of the n-th data row (0-based; blank lines are skipped the way the reader skips them). */
function lineOfRow(bytes: Uint8Array, n: number): number {
  let line = 1;
  let pos = bytes.indexOf(10) + 1;
  let row = -1;
  while (pos > 0 && pos < bytes.length) {
    line++;
    if (bytes[pos] !== 10 && ++row === n) return line;
    pos = bytes.indexOf(10, pos) + 1;
  }
  return line;
}

/** Auto-assigned ids start at nextId: it must be above every stored id, or a new row would reuse one. */
export function staleNextId(countsFile: string, nextId: number, maxId: number, fileOfMax: string): string {
  const rule =
    maxId > 0
      ? `is not above the largest stored id ${maxId} (in ${fileOfMax}): new rows would reuse ids`
      : 'must be at least 1 (ids are positive whole numbers)';
  return `${countsFile}: nextId ${nextId} ${rule}; ${countsFile} is stale or was edited by hand; ${restoreWithGit(countsFile)}`;
}

/**
 * rejected.csv before new records are appended to it: complete lines (its writer ends every record with a
 * newline), the quarantine columns, a JSON record on every line, and as many records as stats.json counts.
 * Appending to a broken file would bury the damage under new lines.
 */
export function brokenRejectedFile(
  file: string,
  text: string,
  columns: readonly string[],
  recorded: number,
  countsFile: string,
): string | null {
  const fix = `new quarantined rows are not appended to a broken file; ${restoreWithGit(file)}`;
  if (!text.endsWith('\n')) return `${file}: the last line is incomplete (truncated); ${fix}`;
  let table: CsvTable;
  try {
    table = parseCsvText(text, file);
  } catch (err) {
    return `${(err as Error).message}; ${fix}`;
  }
  if (table.header.join(',') !== columns.join(','))
    return `${file} line 1: header '${table.header.join(',')}' is not '${columns.join(',')}'; ${fix}`;
  for (const r of table.records) {
    try {
      JSON.parse(r.values.record ?? '');
    } catch {
      return `${file} line ${r.line}: 'record' is not valid JSON; ${fix}`;
    }
  }
  if (table.records.length !== recorded)
    return `${file}: has ${table.records.length} records but ${countsFile} counts ${recorded} rejected: lines were deleted or added by hand; ${fix}`;
  return null;
}
