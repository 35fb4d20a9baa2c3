// Writing a feature group: rows appended to their month's last piece (a new piece past the size limit,
// earlier pieces never rewritten), the quarantine, late labels, metadata.json and stats.json — every file
// built in memory, re-read with the code every reader uses, then written at once (writeFilesAtomically):
// a write leaves all of them or none. Node-only.
import { stringify } from 'csv-stringify/sync';
import { isIsoInstant, isoSeconds } from '../core/time.js';
import { type FileWrite, writeFilesAtomically } from '../files/atomic-write.js';
import { sha256Hex } from '../files/sha256.js';
import type { FeatureSchema } from '../spec/spec.js';
import { checkValue } from './clean.js';
import { applyLateLabels, emptyTable, type FeatureTable, type RowSource } from './feature-table.js';
import { FeatureGroupError } from './group-error.js';
import { staleNextId } from './group-integrity.js';
import { type FeatureGroupMeta, isNumericLabel, metaFileTexts } from './group-metadata.js';
import type { GroupReader } from './group-reader.js';
import { labelsFile, parseLateLabels, readLateLabels } from './late-labels.js';
import { assertCurrentLayout, partitionFile } from './partition-layout.js';
import {
  countRows,
  headerOf,
  type PartitionLayout,
  type PartitionPiece,
  readPartitionInto,
} from './partition-reader.js';
import { type RejectedRow, rejectedFileText } from './rejected-rows.js';
import { csvLine, RowBatch } from './row-batch.js';
import { maxPieceBytes, pieceKey, startsOfPieces } from './size-limits.js';
import { computeStats } from './stats.js';

export interface NewRow {
  id?: number;
  eventTime: string;
  source: RowSource;
  values: Record<string, string>;
  label: string;
  /** Where the row came from, for the quarantine file and annotations. */
  origin?: string;
  line?: number;
}

/** Rows appended one at a time (FeatureGroup.appender). */
export interface FeatureGroupAppender {
  /** Applies the store-level rules; returns the row's id, or null when it was quarantined. */
  add(row: NewRow): number | null;
  /**
   * Writes every file at once (nothing with dryRun); `rejected` come first in rejected.csv. `alsoWrite`:
   * files that belong to the same batch (the record of an ingested file).
   */
  finish(
    rejected: RejectedRow[],
    opts?: { dryRun?: boolean; alsoWrite?: FileWrite[] },
  ): { added: number; rejected: RejectedRow[] };
}

/** What a write changes, beyond the rows: quarantined rows, the next id and labels.csv's new text. */
interface WriteChanges {
  quarantined: RejectedRow[];
  nextId: number;
  labelsText?: string;
}

/**
 * An appender over the group `reader` reads (working tree, under `root`): every stored id is read first,
 * for the duplicate check, and the stored next id must be past them all.
 */
export function groupAppender(reader: GroupReader, root: string, now: Date): FeatureGroupAppender {
  const parts = reader.partitionsByMonth();
  const ids = storedIds(reader, parts);
  const { meta } = reader;
  const storeRejected: RejectedRow[] = [];
  const batch = new RowBatch();
  let nextId = meta.nextId;
  return {
    add: (r) => {
      const reason = storeRule(r, ids, now, meta.features);
      if (reason) {
        storeRejected.push({
          detectedAt: isoSeconds(now),
          origin: r.origin ?? r.source,
          line: r.line ?? 0,
          reason,
          record: {
            ...(r.id !== undefined ? { id: String(r.id) } : {}),
            ...r.values,
            [meta.label.name]: r.label,
          },
        });
        return null;
      }
      const id = r.id ?? nextId;
      ids.add(id);
      nextId = Math.max(nextId, id + 1);
      batch.add(id, r.eventTime, csvLine(rowCells({ ...r, id }, meta)));
      return id;
    },
    finish: (rejected, opts = {}) => {
      // The duplicate check is over: its million ids need not stay while the files are built.
      ids.clear();
      const quarantined = [...rejected, ...storeRejected];
      const writes = groupWrites(reader, root, batch, parts, { quarantined, nextId });
      // One batch: the rows, the group's files and the caller's (the record of an ingested file).
      if (!opts.dryRun) writeFilesAtomically([...writes, ...(opts.alsoWrite ?? [])]);
      return { added: batch.size, rejected: quarantined };
    },
  };
}

