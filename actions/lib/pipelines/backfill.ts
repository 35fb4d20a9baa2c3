// backfill: builds a feature group from the dataset's raw source file. Idempotent: a second run with the
// same source and spec writes nothing; a schema change needs a new version, never a silent rewrite.
import path from 'node:path';
import { isoSeconds } from '../core/time.js';
import { cleanRecord, FillAccumulator, type FillValues } from '../features/clean.js';
import { type CsvRecord, InputError } from '../features/csv-input.js';
import { FeatureGroup } from '../features/feature-group.js';
import { FeatureGroupError } from '../features/group-error.js';
import { assertSchemaUnchanged, schemaHashOf } from '../features/group-metadata.js';
import type { NewRow } from '../features/group-writer.js';
import type { RejectedRow } from '../features/rejected-rows.js';
import { wordingChanges } from '../features/schema-drift.js';
import { streamSourceFile } from '../features/source-stream.js';
import { checkInputFile } from '../files/input-file.js';
import type { Workspace } from '../files/workspace.js';
import { constantLabelProblem } from '../spec/label-shape.js';
import type { DatasetSpec } from '../spec/spec.js';
import { headerList, missingColumns } from '../spec/spec-columns.js';
import { normaliseEventTime } from './event-time.js';

export interface BackfillResult {
  dataset: string;
  version: number;
  added: number;
  rejected: RejectedRow[];
  /** Set when nothing was written, with the reason. */
  skipped?: string;
}

export function backfill(
  ws: Workspace,
  spec: DatasetSpec,
  opts: { now: Date; newVersion?: boolean },
): BackfillResult {
  const file = path.join(ws.datasetDir(spec.name), spec.source.file);
  const label = ws.rel(file);
  const numericColumns = [
    ...spec.features.filter((f) => f.type === 'numeric').map((f) => f.column),
    ...(spec.label.type === 'numeric' ? [spec.label.column] : []),
  ];
  // Two streamed passes over the source (a million rows never sit in memory as records): the first
  // hashes it and gathers the fill values, the second cleans each row into the group's appender.
  try {
    checkInputFile(ws.root, file, label);
  } catch (err) {
    throw new InputError(`${(err as Error).message} (spec source.file of '${spec.name}')`);
  }
  const pass = (onRecord: (rec: CsvRecord) => void) =>
    streamSourceFile(ws.root, file, label, spec.source, numericColumns, onRecord);
  const fillsOf = new FillAccumulator(spec);
  const first = pass((rec) => fillsOf.add(rec.values));
  const missing = missingColumns(spec, first.header);
  if (missing.length)
    throw new InputError(
      `${label} line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => m.message).join(', ')}; ${headerList(first.header)}`,
    );
  if (first.records === 0) throw new InputError(`${label}: has a header but no rows`);

  const sourceSha256 = first.sha256;
  const version = nextVersion(ws, spec, label, sourceSha256, opts.newVersion ?? false);
  if (typeof version !== 'number') return version;

  const fills = fillsOf.result();
  const fg = FeatureGroup.create(ws, spec, version, fills, sourceSha256);
  // Nothing is written until finish(): a constant label found on the way still leaves no group.
  const appender = fg.appender(opts.now);
  const rejected: RejectedRow[] = [];
  const numericLabels = spec.label.type === 'numeric' ? new GrowingNumbers() : null;
  const now = isoSeconds(opts.now);
  let index = 0;
  const second = pass((rec) => {
    const row = backfillRow(spec, fills, rec, index + 1, label);
    index++;
    if (typeof row === 'string')
      rejected.push({ detectedAt: now, origin: label, line: rec.line, reason: row, record: rec.values });
    else {
      numericLabels?.push(Number(row.label));
      appender.add(row);
    }
  });
  if (second.sha256 !== sourceSha256)
    throw new InputError(
      `${label}: changed while backfill was reading it; nothing was written, run backfill again`,
    );
  // A numeric label with one value is nothing to learn: said here, before a group is written.
  if (numericLabels) {
    const constant = constantLabelProblem(spec.label.name, Array.from(numericLabels.values()));
    if (constant) throw new InputError(`${label}: ${constant}`);
  }
  const result = appender.finish(rejected);
  return { dataset: spec.name, version, added: result.added, rejected: result.rejected };
}

