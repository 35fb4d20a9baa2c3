// Sharding a feature group by partition: which months a shard reads, the partial files shards leave in a
// partials folder, and the checks a merge makes before it writes anything.
//
// Assignment: the group's months (the partition files, ascending) are dealt to n shards by their row
// counts in stats.json — largest first, each to the shard with the fewest rows so far (ties: the
// lower shard) — so uneven months still give shards of similar size. Every shard and the merge compute
// it from the same metadata, so it needs no coordination; a merge refuses partials whose months differ
// from the assignment it computes (the group changed between map and reduce).
//
// A shard is written `i/n` with 1 ≤ i ≤ n. Partial files are named `<kind>-<dataset>-<i>-of-<n>.json`
// (plus, for inference, one CSV per changed log month) and carry a named, versioned format, the shard
// index, n, the feature-group version, the months read and the sha256 of every partition read.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { GitmlError } from '../../core/gitml-error.js';
import { jsonSyntaxProblem, stableStringify } from '../../core/json.js';
import type { FeatureGroup } from '../../features/feature-group.js';
import { applyLateLabels, type FeatureTable } from '../../features/feature-table.js';
import { sha256Hex } from '../../files/sha256.js';
import { MAX_SHARDS, OptionError } from '../options.js';

export class ShardError extends GitmlError {
  override name = 'ShardError';
}

/** The partials folder given does not hold one complete set: an error about option 'partials', exit 1. */
const partialsError = (rule: string) => new OptionError('partials', rule, 'failure');

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

/** The content hash of the rows a shard read: its partitions' hashes in month order and labels.csv's. */
export function rowsHashOf(
  partitions: readonly { month: string; sha256: string }[],
  labels: string | null,
): string {
  const lines = partitions.map((p) => `${p.month} ${p.sha256}\n`).join('');
  return sha256Hex(`${lines}labels ${labels ?? 'none'}\n`);
}

/** What every partial file carries, whatever it summarises. */
export interface PartialHeader {
  format: string;
  version: number;
  dataset: string;
  shard: number;
  shards: number;
  featureGroupVersion: number;
  /** The months this shard read, ascending. */
  months: string[];
  /** sha256 of each month's partition bytes as read (its pieces in order: monthSha256), in month order. */
  partitions: { month: string; sha256: string }[];
  /** sha256 of labels.csv when read (late labels change rows), null when there was none. */
  labelsSha256: string | null;
  /** rowsHashOf(partitions, labelsSha256). */
  rowsHash: string;
}

/** The header fields of a shard's partial that say which rows it read (format and version are the kind's). */
export function partialRowsHeader(
  fg: FeatureGroup,
  dataset: string,
  shard: Shard,
  months: string[],
  partitions: { month: string; sha256: string }[],
): Omit<PartialHeader, 'format' | 'version'> {
  const labels = labelsSha256(fg);
  return {
    dataset,
    shard: shard.index,
    shards: shard.count,
    featureGroupVersion: fg.meta.version,
    months,
    partitions,
    labelsSha256: labels,
    rowsHash: rowsHashOf(partitions, labels),
  };
}

export function partialFileName(kind: string, dataset: string, shard: Shard): string {
  return `${kind}-${dataset}-${shard.index}-of-${shard.count}.json`;
}

/** Every *.json file under dir, depth first (download-artifact may put each artifact in a sub-folder). */
function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Finds the partials of `format` for `dataset` under dir and checks they form one complete set: the
 * same n, every shard 1..n exactly once, the same feature-group version as the group now, and each
 * shard's months equal to the assignment computed now. Returns them in shard order with their paths.
 */