/** Every stored id; refuses a next id at or below one of them. */
function storedIds(reader: GroupReader, parts: Map<string, FeatureTable>): Set<number> {
  const ids = new Set<number>();
  let maxId = 0;
  let whereMax = { month: '', row: 0 };
  for (const [month, t] of parts) {
    for (let i = 0; i < t.rows; i++) {
      ids.add(t.ids[i]);
      if (t.ids[i] > maxId) {
        maxId = t.ids[i];
        whereMax = { month, row: i };
      }
    }
  }
  // Ids are never reused: a nextId at or below a stored id means stats.json is not the one its writer
  // left. Refused rather than quietly raised, since the same file also holds the partitions' hashes.
  const { nextId } = reader.meta;
  if (nextId <= maxId || nextId < 1)
    throw new FeatureGroupError(
      staleNextId(
        reader.countsFile,
        nextId,
        maxId,
        maxId > 0 ? reader.pieceOfRow(whereMax.month, whereMax.row) : '',
      ),
    );
  return ids;
}

/**
 * Every file a write leaves (absolute paths under `root`): labels.csv when it changed, the new or grown
 * pieces, rejected.csv, metadata.json and stats.json. `current`: the partitions read before, by month
 * (consumed); `added` is released once its pieces are built.
 */
export function groupWrites(
  reader: GroupReader,
  root: string,
  added: RowBatch,
  current: Map<string, FeatureTable>,
  changes: WriteChanges,
): FileWrite[] {
  const { dir, meta, files } = reader;
  assertCurrentLayout(files, dir);
  const abs = (rel: string) => `${root}/${rel}`;
  const writes: FileWrite[] = [];
  if (changes.labelsText !== undefined)
    writes.push({ path: abs(labelsFile(dir)), content: changes.labelsText });
  const months = monthWrites(reader, added, current);
  for (const w of months.written) writes.push({ path: abs(w.path), content: w.bytes });
  added.release();
  const late =
    changes.labelsText === undefined
      ? readLateLabels(files, labelsFile(dir), meta.label)
      : parseLateLabels(changes.labelsText, labelsFile(dir), meta.label);
  const all = applyLateLabels(readParts(months.sources, reader.layout), late, isNumericLabel(meta.label));
  const rejected = rejectedFileText(files, dir, changes.quarantined, meta.rejected, reader.countsFile);
  if (rejected) writes.push({ path: abs(rejected.path), content: rejected.text });
  const next: FeatureGroupMeta = {
    ...meta,
    rows: all.rows,
    rejected: meta.rejected + changes.quarantined.length,
    nextId: changes.nextId,
    partitions: months.partitions,
  };
  const texts = metaFileTexts(next, computeStats(all, meta.features, meta.label), months.partitionSha256);
  writes.push({ path: abs(`${dir}/metadata.json`), content: texts.metadata });
  writes.push({ path: abs(`${dir}/stats.json`), content: texts.stats });
  return writes;
}

/**
 * Month by month: the pieces written (new or grown), every month's rows to re-read in order (a table read
 * before or the month's pieces), the row counts and each piece's sha256 (kept pieces as verified, new
 * ones hashed) by piece key.
 */
function monthWrites(
  reader: GroupReader,
  added: RowBatch,
  current: Map<string, FeatureTable>,
): {
  written: PartitionPiece[];
  sources: (FeatureTable | PartitionPiece[])[];
  partitions: Record<string, number>;
  partitionSha256: Record<string, string>;
} {
  const byMonth = added.byMonth();
  const verified = reader.verifiedSha256;
  const partitions = { ...reader.meta.partitions };
  const partitionSha256: Record<string, string> = {};
  const sources: (FeatureTable | PartitionPiece[])[] = [];
  const written: PartitionPiece[] = [];
  const months = [...new Set([...reader.months(), ...byMonth.keys()])].sort();
  for (const m of months) {
    const order = byMonth.get(m);
    if (!order) {
      sources.push(current.get(m) ?? reader.readPartition(m));
      current.delete(m); // readParts holds it now, and lets it go once copied
      for (let n = 1; verified.has(pieceKey(m, n)); n++)
        partitionSha256[pieceKey(m, n)] = verified.get(pieceKey(m, n))!;
      continue;
    }
    if (!current.has(m)) reader.readPartition(m); // an appended month's kept pieces are verified first
    current.delete(m); // its rows are read again from the pieces below
    const pieces = piecesWithRows(reader, m, order, added);
    // Re-reading what we are about to write (in readParts) validates it with the code every reader uses.
    sources.push(pieces.all);
    partitions[m] = (partitions[m] ?? 0) + order.length;
    written.push(...pieces.written);
    pieces.all.forEach((p, i) => {
      const key = pieceKey(m, i + 1);
      const grown = pieces.written.find((w) => w.path === p.path);
      partitionSha256[key] = grown ? sha256Hex(grown.bytes) : verified.get(key)!;
    });
  }
  return { written, sources, partitions, partitionSha256 };
}

