// The gate of a sharded training merge: the merged model's holdout metrics and its comparison with the
// champion on the holdout rows the champion never saw.
import type { FeatureGroup } from '../../features/feature-group.js';
import type { SchemaMismatchError, ServingModel } from '../../models/serving-model.js';
import type { DatasetSpec, Task } from '../../spec/spec.js';
import { classificationMetrics, regressionMetrics } from '../../training/metrics.js';
import { residualInterval } from '../../training/training.js';
import { type ChampionCheck, gateCheck, isFreshForChampion, regressionGateCheck } from '../train.js';
import type { HoldoutPass } from './holdout-pass.js';

/**
 * The merged model's holdout metrics and the gate's comparison with the champion on the holdout rows it
 * never saw; a regressor gains its residual interval here.
 */
export function gateMerged(
  spec: DatasetSpec,
  fg: FeatureGroup,
  model: ServingModel,
  pass: HoldoutPass,
  at: {
    task: Task;
    test: number;
    held: ReadonlySet<number> | null;
    champion: boolean;
    mismatch: SchemaMismatchError | null;
  },
): { model: ServingModel; holdout: FittedHoldout; championCheck: ChampionCheck | null } {
  const { task, test, held, champion, mismatch } = at;
  const { actual, predicted, championPredicted, testIds, testKeys } = pass;
  const fresh = testIds.flatMap((id, r) =>
    isFreshForChampion(held, pass.championTrained, id, testKeys[r]) ? [r] : [],
  );
  const trainMean = pass.trainSum / Math.max(pass.trainSeen, 1);
  const o = { holdoutRows: test, known: held !== null };
  let championCheck: ChampionCheck | null = null;
  if (task === 'regression') {
    const pick = (a: Float64Array) => Float64Array.from(fresh, (r) => a[r]);
    if (champion)
      championCheck = mismatch
        ? { mismatch }
        : regressionGateCheck(pick(actual), pick(predicted), pick(championPredicted), {
            ...o,
            tolerances: spec.label.tolerances,
            trainMean,
          });
    const holdout = regressionMetrics(actual, predicted, trainMean, spec.label.tolerances);
    const interval = residualInterval(model, actual, predicted);
    return { model: interval ? model.withInterval(interval) : model, holdout, championCheck };
  }
  const values = fg.meta.label.classes.map((c) => c.value);
  const pick = (a: Float64Array) => Int32Array.from(fresh, (r) => a[r]);
  if (champion)
    championCheck = mismatch
      ? { mismatch }
      : gateCheck(pick(actual), pick(predicted), pick(championPredicted), { ...o, classes: values });
  const holdout = classificationMetrics(Int32Array.from(actual), Int32Array.from(predicted), values);
  return { model, holdout, championCheck };
}

export type FittedHoldout = ReturnType<typeof regressionMetrics> | ReturnType<typeof classificationMetrics>;
