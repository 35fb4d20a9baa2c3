// The train action's inputs, declared once: INPUT_NAMES are action.yml's (test/repo/workflows.test.ts
// compares them), and readInputs can read no other. The rules between inputs are checked here, before
// anything runs.

import type { SelectedDataset, Workspace } from '../../lib/files/workspace.js';
import { ALGORITHMS } from '../../lib/models/algorithms.js';
import { REGRESSION_ALGORITHMS } from '../../lib/models/regressors.js';
import { FOLDS, SEED, type ShardStep } from '../../lib/pipelines/options.js';
import { REGRESSION_GATE_METRICS } from '../../lib/pipelines/train.js';
import { ActionInputError, type InputReader } from '../../lib/platform/action-inputs.js';
import { taskOf } from '../../lib/spec/spec.js';
import { SPLIT_KINDS, type SplitKind } from '../../lib/training/training.js';

export const INPUT_NAMES = [
  'dataset',
  'algorithm',
  'promote',
  'force',
  'tolerance',
  'gate-metric',
  'split',
  'seed',
  'folds',
  'include-synthetic',
  'as-of',
  'token',
  'pull-request',
  'head-sha',
  'now',
  'shard',
  'merge',
  'partials',
] as const;

export interface TrainInputs extends ShardStep {
  datasets: SelectedDataset[];
  /** Undefined: 'auto', the cross-validated search. */
  algorithm: string | undefined;
  promote: boolean;
  force: boolean;
  tolerance: number | undefined;
  gateMetric: (typeof REGRESSION_GATE_METRICS)[number] | undefined;
  /** Undefined: the task's default (stratified for a classifier, shuffle for a regressor). */
  split: SplitKind | undefined;
  seed: number | undefined;
  folds: number | undefined;
  includeSynthetic: boolean;
  asOf: string | undefined;
  token: string;
  pullRequest: number | null;
  headSha: string;
  now: Date;
}

export function readInputs(input: InputReader<(typeof INPUT_NAMES)[number]>, ws: Workspace): TrainInputs {
  const datasets = input.datasets(ws);
  // The selected datasets' tasks decide which algorithms may be named (both when they mix).
  const tasks = new Set(datasets.flatMap((s) => (s.spec ? [taskOf(s.spec.label)] : [])));
  const algorithm = input.choice(
    'algorithm',
    [
      'auto',
      ...(tasks.has('classification') || tasks.size === 0 ? ALGORITHMS.map((a) => a.name) : []),
      ...(tasks.has('regression') ? REGRESSION_ALGORITHMS.map((a) => a.name) : []),
    ],
    'auto',
  );
  const promote = input.boolean('promote', false);
  const force = input.boolean('force', false);
  // A regressor's tolerance is in its gate metric's units; a classifier's (a share of macro-F1) is checked per dataset.
  const tolerance = input.tolerance(tasks.has('regression'));
  const gateMetric = input.given('gate-metric')
    ? input.choice('gate-metric', REGRESSION_GATE_METRICS, 'mae')
    : undefined;
  const split = input.given('split') ? input.choice('split', SPLIT_KINDS, 'stratified') : undefined;
  const seed = input.integer('seed', SEED);
  const folds = input.integer('folds', FOLDS);
  const includeSynthetic = input.boolean('include-synthetic', false);
  const asOf = input.string('as-of') || undefined;
  const token = input.string('token');
  const pullRequest = input.pullRequest();
  const headSha = input.string('head-sha');
  if (headSha && !/^[0-9a-f]{7,64}$/i.test(headSha))
    throw new ActionInputError(`input 'head-sha' must be a commit SHA (hexadecimal), got '${headSha}'`);
  const now = input.now();
  const step = input.shardStep(ws);
  if (pullRequest !== null && !token) throw new ActionInputError("input 'pull-request' needs input 'token'");
  if (pullRequest !== null && promote)
    throw new ActionInputError(
      "input 'promote' must be false with 'pull-request': a pull request never changes the champion",
    );
  if ((step.shard || step.merge) && pullRequest !== null)
    throw new ActionInputError("input 'pull-request' cannot be combined with shards");
  return {
    datasets,
    algorithm: algorithm === 'auto' ? undefined : algorithm,
    promote,
    force,
    tolerance,
    gateMetric,
    split,
    seed,
    folds,
    includeSynthetic,
    asOf,
    token,
    pullRequest,
    headSha,
    now,
    ...step,
  };
}
