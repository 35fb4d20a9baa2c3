// A regression champion's predictions for inference and monitoring: the value and its interval
// (ServingModel.predictValues), and the check that the champion's task is the spec's, so a label whose
// type changed since training is named instead of failing deep in a pipeline. Browser-safe.

import { GitmlError } from '../core/gitml-error.js';
import type { ServingModel } from '../models/serving-model.js';
import type { Matrix } from '../models/types.js';
import type { Task } from '../spec/spec.js';

export interface ValuePredictions {
  value: Float64Array;
  low: Float64Array;
  high: Float64Array;
}

export class TaskMismatchError extends GitmlError {
  override name = 'TaskMismatchError';
}

/** The task a served model was trained for: model.json's `task` ('regression'), absent for a classifier. */
export function modelTask(model: ServingModel): Task {
  return model.task;
}

/** Refuses a champion trained for the other task (the spec's label changed type since it was trained). */
export function checkModelTask(model: ServingModel, task: Task, where: string): void {
  const has = modelTask(model);
  if (has !== task)
    throw new TaskMismatchError(
      `${where}: the champion is a ${has} model but dataset.yml's label makes a ${task} task; run train to register a ${task} champion`,
    );
}

/** The predicted values with their intervals for the rows of X (a forest's mean can, rarely, lie outside its trees' 10th–90th percentiles). */
export function predictValues(model: ServingModel, X: Matrix, where: string): ValuePredictions {
  if (model.task !== 'regression')
    throw new TaskMismatchError(
      `${where}: the champion cannot predict values (model.json has no task: regression); run train to register a regression champion`,
    );
  return model.predictValues(X);
}
