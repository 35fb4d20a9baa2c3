// infer action: batch predictions with each dataset's champion; with shard/merge, one shard's part of the
// log written to a partials folder, or all shards' parts merged into the log.

import { type InferResult, infer } from '../../lib/pipelines/infer.js';
import { inferShard } from '../../lib/pipelines/shards/infer-shard.js';
import { mergeInferShards } from '../../lib/pipelines/shards/merge-infer.js';
import { shardText } from '../../lib/pipelines/shards/plan.js';
import { type ActionDeps, type ActionReport, eachDataset } from '../../lib/platform/action-kit.js';
import type { InferInputs } from './inputs.js';
import { inferReport } from './summary.js';

export async function run(inputs: InferInputs, { core, ws }: ActionDeps): Promise<ActionReport> {
  const { now, shard, merge, partials } = inputs;
  const each = await eachDataset<InferResult>(
    core,
    inputs.datasets,
    (spec) => `infer ${spec.name}${shard ? ` shard ${shardText(shard)}` : ''}`,
    (spec) => {
      if (shard) {
        const s = inferShard(ws, spec, { now, shard, partials });
        core.info(
          `months ${s.months.join(', ') || 'none'}: ${s.predicted} new prediction(s) → ${ws.rel(s.file)}`,
        );
        return {
          dataset: spec.name,
          modelVersion: s.modelVersion,
          predicted: s.predicted,
          actualsFilled: s.actualsFilled,
          total: 0,
          waitingForLabel: 0,
        };
      }
      const r = merge
        ? mergeInferShards(ws, spec, { partials, now: inputs.nowGiven ? now : undefined })
        : infer(ws, spec, { now });
      core.info(
        `champion v${r.modelVersion}: ${r.predicted} new prediction(s), ${r.actualsFilled} actual(s) filled in; log has ${r.total} rows`,
      );
      return r;
    },
  );
  return inferReport(each, shard ? `${shardText(shard)}` : null, ws.rel(partials));
}
