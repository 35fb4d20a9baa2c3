// The pull-request comment of the train check: the champion against the model this pull request trains.
import { metricsDiffMarkdown } from '../../lib/github.js';
import type { TrainResult } from '../../lib/pipelines/train.js';
import type { DatasetSpec } from '../../lib/spec.js';

export function metricsCommentMarkdown(spec: DatasetSpec, r: TrainResult, headSha: string | null): string {
  const title = `### Model metrics: ${spec.title} (\`${spec.name}\`)`;
  const at = headSha ? ` at ${headSha.slice(0, 12)}` : '';
  if (!r.entry) return `${title}\n\nNo new model${at}: ${r.skipped}.`;
  const e = r.entry;
  const before = r.previousChampion;
  // With a champion, both columns are on the holdout rows the champion never saw (the gate's rows).
  const table = metricsDiffMarkdown(
    before ? { accuracy: before.accuracy, macroF1: before.macroF1 } : null,
    before
      ? { accuracy: before.challengerAccuracy, macroF1: before.challengerMacroF1 }
      : { accuracy: e.holdout.accuracy, macroF1: e.holdout.macroF1, weightedF1: e.holdout.weightedF1 },
    {
      championLabel: before ? `champion v${before.version}` : 'champion (none)',
      challengerLabel: `this pull request (${e.algorithm})`,
    },
  );
  const verdict =
    e.status === 'champion'
      ? 'On merge and retrain this model would **become champion**.'
      : 'On merge and retrain this model would **stay a challenger**.';
  return [
    title,
    '',
    before
      ? `The model trained${at} against the current champion, on the ${before.rows} of its ${e.holdout.rows} holdout rows the champion never saw:`
      : `The model trained${at} on its ${e.holdout.rows} holdout rows (no champion to compare with):`,
    '',
    table,
    '',
    `${verdict} ${e.decision}`,
  ].join('\n');
}
