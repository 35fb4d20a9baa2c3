// Reduce of sharded training (`train --merge`): merges a complete set of partials into the model, scores
// the holdout in one more pass over the partitions, and registers the model exactly as the unsharded
// `train --algorithm A --no-search --split hash` would, behind the champion/challenger gate.
import { FeatureGroup } from '../../features/feature-group.js';
import { concatTables } from '../../features/feature-table.js';
import type { Workspace } from '../../files/workspace.js';
import { SchemaMismatchError } from '../../models/serving-model.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import { computeImportance } from '../../registry/version-importance.js';
import { type DatasetSpec, type Task, taskOf } from '../../spec/spec.js';
import {
  championHoldout,
  checkChampionTask,
  type RegressionGateMetric,
  registerFitted,
  type TrainOptions,
  type TrainResult,
  unchangedSince,
} from '../train.js';
import { gateMerged } from './holdout-gate.js';
import { scoreHoldoutPass } from './holdout-pass.js';
import { mergeLinearPartials } from './linear-partials.js';
import { mergeNbPartials } from './nb-partials.js';
import { shardText } from './plan.js';

/**
 * Reduce: merges a complete set of partials into the model, scores the holdout, and registers it
 * behind the champion/challenger gate. Refuses (writing nothing) a missing or duplicated shard,
 * partials of another n, feature-group version, champion or config, and data changed since.
 */
export function mergeTrainShards(
  ws: Workspace,
  spec: DatasetSpec,
  opts: Pick<TrainOptions, 'now' | 'force' | 'promote' | 'tolerance' | 'progress'> & {
    partials: string;
    gateMetric?: RegressionGateMetric;
  },
): TrainResult {
  const registry = new ModelRegistry(ws, spec.name);
  const index = registry.index();
  const fg = FeatureGroup.open(ws, spec);
  const task = taskOf(spec.label);
  const merged =
    task === 'regression'
      ? mergeLinearPartials(spec, fg, opts.partials, index.champion)
      : mergeNbPartials(spec, fg, opts.partials, index.champion);
  const { set, config, configHash, chosen, test, eligible } = merged;

  // One more pass, a partition at a time: the data hash, and the holdout scored by both models.
  const champion = index.champion !== null ? registry.champion() : null;
  const mismatch = champion ? championMismatch(champion, task, fg.meta.features) : null;
  const held = champion && !mismatch ? championHoldout(registry, champion.entry.version) : null;
  const pass = scoreHoldoutPass(
    fg,
    merged,
    champion && !mismatch ? champion.model : null,
    held,
    opts.progress,
  );
  const skipped = unchangedSince(champion, pass.dataHash, configHash, opts.force);
  if (skipped) return { dataset: spec.name, skipped };

  const { model, holdout, championCheck } = gateMerged(spec, fg, merged.model, pass, {
    task,
    test,
    held,
    champion: champion !== null,
    mismatch,
  });
  const { testIds, testKeys, trainKeys } = pass;
  const registered = registerFitted(
    {
      ws,
      spec,
      fg,
      registry,
      config,
      dataHash: pass.dataHash,
      configHash,
      champion,
      championCheck,
      opts: { ...opts, split: 'hash' },
    },
    {
      model,
      holdout,
      cv: [],
      chosen,
      trainRows: eligible - test,
      testIds,
      example: pass.example,
      eligible,
      bySource: pass.bySource,
      duplicates: {
        trainRows: pass.trainSeen - trainKeys.size,
        holdoutOverlap: testKeys.filter((k) => trainKeys.has(k)).length,
      },
      importance: computeImportance(
        model,
        fg.meta.features,
        concatTables(pass.holdoutParts, fg.meta.features.length),
        testIds.map((_, i) => i),
      ),
    },
  );
  opts.progress?.(
    `  merged ${set.length} shard(s): ${set.map((o) => shardText({ index: o.partial.shard, count: o.partial.shards })).join(', ')}`,
  );
  return { dataset: spec.name, ...registered };
}

/** Why the champion cannot score the merged holdout (another task or schema), or null when it can. */
function championMismatch(
  champion: NonNullable<ReturnType<ModelRegistry['champion']>>,
  task: Task,
  schema: FeatureGroup['meta']['features'],
): SchemaMismatchError | null {
  try {
    checkChampionTask(champion, task);
    champion.model.checkSchema(schema, `champion v${champion.entry.version}`);
    return null;
  } catch (err) {
    if (!(err instanceof SchemaMismatchError)) throw err;
    return err;
  }
}
