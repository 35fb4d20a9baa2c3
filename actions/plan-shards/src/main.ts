// plan-shards action: how many shards the sharded workflow's map step runs, from the feature groups'
// row counts in metadata.json — one shard unless a group exceeds max-rows.
import { input, output, runAction, summaryTable, workspace } from '../../lib/action-kit.js';
import { FeatureGroup, isoSeconds } from '../../lib/feature-group.js';
import { MAX_SHARDS, planShardCount } from '../../lib/sharding.js';
import { specOf } from '../../lib/workspace.js';

await runAction(() => {
  const ws = workspace();
  // The plan is one shard count for every dataset's matrix jobs: it needs every spec (an invalid one fails it).
  const specs = input.datasets(ws).map(specOf);
  const maxRows = input.integer('max-rows', { min: 1 }) ?? 1_000_000;
  const maxShards = input.integer('max-shards', { min: 1, max: MAX_SHARDS }) ?? 16;
  const now = input.now();

  const plans = specs.map((spec) => {
    const fg = FeatureGroup.open(ws, spec);
    const months = fg.months().length;
    return {
      dataset: spec.name,
      rows: fg.meta.rows,
      months,
      count: planShardCount(fg.meta.rows, months, maxRows, maxShards),
    };
  });
  // One shard count for the run: every dataset's shards run in the same matrix jobs.
  const count = Math.max(...plans.map((p) => p.count));
  output('count', count);
  output(
    'shards',
    Array.from({ length: count }, (_, i) => i + 1),
  );
  output('sharded', count > 1);
  // Shards run at different times; predictions of one run must carry one clock.
  output('now', isoSeconds(now));
  output('rows', Object.fromEntries(plans.map((p) => [p.dataset, p.rows])));
  summaryTable(
    `Shard plan: ${count} shard(s) (max ${maxRows} rows per shard, at most ${maxShards})`,
    ['dataset', 'rows', 'partitions', 'shards it needs'],
    plans.map((p) => [p.dataset, p.rows, p.months, p.count]),
  );
});
