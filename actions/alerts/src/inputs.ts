// The alerts action's inputs, declared once: INPUT_NAMES are action.yml's (test/repo/workflows.test.ts
// compares them), and readInputs can read no other.

import type { SelectedDataset, Workspace } from '../../lib/files/workspace.js';
import type { InputReader } from '../../lib/platform/action-inputs.js';

export const INPUT_NAMES = ['dataset', 'token', 'dashboard-url'] as const;

export interface AlertsInputs {
  datasets: SelectedDataset[];
  token: string;
  /** Given: the Pages address; empty: the default https://<owner>.github.io/<repo>/. */
  dashboardUrl: string;
}

export function readInputs(input: InputReader<(typeof INPUT_NAMES)[number]>, ws: Workspace): AlertsInputs {
  return {
    datasets: input.datasets(ws),
    token: input.required('token'),
    dashboardUrl: input.string('dashboard-url'),
  };
}
