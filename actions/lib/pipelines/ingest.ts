// ingest: appends real observations from a user CSV (any column order, header required) through the same
// cleaning and validation as backfill. Bad rows are quarantined with file, line and reason.
import path from 'node:path';
import { GitmlError } from '../core/gitml-error.js';
import { isoSeconds } from '../core/time.js';
import { cleanRecord } from '../features/clean.js';
import { type CsvRecord, type CsvTable, InputError } from '../features/csv-input.js';
import { streamCsvFile } from '../features/csv-stream.js';
import { FeatureGroup } from '../features/feature-group.js';
import type { FeatureGroupAppender } from '../features/group-writer.js';
import { type IngestedEntry, ingestedWrite, readIngested } from '../features/ingested-files.js';
import type { RejectedRow } from '../features/rejected-rows.js';
import type { FileWrite } from '../files/atomic-write.js';
import { checkInputFile } from '../files/input-file.js';
import { fileSha256 } from '../files/sha256.js';
import type { Workspace } from '../files/workspace.js';
import type { DatasetSpec } from '../spec/spec.js';
import { normaliseEventTime } from './event-time.js';

export interface IngestResult {
  dataset: string;
  file: string;
  added: number;
  rejected: RejectedRow[];
  dryRun: boolean;
  /** 'rows' for observations, 'labels' for outcomes of earlier rows (an id + label file). */
  kind: 'rows' | 'labels';
  /** The file's bytes were ingested before (nothing was done): when, and as which file. */
  alreadyIngested?: { sha256: string; prior: IngestedEntry };
}

export const EVENT_TIME_COLUMN = 'event_time';

/** A file of the repository to ingest into `dataset`: its absolute and its repository-relative path. */
export interface DatasetFile {
  abs: string;
  /** Repository-relative path: the origin recorded for each row and the annotation target. */
  rel: string;
  dataset: string;
}

/**
 * One repository file ingested (or, `dryRun`, checked), or why it cannot be: the message names the file
 * first, with the line when one line is to blame. A link or a FIFO is refused before anything else.
 */
export function ingestRepositoryFile(
  ws: Workspace,
  f: DatasetFile,
  opts: { now: Date; dryRun: boolean; again?: boolean },
): { result: IngestResult } | { error: string; line: number | undefined } {
  try {
    checkInputFile(ws.root, f.abs, f.rel);
    const { now, dryRun, again } = opts;
    return { result: ingest(ws, ws.loadSpec(f.dataset), f.abs, { now, dryRun, label: f.rel, again }) };
  } catch (err) {
    const message = (err as Error).message;
    const line = err instanceof GitmlError ? err.at?.line : undefined;
    return { error: message.startsWith(f.rel) ? message : `${f.rel}: ${message}`, line };
  }
}

/** The datasets among `names` whose dataset.yml cannot be read, with the error (a name that is no dataset is not one). */
export function unreadableSpecs(ws: Workspace, names: readonly string[]): Map<string, string> {
  const errors = new Map<string, string>();
  for (const name of new Set(names)) {
    if (!ws.isDataset(name)) continue; // the file's own error names the unknown dataset, as before
    try {
      ws.loadSpec(name);
    } catch (err) {
      errors.set(name, (err as Error).message);
    }
  }
  return errors;
}

export function ingest(
  ws: Workspace,
  spec: DatasetSpec,
  file: string,
  opts: {
    now: Date;
    dryRun?: boolean;
    label?: string;
    /** The folder the file must be a regular file inside (no link on the way); default the repository. */
    within?: { dir: string; name: string };
    /** Ingest the file even if the same bytes were ingested before. */
    again?: boolean;
  },
): IngestResult {
  const label = opts.label ?? file;
  // Checked before the feature group opens: a missing or unreadable file is the first thing to say.
  checkInputFile(opts.within?.dir ?? ws.root, file, label, opts.within?.name);
  const fg = FeatureGroup.open(ws, spec);
  // Idempotent: the same bytes twice are skipped, and the record is written with the rows (one batch).
  // Hashed first, a megabyte at a time: a repeat is skipped before a row is read.
  const sha256 = fileSha256(path.resolve(opts.within?.dir ?? ws.root, file));
  const ingested = readIngested(fg.files, fg.dir);
  const prior = ingested.files[sha256];
  if (prior && !opts.again)
    return {
      dataset: spec.name,
      file: label,
      added: 0,
      rejected: [],
      dryRun: !!opts.dryRun,
      kind: prior.kind,
      alreadyIngested: { sha256, prior },
    };
  const record = (kind: IngestResult['kind']) => [
    ingestedWrite(ws.root, fg.dir, ingested, sha256, { file: label, ingestedAt: isoSeconds(opts.now), kind }),
  ];
  // The file is streamed: rows go to the feature group's appender as they are read (a million-row file
  // never sits in memory as records); a file of late labels is small and is kept whole.
  // Set by the header: the appender of a file of rows (a file of late labels keeps its records instead).
  const state: { rows: { appender: FeatureGroupAppender; ingest: (rec: CsvRecord) => void } | null } = {
    rows: null,
  };
  const labels: CsvTable = { file: label, header: [], records: [] };
  let rowCount = 0;
  const rejected: RejectedRow[] = [];
  streamCsvFile(opts.within?.dir ?? ws.root, file, label, opts.within?.name, {
    onHeader(header) {
      labels.header = header;
      if (isLabelsFile(spec, header)) return;
      const appender = fg.appender(opts.now);
      state.rows = { appender, ingest: rowIngester(spec, fg, header, label, opts.now, appender, rejected) };
    },
    onRecord(rec) {
      rowCount++;
      if (state.rows) state.rows.ingest(rec);
      else labels.records.push(rec);
    },
  });
  if (rowCount === 0) throw new InputError(`${label}: has a header but no rows`);
  if (state.rows) {
    const result = state.rows.appender.finish(rejected, { dryRun: opts.dryRun, alsoWrite: record('rows') });
    return {
      dataset: spec.name,
      file: label,
      added: result.added,
      rejected: result.rejected,
      dryRun: !!opts.dryRun,
      kind: 'rows',
    };
  }
  return ingestLabels(spec, fg, labels, label, { ...opts, alsoWrite: record('labels') });
}

