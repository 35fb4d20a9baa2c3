// The pull-request comment of the train check: the champion against the model this pull request trains.

import type { TrainResult } from '../../lib/pipelines/train.js';
import { metricsDiffMarkdown } from '../../lib/platform/github.js';
import { isRegressionHoldout } from '../../lib/registry/model-registry.js';
import type { DatasetSpec } from '../../lib/spec/spec.js';
import { skippedText } from './summary.js';

export function metricsCommentMarkdown(spec: DatasetSpec, r: TrainResult, headSha: string | null): string {
  const title = `### Model metrics: ${spec.title} (\`${spec.name}\`)`;
  const at = headSha ? ` at ${headSha.slice(0, 12)}` : '';
  if (!r.entry) return `${title}\n\nNo new model${at}: ${skippedText(r)}.`;
  const e = r.entry;
  const before = r.previousChampion;
  // With a champion, both columns are on the holdout rows the champion never saw (the gate's rows).
  const labels = {
    championLabel: before ? `champion v${before.version}` : 'champion (none)',
    challengerLabel: `this pull request (${e.algorithm})`,
  };
  let table: string;
  if (isRegressionHoldout(e.holdout)) {
    const h = e.holdout;
    const b = before && 'task' in before ? before : null;
    table = metricsDiffMarkdown(
      b ? { mae: b.mae, rmse: b.rmse, r2: b.r2 } : null,
      b
        ? { mae: b.challengerMae, rmse: b.challengerRmse, r2: b.challengerR2 }
        : { mae: h.mae, rmse: h.rmse, r2: h.r2 },
      labels,
    );
    table += `\n\nMAE and RMSE in ${spec.label.unit ? `${spec.label.unit}, ` : ''}lower is better; predicting the training mean gives MAE ${h.baselineMae.toFixed(4)}.`;
  } else {
    const h = e.holdout;
    const b = before && !('task' in before) ? before : null;
    table = metricsDiffMarkdown(
      b ? { accuracy: b.accuracy, macroF1: b.macroF1 } : null,
      b
        ? { accuracy: b.challengerAccuracy, macroF1: b.challengerMacroF1 }
        : { accuracy: h.accuracy, macroF1: h.macroF1, weightedF1: h.weightedF1 },
      labels,
    );
  }
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
