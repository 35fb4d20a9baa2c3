// Which months each shard of a feature group reads, and how a shard is named (`i/n`, 1 ≤ i ≤ n).
//
// Assignment: the group's months (the partition files, ascending) are dealt to n shards by their row
// counts in stats.json — largest first, each to the shard with the fewest rows so far (ties: the
// lower shard) — so uneven months still give shards of similar size. Every shard and the merge compute
// it from the same metadata, so it needs no coordination; a merge refuses partials whose months differ
// from the assignment it computes (the group changed between map and reduce).
import type { FeatureGroup } from '../../features/feature-group.js';
import { MAX_SHARDS } from '../options.js';
import { ShardError } from './shard-error.js';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

export const shardText = (s: Shard) => `${s.index}/${s.count}`;

/**
 * Deals months to `count` shards, largest first, each to the shard with the fewest rows so far.
 * Returns each shard's months in ascending order (shard 1 first).
 */
export function assignMonths(
  months: readonly string[],
  rowsOf: (month: string) => number,
  count: number,
): string[][] {
  const shards = Array.from({ length: count }, () => ({ rows: 0, months: [] as string[] }));
  const bySize = [...months].sort((a, b) => rowsOf(b) - rowsOf(a) || (a < b ? -1 : a > b ? 1 : 0));
  for (const m of bySize) {
    let least = 0;
    for (let s = 1; s < count; s++) if (shards[s].rows < shards[least].rows) least = s;
    shards[least].rows += rowsOf(m);
    shards[least].months.push(m);
  }
  return shards.map((s) => s.months.sort());
}

/** The months of every shard of a feature group (see the assignment rule above). */
export function groupAssignment(fg: FeatureGroup, count: number): string[][] {
  return assignMonths(fg.months(), (m) => fg.meta.partitions[m] ?? 0, count);
}

/**
 * How many shards a group of `rows` rows in `months` partitions gets: one per `maxRows` rows (a group
 * at or below maxRows is one shard), at most `maxShards`, and never more than it has partitions.
 */
export function planShardCount(rows: number, months: number, maxRows: number, maxShards: number): number {
  if (!(Number.isInteger(maxRows) && maxRows >= 1))
    throw new ShardError(`max-rows must be a whole number ≥ 1, got ${maxRows}`);
  if (!(Number.isInteger(maxShards) && maxShards >= 1 && maxShards <= MAX_SHARDS))
    throw new ShardError(`max-shards must be a whole number from 1 to ${MAX_SHARDS}, got ${maxShards}`);
  return Math.max(1, Math.min(Math.ceil(rows / maxRows), maxShards, months));
}
