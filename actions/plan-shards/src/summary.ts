// The plan-shards action's outputs and job summary, from each dataset's plan (pure).

import { isoSeconds } from '../../lib/core/time.js';
import { type ActionReport, summaryTableBlock } from '../../lib/platform/action-kit.js';
import type { PlanShardsInputs } from './inputs.js';

export interface DatasetPlan {
  dataset: string;
  rows: number;
  months: number;
  /** Shards this dataset alone would need. */
  count: number;
}

export function planReport(
  plans: DatasetPlan[],
  { maxRows, maxShards, now }: PlanShardsInputs,
): ActionReport {
  // One shard count for the run: every dataset's shards run in the same matrix jobs.
  const count = Math.max(...plans.map((p) => p.count));
  return {
    outputs: {
      count,
      shards: Array.from({ length: count }, (_, i) => i + 1),
      sharded: count > 1,
      // Shards run at different times; predictions of one run must carry one clock.
      now: isoSeconds(now),
      rows: Object.fromEntries(plans.map((p) => [p.dataset, p.rows])),
    },
    summary: [
      summaryTableBlock(
        `Shard plan: ${count} shard(s) (max ${maxRows} rows per shard, at most ${maxShards})`,
        ['dataset', 'rows', 'partitions', 'shards it needs'],
        plans.map((p) => [p.dataset, p.rows, p.months, p.count]),
      ),
    ],
  };
}