/** A file of outcomes that arrived later for rows ingested without a label: id + label only. */
function isLabelsFile(spec: DatasetSpec, header: string[]): boolean {
  const idColumn = spec.primaryKey.column ?? 'id';
  const labelColumn = header.find((h) => h === spec.label.column || h === spec.label.name);
  return header.length === 2 && labelColumn !== undefined && header.some((h) => h === idColumn || h === 'id');
}

function ingestLabels(
  spec: DatasetSpec,
  fg: FeatureGroup,
  table: CsvTable,
  label: string,
  /** alsoWrite: the record of the ingested file, written in the same batch as the labels. */
  opts: { now: Date; dryRun?: boolean; alsoWrite: FileWrite[] },
): IngestResult {
  const labelColumn = table.header.find((h) => h === spec.label.column || h === spec.label.name)!;
  const idCol = table.header.find((h) => h !== labelColumn)!;
  const rejected: RejectedRow[] = [];
  const entries = [];
  for (const rec of table.records) {
    const id = Number(rec.values[idCol]);
    if (!Number.isInteger(id) || id < 1) {
      rejected.push({
        detectedAt: isoSeconds(opts.now),
        origin: label,
        line: rec.line,
        reason: `'${idCol}' = '${rec.values[idCol]}' is not a positive whole number`,
        record: rec.values,
      });
      continue;
    }
    entries.push({
      id,
      label: rec.values[labelColumn].trim(),
      origin: label,
      line: rec.line,
      record: rec.values,
    });
  }
  const r = fg.appendLabels(entries, opts.now, { dryRun: opts.dryRun, alsoWrite: opts.alsoWrite });
  return {
    dataset: spec.name,
    file: label,
    added: r.added,
    rejected: [...rejected, ...r.rejected],
    dryRun: !!opts.dryRun,
    kind: 'labels',
  };
}

/**
 * Checks the header of a file of rows and returns what ingests each record: cleaned and validated like
 * backfill, then handed to the appender (or to `rejected` with file, line and reason).
 */
function rowIngester(
  spec: DatasetSpec,
  fg: FeatureGroup,
  header: string[],
  label: string,
  at: Date,
  appender: FeatureGroupAppender,
  rejected: RejectedRow[],
): (rec: CsvRecord) => void {
  const table = { header };
  const idColumn = spec.primaryKey.column ?? 'id';
  const known = new Set<string>([
    EVENT_TIME_COLUMN,
    idColumn,
    'id',
    spec.label.column,
    spec.label.name,
    ...spec.source.dropColumns,
  ]);
  const missing: string[] = [];
  for (const f of spec.features) {
    known.add(f.column);
    known.add(f.name);
    if (!table.header.includes(f.column) && !table.header.includes(f.name)) missing.push(f.name);
  }
  for (const f of fg.meta.features) known.add(f.name); // was-missing flags may be given explicitly
  if (missing.length)
    throw new InputError(
      `${label} line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')}`,
    );
  const unknown = table.header.filter((h) => !known.has(h));
  if (unknown.length)
    throw new InputError(
      `${label} line 1: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `'${c}'`).join(', ')} (not in the '${spec.name}' schema)`,
    );

  const now = isoSeconds(at);
  return (rec) => {
    const reject = (reason: string) =>
      rejected.push({ detectedAt: now, origin: label, line: rec.line, reason, record: rec.values });
    const clean = cleanRecord(spec, fg.meta.fill, rec.values, { labelRequired: false });
    if ('reasons' in clean) {
      reject(clean.reasons.join('; '));
      return;
    }
    const rawTime = rec.values[EVENT_TIME_COLUMN];
    const eventTime = rawTime === undefined || rawTime.trim() === '' ? now : normaliseEventTime(rawTime);
    if (!eventTime) {
      reject(
        `'${EVENT_TIME_COLUMN}' = '${rawTime}' is not a UTC date or instant (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)`,
      );
      return;
    }
    const rawId = rec.values[idColumn] ?? rec.values.id;
    let id: number | undefined;
    if (rawId !== undefined && rawId.trim() !== '') {
      id = Number(rawId);
      if (!Number.isInteger(id) || id < 1) {
        reject(`'${idColumn}' = '${rawId}' is not a positive whole number`);
        return;
      }
    }
    appender.add({
      id,
      eventTime,
      source: 'ingest',
      values: clean.values,
      label: clean.label,
      origin: label,
      line: rec.line,
    });
  };
}
