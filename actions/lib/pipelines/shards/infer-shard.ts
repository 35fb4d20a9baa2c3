// Sharded batch inference. The prediction log is partitioned by event-time month like the feature
// group, so a row's log record lives in the log month of its own partition. Map (`infer --shard i/n`):
// a shard predicts the new rows of its months and fills in actuals that arrived, then writes each of
// its log months exactly as the unsharded run would (the whole CSV text of the changed ones, and each
// month's manifest entry) to a gitml.infer-partial file plus one CSV per changed month. Reduce
// (`infer --merge`): checks the set (every shard once, same n, champion, clock, feature-group version,
// log and data as the shards saw) and copies the months into the log with the merged manifest — the
// same bytes an unsharded `infer` with the same --now writes. Nothing is written on a refusal.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stableStringify } from '../../core/json.js';
import { isoSeconds } from '../../core/time.js';
import { FeatureGroup } from '../../features/feature-group.js';
import { parsePieceKey } from '../../features/size-limits.js';
import { type FileRemove, writeFilesAtomically } from '../../files/atomic-write.js';
import { monthSha256, sha256Hex } from '../../files/sha256.js';
import type { Workspace } from '../../files/workspace.js';
import type { LogManifest, PredictionRecord } from '../../monitoring/monitoring-types.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import type { DatasetSpec } from '../../spec/spec.js';
import { type InferResult, inferenceInputs, inferMonth, predictionLogOf } from '../infer.js';
import {
  checkLabelsUnchanged,
  checkSame,
  checkUnchanged,
  groupAssignment,
  type PartialHeader,
  partialFileName,
  partialRowsHeader,
  partitionsOf,
  readPartialSet,
  type Shard,
  ShardError,
} from './partial-files.js';

export const INFER_PARTIAL_FORMAT = 'gitml.infer-partial';
export const INFER_PARTIAL_VERSION = 1;

/** A log month as the shard left it: its manifest entry, and the CSV holding its text when it changed. */
export interface LogMonth {
  rows: number;
  sha256: string;
  /** Records still waiting for their actual label. */
  waiting: number;
  /** File name (beside the partial) of the month's new text; null when the month is unchanged. */
  file: string | null;
}

export interface InferPartial extends PartialHeader {
  format: typeof INFER_PARTIAL_FORMAT;
  version: typeof INFER_PARTIAL_VERSION;
  champion: { version: number; sha256: string };
  predictedAt: string;
  /** Digest of the log manifest (monitoring.json's `log` entry) the shard read; null when there was no log yet. */
  baseLog: string | null;
  /** Records in the whole log before this run. */
  previousRows: number;
  predicted: number;
  actualsFilled: number;
  /** The shard's log months (those with records), by month, or by piece key (YYYY-MM-N) past the size limit. */
  log: Record<string, LogMonth>;
  /** Log records in months the feature group has no partition for (kept as they are); same for all shards. */
  outside: { rows: number; waiting: number };
}

export interface ShardInferResult {
  dataset: string;
  /** The champion that predicted. */
  modelVersion: number;
  shard: Shard;
  file: string;
  months: string[];
  predicted: number;
  actualsFilled: number;
}

/** The champion's version and the sha256 of its model file: what every shard must have predicted with. */
function championIdentity(ws: Workspace, spec: DatasetSpec) {
  const registry = new ModelRegistry(ws, spec.name);
  // Without a champion, requireChampion throws the registry's error; otherwise no model is parsed here.
  const version = registry.index().champion ?? registry.requireChampion().entry.version;
  const bytes = readFileSync(path.join(registry.versionDir(version), 'model.json'));
  return { version, sha256: sha256Hex(bytes) };
}

/** Map: predictions and filled actuals of one shard's months, written beside the partial. */
export function inferShard(
  ws: Workspace,
  spec: DatasetSpec,
  opts: { now: Date; shard: Shard; partials: string },
): ShardInferResult {
  const { entry, model, fg, log } = inferenceInputs(ws, spec);
  const identity = championIdentity(ws, spec);
  const baseLog = log.manifestDigest();
  const previous = log.read(); // verifies the log before anything is computed
  const months = groupAssignment(fg, opts.shard.count)[opts.shard.index - 1];
  const mine = new Set(months);
  const groupMonths = new Set(fg.months());
  const done = new Set<number>();
  const byMonth = new Map<string, PredictionRecord[]>(months.map((m) => [m, []]));
  const outside = { rows: 0, waiting: 0 };
  for (const r of previous) {
    done.add(r.id);
    const m = r.eventTime.slice(0, 7);
    if (mine.has(m)) byMonth.get(m)!.push(r);
    else if (!groupMonths.has(m)) {
      outside.rows++;
      if (r.actual === null) outside.waiting++;
    }
  }
  const predictedAt = isoSeconds(opts.now);
  const stem = partialFileName('infer', spec.name, opts.shard).replace(/\.json$/, '');
  mkdirSync(opts.partials, { recursive: true });
  const partitions: { month: string; sha256: string }[] = [];
  const logMonths: Record<string, LogMonth> = {};
  let predicted = 0;
  let actualsFilled = 0;
  // A month at a time, so a shard holds one partition and its log month, never all of its months.
  for (const part of partitionsOf(fg, months, fg.lateLabels())) {
    partitions.push({ month: part.month, sha256: part.sha256 });
    const renderer = log.renderer();
    const m = inferMonth(model, entry.version, fg, part.table, byMonth.get(part.month)!, done, {
      predictedAt,
      regression: log.regression,
      log,
      renderer,
    });
    predicted += m.predicted;
    actualsFilled += m.actualsFilled;
    if (m.rows === 0) continue; // no log month (e.g. only backfilled rows), as in the whole log

    // The log's own writer renders the month: the text and entry the unsharded run writes for it.
    const rendered = renderer.finish();
    const keys = Object.keys(rendered.manifest.partitions);
    if (!rendered.manifest.partitions[part.month] || keys.some((k) => parsePieceKey(k)?.month !== part.month))
      throw new ShardError(`${fg.partitionPath(part.month)}: rows whose log month is not ${part.month}`);
    // A log month past the size limit is several pieces, each its own entry (key YYYY-MM-N) and file;
    // the month's waiting count rides on its first piece, so the merge's sum is the same.
    for (const key of keys) {
      const logEntry = rendered.manifest.partitions[key];
      const changed = rendered.partitions.find((w) => w.key === key);
      const file = changed ? `${stem}-${key}.csv` : null;
      // The month's CSV is written now; the partial JSON, written last, is what makes the shard count.
      if (file)
        writeFilesAtomically([
          { path: path.join(opts.partials, file), content: (changed as { content: Uint8Array }).content },
        ]);
      logMonths[key] = {
        rows: logEntry.rows,
        sha256: logEntry.sha256,
        waiting: key === part.month ? m.waiting : 0,
        file,
      };
    }
  }

  const partial: InferPartial = {
    format: INFER_PARTIAL_FORMAT,
    version: INFER_PARTIAL_VERSION,
    ...partialRowsHeader(fg, spec.name, opts.shard, months, partitions),
    champion: identity,
    predictedAt,
    baseLog,
    previousRows: previous.length,
    predicted,
    actualsFilled,
    log: logMonths,
    outside,
  };
  const file = path.join(opts.partials, `${stem}.json`);
  writeFilesAtomically([{ path: file, content: stableStringify(partial) }]);
  return {
    dataset: spec.name,
    modelVersion: entry.version,
    shard: opts.shard,
    file,
    months,
    predicted,
    actualsFilled,
  };
}

