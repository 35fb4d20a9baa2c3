// backfill action: builds the feature groups from the raw source files.
import {
  annotateQuarantined,
  core,
  eachDataset,
  input,
  output,
  runStage,
  summaryTable,
  workspace,
} from '../../lib/action-kit.js';
import { type BackfillResult, backfill } from '../../lib/pipelines/backfill.js';

await runStage(async () => {
  const ws = workspace();
  const specs = input.datasets(ws);
  const newVersion = input.boolean('new-version', false);
  const now = input.now();

  const { results, failed } = await eachDataset<BackfillResult>(
    specs,
    (spec) => `backfill ${spec.name}`,
    (spec) => {
      const r = backfill(ws, spec, { now, newVersion });
      core.info(r.skipped ?? `v${r.version}: ${r.added} rows added, ${r.rejected.length} quarantined`);
      return r;
    },
  );
  output('failed-datasets', failed.join(','));
  for (const r of results) annotateQuarantined(r.rejected);

  output(
    'rows-added',
    results.reduce((s, r) => s + r.added, 0),
  );
  output('rows-by-dataset', Object.fromEntries(results.map((r) => [r.dataset, r.added])));
  output(
    'quarantined',
    results.reduce((s, r) => s + r.rejected.length, 0),
  );
  output('versions', Object.fromEntries(results.map((r) => [r.dataset, r.version])));
  summaryTable(
    'Backfill',
    ['dataset', 'feature group', 'rows added', 'quarantined', 'note'],
    results.map((r) => [r.dataset, `v${r.version}`, r.added, r.rejected.length, r.skipped ?? '']),
  );
});
