// Reduce of sharded inference (`infer --merge`): checks the set of gitml.infer-partial files and copies the
// shards' log months into the prediction log with the merged manifest, as one unsharded `infer` writes them.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isoSeconds } from '../../core/time.js';
import { FeatureGroup } from '../../features/feature-group.js';
import { parsePieceKey } from '../../features/size-limits.js';
import { type FileRemove, writeFilesAtomically } from '../../files/atomic-write.js';
import { monthSha256, sha256Hex } from '../../files/sha256.js';
import type { Workspace } from '../../files/workspace.js';
import type { LogManifest } from '../../monitoring/monitoring-types.js';
import type { DatasetSpec } from '../../spec/spec.js';
import { type InferResult, predictionLogOf } from '../infer.js';
import {
  championIdentity,
  INFER_PARTIAL_FORMAT,
  INFER_PARTIAL_VERSION,
  type InferPartial,
} from './infer-shard.js';
import { checkLabelsUnchanged, checkSame, checkUnchanged } from './merge-checks.js';
import { readPartialSet } from './partial-files.js';
import { ShardError } from './shard-error.js';

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
