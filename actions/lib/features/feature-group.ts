// The feature store: one feature group per dataset and schema version under data/<dataset>/v<N>/.
//   metadata.json  the contract: schema, version, keys, expectations, fill values (changes with the schema)
//   rows-YYYY-MM.csv  append-only rows partitioned by event-time month (rows-YYYY-MM-2.csv, … past the
//                  size limit, see size-limits.ts)
//   stats.json     what the group holds now, rewritten on every write: row counts per month, the sha256 of
//                  every partition file (by piece key: YYYY-MM, YYYY-MM-N), next id, quarantined count and
//                  the descriptive statistics
//   rejected.csv   quarantined rows with the reason (never admitted, never dropped silently)
// Counts live with the statistics so that a day's append leaves metadata.json as it was, and partitions
// sit beside them instead of in a rows/ folder: each file and folder a daily commit touches costs its own
// object in the repository. Groups written before (counts in metadata.json, partitions in rows/) still
// open, for time travel; appending to one asks for the one-time git mv.
import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { GitmlError } from '../core/gitml-error.js';
import { jsonSyntaxProblem, stableStringify } from '../core/json.js';
import { isIsoInstant } from '../core/time.js';
import { type FileWrite, writeFilesAtomically } from '../files/atomic-write.js';
import { monthSha256, sha256Hex } from '../files/sha256.js';
import type { Workspace } from '../files/workspace.js';
import { type FileSource, WORKING_TREE, workingTree } from '../platform/file-source.js';
import { isTracked } from '../platform/git.js';
import {
  type Category,
  type DatasetSpec,
  type FeatureSchema,
  featureSchema,
  type LabelType,
} from '../spec/spec.js';
import type { FillValues } from './clean.js';
import { checkValue, numericLabel } from './clean.js';
import { parseCsvText } from './csv-input.js';
import {
  applyLateLabels,
  concatTables,
  emptyTable,
  type FeatureTable,
  type RowSource,
} from './feature-table.js';
import {
  brokenRejectedFile,
  checkMonthPieces,
  missingPartition,
  restoreWithGit,
  staleNextId,
  wrongMonthRow,
} from './group-integrity.js';
import {
  countRows,
  headerOf,
  PartitionError,
  type PartitionLayout,
  type PartitionPiece,
  readPartition,
  readPartitionInto,
} from './partition-reader.js';
import { csvLine, RowBatch } from './row-batch.js';
import { schemaChanges, schemaEditMessage } from './schema-drift.js';
import { maxPieceBytes, parsePieceKey, pieceKey, startsOfPieces } from './size-limits.js';
import { computeStats } from './stats.js';

export const FEATURE_GROUP_FORMAT = 'gitml.feature-group';

export class FeatureGroupError extends GitmlError {
  override name = 'FeatureGroupError';
}

/** dataset.yml was edited after backfill in a way the stored rows cannot follow. */
export class SchemaEditError extends FeatureGroupError {
  override name = 'SchemaEditError';
}

/**
 * The label as a group stores it. Classification: name, title, classes. Regression adds type 'numeric'
 * and the unit, range and decimals (classes empty); the keys are absent for a classification label, so
 * the groups written before regression keep their bytes.
 */
export interface StoredLabel {
  name: string;
  title: string;
  classes: Category[];
  type?: LabelType;
  unit?: string;
  range?: [number, number];
  decimals?: number;
}

/** The stored label of a spec (see StoredLabel). */
export function storedLabel(spec: DatasetSpec): StoredLabel {
  const { name, title, classes, type, unit, range, decimals } = spec.label;
  if (type !== 'numeric') return { name, title, classes };
  return {
    name,
    title,
    classes: [],
    type,
    ...(unit !== undefined ? { unit } : {}),
    ...(range !== undefined ? { range } : {}),
    ...(decimals !== undefined ? { decimals } : {}),
  };
}

/** Whether a stored label is a number (regression). */
export function isNumericLabel(label: { type?: LabelType }): boolean {
  return label.type === 'numeric';
}

export interface Expectation {
  column: string;
  rule: 'not-null' | 'type' | 'range' | 'in-set' | 'unique' | 'not-future';
  detail?: string;
}