/**
 * A month's pieces after appending rows `order` of `batch`: the last piece grows until the next row
 * would take it past the size limit, then a new piece (rows-YYYY-MM-N.csv) starts with the header.
 * Earlier pieces are never rewritten. `all` is every piece of the month in order; `written` the new
 * or grown ones.
 */
function piecesWithRows(
  reader: GroupReader,
  month: string,
  order: readonly number[],
  batch: RowBatch,
): { all: PartitionPiece[]; written: PartitionPiece[] } {
  const existing = reader.partitionPieces(month);
  const last = existing.pop();
  const header = Buffer.from(stringify([headerOf(reader.layout)]));
  const lines = order.map((i) => batch.lineBytes(i));
  const limit = maxPieceBytes();
  const starts = startsOfPieces(lines, header.length, limit, last ? last.bytes.length : header.length);
  const written: PartitionPiece[] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k];
    const to = k + 1 < starts.length ? starts[k + 1] : order.length;
    const number = existing.length + 1 + k;
    if (k === 0 && last && from === to) continue; // the last piece was full: it stays as it is
    const prefix = k === 0 && last ? last.bytes : header;
    const path = k === 0 && last ? last.path : `${reader.dir}/${partitionFile(month, number)}`;
    written.push({ path, bytes: batch.concat(prefix, order, from, to) });
  }
  const kept = last && !written.some((w) => w.path === last.path) ? [...existing, last] : existing;
  return { all: [...kept, ...written], written };
}

/**
 * Tables and pieces into one table, in order, without a second copy of the rows (a million-row append
 * holds its new pieces and one table, not a table per month and their concatenation).
 */
function readParts(
  /** Consumed: each entry is set to null once copied. */
  parts: (FeatureTable | PartitionPiece[] | null)[],
  layout: PartitionLayout,
): FeatureTable {
  const rowsOf = (p: FeatureTable | PartitionPiece[]) =>
    Array.isArray(p) ? p.reduce((s, q) => s + countRows(q.bytes), 0) : p.rows;
  const t = emptyTable(
    layout.features.length,
    parts.reduce((s, p) => s + (p ? rowsOf(p) : 0), 0),
  );
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    parts[k] = null; // each part copied is let go: one copy of the rows at a time
    if (Array.isArray(p)) {
      for (const q of p) t.rows += readPartitionInto(q.bytes, layout, q.path, t, t.rows);
      continue;
    }
    t.ids.set(p.ids.subarray(0, p.rows), t.rows);
    t.eventTimes.set(p.eventTimes.subarray(0, p.rows), t.rows);
    t.sources.set(p.sources.subarray(0, p.rows), t.rows);
    t.labels.set(p.labels.subarray(0, p.rows), t.rows);
    t.targets.set(p.targets.subarray(0, p.rows), t.rows);
    for (let j = 0; j < p.columns.length; j++) t.columns[j].set(p.columns[j].subarray(0, p.rows), t.rows);
    t.rows += p.rows;
  }
  return t;
}

/** The rules the store itself keeps, beyond each value's: a UTC event time not in the future, a fresh id. */
function storeRule(
  r: NewRow,
  ids: Set<number>,
  now: Date,
  features: readonly FeatureSchema[],
): string | null {
  if (!isIsoInstant(r.eventTime))
    return `event_time '${r.eventTime}' is not UTC ISO-8601 (YYYY-MM-DDTHH:MM:SSZ)`;
  if (Date.parse(r.eventTime) > now.getTime()) return `event_time ${r.eventTime} is in the future`;
  if (r.id !== undefined) {
    if (!Number.isInteger(r.id) || r.id < 1) return `id '${r.id}' is not a positive whole number`;
    if (ids.has(r.id)) return `id ${r.id} is already in the feature group`;
  }
  for (const f of features) {
    const reason = checkValue(f, r.values[f.name] ?? '');
    if (reason) return reason;
  }
  return null;
}

function rowCells(r: NewRow, meta: FeatureGroupMeta): string[] {
  return [String(r.id), r.eventTime, r.source, ...meta.features.map((f) => r.values[f.name]), r.label];
}