/**
 * Reduce: orders the shards' log months into the real log. Refuses, writing nothing, a missing or
 * duplicated shard, partials of another n, feature-group version, champion, clock or base log, and
 * partitions that changed since a shard read them.
 */
export function mergeInferShards(
  ws: Workspace,
  spec: DatasetSpec,
  opts: { partials: string; now?: Date },
): InferResult {
  const identity = championIdentity(ws, spec);
  const fg = FeatureGroup.open(ws, spec);
  const log = predictionLogOf(ws, spec, fg);
  const set = readPartialSet<InferPartial>(
    opts.partials,
    INFER_PARTIAL_FORMAT,
    INFER_PARTIAL_VERSION,
    spec.name,
    fg,
  );
  checkSame(set, 'champion', (p) => p.champion, {
    value: identity,
    where: `champion v${identity.version} in models/${spec.name}/ now`,
  });
  checkSame(set, 'prediction time (--now)', (p) => p.predictedAt, {
    value: opts.now ? isoSeconds(opts.now) : set[0].partial.predictedAt,
    where: 'the merge --now',
  });
  checkSame(set, 'prediction log they started from (manifest sha256)', (p) => p.baseLog, {
    value: log.manifestDigest(),
    where: `${log.manifestName} now`,
  });
  checkSame(set, 'previous log', (p) => [p.previousRows, p.outside]);
  checkLabelsUnchanged(fg, set);
  for (const owner of set) {
    for (const p of owner.partial.partitions) {
      checkUnchanged(fg, owner, p.month, monthSha256(fg.partitionPieces(p.month)));
    }
  }

  const old = log.manifest();
  const groupMonths = new Set(fg.months());
  const partitions: LogManifest['partitions'] = {};
  for (const [key, e] of Object.entries(old.partitions))
    if (!groupMonths.has(parsePieceKey(key)?.month ?? key))
      partitions[key] = { rows: e.rows, sha256: e.sha256 };
  const copies: { from: string; to: string }[] = [];
  let predicted = 0;
  let actualsFilled = 0;
  let waiting = set[0].partial.outside.waiting;
  for (const { partial: p, file } of set) {
    predicted += p.predicted;
    actualsFilled += p.actualsFilled;
    for (const [month, e] of Object.entries(p.log)) {
      if (!p.months.includes(parsePieceKey(month)?.month ?? month))
        throw new ShardError(`${file}: log month ${month} is not one of the shard's months`);
      partitions[month] = { rows: e.rows, sha256: e.sha256 };
      waiting += e.waiting;
      if (e.file === null) continue;
      const from = path.join(path.dirname(file), e.file);
      if (!existsSync(from)) throw new ShardError(`${file}: its log month ${month} file ${from} is missing`);
      if (sha256Hex(readFileSync(from)) !== e.sha256)
        throw new ShardError(`${from}: content does not match its entry in ${file}`);
      copies.push({ from, to: log.partitionPath(month) });
    }
  }
  const previousRows = set[0].partial.previousRows;
  if (predicted > 0 || actualsFilled > 0 || previousRows === 0) {
    const stale = log.stalePieces({ partitions }, groupMonths);
    copyAtomically(copies, log.manifestWrite({ partitions }), stale);
    log.retireEarlierManifest();
  }
  return {
    dataset: spec.name,
    modelVersion: identity.version,
    predicted,
    actualsFilled,
    total: Object.values(partitions).reduce((s, e) => s + e.rows, 0),
    waitingForLabel: waiting,
  };
}

/**
 * The copied partitions, the manifest and the deletion of the pieces it no longer lists as one
 * all-or-nothing batch (copied, not held in memory).
 */
function copyAtomically(
  copies: readonly { from: string; to: string }[],
  last: { path: string; content: string },
  stale: readonly FileRemove[],
) {
  writeFilesAtomically([...copies.map((c) => ({ path: c.to, copyFrom: c.from })), last, ...stale]);
}
