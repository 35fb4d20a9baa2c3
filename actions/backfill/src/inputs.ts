// The backfill action's inputs, declared once: INPUT_NAMES are action.yml's (test/repo/workflows.test.ts
// compares them), and readInputs can read no other.

import type { SelectedDataset, Workspace } from '../../lib/files/workspace.js';
import type { InputReader } from '../../lib/platform/action-inputs.js';

export const INPUT_NAMES = ['dataset', 'new-version', 'now'] as const;

export interface BackfillInputs {
  datasets: SelectedDataset[];
  newVersion: boolean;
  now: Date;
}

export function readInputs(input: InputReader<(typeof INPUT_NAMES)[number]>, ws: Workspace): BackfillInputs {
  return { datasets: input.datasets(ws), newVersion: input.boolean('new-version', false), now: input.now() };
}
