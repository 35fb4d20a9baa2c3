// backfill: builds a feature group from the dataset's raw source file. Idempotent: a second run with the
// same source and spec writes nothing; a schema change needs a new version, never a silent rewrite.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { cleanRecord, computeFills } from '../clean.js';
import { parseSourceText } from '../csv-format.js';
import { InputError } from '../csv-input.js';
import {
  assertSchemaUnchanged,
  FeatureGroup,
  FeatureGroupError,
  isoSeconds,
  type NewRow,
  type RejectedRow,
  schemaHashOf,
} from '../feature-group.js';
import { readInputFile } from '../input-file.js';
import { constantLabelProblem } from '../label-shape.js';
import { wordingChanges } from '../schema-drift.js';
import type { DatasetSpec } from '../spec.js';
import { headerList, missingColumns } from '../spec-columns.js';
import type { Workspace } from '../workspace.js';
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
  let bytes: Buffer;
  try {
    bytes = readInputFile(ws.root, file, label);
  } catch (err) {
    throw new InputError(`${(err as Error).message} (spec source.file of '${spec.name}')`);
  }
  const numericColumns = [
    ...spec.features.filter((f) => f.type === 'numeric').map((f) => f.column),
    ...(spec.label.type === 'numeric' ? [spec.label.column] : []),
  ];
  const table = parseSourceText(bytes.toString('utf8'), label, spec.source, numericColumns);
  const missing = missingColumns(spec, table.header);
  if (missing.length)
    throw new InputError(
      `${label} line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => m.message).join(', ')}; ${headerList(table.header)}`,
    );
  if (table.records.length === 0) throw new InputError(`${label}: has a header but no rows`);

  const sourceSha256 = createHash('sha256').update(bytes).digest('hex');
  const schemaHash = schemaHashOf(spec);
  let version = 1;
  if (FeatureGroup.exists(ws, spec)) {
    const current = FeatureGroup.open(ws, spec, { schemaCheck: false }); // the check is this command's own
    const sameSchema = current.meta.schemaHash === schemaHash;
    const sameSource = current.meta.sourceSha256 === sourceSha256;
    // The same message every other command gives (a fill rule added is not in the hash, but is a change).
    if (!opts.newVersion) assertSchemaUnchanged(ws, spec, current.meta);
    if (sameSchema && sameSource && !opts.newVersion) {
      return {
        dataset: spec.name,
        version: current.meta.version,
        added: 0,
        rejected: [],
        skipped: `v${current.meta.version} is already backfilled from this source`,
      };
    }
    if (!opts.newVersion) {
      if (sameSchema)
        throw new FeatureGroupError(
          `${spec.name}: ${label} changed since v${current.meta.version} was backfilled; a new feature-group version is needed: run backfill --new-version`,
        );
      // Words-only edits (titles, units): the stored schema keeps the words it was written with.
      throw new FeatureGroupError(
        `${spec.name}: the wording in dataset.yml changed since v${current.meta.version} was backfilled (${wordingChanges(current.meta, spec).join('; ') || `schema hash ${current.meta.schemaHash} → ${schemaHash}`}); the group keeps the words it was written with: run backfill --new-version to store the new ones, or revert the edit (git checkout -- data/${spec.name}/dataset.yml)`,
      );
    }
    version = current.meta.version + 1;
  }

  const fills = computeFills(
    spec,
    table.records.map((r) => r.values),
  );
  const rows: NewRow[] = [];
  const rejected: RejectedRow[] = [];
  const now = isoSeconds(opts.now);
  for (const [index, rec] of table.records.entries()) {
    const reason = (() => {
      const clean = cleanRecord(spec, fills, rec.values, { labelRequired: true });
      if ('reasons' in clean) return clean.reasons.join('; ');
      const timeColumn = spec.eventTime.column ?? '';
      const eventTime = spec.eventTime.fixed ?? normaliseEventTime(rec.values[timeColumn] ?? '');
      if (!eventTime) return `'${timeColumn}' = '${rec.values[timeColumn]}' is not a UTC date or instant`;
      let id = index + 1;
      if (spec.primaryKey.column) {
        const raw = rec.values[spec.primaryKey.column];
        id = Number(raw);
        if (!Number.isInteger(id) || id < 1)
          return `'${spec.primaryKey.column}' = '${raw}' is not a positive whole number`;
      }
      rows.push({
        id,
        eventTime,
        source: 'backfill',
        values: clean.values,
        label: clean.label,
        origin: label,
        line: rec.line,
      });
      return null;
    })();
    if (reason) rejected.push({ detectedAt: now, origin: label, line: rec.line, reason, record: rec.values });
  }
  // A numeric label with one value is nothing to learn: said here, before a group is written.
  if (spec.label.type === 'numeric') {
    const constant = constantLabelProblem(
      spec.label.name,
      rows.map((r) => Number(r.label)),
    );
    if (constant) throw new InputError(`${label}: ${constant}`);
  }
  const fg = FeatureGroup.create(ws, spec, version, fills, sourceSha256);
  const result = fg.append(rows, rejected, opts.now);
  return { dataset: spec.name, version, added: result.added.length, rejected: result.rejected };
}
