// A regression champion's predictions for inference and monitoring: the value and its interval, as the
// serving model gives them (ServingModel.predictValues, plan 4 contract 3), and the checks that the
// champion's task is the spec's. The model is reached through this one file, so the pipelines do not care
// how the serving model spells its regression side. Platform-neutral.
import type { Matrix } from './models/types.js';
import type { ServingModel } from './serving-model.js';
import type { Task } from './spec.js';

export interface ValuePredictions {
  value: Float64Array;
  low: Float64Array;
  high: Float64Array;
}

export class TaskMismatchError extends Error {
  override name = 'TaskMismatchError';
}

/** The task a served model was trained for: model.json's `task` ('regression'), absent for a classifier. */
export function modelTask(model: ServingModel): Task {
  return (model.json as { task?: unknown }).task === 'regression' ? 'regression' : 'classification';
}

/** Refuses a champion trained for the other task (the spec's label changed type since it was trained). */
export function checkModelTask(model: ServingModel, task: Task, where: string): void {
  const has = modelTask(model);
  if (has !== task)
    throw new TaskMismatchError(
      `${where}: the champion is a ${has} model but dataset.yml's label makes a ${task} task; run train to register a ${task} champion`,
    );
}

/** The predicted values with their intervals (low ≤ value ≤ high, per row) for the rows of X. */
export function predictValues(model: ServingModel, X: Matrix, where: string): ValuePredictions {
  const m = model as unknown as { predictValues?: (X: Matrix) => ValuePredictions };
  if (modelTask(model) !== 'regression' || typeof m.predictValues !== 'function')
    throw new TaskMismatchError(
      `${where}: the champion cannot predict values (model.json has no task: regression); run train to register a regression champion`,
    );
  return m.predictValues.call(model, X);
}
