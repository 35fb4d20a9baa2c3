// The checks a merge makes before it writes anything: partitions and labels.csv unchanged since the
// shards read them, and the fields every partial must agree on.
import { stableStringify } from '../../core/json.js';
import type { FeatureGroup } from '../../features/feature-group.js';
import type { PartialHeader } from './partial-files.js';
import { labelsSha256 } from './read-partitions.js';
import { ShardError } from './shard-error.js';

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
