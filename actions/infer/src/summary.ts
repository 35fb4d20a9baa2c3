// The infer action's outputs and job summary, from each dataset's result (pure).

import type { InferResult } from '../../lib/pipelines/infer.js';
import {
  type ActionReport,
  type EachDatasetResult,
  summaryTableBlock,
} from '../../lib/platform/action-kit.js';

/** `shard`: 'i/n' when this step ran one shard (written to `partials`, not yet the log), else null. */
export function inferReport(
  { results, failed, summary, exitCode }: EachDatasetResult<InferResult>,
  shard: string | null,
  partials: string,
): ActionReport {
  return {
    outputs: {
      'failed-datasets': failed.join(','),
      predicted: results.reduce((s, r) => s + r.predicted, 0),
      'predictions-by-dataset': Object.fromEntries(results.map((r) => [r.dataset, r.predicted])),
      'model-versions': Object.fromEntries(results.map((r) => [r.dataset, r.modelVersion])),
      'waiting-for-label': results.reduce((s, r) => s + r.waitingForLabel, 0),
    },
    summary: [
      ...summary,
      summaryTableBlock(
        shard
          ? `Batch inference, shard ${shard} (written to ${partials}, not yet the log)`
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
      ),
    ],
    exitCode,
  };
}
