// plan-shards action: how many shards the sharded workflow's map step runs, from the feature groups'
// row counts in metadata.json — one shard unless a group exceeds max-rows.

import { FeatureGroup } from '../../lib/features/feature-group.js';
import { planShardCount } from '../../lib/pipelines/shards/plan.js';
import type { ActionDeps, ActionReport } from '../../lib/platform/action-kit.js';
import type { PlanShardsInputs } from './inputs.js';
import { planReport } from './summary.js';

export function run(inputs: PlanShardsInputs, { ws }: ActionDeps): ActionReport {
  const plans = inputs.specs.map((spec) => {
    const fg = FeatureGroup.open(ws, spec);
    const months = fg.months().length;
    return {
      dataset: spec.name,
      rows: fg.meta.rows,
      months,
      count: planShardCount(fg.meta.rows, months, inputs.maxRows, inputs.maxShards),
    };
  });
  return planReport(plans, inputs);
}
