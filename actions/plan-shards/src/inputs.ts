// The plan-shards action's inputs, declared once: INPUT_NAMES are action.yml's (test/repo/workflows.test.ts
// compares them), and readInputs can read no other.

import { specOf, type Workspace } from '../../lib/files/workspace.js';
import { MAX_SHARDS } from '../../lib/pipelines/options.js';
import type { InputReader } from '../../lib/platform/action-inputs.js';
import type { DatasetSpec } from '../../lib/spec/spec.js';

export const INPUT_NAMES = ['dataset', 'max-rows', 'max-shards', 'now'] as const;

export interface PlanShardsInputs {
  specs: DatasetSpec[];
  maxRows: number;
  maxShards: number;
  now: Date;
}

export function readInputs(
  input: InputReader<(typeof INPUT_NAMES)[number]>,
  ws: Workspace,
): PlanShardsInputs {
  return {
    // The plan is one shard count for every dataset's matrix jobs: it needs every spec (an invalid one fails it).
    specs: input.datasets(ws).map(specOf),
    maxRows: input.integer('max-rows', { min: 1 }) ?? 1_000_000,
    maxShards: input.integer('max-shards', { min: 1, max: MAX_SHARDS }) ?? 16,
    now: input.now(),
  };
}