export interface FeatureGroupMeta {
  format: typeof FEATURE_GROUP_FORMAT;
  formatVersion: 1;
  dataset: string;
  version: number;
  schemaHash: string;
  /** sha256 of the raw source file the group was backfilled from. */
  sourceSha256: string | null;
  primaryKey: 'id';
  eventTime: 'event_time';
  columns: string[];
  features: FeatureSchema[];
  label: StoredLabel;
  expectations: Expectation[];
  fill: FillValues;
  /** The counts below are stored in stats.json (in metadata.json by groups written before). */
  rows: number;
  rejected: number;
  nextId: number;
  partitions: Record<string, number>;
  /**
   * sha256 of each partition file as its writer left it, by piece key (YYYY-MM, then YYYY-MM-N for a
   * month's later pieces); in stats.json, absent in groups written before.
   */
  partitionSha256?: Record<string, string>;
}

/** The part of FeatureGroupMeta that stats.json stores: it changes with every write. */
const COUNT_KEYS = ['rows', 'rejected', 'nextId', 'partitions'] as const;
type GroupCounts = Pick<FeatureGroupMeta, (typeof COUNT_KEYS)[number] | 'partitionSha256'>;

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

export interface RejectedRow {
  detectedAt: string;
  origin: string;
  line: number;
  reason: string;
  record: Record<string, string>;
}

const REJECTED_COLUMNS = ['detected_at', 'origin', 'line', 'reason', 'record'];

export function schemaHashOf(spec: DatasetSpec): string {
  // A numeric label adds what changes how its rows read (type, range, decimals): a classification
  // label hashes as before, so the groups written before regression keep their hash.
  const { type, range, decimals } = storedLabel(spec);
  const schema = {
    features: featureSchema(spec),
    label: {
      name: spec.label.name,
      classes: spec.label.classes,
      ...(type ? { type, ...(range ? { range } : {}), ...(decimals !== undefined ? { decimals } : {}) } : {}),
    },
  };
  return createHash('sha256').update(stableStringify(schema)).digest('hex').slice(0, 16);
}

export function layoutOf(meta: Pick<FeatureGroupMeta, 'features' | 'label'>): PartitionLayout {
  return {
    features: meta.features,
    labelName: meta.label.name,
    classes: meta.label.classes,
    ...(isNumericLabel(meta.label) ? { numericLabel: { range: meta.label.range } } : {}),
  };
}

export function expectationsOf(spec: DatasetSpec): Expectation[] {
  const out: Expectation[] = [
    { column: 'id', rule: 'unique', detail: 'positive whole number' },
    { column: 'event_time', rule: 'not-future', detail: 'UTC ISO-8601' },
  ];
  for (const f of featureSchema(spec)) {
    out.push({ column: f.name, rule: 'not-null' });
    if (f.type === 'numeric') {
      out.push({ column: f.name, rule: 'type', detail: 'finite number' });
      out.push({ column: f.name, rule: 'range', detail: `[${f.range?.[0]}, ${f.range?.[1]}]` });
    } else {
      out.push({
        column: f.name,
        rule: 'in-set',
        detail: (f.categories ?? []).map((c) => c.value).join('|'),
      });
    }
  }
  if (spec.label.type === 'numeric') {
    out.push({ column: spec.label.name, rule: 'type', detail: 'finite number or empty' });
    if (spec.label.range)
      out.push({
        column: spec.label.name,
        rule: 'range',
        detail: `[${spec.label.range[0]}, ${spec.label.range[1]}] or empty`,
      });
  } else
    out.push({
      column: spec.label.name,
      rule: 'in-set',
      detail: `${spec.label.classes.map((c) => c.value).join('|')} or empty`,
    });
  return out;
}

/** A month's partition file in a version folder, e.g. rows-2026-11.csv; its later pieces rows-2026-11-2.csv, … */
export function partitionFile(month: string, piece = 1): string {
  return `rows-${pieceKey(month, piece)}.csv`;
}
/** rows-YYYY-MM.csv, or rows-YYYY-MM-N.csv for a month's N-th piece (size-limits.ts). */
const PARTITION_FILE = /^rows-(\d{4}-\d{2}(?:-\d+)?)\.csv$/;
/** The earlier layout's partitions, data/<dataset>/v<N>/rows/YYYY-MM.csv: still read, never appended to. */
const EARLIER_PARTITION_FILE = /^(\d{4}-\d{2})\.csv$/;

export function monthOf(eventTime: string): string {
  return eventTime.slice(0, 7);
}

export class FeatureGroup {
  /** sha256 of each partition read and verified, so a write records every partition's hash. */
  private readonly verifiedSha256 = new Map<string, string>();

