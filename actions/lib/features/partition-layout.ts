// Where a feature group's rows sit: month partitions beside metadata.json, rows-YYYY-MM.csv, continued in
// rows-YYYY-MM-2.csv, … once a month outgrew the size limit (size-limits.ts), so a daily commit touches
// one file in the version folder. Groups written before keep theirs in rows/YYYY-MM.csv: still read (time
// travel opens old revisions), never appended to; the message to move them gives the git mv commands.
// Node-only.
import type { FileSource } from '../platform/file-source.js';
import type { FeatureSchema } from '../spec/spec.js';
import { FeatureGroupError } from './group-error.js';
import { isNumericLabel, type StoredLabel } from './group-metadata.js';
import type { PartitionLayout } from './partition-reader.js';
import { parsePieceKey, pieceKey } from './size-limits.js';

/** A month's partition file in a version folder, e.g. rows-2026-11.csv; its later pieces rows-2026-11-2.csv, … */
export function partitionFile(month: string, piece = 1): string {
  return `rows-${pieceKey(month, piece)}.csv`;
}
/** rows-YYYY-MM.csv, or rows-YYYY-MM-N.csv for a month's N-th piece (size-limits.ts). */
const PARTITION_FILE = /^rows-(\d{4}-\d{2}(?:-\d+)?)\.csv$/;
/** The earlier layout's partitions, data/<dataset>/v<N>/rows/YYYY-MM.csv: still read, never appended to. */
const EARLIER_PARTITION_FILE = /^(\d{4}-\d{2})\.csv$/;

/** How a group's partitions read: its features and label, as stored. */
export function layoutOf(meta: { features: FeatureSchema[]; label: StoredLabel }): PartitionLayout {
  return {
    features: meta.features,
    labelName: meta.label.name,
    classes: meta.label.classes,
    ...(isNumericLabel(meta.label) ? { numericLabel: { range: meta.label.range } } : {}),
  };
}

/**
 * Partition files of the version folder `dir` by month, in this layout or the earlier one; each month's
 * pieces in order. A month in both layouts, or a piece missing between two others, is refused.
 */
export function partitionFilesIn(files: FileSource, dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const earlier = new Map<string, string>();
  for (const f of files.list(`${dir}/rows`)) {
    const month = EARLIER_PARTITION_FILE.exec(f)?.[1];
    if (month) earlier.set(month, `${dir}/rows/${f}`);
  }
  const pieces = new Map<string, Map<number, string>>();
  for (const f of files.list(dir)) {
    const key = PARTITION_FILE.exec(f)?.[1];
    const parsed = key === undefined ? null : parsePieceKey(key);
    if (!parsed) continue;
    const other = earlier.get(parsed.month);
    if (other)
      throw new FeatureGroupError(
        `${other}: month ${parsed.month} also has ${dir}/${f}; keep one of the two (git rm)`,
      );
    const byNumber = pieces.get(parsed.month) ?? new Map<number, string>();
    byNumber.set(parsed.piece, `${dir}/${f}`);
    pieces.set(parsed.month, byNumber);
  }
  for (const [month, file] of earlier) out.set(month, [file]);
  for (const [month, byNumber] of pieces) out.set(month, piecesInOrder(dir, month, byNumber));
  return out;
}

/** A month's pieces by number, in order: numbered without gaps, a missing one is rows lost, not a smaller month. */
function piecesInOrder(dir: string, month: string, byNumber: Map<number, string>): string[] {
  const files: string[] = [];
  for (let n = 1; n <= byNumber.size; n++) {
    const file = byNumber.get(n);
    if (!file) {
      const last = Math.max(...byNumber.keys());
      throw new FeatureGroupError(
        `${dir}/${partitionFile(month, n)}: missing, but month ${month} has pieces up to ${partitionFile(month, last)}; restore it with git (git checkout -- ${dir}/${partitionFile(month, n)})`,
      );
    }
    files.push(file);
  }
  return files;
}

/** Appends go to this layout only: a group in the earlier one is moved first, by git, keeping history. */
export function assertCurrentLayout(files: FileSource, dir: string): void {
  const earlier = files.list(`${dir}/rows`).filter((f) => EARLIER_PARTITION_FILE.test(f));
  if (earlier.length === 0) return;
  const moves = earlier.map((f) => `git mv ${dir}/rows/${f} ${dir}/${partitionFile(f.slice(0, 7))}`);
  throw new FeatureGroupError(
    `${dir}/rows/: partitions in the earlier layout; move them beside metadata.json, then run again: ${moves.join(' && ')}`,
  );
}
