// Reading a feature group's partitions, every byte verified first: each piece against the sha256 (or, in
// groups written before the hashes, the row count) stats.json recorded, every row against its month. A
// hand edit is named in the file where it is. The hashes verified are kept, so a write records every
// partition's hash without reading an untouched month twice. Node-only.
import { monthSha256 } from '../files/sha256.js';
import type { FileSource } from '../platform/file-source.js';
import { emptyTable, type FeatureTable } from './feature-table.js';
import { FeatureGroupError } from './group-error.js';
import { checkMonthPieces, missingPartition, restoreWithGit, wrongMonthRow } from './group-integrity.js';
import type { FeatureGroupMeta } from './group-metadata.js';
import { layoutOf, partitionFile, partitionFilesIn } from './partition-layout.js';
import {
  countRows,
  PartitionError,
  type PartitionLayout,
  type PartitionPiece,
  readPartition,
  readPartitionInto,
} from './partition-reader.js';
import { pieceKey } from './size-limits.js';

export class GroupReader {
  /** sha256 of each piece read and verified, by piece key (YYYY-MM, YYYY-MM-N). */
  readonly verifiedSha256 = new Map<string, string>();

  constructor(
    readonly files: FileSource,
    /** The version folder, data/<dataset>/v<N>. */
    readonly dir: string,
    readonly meta: FeatureGroupMeta,
    /** The file that records counts and partition hashes: stats.json (metadata.json in older groups). */
    readonly countsFile: string,
  ) {}

  get layout(): PartitionLayout {
    return layoutOf(this.meta);
  }

  /** Months that have a partition file, ascending. */
  months(): string[] {
    return [...partitionFilesIn(this.files, this.dir).keys()].sort();
  }

  /** A month's partition: where it is (its first piece), or where a new one goes. */
  partitionPath(month: string): string {
    return partitionFilesIn(this.files, this.dir).get(month)?.[0] ?? `${this.dir}/${partitionFile(month)}`;
  }

  /** Every piece of a month's partition in order (one file until it outgrew the size limit). */
  partitionPaths(month: string): string[] {
    return partitionFilesIn(this.files, this.dir).get(month) ?? [];
  }

  /** A month's pieces with their bytes, in order (what a reader reads and a shard hashes). */
  partitionPieces(month: string): PartitionPiece[] {
    return this.partitionPaths(month).map((p) => ({
      path: p,
      bytes: this.files.readBytes(p) ?? new Uint8Array(),
    }));
  }

  /** The piece of a month that holds its `row`-th row (0-based, pieces in order): for messages. */
  pieceOfRow(month: string, row: number): string {
    let before = 0;
    for (const p of this.partitionPieces(month)) {
      before += countRows(p.bytes);
      if (row < before) return p.path;
    }
    return this.partitionPath(month);
  }

  /** A month's rows, its pieces in order. */
  readPartition(month: string): FeatureTable {
    return this.readVerifiedPartition(month).table;
  }

  /** Every partition read once, by month; appends reuse them for untouched months instead of reading again. */
  partitionsByMonth(): Map<string, FeatureTable> {
    this.assertNoMissingPartitions(() => true);
    return new Map(this.months().map((m) => [m, this.readPartition(m)]));
  }

  /**
   * A month's rows with the sha256 of its bytes (its pieces' bytes in order, monthSha256: the file's own
   * while the month is one file), each piece and row verified.
   */
  readVerifiedPartition(month: string): { table: FeatureTable; sha256: string } {
    const pieces = this.verifiedPieces(month);
    const table = this.tableOf(pieces.map((p) => ({ ...p, month })));
    // One piece: its verified hash is the month's; several are hashed once more, in order.
    const sha256 = pieces.length === 1 ? this.verifiedSha256.get(pieceKey(month, 1))! : monthSha256(pieces);
    return { table, sha256 };
  }

  /** Rows of the months wanted, partitions in month order (rows in append order within a partition). */
  read(wanted: (month: string) => boolean): FeatureTable {
    this.assertNoMissingPartitions(wanted);
    const months = this.months().filter(wanted);
    return this.tableOf(months.flatMap((m) => this.verifiedPieces(m).map((p) => ({ ...p, month: m }))));
  }

  /** Months stats.json lists with rows whose partition file is gone (a deleted partition). */
  assertNoMissingPartitions(months: (month: string) => boolean): void {
    const onDisk = new Set(this.months());
    for (const [month, rows] of Object.entries(this.meta.partitions)) {
      if (rows > 0 && !onDisk.has(month) && months(month))
        throw new FeatureGroupError(missingPartition(this.partitionPath(month), rows, this.countsFile));
    }
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

  /** Verified pieces read into one table, in the order given, every row checked against its month. */
  private tableOf(parts: (PartitionPiece & { month: string })[]): FeatureTable {
    const table = emptyTable(
      this.meta.features.length,
      parts.reduce((s, p) => s + countRows(p.bytes), 0),
    );
    for (const p of parts) {
      const start = table.rows;
      table.rows += readPartitionInto(p.bytes, this.layout, p.path, table, start);
      const problem = wrongMonthRow(p.path, p.month, p.bytes, table, start, table.rows - start);
      if (problem) throw new FeatureGroupError(problem);
    }
    return table;
  }
}