  private constructor(
    readonly ws: Workspace,
    readonly spec: DatasetSpec,
    readonly meta: FeatureGroupMeta,
    readonly files: FileSource,
    /** The file that records counts and partition hashes: stats.json (metadata.json in older groups). */
    readonly countsFile: string = `${FeatureGroup.dirOf(spec, meta.version)}/stats.json`,
  ) {}

  /** Repository-relative folder of a version. */
  static dirOf(spec: DatasetSpec, version: number): string {
    return `data/${spec.name}/v${version}`;
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
    const dir = FeatureGroup.dirOf(spec, version);
    const { meta, countsFile } = parseMeta(files, dir, spec, version);
    if (opts.schemaCheck !== false && files.description === WORKING_TREE) {
      const latest = versions[versions.length - 1];
      const latestMeta =
        latest === version ? meta : parseMeta(files, FeatureGroup.dirOf(spec, latest), spec, latest).meta;
      assertSchemaUnchanged(ws, spec, latestMeta);
    }
    return new FeatureGroup(ws, spec, meta, files, countsFile);
  }

  static exists(ws: Workspace, spec: DatasetSpec): boolean {
    return FeatureGroup.versions(spec, workingTree(ws.root)).length > 0;
  }

  get dir(): string {
    return FeatureGroup.dirOf(this.spec, this.meta.version);
  }
  get layout(): PartitionLayout {
    return layoutOf(this.meta);
  }
  /** A month's partition: where it is (its first piece), or where a new one goes. */
  partitionPath(month: string): string {
    return this.partitionFiles().get(month)?.[0] ?? `${this.dir}/${partitionFile(month)}`;
  }

  /** Every piece of a month's partition in order (one file until it outgrew the size limit). */
  partitionPaths(month: string): string[] {
    return this.partitionFiles().get(month) ?? [];
  }

  /** A month's pieces with their bytes, in order (what a reader reads and a shard hashes). */
  partitionPieces(month: string): { path: string; bytes: Uint8Array }[] {
    return this.partitionPaths(month).map((p) => ({
      path: p,
      bytes: this.files.readBytes(p) ?? new Uint8Array(),
    }));
  }

  /** The piece of a month that holds its `row`-th row (0-based, pieces in order): for messages. */
  private pieceOfRow(month: string, row: number): string {
    let before = 0;
    for (const p of this.partitionPieces(month)) {
      before += countRows(p.bytes);
      if (row < before) return p.path;
    }
    return this.partitionPath(month);
  }

  /** Months that have a partition file, ascending. */
  months(): string[] {
    return [...this.partitionFiles().keys()].sort();
  }

  /**
   * Partition files by month, in this layout (rows-YYYY-MM.csv, then rows-YYYY-MM-2.csv, … once a month
   * outgrew the size limit) or the earlier one (rows/YYYY-MM.csv); each month's pieces in order.
   */
  private partitionFiles(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const earlier = new Map<string, string>();
    for (const f of this.files.list(`${this.dir}/rows`)) {
      const month = EARLIER_PARTITION_FILE.exec(f)?.[1];
      if (month) earlier.set(month, `${this.dir}/rows/${f}`);
    }
    const pieces = new Map<string, Map<number, string>>();
    for (const f of this.files.list(this.dir)) {
      const key = PARTITION_FILE.exec(f)?.[1];
      const parsed = key === undefined ? null : parsePieceKey(key);
      if (!parsed) continue;
      const other = earlier.get(parsed.month);
      if (other)
        throw new FeatureGroupError(
          `${other}: month ${parsed.month} also has ${this.dir}/${f}; keep one of the two (git rm)`,
        );
      const byNumber = pieces.get(parsed.month) ?? new Map<number, string>();
      byNumber.set(parsed.piece, `${this.dir}/${f}`);
      pieces.set(parsed.month, byNumber);
    }
    for (const [month, file] of earlier) out.set(month, [file]);
    for (const [month, byNumber] of pieces) {
      // Pieces are numbered without gaps: a missing one is rows lost, not a smaller month.
      const files: string[] = [];
      for (let n = 1; n <= byNumber.size; n++) {
        const file = byNumber.get(n);
        if (!file) {
          const last = Math.max(...byNumber.keys());
          throw new FeatureGroupError(
            `${this.dir}/${partitionFile(month, n)}: missing, but month ${month} has pieces up to ${partitionFile(month, last)}; restore it with git (git checkout -- ${this.dir}/${partitionFile(month, n)})`,
          );
        }
        files.push(file);
      }
      out.set(month, files);
    }
    return out;
  }

