// The partial files shards leave in a partials folder, and reading them back as one complete set.
//
// Partial files are named `<kind>-<dataset>-<i>-of-<n>.json` (plus, for inference, one CSV per changed
// log month) and carry a named, versioned format, the shard index, n, the feature-group version, the
// months read and the sha256 of every partition read.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { jsonSyntaxProblem, stableStringify } from '../../core/json.js';
import type { FeatureGroup } from '../../features/feature-group.js';
import { writeFilesAtomically } from '../../files/atomic-write.js';
import { sha256Hex } from '../../files/sha256.js';
import { OptionError } from '../options.js';
import { groupAssignment, type Shard } from './plan.js';
import { labelsSha256 } from './read-partitions.js';
import { ShardError } from './shard-error.js';

/** The partials folder given does not hold one complete set: an error about option 'partials', exit 1. */
const partialsError = (rule: string) => new OptionError('partials', rule, 'failure');

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

/**
 * Writes a shard's partial into dir (created when missing) as `<kind>-<dataset>-<i>-of-<n>.json` and
 * returns its path. Written last by a shard: the partial file is what makes the shard count.
 */
export function writePartial(
  dir: string,
  kind: string,
  dataset: string,
  shard: Shard,
  partial: PartialHeader,
): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, partialFileName(kind, dataset, shard));
  writeFilesAtomically([{ path: file, content: stableStringify(partial) }]);
  return file;
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
