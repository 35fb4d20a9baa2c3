// The monitor action's inputs, declared once: INPUT_NAMES are action.yml's (test/repo/workflows.test.ts
// compares them), and readInputs can read no other.

import type { SelectedDataset, Workspace } from '../../lib/files/workspace.js';
import { WINDOW_DAYS } from '../../lib/pipelines/options.js';
import type { InputReader } from '../../lib/platform/action-inputs.js';

export const INPUT_NAMES = ['dataset', 'window', 'report', 'dashboard-url', 'now'] as const;

export interface MonitorInputs {
  datasets: SelectedDataset[];
  windowDays: number | undefined;
  /** Also write the repository report (README.md and dashboard.svg). */
  withReport: boolean;
  /** Given: the Pages address; empty: the default https://<owner>.github.io/<repo>/. */
  dashboardUrl: string;
  now: Date;
}

export function readInputs(input: InputReader<(typeof INPUT_NAMES)[number]>, ws: Workspace): MonitorInputs {
  return {
    datasets: input.datasets(ws),
    windowDays: input.integer('window', WINDOW_DAYS),
    withReport: input.boolean('report', true),
    dashboardUrl: input.string('dashboard-url'),
    now: input.now(),
  };
}
