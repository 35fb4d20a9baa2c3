// train action: model training behind the champion/challenger gate; in pull-request mode, a metrics diff
// comment; with shard/merge, one shard's statistics or the merge of all shards.

import { gateMetricFor, toleranceFor } from '../../lib/pipelines/options.js';
import { mergeTrainShards } from '../../lib/pipelines/shards/merge-train.js';
import { shardText } from '../../lib/pipelines/shards/plan.js';
import { type ShardTrainResult, trainShard } from '../../lib/pipelines/shards/train-shard.js';
import { type TrainResult, trainDataset } from '../../lib/pipelines/train.js';
import { type ActionDeps, type ActionReport, eachDataset } from '../../lib/platform/action-kit.js';
import { championVersions } from '../../lib/registry/model-registry.js';
import type { DatasetSpec } from '../../lib/spec/spec.js';
import type { TrainInputs } from './inputs.js';
import { postMetricsComments } from './pull-request.js';
import { shardReport, skippedText, trainReport } from './summary.js';

export async function run(inputs: TrainInputs, deps: ActionDeps): Promise<ActionReport> {
  const { core, ws } = deps;
  const { now, shard, partials, algorithm, split, seed, folds, includeSynthetic, asOf } = inputs;
  if (shard) {
    const opts = { now, shard, partials, algorithm, split, seed, folds, includeSynthetic, asOf };
    const each = await eachDataset<ShardTrainResult>(
      core,
      inputs.datasets,
      (d) => `train ${d.name} shard ${shardText(shard)}`,
      (spec) => {
        const r = trainShard(ws, spec, { ...opts, progress: (line) => core.info(line) });
        core.info(`${r.eligible} labelled rows (${r.test} holdout) → ${r.file}`);
        return r;
      },
    );
    const champions = championVersions(ws, each.results);
    return shardReport(each, shardText(shard), champions, ws);
  }
  // Each result with its spec: the pull-request comment is per dataset.
  const each = await eachDataset<{ spec: DatasetSpec; r: TrainResult }>(
    core,
    inputs.datasets,
    (d) => `train ${d.name}`,
    (spec) => {
      const r = trainOrMerge(spec, inputs, deps);
      core.info(
        r.entry
          ? `v${r.entry.version} → ${r.entry.status}. ${r.entry.decision}`
          : `skipped: ${skippedText(r)}`,
      );
      return { spec, r };
    },
  );
  const results = each.results.map((x) => x.r);
  const champions = championVersions(ws, results);
  const report = trainReport(each, results, champions, inputs);
  if (inputs.pullRequest !== null)
    report.summary.push(...(await postMetricsComments(each.results, inputs, deps)));
  return report;
}

/** One dataset trained behind the gate, or (merge) its shards' partials merged and registered. */
function trainOrMerge(spec: DatasetSpec, inputs: TrainInputs, { core, ws }: ActionDeps): TrainResult {
  const gate = {
    now: inputs.now,
    force: inputs.force,
    promote: inputs.promote,
    tolerance: toleranceFor(spec, inputs.tolerance),
    gateMetric: gateMetricFor('gate-metric', spec, inputs.gateMetric),
    progress: (line: string) => core.info(line),
  };
  if (inputs.merge) return mergeTrainShards(ws, spec, { ...gate, partials: inputs.partials });
  const { algorithm, split, seed, folds, includeSynthetic, asOf } = inputs;
  return trainDataset(ws, spec, {
    ...gate,
    ...{ algorithm, split, seed, folds, includeSynthetic, asOf },
    warn: (w) => core.warning(`${spec.name}: ${w}`),
  });
}
