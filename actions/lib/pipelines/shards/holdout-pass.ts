// The reduce's pass over the partitions for the holdout. The hash split (a seeded hash of the row's
// content key, so identical feature rows share a side) tells every shard its own holdout rows without a
// global pass; scoring them needs the merged model, so the reduce reads the partitions once more, one at
// a time, to score the holdout rows with the new model and the champion and to compute the data hash. It
// also refuses partitions whose bytes changed since a shard read them. Memory of either step: one
// partition at a time plus the holdout's labels and ids.
import { createHash } from 'node:crypto';
import type { FeatureGroup } from '../../features/feature-group.js';
import { type FeatureTable, SOURCES, takeRows, valueText } from '../../features/feature-table.js';
import type { ServingModel } from '../../models/serving-model.js';
import { inHashHoldout } from '../../training/splits.js';
import { predictRows, predictValueRows, rowKeys } from '../../training/training.js';
import { addChampionTrainingKeys, trainingData, updateDataHash } from '../train.js';
import { checkUnchanged } from './merge-checks.js';
import type { MergedShards } from './merged-shards.js';
import { partitionsOf } from './read-partitions.js';
import { ShardError } from './shard-error.js';

/** What the scoring pass over the partitions gathers for the gate, the metrics and the model card. */
export interface HoldoutPass {
  dataHash: string;
  /** Class codes or label values; both fit a Float64Array exactly. */
  actual: Float64Array;
  predicted: Float64Array;
  championPredicted: Float64Array;
  testIds: number[];
  testKeys: number[];
  /** The holdout rows themselves (a small share), for permutation importance as the unsharded run has it. */
  holdoutParts: FeatureTable[];
  /** Distinct training feature rows (the card's duplicate count), a set of 53-bit keys. */
  trainKeys: Set<number>;
  trainSeen: number;
  trainSum: number;
  /** The rows the champion may have trained on (the gate compares on holdout rows it never saw). */
  championTrained: Set<number>;
  bySource: Record<string, number>;
  example: Record<string, string>;
}

/**
 * The pass over every partition (each checked unchanged since its shard ran): the data hash, the holdout
 * scored by the merged model and by `championModel`, and the training rows' keys and counts.
 */
export function scoreHoldoutPass(
  fg: FeatureGroup,
  merged: MergedShards,
  championModel: ServingModel | null,
  held: ReadonlySet<number> | null,
  progress: ((line: string) => void) | undefined,
): HoldoutPass {
  const { task, set, config, test, model } = merged;
  const ownerOf = new Map(set.flatMap((o) => o.partial.months.map((m) => [m, o] as const)));
  const hash = createHash('sha256');
  const pass: Omit<HoldoutPass, 'dataHash'> = {
    actual: new Float64Array(test),
    predicted: new Float64Array(test),
    championPredicted: new Float64Array(test),
    testIds: [],
    testKeys: [],
    holdoutParts: [],
    // 8 bytes and a slot a row.
    trainKeys: new Set<number>(),
    trainSeen: 0,
    trainSum: 0,
    championTrained: new Set<number>(),
    bySource: {},
    example: {},
  };
  const { testIds, bySource } = pass;
  const predict = (m: ServingModel, data: ReturnType<typeof trainingData>, rows: number[]) =>
    task === 'regression' ? predictValueRows(m, data, rows) : predictRows(m, data, rows);
  for (const part of partitionsOf(fg, fg.months(), fg.lateLabels())) {
    checkUnchanged(fg, ownerOf.get(part.month)!, part.month, part.sha256);
    const t = part.table;
    const data = trainingData(fg, t, config.includeSynthetic);
    updateDataHash(hash, t, data.rows, task);
    for (const i of data.rows) bySource[SOURCES[t.sources[i]]] = (bySource[SOURCES[t.sources[i]]] ?? 0) + 1;
    const keys = rowKeys(data);
    const rows = data.rows.filter((i) => inHashHoldout(keys[i], config.seed, config.testFraction));
    for (const i of data.rows) {
      if (inHashHoldout(keys[i], config.seed, config.testFraction)) continue;
      pass.trainKeys.add(keys[i]);
      pass.trainSeen++;
      if (task === 'regression') pass.trainSum += t.targets[i];
    }
    if (held) addChampionTrainingKeys(pass.championTrained, held, data.rows, t.ids, keys);
    if (rows.length === 0) continue;
    if (testIds.length === 0)
      for (const f of model.features) pass.example[f.name] = valueText(f, data.get(f.name)[rows[0]]);
    const at = testIds.length;
    if (at + rows.length > test)
      throw new ShardError(
        `${fg.dir}: more holdout rows than the shards counted (${test}); run the shards again`,
      );
    pass.predicted.set(predict(model, data, rows), at);
    pass.holdoutParts.push(takeRows(t, rows));
    if (championModel) pass.championPredicted.set(predict(championModel, data, rows), at);
    rows.forEach((i, k) => {
      pass.actual[at + k] = task === 'regression' ? t.targets[i] : t.labels[i];
      testIds.push(t.ids[i]);
      pass.testKeys.push(keys[i]);
    });
    progress?.(`  ${part.month}: ${rows.length} holdout rows scored`);
  }
  if (testIds.length !== test)
    throw new ShardError(
      `${fg.dir}: ${testIds.length} holdout rows, the shards counted ${test}; run the shards again`,
    );
  return { ...pass, dataHash: hash.digest('hex') };
}
