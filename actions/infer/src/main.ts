// infer action: batch predictions with each dataset's champion; with shard/merge, one shard's part of the
// log written to a partials folder, or all shards' parts merged into the log.
import { core, eachDataset, input, output, runStage, summaryTable, workspace } from '../../lib/action-kit.js';
import { type InferResult, infer } from '../../lib/pipelines/infer.js';
import { inferShard, mergeInferShards } from '../../lib/pipelines/infer-shards.js';
import { shardText } from '../../lib/sharding.js';

await runStage(async () => {
  const ws = workspace();
  const specs = input.datasets(ws);
  const now = input.now();
  const { shard, merge, partials: dir } = input.shardStep(ws);

  const { results, failed } = await eachDataset<InferResult>(
    specs,
    (spec) => `infer ${spec.name}${shard ? ` shard ${shardText(shard)}` : ''}`,
    (spec) => {
      if (shard) {
        const s = inferShard(ws, spec, { now, shard, partials: dir });
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
      // The merge checks the clock against the shards' only when input 'now' is given.
      const r = merge
        ? mergeInferShards(ws, spec, { partials: dir, now: input.string('now') ? now : undefined })
        : infer(ws, spec, { now });
      core.info(
        `champion v${r.modelVersion}: ${r.predicted} new prediction(s), ${r.actualsFilled} actual(s) filled in; log has ${r.total} rows`,
      );
      return r;
    },
  );
  output('failed-datasets', failed.join(','));

  output(
    'predicted',
    results.reduce((s, r) => s + r.predicted, 0),
  );
  output('predictions-by-dataset', Object.fromEntries(results.map((r) => [r.dataset, r.predicted])));
  output('model-versions', Object.fromEntries(results.map((r) => [r.dataset, r.modelVersion])));
  output(
    'waiting-for-label',
    results.reduce((s, r) => s + r.waitingForLabel, 0),
  );
  summaryTable(
    shard
      ? `Batch inference, shard ${shardText(shard)} (written to ${ws.rel(dir)}, not yet the log)`
      : 'Batch inference',
    ['dataset', 'champion', 'new predictions', 'actuals filled in', 'log rows', 'waiting for a label'],
    results.map((r) => [
      r.dataset,
      shard ? '—' : `v${r.modelVersion}`,
      r.predicted,
      r.actualsFilled,
      shard ? '—' : r.total,
      shard ? '—' : r.waitingForLabel,
    ]),
  );
});
