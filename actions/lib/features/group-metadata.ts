// A feature group's contract, data/<dataset>/v<N>/metadata.json, and its counts, stats.json: their
// shape, how a spec becomes one, the checker every open goes through (a hand edit or a truncated file
// is named with the rule it breaks) and how a write splits them between the two files. The contract
// changes only with the schema; the counts, partition hashes and statistics change with every write, so
// a day's append leaves metadata.json as it was. Groups written before keep their counts in metadata.json.
// Node-only.
import { createHash } from 'node:crypto';
import { parseJsonObject, stableStringify } from '../core/json.js';
import type { FileSource } from '../platform/file-source.js';
import { isTracked } from '../platform/git.js';
import {
  type Category,
  type DatasetSpec,
  type FeatureSchema,
  featureSchema,
  type LabelType,
} from '../spec/spec.js';
import type { FillValues } from './clean.js';
import { FeatureGroupError, SchemaEditError } from './group-error.js';
import { headerOf } from './partition-reader.js';
import { schemaChanges, schemaEditMessage } from './schema-drift.js';
import { parsePieceKey } from './size-limits.js';
import type { GroupStats } from './stats.js';

export const FEATURE_GROUP_FORMAT = 'gitml.feature-group';

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

/** Repository-relative folder of a version: data/<dataset>/v<N>. */
export function groupDir(spec: DatasetSpec, version: number): string {
  return `data/${spec.name}/v${version}`;
}

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

/** The metadata of a new, empty version of a spec's group. */
export function newGroupMeta(
  spec: DatasetSpec,
  version: number,
  fill: FillValues,
  sourceSha256: string | null,
): FeatureGroupMeta {
  return {
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
}

/**
 * The two files a write leaves: metadata.json (the contract, without the counts) and stats.json (the
 * statistics with the counts and every partition's sha256).
 */
export function metaFileTexts(
  meta: FeatureGroupMeta,
  stats: GroupStats,
  partitionSha256: Record<string, string>,
): { metadata: string; stats: string } {
  const { rows: _r, rejected, nextId, partitions, partitionSha256: _hashes, ...contract } = meta;
  return {
    metadata: stableStringify(contract),
    stats: stableStringify({ ...stats, rejected, nextId, partitions, partitionSha256 }),
  };
}

/** Throws SchemaEditError when the spec's schema is not the one the group stored. */
export function assertSchemaUnchanged(ws: { root: string }, spec: DatasetSpec, meta: FeatureGroupMeta): void {
  const changes = schemaChanges(meta, spec);
  if (changes.length === 0) return;
  const dir = groupDir(spec, meta.version);
  throw new SchemaEditError(
    schemaEditMessage({
      specFile: `data/${spec.name}/dataset.yml`,
      groupDir: dir,
      version: meta.version,
      changes,
      uncommitted: negate(isTracked(ws.root, dir)),
    }),
  );
}

function negate(b: boolean | null): boolean | null {
  return b === null ? null : !b;
}

/**
 * A version's metadata with its counts, checked: metadata.json and (in this layout) stats.json. Returns
 * the file that holds the counts, for messages and for the writer.
 */
export function parseMeta(
  files: FileSource,
  dir: string,
  spec: DatasetSpec,
  version: number,
): { meta: FeatureGroupMeta; countsFile: string } {
  const file = `${dir}/metadata.json`;
  const m = readObject(files, file, 'metadata') as unknown as FeatureGroupMeta;
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
    : readObject(files, countsFile, 'statistics');
  return { meta: { ...m, ...checkCounts(counts, countsFile) }, countsFile };
}

/** A JSON object file of the group (from the working tree or a revision). */
function readObject(files: FileSource, file: string, what: string): Record<string, unknown> {
  const bytes = files.readBytes(file);
  if (!bytes) throw new FeatureGroupError(`${file}: missing`);
  return parseJsonObject(Buffer.from(bytes).toString('utf8'), file, what, (m) => new FeatureGroupError(m));
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
