// infer action: batch predictions with each dataset's champion.
import { core, input, output, runAction, summaryTable, workspace } from '../../lib/action-kit.js';
import { type InferResult, infer } from '../../lib/pipelines/infer.js';

await runAction(async () => {
  const ws = workspace();
  const specs = input.datasets(ws);
  const now = input.now();

  const results: InferResult[] = [];
  for (const spec of specs) {
    results.push(
      await core.group(`infer ${spec.name}`, async () => {
        const r = infer(ws, spec, { now });
        core.info(
          `champion v${r.modelVersion}: ${r.predicted} new prediction(s), ${r.actualsFilled} actual(s) filled in; log has ${r.total} rows`,
        );
        return r;
      }),
    );
  }

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
    'Batch inference',
    ['dataset', 'champion', 'new predictions', 'actuals filled in', 'log rows', 'waiting for a label'],
    results.map((r) => [
      r.dataset,
      `v${r.modelVersion}`,
      r.predicted,
      r.actualsFilled,
      r.total,
      r.waitingForLabel,
    ]),
  );
});