/**
 * The version this backfill writes: 1 for a new group, the next one with `newVersion`, or the skipped
 * result when the group is already built from this source. Any other change is refused, with the way out.
 */
function nextVersion(
  ws: Workspace,
  spec: DatasetSpec,
  label: string,
  sourceSha256: string,
  newVersion: boolean,
): number | BackfillResult {
  if (!FeatureGroup.exists(ws, spec)) return 1;
  const schemaHash = schemaHashOf(spec);
  const current = FeatureGroup.open(ws, spec, { schemaCheck: false }); // the check is this command's own
  const sameSchema = current.meta.schemaHash === schemaHash;
  const sameSource = current.meta.sourceSha256 === sourceSha256;
  // The same message every other command gives (a fill rule added is not in the hash, but is a change).
  if (!newVersion) assertSchemaUnchanged(ws, spec, current.meta);
  if (sameSchema && sameSource && !newVersion) {
    return {
      dataset: spec.name,
      version: current.meta.version,
      added: 0,
      rejected: [],
      skipped: `v${current.meta.version} is already backfilled from this source`,
    };
  }
  if (!newVersion) {
    if (sameSchema)
      throw new FeatureGroupError(
        `${spec.name}: ${label} changed since v${current.meta.version} was backfilled; a new feature-group version is needed: run backfill --new-version`,
      );
    // Words-only edits (titles, units): the stored schema keeps the words it was written with.
    throw new FeatureGroupError(
      `${spec.name}: the wording in dataset.yml changed since v${current.meta.version} was backfilled (${wordingChanges(current.meta, spec).join('; ') || `schema hash ${current.meta.schemaHash} → ${schemaHash}`}); the group keeps the words it was written with: run backfill --new-version to store the new ones, or revert the edit (git checkout -- data/${spec.name}/dataset.yml)`,
    );
  }
  return current.meta.version + 1;
}

/** One source record as a feature row (`rowNumber` is its id without a primary key), or why it is rejected. */
function backfillRow(
  spec: DatasetSpec,
  fills: FillValues,
  rec: CsvRecord,
  rowNumber: number,
  label: string,
): NewRow | string {
  const clean = cleanRecord(spec, fills, rec.values, { labelRequired: true });
  if ('reasons' in clean) return clean.reasons.join('; ');
  const timeColumn = spec.eventTime.column ?? '';
  const eventTime = spec.eventTime.fixed ?? normaliseEventTime(rec.values[timeColumn] ?? '');
  if (!eventTime) return `'${timeColumn}' = '${rec.values[timeColumn]}' is not a UTC date or instant`;
  let id = rowNumber;
  if (spec.primaryKey.column) {
    const raw = rec.values[spec.primaryKey.column];
    id = Number(raw);
    if (!Number.isInteger(id) || id < 1)
      return `'${spec.primaryKey.column}' = '${raw}' is not a positive whole number`;
  }
  return {
    id,
    eventTime,
    source: 'backfill',
    values: clean.values,
    label: clean.label,
    origin: label,
    line: rec.line,
  };
}

/** Numbers appended one at a time into a Float64Array that doubles (no boxed number per row). */
class GrowingNumbers {
  private xs = new Float64Array(1024);
  private n = 0;
  push(x: number): void {
    if (this.n === this.xs.length) {
      const grown = new Float64Array(this.xs.length * 2);
      grown.set(this.xs);
      this.xs = grown;
    }
    this.xs[this.n++] = x;
  }
  values(): Float64Array {
    return this.xs.subarray(0, this.n);
  }
}
