// The backfill action's outputs and job summary, from its results (pure).

import type { BackfillResult } from '../../lib/pipelines/backfill.js';
import {
  type ActionReport,
  type EachDatasetResult,
  summaryTableBlock,
} from '../../lib/platform/action-kit.js';

export function backfillReport({
  results,
  failed,
  summary,
  exitCode,
}: EachDatasetResult<BackfillResult>): ActionReport {
  return {
    outputs: {
      'failed-datasets': failed.join(','),
      'rows-added': results.reduce((s, r) => s + r.added, 0),
      'rows-by-dataset': Object.fromEntries(results.map((r) => [r.dataset, r.added])),
      quarantined: results.reduce((s, r) => s + r.rejected.length, 0),
      versions: Object.fromEntries(results.map((r) => [r.dataset, r.version])),
    },
    summary: [
      ...summary,
      summaryTableBlock(
        'Backfill',
        ['dataset', 'feature group', 'rows added', 'quarantined', 'note'],
        results.map((r) => [r.dataset, `v${r.version}`, r.added, r.rejected.length, r.skipped ?? '']),
      ),
    ],
    exitCode,
  };
}
