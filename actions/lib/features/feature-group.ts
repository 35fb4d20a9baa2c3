// The feature store: one feature group per dataset and schema version under data/<dataset>/v<N>/.
//   metadata.json  the contract: schema, version, keys, expectations, fill values (changes with the schema)
//   rows-YYYY-MM.csv  append-only rows partitioned by event-time month (rows-YYYY-MM-2.csv, … past the
//                  size limit, see size-limits.ts)
//   stats.json     what the group holds now, rewritten on every write: row counts per month, the sha256 of
//                  every partition file (by piece key: YYYY-MM, YYYY-MM-N), next id, quarantined count and
//                  the descriptive statistics
//   rejected.csv   quarantined rows with the reason (never admitted, never dropped silently)
//   labels.csv     labels that arrived after their row
// This class opens a version and is the one door to it; each idea is its own file: the contract and its
// checker (group-metadata.ts), where partitions sit (partition-layout.ts), verified reading
// (group-reader.ts), late labels (late-labels.ts), the quarantine (rejected-rows.ts) and writing
// (group-writer.ts). Groups written before (counts in metadata.json, partitions in rows/) still open,
// for time travel; appending to one asks for the one-time git mv. Node-only.
import type { FileWrite } from '../files/atomic-write.js';
import { writeFilesAtomically } from '../files/atomic-write.js';
import type { Workspace } from '../files/workspace.js';
import { type FileSource, WORKING_TREE, workingTree } from '../platform/file-source.js';
import type { DatasetSpec } from '../spec/spec.js';
import type { FillValues } from './clean.js';
import { applyLateLabels, concatTables, type FeatureTable } from './feature-table.js';
import { FeatureGroupError } from './group-error.js';
import {
  assertSchemaUnchanged,
  type FeatureGroupMeta,
  groupDir,
  isNumericLabel,
  newGroupMeta,
  parseMeta,
} from './group-metadata.js';
import { GroupReader } from './group-reader.js';
import { type FeatureGroupAppender, groupAppender, groupWrites, type NewRow } from './group-writer.js';
import { checkLateLabels, type LateLabel, labelsFile, readLateLabels } from './late-labels.js';
import type { PartitionLayout, PartitionPiece } from './partition-reader.js';
import type { RejectedRow } from './rejected-rows.js';
import { RowBatch } from './row-batch.js';

export class FeatureGroup {
  /** Reads and verifies the partitions; keeps each verified piece's sha256 for the next write. */
  private readonly reader: GroupReader;

  private constructor(
    readonly ws: Workspace,
    readonly spec: DatasetSpec,
    readonly meta: FeatureGroupMeta,
    readonly files: FileSource,
    /** The file that records counts and partition hashes: stats.json (metadata.json in older groups). */
    readonly countsFile: string = `${groupDir(spec, meta.version)}/stats.json`,
  ) {
    this.reader = new GroupReader(files, groupDir(spec, meta.version), meta, countsFile);
  }

  /** Repository-relative folder of a version. */
  static dirOf(spec: DatasetSpec, version: number): string {
    return groupDir(spec, version);
  }

  /** Existing versions, ascending. */
  static versions(spec: DatasetSpec, files: FileSource): number[] {
    return files
      .listDirs(`data/${spec.name}`)
      .map((n) => /^v(\d+)$/.exec(n)?.[1])
      .filter(
        (v): v is string =>
          v !== undefined && files.readBytes(`data/${spec.name}/v${v}/metadata.json`) !== null,
      )
      .map(Number)
      .sort((a, b) => a - b);
  }

  /**
   * Opens the latest (or a given) version; `files` selects working tree or a git revision. In the working
   * tree the latest version must still have the spec's schema (see schema-drift.ts): an edit after
   * backfill stops every command here with one message. Only backfill, which makes the new version,
   * opens with `schemaCheck: false`. Time travel (a revision) reads a group by the schema it stored.
   */
  static open(
    ws: Workspace,
    spec: DatasetSpec,
    opts: { version?: number; files?: FileSource; schemaCheck?: boolean } = {},
  ): FeatureGroup {
    const files = opts.files ?? workingTree(ws.root);
    const versions = FeatureGroup.versions(spec, files);
    const version = opts.version ?? versions[versions.length - 1];
    if (version === undefined || !versions.includes(version)) {
      throw new FeatureGroupError(
        `feature group '${spec.name}'${opts.version ? ` v${opts.version}` : ''} does not exist in the ${files.description}: run backfill first`,
      );
    }
    const { meta, countsFile } = parseMeta(files, groupDir(spec, version), spec, version);
    if (opts.schemaCheck !== false && files.description === WORKING_TREE) {
      const latest = versions[versions.length - 1];
      const latestMeta =
        latest === version ? meta : parseMeta(files, groupDir(spec, latest), spec, latest).meta;
      assertSchemaUnchanged(ws, spec, latestMeta);
    }
    return new FeatureGroup(ws, spec, meta, files, countsFile);
  }

  static exists(ws: Workspace, spec: DatasetSpec): boolean {
    return FeatureGroup.versions(spec, workingTree(ws.root)).length > 0;
  }

