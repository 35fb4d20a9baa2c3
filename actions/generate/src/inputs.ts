// The generate action's inputs, declared once: INPUT_NAMES are action.yml's (test/workflows.test.ts
// compares them), and readInputs can read no other.

import type { SelectedDataset, Workspace } from '../../lib/files/workspace.js';
import { DEFAULT_MAX_DAYS } from '../../lib/pipelines/daily-schedule.js';
import { MAX_DAYS } from '../../lib/pipelines/generate.js';
import { DRIFT_SD_PER_DAY, MAX_ROWS_PER_DAY } from '../../lib/pipelines/option-bounds.js';
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
  drift: { start: string; sdPerDay: number } | null | undefined;
}

export function readInputs(input: InputReader<(typeof INPUT_NAMES)[number]>, ws: Workspace): GenerateInputs {
  const datasets = input.datasets(ws);
  const now = input.now();
  const date = input.date('date');
  const days = input.integer('days', { min: 1, max: MAX_DAYS });
  const maxDays = input.integer('max-days', { min: 1, max: MAX_DAYS }) ?? DEFAULT_MAX_DAYS;
  const rows = input.integer('rows', { min: 1, max: MAX_ROWS_PER_DAY });
  const sdPerDay = input.number('drift', DRIFT_SD_PER_DAY);
  const driftStart = input.date('drift-start');
  // Empty drift input: the spec decides; 0 turns drift off; otherwise drift from drift-start (or date).
  const drift =
    sdPerDay === undefined
      ? undefined
      : sdPerDay === 0
        ? null
        : { start: driftStart ?? date ?? now.toISOString().slice(0, 10), sdPerDay };
  return { datasets, now, date, days, maxDays, rows, drift };
}
