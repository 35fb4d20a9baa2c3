// What the merge of either kind of training partial hands on, and the checks and rounding both merges share.

import { type CorrelationMoments, correlationsOf } from '../../features/correlation-moments.js';
import type { FeatureGroup } from '../../features/feature-group.js';
import type { ServingModel } from '../../models/serving-model.js';
import type { FeatureSchema, Task } from '../../spec/spec.js';
import type { CvResult, TrainingConfig } from '../../training/training.js';
import { configHashOf } from '../train.js';
import { checkLabelsUnchanged, checkSame } from './merge-checks.js';
import { ShardError } from './shard-error.js';
import type { TrainPartialHeader } from './sharded-config.js';

/** What a merge of either kind of partial hands to the scoring pass. */
export interface MergedShards {
  task: Task;
  set: {
    partial: TrainPartialHeader;
    file: string;
  }[];
  config: TrainingConfig & { includeSynthetic: boolean };
  configHash: string;
  model: ServingModel;
  chosen: CvResult;
  eligible: number;
  test: number;
}

/** Checks shared by both kinds of partial set: one config, the same champion, labels.csv unchanged. */
export function checkSet(
  set: {
    partial: TrainPartialHeader;
    file: string;
  }[],
  fg: FeatureGroup,
  champion: number | null,
  dataset: string,
): { config: TrainingConfig & { includeSynthetic: boolean }; configHash: string } {
  checkSame(set, 'training config (configHash)', (p) => p.configHash);
  checkSame(set, 'champion version', (p) => p.champion, {
    value: champion,
    where: `the champion in models/${dataset}/index.json now`,
  });
  checkLabelsUnchanged(fg, set);
  const config = set[0].partial.config;
  const configHash = configHashOf(config);
  if (configHash !== set[0].partial.configHash)
    throw new ShardError(`${set[0].file}: configHash does not match its config (edited by hand?)`);
  return { config, configHash };
}

const round6 = (x: number) => Number(x.toFixed(6));

/** The merged correlation of each feature with the label, rounded as fitFeatureView rounds it. */
export function round6Record(
  schema: readonly FeatureSchema[],
  moments: CorrelationMoments,
): Record<string, number> {
  const r = correlationsOf(moments);
  const correlations: Record<string, number> = {};
  schema.forEach((f, j) => {
    correlations[f.name] = round6(r[j]);
  });
  return correlations;
}