  /** Appends go to this layout only: a group in the earlier one is moved first, by git, keeping history. */
  private assertCurrentLayout(): void {
    const earlier = this.files.list(`${this.dir}/rows`).filter((f) => EARLIER_PARTITION_FILE.test(f));
    if (earlier.length === 0) return;
    const moves = earlier.map(
      (f) => `git mv ${this.dir}/rows/${f} ${this.dir}/${partitionFile(f.slice(0, 7))}`,
    );
    throw new FeatureGroupError(
      `${this.dir}/rows/: partitions in the earlier layout; move them beside metadata.json, then run again: ${moves.join(' && ')}`,
    );
  }

  /** A month's rows, its pieces in order. */
  readPartition(month: string): FeatureTable {
    return this.readVerifiedPartition(month).table;
  }

  /**
   * A month's rows with the sha256 of its bytes (its pieces' bytes in order, monthSha256: the file's own
   * while the month is one file), each piece checked against stats.json (its sha256, or in groups written
   * before the hashes the month's row count) and every row against its month. Every reader goes through
   * here or read(), so a hand edit is named in the file where it is.
   */
  readVerifiedPartition(month: string): { table: FeatureTable; sha256: string } {
    const pieces = this.verifiedPieces(month);
    const table = this.tableOf(pieces.map((p) => ({ ...p, month })));
    // One piece: its verified hash is the month's; several are hashed once more, in order.
    const sha256 = pieces.length === 1 ? this.verifiedSha256.get(pieceKey(month, 1))! : monthSha256(pieces);
    return { table, sha256 };
  }

  /** A month's pieces after the check against stats.json (none: no file and none recorded). */
  private verifiedPieces(month: string): PartitionPiece[] {
    const pieces = this.partitionPieces(month);
    const recordedRows = this.meta.partitions[month];
    if (pieces.length === 0) {
      if (recordedRows)
        throw new FeatureGroupError(
          missingPartition(this.partitionPath(month), recordedRows, this.countsFile),
        );
      return [];
    }
    const check = checkMonthPieces(
      month,
      pieces,
      { rows: recordedRows, sha256: this.meta.partitionSha256 },
      (piece) => `${this.dir}/${partitionFile(month, piece)}`,
      this.countsFile,
    );
    if ('problem' in check) {
      // A hand edit that also breaks a row is named at its line, the more precise of the two.
      for (const p of pieces) {
        try {
          readPartition(p.bytes, this.layout, p.path);
        } catch (err) {
          if (err instanceof PartitionError)
            throw new FeatureGroupError(
              `${err.message} (the partition no longer matches ${this.countsFile}: edited by hand; ${restoreWithGit(p.path)})`,
            );
        }
      }
      throw new FeatureGroupError(check.problem);
    }
    for (let i = 0; i < pieces.length; i++) this.verifiedSha256.set(pieceKey(month, i + 1), check.sha256[i]);
    return pieces;
  }

  private assertMonth(
    file: string,
    month: string,
    bytes: Uint8Array,
    t: FeatureTable,
    offset: number,
    rows: number,
  ): void {
    const problem = wrongMonthRow(file, month, bytes, t, offset, rows);
    if (problem) throw new FeatureGroupError(problem);
  }

  /** Months stats.json lists with rows whose partition file is gone (a deleted partition). */
  assertNoMissingPartitions(months: (month: string) => boolean): void {
    const onDisk = new Set(this.months());
    for (const [month, rows] of Object.entries(this.meta.partitions)) {
      if (rows > 0 && !onDisk.has(month) && months(month))
        throw new FeatureGroupError(missingPartition(this.partitionPath(month), rows, this.countsFile));
    }
  }

  /** All rows, partitions in month order (rows in append order within a partition), late labels applied. */
  read(filter?: { months?: (month: string) => boolean }): FeatureTable {
    const wanted = (m: string) => filter?.months?.(m) ?? true;
    this.assertNoMissingPartitions(wanted);
    const months = this.months().filter(wanted);
    const parts = months.flatMap((m) => this.verifiedPieces(m).map((p) => ({ ...p, month: m })));
    return applyLateLabels(this.tableOf(parts), this.lateLabels(), this.numericLabel);
  }

