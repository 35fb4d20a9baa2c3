// Sharded training: Gaussian naive Bayes for a classifier, linear or ridge regression for a regressor.
// Regression works the same way with LinearRegression's sufficient statistics (row count, means and the
// centred XᵀX, Xᵀy, yᵀy of the training rows, merged exactly), fitted at the merge as the unsharded
// `train --algorithm linear-regression|ridge --no-search --split hash` fits (ridge's standardisation is
// applied to the merged statistics), with the holdout residuals' interval. Classification: map (`train --shard i/n`): a shard reads its months one
// partition at a time and writes the model's mergeable sufficient statistics — per-class counts, means
// and squared deviations of the training rows, plus the moments of each feature's correlation with the
// label — to a gitml.nb-partial file. Reduce (`train --merge`): the statistics of all n shards are merged
// into the model an unsharded `train --algorithm gaussian-nb --no-search --split hash` fits on the same
// rows (equal up to floating-point rounding), which is then registered exactly as that run would.
import type { Workspace } from '../../files/workspace.js';
import { type DatasetSpec, taskOf } from '../../spec/spec.js';
import type { TrainOptions } from '../train.js';
import { trainLinearShard } from './linear-partials.js';
import { trainNbShard } from './nb-partials.js';
import type { Shard } from './plan.js';

export interface ShardTrainResult {
  dataset: string;
  shard: Shard;
  file: string;
  months: string[];
  eligible: number;
  test: number;
}

/** What `train --shard i/n --partials DIR` asks of a shard. */
export type ShardTrainOptions = TrainOptions & { shard: Shard; partials: string };

/** Map: the statistics of one shard's months, written to `partials`/train-<dataset>-<i>-of-<n>.json. */
export function trainShard(ws: Workspace, spec: DatasetSpec, opts: ShardTrainOptions): ShardTrainResult {
  return taskOf(spec.label) === 'regression'
    ? trainLinearShard(ws, spec, opts)
    : trainNbShard(ws, spec, opts);
}
