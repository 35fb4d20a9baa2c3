// Permutation feature importance of a served model on labelled rows of a feature table (for the model
// card: the honest holdout). Classifiers are scored by accuracy, regressors by negative MAE, as
// scikit-learn's defaults for permutation_importance would be asked for. Browser-safe.
import type { FeatureTable } from '../features/feature-table.js';
import type { FeatureViewJSON } from '../features/feature-view.js';
import type { Matrix } from '../models/types.js';
import type { Category, FeatureSchema } from '../spec/spec.js';
import {
  accuracyScorer,
  negativeMaeScorer,
  type PermutationImportance,
  type PermutationImportanceOptions,
  permutationImportance,
} from './permutation-importance.js';

/** What importance needs of a served model (ServingModel has all of it). */
export interface ScorableModel {
  readonly json: { label: { classes: Category[] }; view: FeatureViewJSON };
  readonly estimator: {
    predictProba?(X: Matrix): Float64Array;
    predict(X: Matrix): Float64Array | Int32Array;
  };
  matrixFor(
    schema: readonly FeatureSchema[],
    columns: readonly ArrayLike<number>[],
    nRows: number,
    rows?: readonly number[],
  ): Matrix;
}

/** `schema`: the table's features in column order; `rows`: holdout rows (unlabelled ones are skipped). */
export function holdoutImportance(
  model: ScorableModel,
  schema: readonly FeatureSchema[],
  table: FeatureTable,
  rows: readonly number[],
  options: PermutationImportanceOptions = {},
): PermutationImportance {
  const labelled = rows.filter((i) => table.labels[i] >= 0);
  const X = model.matrixFor(schema, table.columns, table.rows, labelled);
  const K = model.json.label.classes.length;
  const { estimator } = model;
  const scorer =
    K > 0 && estimator.predictProba
      ? accuracyScorer(
          (M) => estimator.predictProba!(M),
          K,
          labelled.map((i) => table.labels[i]),
        )
      : negativeMaeScorer(
          (M) => Float64Array.from(estimator.predict(M)),
          labelled.map((i) => table.targets[i]),
        );
  return permutationImportance(model.json.view, X, scorer, options);
}