  /** Verified pieces read into one table, in the order given, every row checked against its month. */
  private tableOf(parts: (PartitionPiece & { month: string })[]): FeatureTable {
    const table = emptyTable(
      this.meta.features.length,
      parts.reduce((s, p) => s + countRows(p.bytes), 0),
    );
    for (const p of parts) {
      const start = table.rows;
      table.rows += readPartitionInto(p.bytes, this.layout, p.path, table, start);
      this.assertMonth(p.path, p.month, p.bytes, table, start, table.rows - start);
    }
    return table;
  }

  get labelsPath(): string {
    return `${this.dir}/labels.csv`;
  }

  /** Whether the label is a number (regression): rows read it into `targets`. */
  get numericLabel(): boolean {
    return isNumericLabel(this.meta.label);
  }

  /**
   * Labels that arrived after their row (labels.csv: id, label, labelled_at): rows are append-only,
   * so an outcome learnt later is its own append-only record, applied when the group is read. By id:
   * the class index, or the label's value for a numeric label (see applyLateLabels).
   */
  lateLabels(): Map<number, number> {
    const bytes = this.files.readBytes(this.labelsPath);
    if (!bytes) return new Map();
    return this.parseLateLabels(Buffer.from(bytes).toString('utf8'));
  }

  private parseLateLabels(text: string): Map<number, number> {
    const out = new Map<number, number>();
    const { name, classes } = this.meta.label;
    const numeric = this.numericLabel;
    for (const r of parseCsvText(text, this.labelsPath).records) {
      const id = Number(r.values.id);
      const raw = r.values[name] ?? '';
      const checked = numeric ? numericLabel(this.meta.label, raw) : null;
      const value =
        checked === null
          ? classes.findIndex((c) => c.value === raw)
          : typeof checked === 'string'
            ? -1
            : checked.value;
      if (!Number.isInteger(id) || (checked === null ? value < 0 : typeof checked === 'string')) {
        throw new FeatureGroupError(
          `${this.labelsPath} line ${r.line}: needs a whole-number id and ${numeric ? `a number${this.meta.label.range ? ` in [${this.meta.label.range.join(', ')}]` : ''} for` : 'a class of'} '${name}'`,
        );
      }
      out.set(id, value);
    }
    return out;
  }

