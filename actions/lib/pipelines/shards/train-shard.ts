// Map of sharded training (`train --shard i/n`): a shard reads its months one partition at a time and
// writes the mergeable sufficient statistics of its training rows to a partial — Gaussian naive Bayes
// for a classifier (nb-partials.ts), linear or ridge regression for a regressor (linear-partials.ts).
// The reduce (`train --merge`, merge-train.ts) merges all n into the model an unsharded
// `train --algorithm A --no-search --split hash` fits on the same rows (equal up to floating-point
// rounding) and registers it exactly as that run would.
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
