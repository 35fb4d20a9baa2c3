// What a sharded training run fits and how: the algorithm (gaussian-nb, or linear/ridge regression), the
// training config of the unsharded run it matches, the raw feature view its statistics are taken on, the
// fields both kinds of training partial carry, and the finite-feature check both kinds of shard make.
import type { FeatureGroup } from '../../features/feature-group.js';
import type { FeatureTable } from '../../features/feature-table.js';
import type { FeatureViewJSON, ViewColumn } from '../../features/feature-view.js';
import { type DatasetSpec, type FeatureSchema, taskOf } from '../../spec/spec.js';
import type { TrainingConfig } from '../../training/training.js';
import { TrainingError } from '../../training/training.js';
import { OptionError } from '../options.js';
import { type TrainOptions, trainingConfig } from '../train.js';
import type { PartialHeader } from './partial-files.js';
import { ShardError } from './shard-error.js';

/** The classifier fitted from mergeable statistics. */
export const SHARDED_CLASSIFIER = 'gaussian-nb';

/** The regressors fitted from mergeable statistics. */
export const SHARDABLE_REGRESSORS = ['linear-regression', 'ridge'] as const;

/**
 * The algorithm a sharded run fits: gaussian-nb for a classifier; for a regressor the one asked for,
 * else the spec's when it can be sharded, else ridge.
 */
export function shardedAlgorithm(spec: DatasetSpec, asked: string | undefined): string {
  if (taskOf(spec.label) === 'classification') {
    if (asked !== undefined && asked !== SHARDED_CLASSIFIER)
      throw new ShardError(
        `sharded training fits ${SHARDED_CLASSIFIER} from mergeable statistics; '${asked}' cannot be sharded`,
      );
    return SHARDED_CLASSIFIER;
  }
  const shardable: readonly string[] = SHARDABLE_REGRESSORS;
  if (asked !== undefined && !shardable.includes(asked))
    throw new ShardError(
      `sharded regression fits ${SHARDABLE_REGRESSORS.join(' or ')} from mergeable statistics; '${asked}' cannot be sharded`,
    );
  return asked ?? (shardable.includes(spec.model.algorithm) ? spec.model.algorithm : 'ridge');
}

/**
 * The training config of a sharded run: gaussian-nb (or linear/ridge regression), no search, hash split —
 * what the unsharded `train --algorithm A --no-search --split hash` uses, so both give the same configHash.
 */
export function shardedTrainingConfig(
  spec: DatasetSpec,
  opts: TrainOptions,
): TrainingConfig & { includeSynthetic: boolean } {
  const algorithm = shardedAlgorithm(spec, opts.algorithm);
  if (opts.split !== undefined && opts.split !== 'hash')
    throw new ShardError(
      `sharded training needs the hash split (a shard knows its holdout rows by their content); got '${opts.split}'`,
    );
  if (opts.asOf !== undefined)
    throw new OptionError(
      'as-of',
      (name) => `sharded training reads the working tree; ${name('as-of')} is not supported with shards`,
    );
  return trainingConfig(spec, { ...opts, algorithm, search: false, split: 'hash' });
}

/**
 * The feature view of naive Bayes on all features: numeric values as they are, categoricals one-hot
 * — what fitFeatureView gives with minAbsCorrelation 0 and no standardisation, with the correlations
 * supplied (merged from shards) instead of computed from rows in memory.
 */
export function nbView(
  schema: readonly FeatureSchema[],
  correlations: Record<string, number>,
): FeatureViewJSON {
  const columns: ViewColumn[] = [];
  for (const f of schema) {
    if (f.type === 'categorical')
      (f.categories ?? []).forEach((_, code) => {
        columns.push({ feature: f.name, code, center: 0, scale: 1 });
      });
    else columns.push({ feature: f.name, center: 0, scale: 1 });
  }
  return { features: schema.map((f) => ({ ...f })), correlations, minAbsCorrelation: 0, columns };
}

/** What both kinds of training partial carry beside the rows they read. */
export interface TrainPartialHeader extends PartialHeader {
  config: TrainingConfig & { includeSynthetic: boolean };
  configHash: string;
  /** Champion version when the shard ran; the merge refuses a different one. */
  champion: number | null;
}

/** Refuses a training row with a feature that is not a finite number, naming the row and its files. */
export function checkFiniteFeatures(
  dataset: string,
  fg: FeatureGroup,
  month: string,
  t: FeatureTable,
  i: number,
) {
  const schema = fg.meta.features;
  for (let j = 0; j < schema.length; j++) {
    if (!Number.isFinite(t.columns[j][i]))
      throw new TrainingError(
        `${dataset}: feature '${schema[j].name}' is ${t.columns[j][i]} in row id ${t.ids[i]} (${fg.partitionPaths(month).join(', ')}); training needs finite values`,
      );
  }
}