  /**
   * Records labels for rows that were ingested without one. A label for an unknown id, for a row that
   * already has one, or outside the classes is quarantined with its reason.
   */
  appendLabels(
    entries: { id: number; label: string; origin: string; line: number; record: Record<string, string> }[],
    now: Date,
    opts: { dryRun?: boolean; alsoWrite?: FileWrite[] } = {},
  ): { added: number; rejected: RejectedRow[] } {
    const parts = this.partitionsByMonth();
    const numeric = this.numericLabel;
    const table = applyLateLabels(
      concatTables([...parts.values()], this.meta.features.length),
      this.lateLabels(),
      numeric,
    );
    const classes = this.meta.label.classes.map((c) => c.value);
    // By id: the label's text as stored, '' while the row has none.
    const labelOf = new Map<number, string>();
    for (let i = 0; i < table.rows; i++)
      labelOf.set(
        table.ids[i],
        table.labels[i] < 0 ? '' : numeric ? String(table.targets[i]) : classes[table.labels[i]],
      );
    const rejected: RejectedRow[] = [];
    const accepted: string[][] = [];
    const at = isoSeconds(now);
    for (const e of entries) {
      const current = labelOf.get(e.id);
      const checked = numeric ? numericLabel(this.meta.label, e.label) : null;
      const reason =
        current === undefined
          ? `id ${e.id} is not in the feature group`
          : current !== ''
            ? `id ${e.id} already has label '${current}'`
            : typeof checked === 'string'
              ? checked
              : checked === null && !classes.includes(e.label)
                ? `label '${this.meta.label.name}' = '${e.label}' is not one of ${classes.join(', ')}`
                : null;
      if (reason) {
        rejected.push({ detectedAt: at, origin: e.origin, line: e.line, reason, record: e.record });
        continue;
      }
      const text = checked && typeof checked !== 'string' ? checked.text : e.label;
      labelOf.set(e.id, text);
      accepted.push([String(e.id), text, at]);
    }
    const old = this.files.readBytes(this.labelsPath);
    const prefix = old
      ? Buffer.from(old).toString('utf8')
      : stringify([['id', this.meta.label.name, 'labelled_at']]);
    const labelsText = accepted.length ? prefix + stringify(accepted) : undefined;
    const writes = this.buildWrites(new RowBatch(), rejected, this.meta.nextId, parts, labelsText);
    if (!opts.dryRun) writeFilesAtomically([...writes, ...(opts.alsoWrite ?? [])]);
    return { added: accepted.length, rejected };
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
    if (this.files.description !== 'working tree') {
      throw new FeatureGroupError(
        `feature group '${this.spec.name}' was opened at ${this.files.description} and is read-only`,
      );
    }
    const parts = this.partitionsByMonth();
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
    if (this.meta.nextId <= maxId || this.meta.nextId < 1)
      throw new FeatureGroupError(
        staleNextId(
          this.countsFile,
          this.meta.nextId,
          maxId,
          maxId > 0 ? this.pieceOfRow(whereMax.month, whereMax.row) : '',
        ),
      );
    const storeRejected: RejectedRow[] = [];
    const batch = new RowBatch();
    let nextId = this.meta.nextId;
    return {
      add: (r) => {
        const reason = storeRule(r, ids, now, this.meta.features);
        if (reason) {
          storeRejected.push({
            detectedAt: isoSeconds(now),
            origin: r.origin ?? r.source,
            line: r.line ?? 0,
            reason,
            record: {
              ...(r.id !== undefined ? { id: String(r.id) } : {}),
              ...r.values,
              [this.meta.label.name]: r.label,
            },
          });
          return null;
        }
        const id = r.id ?? nextId;
        ids.add(id);
        nextId = Math.max(nextId, id + 1);
        batch.add(id, r.eventTime, csvLine(rowCells({ ...r, id }, this.meta)));
        return id;
      },
      finish: (rejected, opts = {}) => {
        // The duplicate check is over: its million ids need not stay while the files are built.
        ids.clear();
        const quarantined = [...rejected, ...storeRejected];
        const writes = this.buildWrites(batch, quarantined, nextId, parts);
        // One batch: the rows, the group's files and the caller's (the record of an ingested file).
        if (!opts.dryRun) writeFilesAtomically([...writes, ...(opts.alsoWrite ?? [])]);
        return { added: batch.size, rejected: quarantined };
      },
    };
  }

  /** Every partition read once; appends reuse them for untouched months instead of reading again. */
  private partitionsByMonth(): Map<string, FeatureTable> {
    this.assertNoMissingPartitions(() => true);
    return new Map(this.months().map((m) => [m, this.readPartition(m)]));
  }