  /** Creates a new, empty version (nothing is written until the first append). */
  static create(
    ws: Workspace,
    spec: DatasetSpec,
    version: number,
    fill: FillValues,
    sourceSha256: string | null,
  ): FeatureGroup {
    return new FeatureGroup(ws, spec, newGroupMeta(spec, version, fill, sourceSha256), workingTree(ws.root));
  }

  get dir(): string {
    return groupDir(this.spec, this.meta.version);
  }
  get layout(): PartitionLayout {
    return this.reader.layout;
  }
  get labelsPath(): string {
    return labelsFile(this.dir);
  }
  /** Whether the label is a number (regression): rows read it into `targets`. */
  get numericLabel(): boolean {
    return isNumericLabel(this.meta.label);
  }

  /** A month's partition: where it is (its first piece), or where a new one goes. */
  partitionPath(month: string): string {
    return this.reader.partitionPath(month);
  }
  /** Every piece of a month's partition in order (one file until it outgrew the size limit). */
  partitionPaths(month: string): string[] {
    return this.reader.partitionPaths(month);
  }
  /** A month's pieces with their bytes, in order (what a reader reads and a shard hashes). */
  partitionPieces(month: string): PartitionPiece[] {
    return this.reader.partitionPieces(month);
  }
  /** Months that have a partition file, ascending. */
  months(): string[] {
    return this.reader.months();
  }

  /** A month's rows, its pieces in order. */
  readPartition(month: string): FeatureTable {
    return this.reader.readPartition(month);
  }
  /** A month's rows with the sha256 of its bytes, verified (see GroupReader.readVerifiedPartition). */
  readVerifiedPartition(month: string): { table: FeatureTable; sha256: string } {
    return this.reader.readVerifiedPartition(month);
  }
  /** Months stats.json lists with rows whose partition file is gone (a deleted partition). */
  assertNoMissingPartitions(months: (month: string) => boolean): void {
    this.reader.assertNoMissingPartitions(months);
  }

  /** All rows, partitions in month order (rows in append order within a partition), late labels applied. */
  read(filter?: { months?: (month: string) => boolean }): FeatureTable {
    const table = this.reader.read((m) => filter?.months?.(m) ?? true);
    return applyLateLabels(table, this.lateLabels(), this.numericLabel);
  }

  /** Labels that arrived after their row, by id (see late-labels.ts). */
  lateLabels(): Map<number, number> {
    return readLateLabels(this.files, this.labelsPath, this.meta.label);
  }

  /**
   * Records labels for rows that were ingested without one. A label for an unknown id, for a row that
   * already has one, or outside the classes is quarantined with its reason.
   */
  appendLabels(
    entries: LateLabel[],
    now: Date,
    opts: { dryRun?: boolean; alsoWrite?: FileWrite[] } = {},
  ): { added: number; rejected: RejectedRow[] } {
    const parts = this.reader.partitionsByMonth();
    const table = applyLateLabels(
      concatTables([...parts.values()], this.meta.features.length),
      this.lateLabels(),
      this.numericLabel,
    );
    const old = this.files.readBytes(this.labelsPath);
    const { labelsText, added, rejected } = checkLateLabels(entries, table, this.meta.label, old, now);
    const changes = { quarantined: rejected, nextId: this.meta.nextId, labelsText };
    const writes = groupWrites(this.reader, this.ws.root, new RowBatch(), parts, changes);
    if (!opts.dryRun) writeFilesAtomically([...writes, ...(opts.alsoWrite ?? [])]);
    return { added, rejected };
  }

  /**
   * Validates and appends rows, quarantines rejected ones, and rewrites metadata and stats — all files
   * built in memory first and then written atomically. Rows that fail a store-level rule (duplicate id,
   * future event time) join the rejected ones. Returns what was admitted.
   */
  append(
    rows: NewRow[],
    rejected: RejectedRow[],
    now: Date,
    /** alsoWrite: files that belong to the same batch (the record of an ingested file). */
    opts: { dryRun?: boolean; alsoWrite?: FileWrite[] } = {},
  ): { added: NewRow[]; rejected: RejectedRow[] } {
    const appender = this.appender(now);
    const added: NewRow[] = [];
    for (const r of rows) {
      const id = appender.add(r);
      if (id !== null) added.push({ ...r, id });
    }
    added.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.id! - b.id!));
    return { added, rejected: appender.finish(rejected, opts).rejected };
  }

  /**
   * Appends rows one at a time without keeping them as objects (a streamed ingest of a million rows):
   * add() applies the store-level rules and keeps the row as its partition line; finish() writes every
   * file at once, like append(). The rows rejected before (`rejected`) come first in rejected.csv.
   */
  appender(now: Date): FeatureGroupAppender {
    if (this.files.description !== WORKING_TREE) {
      throw new FeatureGroupError(
        `feature group '${this.spec.name}' was opened at ${this.files.description} and is read-only`,
      );
    }
    return groupAppender(this.reader, this.ws.root, now);
  }
}