export function readPartialSet<T extends PartialHeader>(
  dir: string,
  format: string,
  version: number,
  dataset: string,
  fg: FeatureGroup,
): { partial: T; file: string }[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw partialsError(`${dir}: not a folder`);
  const found: { partial: T; file: string }[] = [];
  for (const file of jsonFiles(dir)) {
    // A partial is a job's artifact, not a committed file: the way out is to run its shard again.
    const text = readFileSync(file, 'utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ShardError(`${file}: corrupt partial, ${jsonSyntaxProblem(err, text)}; run its shard again`);
    }
    const p = raw as Partial<T> | null;
    if (typeof p !== 'object' || p === null || p.format !== format || p.dataset !== dataset) continue;
    if (p.version !== version)
      throw new ShardError(`${file}: ${format} version ${p.version} is not supported (expected ${version})`);
    if (!Number.isInteger(p.shard) || !Number.isInteger(p.shards) || !Array.isArray(p.months))
      throw new ShardError(`${file}: shard, shards and months are required`);
    found.push({ partial: p as T, file });
  }
  if (found.length === 0) throw partialsError(`${dir}: no ${format} files for dataset '${dataset}'`);
  const counts = [...new Set(found.map((f) => f.partial.shards))].sort((a, b) => a - b);
  if (counts.length > 1) {
    throw partialsError(
      `${dir}: partials of '${dataset}' come from different shard counts (n = ${counts.join(', ')}): ${found.map((f) => `${path.basename(f.file)} is ${f.partial.shard}/${f.partial.shards}`).join(', ')}`,
    );
  }
  const n = counts[0];
  const bySlot = new Map<number, { partial: T; file: string }[]>();
  for (const f of found) bySlot.set(f.partial.shard, [...(bySlot.get(f.partial.shard) ?? []), f]);
  const duplicated = [...bySlot].filter(([, fs]) => fs.length > 1);
  if (duplicated.length > 0) {
    throw partialsError(
      `${dir}: duplicated shard(s) of '${dataset}': ${duplicated.map(([s, fs]) => `${s}/${n} in ${fs.map((f) => f.file).join(' and ')}`).join('; ')}`,
    );
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((s) => !bySlot.has(s));
  const stray = [...bySlot.keys()].filter((s) => s < 1 || s > n);
  if (stray.length > 0)
    throw partialsError(`${dir}: shard(s) ${stray.join(', ')} of '${dataset}' are not in 1..${n}`);
  if (missing.length > 0) {
    throw partialsError(
      `${dir}: missing shard(s) ${missing.map((s) => `${s}/${n}`).join(', ')} of '${dataset}' (have ${[
        ...bySlot.keys(),
      ]
        .sort((a, b) => a - b)
        .map((s) => `${s}/${n}`)
        .join(', ')}); run them before merging`,
    );
  }
  const ordered = [...bySlot.keys()].sort((a, b) => a - b).map((s) => bySlot.get(s)![0]);
  const assignment = groupAssignment(fg, n);
  for (const { partial, file } of ordered) {
    if (partial.featureGroupVersion !== fg.meta.version) {
      throw new ShardError(
        `${file}: shard ${partial.shard}/${n} read feature group v${partial.featureGroupVersion}, the merge sees v${fg.meta.version}`,
      );
    }
    const want = assignment[partial.shard - 1];
    if (partial.months.join(',') !== want.join(',')) {
      throw new ShardError(
        `${file}: shard ${partial.shard}/${n} read months [${partial.months.join(', ')}] but the feature group now assigns it [${want.join(', ')}]: the group changed since the shard ran`,
      );
    }
    if (rowsHashOf(partial.partitions ?? [], partial.labelsSha256 ?? null) !== partial.rowsHash)
      throw new ShardError(`${file}: rowsHash does not match its partition hashes (edited by hand?)`);
  }
  return ordered;
}

/** Refuses when a partition's bytes now differ from what the shard that read it hashed. */
export function checkUnchanged(
  fg: FeatureGroup,
  owner: { file: string; partial: PartialHeader },
  month: string,
  actual: string,
): void {
  const expected = owner.partial.partitions.find((p) => p.month === month)?.sha256;
  if (expected !== actual) {
    throw new ShardError(
      `${fg.partitionPath(month)} changed since shard ${owner.partial.shard}/${owner.partial.shards} read it (${owner.file}); run the shards again`,
    );
  }
}

/** Refuses when labels.csv now differs from what a shard read. */
export function checkLabelsUnchanged(
  fg: FeatureGroup,
  owners: readonly { file: string; partial: PartialHeader }[],
): void {
  const now = labelsSha256(fg);
  for (const o of owners) {
    if ((o.partial.labelsSha256 ?? null) !== now)
      throw new ShardError(
        `${fg.labelsPath} changed since shard ${o.partial.shard}/${o.partial.shards} read it (${o.file}); run the shards again`,
      );
  }
}

/** A field that must agree across all partials (and with the repository now), or a ShardError. */
export function checkSame<T>(
  owners: readonly { file: string; partial: T }[],
  what: string,
  pick: (p: T) => unknown,
  now?: { value: unknown; where: string },
): void {
  const text = (v: unknown) =>
    stableStringify(v ?? null)
      .replace(/\s+/g, ' ')
      .trim();
  const first = text(pick(owners[0].partial));
  for (const o of owners) {
    const v = text(pick(o.partial));
    if (v !== first)
      throw new ShardError(
        `partials disagree on ${what}: ${owners[0].file} has ${first}, ${o.file} has ${v}`,
      );
  }
  if (now && text(now.value) !== first)
    throw new ShardError(`the partials' ${what} is ${first}, but ${now.where} is ${text(now.value)}`);
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
