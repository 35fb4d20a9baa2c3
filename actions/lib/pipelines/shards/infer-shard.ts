// Sharded batch inference. The prediction log is partitioned by event-time month like the feature
// group, so a row's log record lives in the log month of its own partition. Map (`infer --shard i/n`):
// a shard predicts the new rows of its months and fills in actuals that arrived, then writes each of
// its log months exactly as the unsharded run would (the whole CSV text of the changed ones, and each
// month's manifest entry) to a gitml.infer-partial file plus one CSV per changed month. Reduce
// (`infer --merge`): checks the set (every shard once, same n, champion, clock, feature-group version,
// log and data as the shards saw) and copies the months into the log with the merged manifest — the
// same bytes an unsharded `infer` with the same --now writes. Nothing is written on a refusal.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isoSeconds } from '../../core/time.js';
import { parsePieceKey } from '../../features/size-limits.js';
import { writeFilesAtomically } from '../../files/atomic-write.js';
import { sha256Hex } from '../../files/sha256.js';
import type { Workspace } from '../../files/workspace.js';
import type { PredictionRecord } from '../../monitoring/monitoring-types.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import type { DatasetSpec } from '../../spec/spec.js';
import { inferenceInputs, inferMonth } from '../infer.js';
import { type PartialHeader, partialFileName, partialRowsHeader, writePartial } from './partial-files.js';
import { groupAssignment, type Shard } from './plan.js';
import { partitionsOf } from './read-partitions.js';
import { ShardError } from './shard-error.js';

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
export function championIdentity(ws: Workspace, spec: DatasetSpec) {
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
  const file = writePartial(opts.partials, 'infer', spec.name, opts.shard, partial);
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