  private buildWrites(
    added: RowBatch,
    quarantined: RejectedRow[],
    nextId: number,
    current: Map<string, FeatureTable>,
    labelsText?: string,
  ): FileWrite[] {
    this.assertCurrentLayout();
    const abs = (rel: string) => `${this.ws.root}/${rel}`;
    const writes: FileWrite[] = [];
    if (labelsText !== undefined) writes.push({ path: abs(this.labelsPath), content: labelsText });
    const byMonth = added.byMonth();
    const partitions = { ...this.meta.partitions };
    const partitionSha256: Record<string, string> = {};
    const sources: (FeatureTable | PartitionPiece[])[] = [];
    const months = [...new Set([...this.months(), ...byMonth.keys()])].sort();
    for (const m of months) {
      const order = byMonth.get(m);
      if (!order) {
        sources.push(current.get(m) ?? this.readPartition(m));
        current.delete(m); // readParts holds it now, and lets it go once copied
        for (let n = 1; this.verifiedSha256.has(pieceKey(m, n)); n++)
          partitionSha256[pieceKey(m, n)] = this.verifiedSha256.get(pieceKey(m, n))!;
        continue;
      }
      if (!current.has(m)) this.readPartition(m); // an appended month's kept pieces are verified first
      current.delete(m); // its rows are read again from the pieces below
      const pieces = this.piecesWithRows(m, order, added);
      // Re-reading what we are about to write (below) validates it with the code every reader uses.
      sources.push(pieces.all);
      partitions[m] = (partitions[m] ?? 0) + order.length;
      for (const w of pieces.written) writes.push({ path: abs(w.path), content: w.bytes });
      // Each piece's sha256 under its key (YYYY-MM, YYYY-MM-N): kept pieces as verified, new ones hashed.
      pieces.all.forEach((p, i) => {
        const key = pieceKey(m, i + 1);
        const written = pieces.written.find((w) => w.path === p.path);
        partitionSha256[key] = written ? sha256Hex(written.bytes) : this.verifiedSha256.get(key)!;
      });
    }
    added.release();
    const late = labelsText === undefined ? this.lateLabels() : this.parseLateLabels(labelsText);
    const all = applyLateLabels(readParts(sources, this.layout), late, this.numericLabel);
    const rejectedPath = `${this.dir}/rejected.csv`;
    if (quarantined.length > 0 || !this.files.readBytes(rejectedPath)) {
      const old = this.files.readBytes(rejectedPath);
      const prefix = old ? Buffer.from(old).toString('utf8') : stringify([REJECTED_COLUMNS]);
      const broken = old
        ? brokenRejectedFile(rejectedPath, prefix, REJECTED_COLUMNS, this.meta.rejected, this.countsFile)
        : null;
      if (broken) throw new FeatureGroupError(broken);
      const body = quarantined.length
        ? stringify(
            quarantined.map((q) => [
              q.detectedAt,
              q.origin,
              String(q.line),
              q.reason,
              JSON.stringify(q.record),
            ]),
          )
        : '';
      writes.push({ path: abs(rejectedPath), content: prefix + body });
    }
    const meta: FeatureGroupMeta = {
      ...this.meta,
      rows: all.rows,
      rejected: this.meta.rejected + quarantined.length,
      nextId,
      partitions,
    };
    const {
      rows: _r,
      rejected,
      nextId: next,
      partitions: parts,
      partitionSha256: _hashes,
      ...contract
    } = meta;
    writes.push({ path: abs(`${this.dir}/metadata.json`), content: stableStringify(contract) });
    const stats = computeStats(all, this.meta.features, this.meta.label);
    writes.push({
      path: abs(`${this.dir}/stats.json`),
      content: stableStringify({ ...stats, rejected, nextId: next, partitions: parts, partitionSha256 }),
    });
    return writes;
  }

  /**
   * A month's pieces after appending rows `order` of `batch`: the last piece grows until the next row
   * would take it past the size limit, then a new piece (rows-YYYY-MM-N.csv) starts with the header.
   * Earlier pieces are never rewritten. `all` is every piece of the month in order; `written` the new
   * or grown ones.
   */
  private piecesWithRows(
    month: string,
    order: readonly number[],
    batch: RowBatch,
  ): { all: PartitionPiece[]; written: PartitionPiece[] } {
    const existing = this.partitionPieces(month);
    const last = existing.pop();
    const header = Buffer.from(stringify([headerOf(this.layout)]));
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
      const path = k === 0 && last ? last.path : `${this.dir}/${partitionFile(month, number)}`;
      written.push({ path, bytes: batch.concat(prefix, order, from, to) });
    }
    const kept = last && !written.some((w) => w.path === last.path) ? [...existing, last] : existing;
    return { all: [...kept, ...written], written };
  }

  /** Creates a new, empty version (nothing is written until the first append). */
  static create(
    ws: Workspace,
    spec: DatasetSpec,
    version: number,
    fill: FillValues,
    sourceSha256: string | null,
  ): FeatureGroup {
    const meta: FeatureGroupMeta = {
      format: FEATURE_GROUP_FORMAT,
      formatVersion: 1,
      dataset: spec.name,
      version,
      schemaHash: schemaHashOf(spec),
      sourceSha256,
      primaryKey: 'id',
      eventTime: 'event_time',
      columns: headerOf({
        features: featureSchema(spec),
        labelName: spec.label.name,
        classes: spec.label.classes,
      }),
      features: featureSchema(spec),
      label: storedLabel(spec),
      expectations: expectationsOf(spec),
      fill,
      rows: 0,
      rejected: 0,
      nextId: 1,
      partitions: {},
    };
    return new FeatureGroup(ws, spec, meta, workingTree(ws.root));
  }
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

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Throws SchemaEditError when the spec's schema is not the one the group stored. */
export function assertSchemaUnchanged(ws: Workspace, spec: DatasetSpec, meta: FeatureGroupMeta): void {
  const changes = schemaChanges(meta, spec);
  if (changes.length === 0) return;
  const groupDir = FeatureGroup.dirOf(spec, meta.version);
  throw new SchemaEditError(
    schemaEditMessage({
      specFile: `data/${spec.name}/dataset.yml`,
      groupDir,
      version: meta.version,
      changes,
      uncommitted: negate(isTracked(ws.root, groupDir)),
    }),
  );
}

