// How a shard reads its months: one verified partition at a time with late labels applied, and the
// hash of labels.csv that a partial records.
import type { FeatureGroup } from '../../features/feature-group.js';
import { applyLateLabels, type FeatureTable } from '../../features/feature-table.js';
import { sha256Hex } from '../../files/sha256.js';

/** One partition as a shard reads it: its bytes' sha256 and its rows, late labels applied. */
export interface ReadPartition {
  month: string;
  sha256: string;
  table: FeatureTable;
}

/**
 * Reads partitions one at a time (memory: one partition, not the group), applying labels.csv the way
 * FeatureGroup.read() does. `lateLabels` is fg.lateLabels(), read once by the caller.
 */
export function* partitionsOf(
  fg: FeatureGroup,
  months: readonly string[],
  lateLabels: Map<number, number>,
): Generator<ReadPartition> {
  fg.assertNoMissingPartitions(() => true); // a deleted partition is named, not skipped by the plan
  for (const month of months) {
    // Checked against stats.json; sha256 is the month's pieces' bytes in order (monthSha256).
    const { table, sha256 } = fg.readVerifiedPartition(month);
    applyLateLabels(table, lateLabels, fg.numericLabel);
    yield { month, sha256, table };
  }
}

/** sha256 of labels.csv, or null when the group has none. */
export function labelsSha256(fg: FeatureGroup): string | null {
  const bytes = fg.files.readBytes(fg.labelsPath);
  return bytes ? sha256Hex(bytes) : null;
}
