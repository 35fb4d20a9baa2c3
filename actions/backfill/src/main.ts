// backfill action: builds the feature groups from the raw source files.

import { type BackfillResult, backfill } from '../../lib/pipelines/backfill.js';
import {
  type ActionDeps,
  type ActionReport,
  annotateQuarantined,
  eachDataset,
} from '../../lib/platform/action-kit.js';
import type { BackfillInputs } from './inputs.js';
import { backfillReport } from './summary.js';

export async function run(inputs: BackfillInputs, { core, ws }: ActionDeps): Promise<ActionReport> {
  const each = await eachDataset<BackfillResult>(
    core,
    inputs.datasets,
    (spec) => `backfill ${spec.name}`,
    (spec) => {
      const r = backfill(ws, spec, { now: inputs.now, newVersion: inputs.newVersion });
      core.info(r.skipped ?? `v${r.version}: ${r.added} rows added, ${r.rejected.length} quarantined`);
      return r;
    },
  );
  for (const r of each.results) annotateQuarantined(core, r.rejected);
  return backfillReport(each);
}