function negate(b: boolean | null): boolean | null {
  return b === null ? null : !b;
}

function parseMeta(
  files: FileSource,
  dir: string,
  spec: DatasetSpec,
  version: number,
): { meta: FeatureGroupMeta; countsFile: string } {
  const file = `${dir}/metadata.json`;
  const m = parseJsonObject(files.readBytes(file), file, 'metadata') as unknown as FeatureGroupMeta;
  const bad = (rule: string) => new FeatureGroupError(`${file}: corrupt metadata, ${rule}`);
  if (m.format !== FEATURE_GROUP_FORMAT) throw bad(`format must be '${FEATURE_GROUP_FORMAT}'`);
  if (m.formatVersion !== 1) throw bad(`formatVersion ${m.formatVersion} is not supported (expected 1)`);
  if (m.dataset !== spec.name) throw bad(`dataset '${m.dataset}' is not '${spec.name}'`);
  if (m.version !== version) throw bad(`version ${m.version} does not match its folder v${version}`);
  if (
    !Array.isArray(m.features) ||
    !Array.isArray(m.columns) ||
    typeof m.label?.name !== 'string' ||
    !Array.isArray(m.label?.classes)
  ) {
    throw bad('features, columns and label are required');
  }
  if (m.label.type !== undefined && m.label.type !== 'numeric')
    throw bad(`label.type '${String(m.label.type)}' is not 'numeric' (absent for a classification label)`);
  if (typeof m.fill !== 'object' || m.fill === null) throw bad("'fill' must be an object");
  // Counts: in stats.json; a group written before this layout has them in metadata.json.
  const legacy = COUNT_KEYS.some((k) => k in m);
  const countsFile = legacy ? file : `${dir}/stats.json`;
  const counts = legacy
    ? (m as unknown as Record<string, unknown>)
    : parseJsonObject(files.readBytes(countsFile), countsFile, 'statistics');
  return { meta: { ...m, ...checkCounts(counts, countsFile) }, countsFile };
}

function parseJsonObject(bytes: Uint8Array | null, file: string, what: string): Record<string, unknown> {
  if (!bytes) throw new FeatureGroupError(`${file}: missing`);
  let value: unknown;
  const text = Buffer.from(bytes).toString('utf8');
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FeatureGroupError(
      `${file}: corrupt ${what}, ${jsonSyntaxProblem(err, text)}; restore it with git (git checkout -- ${file})`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FeatureGroupError(`${file}: corrupt ${what}, expected a JSON object`);
  return value as Record<string, unknown>;
}

function checkCounts(c: Record<string, unknown>, file: string): GroupCounts {
  const bad = (rule: string) => new FeatureGroupError(`${file}: corrupt counts, ${rule}`);
  for (const k of ['rows', 'rejected', 'nextId'] as const) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw bad(`'${k}' must be a whole number ≥ 0`);
  }
  const partitions = c.partitions;
  if (typeof partitions !== 'object' || partitions === null || Array.isArray(partitions))
    throw bad("'partitions' must be an object");
  const parts = partitions as Record<string, unknown>;
  let sum = 0;
  for (const [month, n] of Object.entries(parts)) {
    if (!/^\d{4}-\d{2}$/.test(month) || typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      throw bad(`partition '${month}' must be a YYYY-MM month with a whole number of rows`);
    sum += n;
  }
  if (sum !== c.rows) throw bad(`'rows' is ${c.rows} but the partitions add up to ${sum}`);
  const hashes = c.partitionSha256;
  if (hashes !== undefined) {
    if (typeof hashes !== 'object' || hashes === null || Array.isArray(hashes))
      throw bad("'partitionSha256' must be an object");
    // Keyed by partition file: the month for its first piece, YYYY-MM-N for the N-th (size-limits.ts).
    for (const [key, h] of Object.entries(hashes)) {
      const month = parsePieceKey(key)?.month;
      if (month === undefined || !(month in parts) || typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h))
        throw bad(`partitionSha256 '${key}' must be the sha256 of a listed partition`);
    }
  }
  return {
    ...(hashes !== undefined ? { partitionSha256: hashes as Record<string, string> } : {}),
    rows: c.rows as number,
    rejected: c.rejected as number,
    nextId: c.nextId as number,
    partitions: parts as Record<string, number>,
  };
}
