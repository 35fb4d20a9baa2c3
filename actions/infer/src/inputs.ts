// The infer action's inputs, declared once: INPUT_NAMES are action.yml's (test/repo/workflows.test.ts
// compares them), and readInputs can read no other.

import type { SelectedDataset, Workspace } from '../../lib/files/workspace.js';
import type { ShardStep } from '../../lib/pipelines/options.js';
import type { InputReader } from '../../lib/platform/action-inputs.js';

export const INPUT_NAMES = ['dataset', 'shard', 'merge', 'partials', 'now'] as const;

export interface InferInputs extends ShardStep {
  datasets: SelectedDataset[];
  now: Date;
  /** Input 'now' was given: a merge checks the clock against the shards' only then. */
  nowGiven: boolean;
}

export function readInputs(input: InputReader<(typeof INPUT_NAMES)[number]>, ws: Workspace): InferInputs {
  return {
    datasets: input.datasets(ws),
    now: input.now(),
    nowGiven: input.given('now'),
    ...input.shardStep(ws),
  };
}
