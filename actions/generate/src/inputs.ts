// The generate action's inputs, declared once: INPUT_NAMES are action.yml's (test/repo/workflows.test.ts
// compares them), and readInputs can read no other.

import type { SelectedDataset, Workspace } from '../../lib/files/workspace.js';
import { DEFAULT_MAX_DAYS } from '../../lib/pipelines/daily-schedule.js';
import { DAYS, type Drift, ROWS } from '../../lib/pipelines/options.js';
import type { InputReader } from '../../lib/platform/action-inputs.js';

export const INPUT_NAMES = [
  'dataset',
  'date',
  'days',
  'max-days',
  'rows',
  'drift',
  'drift-start',
  'now',
] as const;

export interface GenerateInputs {
  datasets: SelectedDataset[];
  now: Date;
  date: string | undefined;
  /** Undefined: every day missed since the last generated one, at most maxDays. */
  days: number | undefined;
  maxDays: number;
  rows: number | undefined;
  /** Undefined: the spec decides; null: no drift. */
  drift: Drift;
}

export function readInputs(input: InputReader<(typeof INPUT_NAMES)[number]>, ws: Workspace): GenerateInputs {
  const datasets = input.datasets(ws);
  const now = input.now();
  const date = input.date('date');
  const days = input.integer('days', DAYS);
  const maxDays = input.integer('max-days', DAYS) ?? DEFAULT_MAX_DAYS;
  const rows = input.integer('rows', ROWS);
  return { datasets, now, date, days, maxDays, rows, drift: input.drift({ date, now }) };
}
