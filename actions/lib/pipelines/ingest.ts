// ingest: appends real observations from a user CSV (any column order, header required) through the same
// cleaning and validation as backfill. Bad rows are quarantined with file, line and reason.
import path from 'node:path';
import { cleanRecord } from '../clean.js';
import { InputError, readCsvFile } from '../csv-input.js';
import { FeatureGroup, isoSeconds, type NewRow, type RejectedRow } from '../feature-group.js';
import { type IngestedEntry, ingestedWrite, readIngested } from '../ingested-files.js';
import { fileSha256 } from '../sha256.js';
import type { DatasetSpec } from '../spec.js';
import type { Workspace } from '../workspace.js';
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
  const table = readCsvFile(opts.within?.dir ?? ws.root, file, label, opts.within?.name);
  const fg = FeatureGroup.open(ws, spec);
  // Idempotent: the same bytes twice are skipped, and the record is written with the rows (one batch).
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
  const idColumn = spec.primaryKey.column ?? 'id';
  const labelColumn = table.header.find((h) => h === spec.label.column || h === spec.label.name);
  const labelsOnly =
    table.header.length === 2 &&
    labelColumn !== undefined &&
    table.header.some((h) => h === idColumn || h === 'id');
  if (labelsOnly) {
    // Outcomes that arrived later for rows ingested without a label: id + label only.
    if (table.records.length === 0) throw new InputError(`${label}: has a header but no rows`);
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
    const r = fg.appendLabels(entries, opts.now, { dryRun: opts.dryRun, alsoWrite: record('labels') });
    return {
      dataset: spec.name,
      file: label,
      added: r.added,
      rejected: [...rejected, ...r.rejected],
      dryRun: !!opts.dryRun,
      kind: 'labels',
    };
  }
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
  if (table.records.length === 0) throw new InputError(`${label}: has a header but no rows`);

  const now = isoSeconds(opts.now);
  const rows: NewRow[] = [];
  const rejected: RejectedRow[] = [];
  for (const rec of table.records) {
    const reject = (reason: string) =>
      rejected.push({ detectedAt: now, origin: label, line: rec.line, reason, record: rec.values });
    const clean = cleanRecord(spec, fg.meta.fill, rec.values, { labelRequired: false });
    if ('reasons' in clean) {
      reject(clean.reasons.join('; '));
      continue;
    }
    const rawTime = rec.values[EVENT_TIME_COLUMN];
    const eventTime = rawTime === undefined || rawTime.trim() === '' ? now : normaliseEventTime(rawTime);
    if (!eventTime) {
      reject(
        `'${EVENT_TIME_COLUMN}' = '${rawTime}' is not a UTC date or instant (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)`,
      );
      continue;
    }
    const rawId = rec.values[idColumn] ?? rec.values.id;
    let id: number | undefined;
    if (rawId !== undefined && rawId.trim() !== '') {
      id = Number(rawId);
      if (!Number.isInteger(id) || id < 1) {
        reject(`'${idColumn}' = '${rawId}' is not a positive whole number`);
        continue;
      }
    }
    rows.push({
      id,
      eventTime,
      source: 'ingest',
      values: clean.values,
      label: clean.label,
      origin: label,
      line: rec.line,
    });
  }
  const result = fg.append(rows, rejected, opts.now, { dryRun: opts.dryRun, alsoWrite: record('rows') });
  return {
    dataset: spec.name,
    file: label,
    added: result.added.length,
    rejected: result.rejected,
    dryRun: !!opts.dryRun,
    kind: 'rows',
  };
}
