// A dataset.yml edited after backfill: the stored rows follow the schema they were written with, so a
// command that read them with the edited one would crash (a removed class: an index past the end) or
// silently apply the edit (a narrowed range). What changed, in the words of the spec, so that every
// command that opens the group refuses with the same message and the same two ways out.

import type { Category, DatasetSpec, FeatureSchema } from '../spec/spec.js';
import { featureSchema } from '../spec/spec.js';
import type { FillValues } from './clean.js';

/** What a feature group stored about its schema (metadata.json). */
export interface StoredSchema {
  features: readonly FeatureSchema[];
  /** type, range and decimals: a numeric label (regression) only; absent for a classification label. */
  label: {
    name: string;
    classes: readonly Category[];
    type?: string;
    range?: readonly [number, number];
    decimals?: number;
  };
  fill: FillValues;
}

/**
 * The edits that change how stored rows read or what is admitted: features added, removed, renamed or
 * reordered, a type, range, decimals or category list changed, the label renamed or its classes changed,
 * a fill rule added. Titles, units, groups and labels of categories are words only: not listed.
 */
export function schemaChanges(stored: StoredSchema, spec: DatasetSpec): string[] {
  const now = featureSchema(spec);
  const out: string[] = [];
  const before = stored.features.map((f) => f.name);
  const after = now.map((f) => f.name);
  const removed = before.filter((n) => !after.includes(n));
  const added = after.filter((n) => !before.includes(n));
  // One removed and one added: a rename, as the user would say it.
  if (removed.length === 1 && added.length === 1) {
    out.push(`feature '${removed[0]}' renamed to '${added[0]}'`);
  } else {
    if (removed.length) out.push(`feature${plural(removed)} ${quoted(removed)} removed`);
    if (added.length) out.push(`feature${plural(added)} ${quoted(added)} added`);
  }
  const common = after.filter((n) => before.includes(n));
  if (common.join(',') !== before.filter((n) => after.includes(n)).join(','))
    out.push(`features reordered (stored: ${before.join(', ')})`);
  for (const name of common) {
    const s = stored.features.find((f) => f.name === name)!;
    const n = now.find((f) => f.name === name)!;
    if (s.type !== n.type) {
      out.push(`feature '${name}' type ${s.type} → ${n.type}`);
      continue;
    }
    if (s.type === 'numeric') {
      const [a, b] = s.range ?? [Number.NaN, Number.NaN];
      const [c, d] = n.range ?? [Number.NaN, Number.NaN];
      if (a !== c || b !== d) {
        const how = c >= a && d <= b ? 'narrowed' : c <= a && d >= b ? 'widened' : 'changed';
        out.push(`feature '${name}' range ${how} [${a}, ${b}] → [${c}, ${d}]`);
      }
      if (s.decimals !== n.decimals) out.push(`feature '${name}' decimals ${s.decimals} → ${n.decimals}`);
    } else {
      const change = codesChange(s.categories ?? [], n.categories ?? []);
      if (change) out.push(`feature '${name}' categories: ${change}`);
    }
  }
  if (stored.label.name !== spec.label.name)
    out.push(`label.name '${stored.label.name}' → '${spec.label.name}'`);
  const storedType = stored.label.type ?? 'categorical';
  if (storedType !== spec.label.type) {
    const task = (t: string) => (t === 'numeric' ? 'regression' : 'classification');
    out.push(
      `label.type ${storedType} → ${spec.label.type} (${task(storedType)} → ${task(spec.label.type)}: the stored labels are ${storedType === 'numeric' ? 'numbers' : 'classes'})`,
    );
  } else if (storedType === 'numeric') {
    const [a, b] = stored.label.range ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    const [c, d] = spec.label.range ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    if (a !== c || b !== d) {
      const how = c >= a && d <= b ? 'narrowed' : c <= a && d >= b ? 'widened' : 'changed';
      out.push(`label.range ${how} ${rangeText(stored.label.range)} → ${rangeText(spec.label.range)}`);
    }
    if (stored.label.decimals !== spec.label.decimals)
      out.push(`label.decimals ${stored.label.decimals ?? 'none'} → ${spec.label.decimals ?? 'none'}`);
  } else {
    const classes = codesChange(stored.label.classes, spec.label.classes);
    if (classes) out.push(`label.classes: ${classes}`);
  }
  // A fill rule added after backfill has no recorded fill value: blank values could not be filled.
  for (const f of spec.features) {
    if (f.missing !== 'reject' && before.includes(f.name) && !(f.name in stored.fill))
      out.push(`feature '${f.name}' missing: ${f.missing} (the fill value is recorded at backfill)`);
  }
  return out;
}

/** Words-only edits (titles, units, category labels): what backfill's schema hash also sees. */
export function wordingChanges(stored: StoredSchema, spec: DatasetSpec): string[] {
  const out: string[] = [];
  for (const n of featureSchema(spec)) {
    const s = stored.features.find((f) => f.name === n.name);
    if (!s) continue;
    for (const k of ['title', 'unit', 'group'] as const) {
      const a = (s as unknown as Record<string, unknown>)[k];
      const b = (n as unknown as Record<string, unknown>)[k];
      if (a !== b) out.push(`feature '${n.name}' ${k} '${a ?? ''}' → '${b ?? ''}'`);
    }
    const labels = (n.categories ?? []).filter(
      (c) => (s.categories ?? []).find((x) => x.value === c.value)?.label !== c.label,
    );
    if (labels.length && !codesChange(s.categories ?? [], n.categories ?? []))
      out.push(`feature '${n.name}' category labels of ${quoted(labels.map((c) => c.value))}`);
  }
  const relabelled = spec.label.classes.filter(
    (c) => stored.label.classes.find((x) => x.value === c.value)?.label !== c.label,
  );
  if (relabelled.length && !codesChange(stored.label.classes, spec.label.classes))
    out.push(`label.classes labels of ${quoted(relabelled.map((c) => c.value))}`);
  return out;
}

/** The way out, said the same way by every command. `uncommitted`: the version folder git does not track. */
export function schemaEditMessage(opts: {
  specFile: string;
  groupDir: string;
  version: number;
  changes: readonly string[];
  uncommitted: boolean | null;
}): string {
  const { specFile, groupDir, version, changes, uncommitted } = opts;
  const draft =
    uncommitted === true
      ? ` ${groupDir} is not committed: while the spec is still a draft you can simply delete ${groupDir} and run backfill again.`
      : uncommitted === null
        ? ` If ${groupDir} was never committed and the spec is still a draft, you can simply delete ${groupDir} and run backfill again.`
        : '';
  return (
    `${specFile} changed since ${groupDir} was backfilled: ${changes.join('; ')}. ` +
    `The stored rows follow the schema they were written with, so they cannot be read with the edited one. ` +
    `Either run backfill --new-version (builds v${version + 1} from the source with the edited schema; train then trains on it), ` +
    `or revert the edit (git checkout -- ${specFile}).${draft}`
  );
}

function codesChange(before: readonly Category[], after: readonly Category[]): string | null {
  const a = before.map((c) => c.value);
  const b = after.map((c) => c.value);
  if (a.join('\u0000') === b.join('\u0000')) return null;
  const removed = a.filter((v) => !b.includes(v));
  const added = b.filter((v) => !a.includes(v));
  const parts = [
    ...(removed.length ? [`${quoted(removed)} removed`] : []),
    ...(added.length ? [`${quoted(added)} added`] : []),
  ];
  return parts.length ? parts.join(', ') : `reordered (stored: ${a.join(', ')})`;
}

function rangeText(r: readonly [number, number] | undefined): string {
  return r ? `[${r[0]}, ${r[1]}]` : 'none';
}

function quoted(xs: readonly string[]): string {
  return xs.map((x) => `'${x}'`).join(', ');
}

function plural(xs: readonly unknown[]): string {
  return xs.length > 1 ? 's' : '';
}
