// Small deterministic datasets and served models for the explanation tests: three numeric features and
// one categorical (one-hot in the view), a 3-class label and a numeric target.

import type { ExplainableModel } from '../../actions/lib/explain/explain-prediction.js';
import type { ScorableModel } from '../../actions/lib/explain/holdout-importance.js';
import type { FeatureTable } from '../../actions/lib/features/feature-table.js';
import {
  applyFeatureView,
  type FeatureViewJSON,
  fitFeatureView,
} from '../../actions/lib/features/feature-view.js';
import { createRng } from '../../actions/lib/models/random.js';
import { ServingModel } from '../../actions/lib/models/serving-model.js';
import type { Classifier, EstimatorJSON, Matrix, Regressor } from '../../actions/lib/models/types.js';
import type { Category, FeatureSchema } from '../../actions/lib/spec/spec.js';

export const FEATURES: FeatureSchema[] = [
  { name: 'width', title: 'Width', type: 'numeric', range: [-100, 100] },
  { name: 'colour', title: 'Colour', type: 'categorical', categories: cats(['red', 'green', 'blue']) },
  { name: 'height', title: 'Height', type: 'numeric', range: [-100, 100] },
  { name: 'depth', title: 'Depth', type: 'numeric', range: [-100, 100] },
];
export const CLASSES: Category[] = cats(['low', 'mid', 'high']);

function cats(values: string[]): Category[] {
  return values.map((value) => ({ value, label: value[0].toUpperCase() + value.slice(1) }));
}

export interface Table {
  /** Raw columns in FEATURES order (codes for the categorical one). */
  columns: Float64Array[];
  labels: Int32Array;
  targets: Float64Array;
  n: number;
}

/** Rows whose label depends on every feature, with noise; values rounded to 2 decimals. */
export function makeTable(n: number, seed: number): Table {
  const rng = createRng(seed);
  const columns = FEATURES.map(() => new Float64Array(n));
  const labels = new Int32Array(n);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = Math.round((rng() * 10 - 5) * 100) / 100;
    const c = Math.floor(rng() * 3);
    const h = Math.round((rng() * 6 - 3) * 100) / 100;
    const d = Math.round(rng() * 400) / 100;
    columns[0][i] = w;
    columns[1][i] = c;
    columns[2][i] = h;
    columns[3][i] = d;
    const score = w + 2 * (c - 1) - 0.8 * h + 0.3 * d + (rng() - 0.5) * 3;
    labels[i] = score < -1.5 ? 0 : score < 1.5 ? 1 : 2;
    targets[i] = Math.round((score * 1.5 + 5) * 10) / 10;
  }
  return { columns, labels, targets, n };
}

export function inputOf(t: Table, i: number): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  FEATURES.forEach((f, j) => {
    out[f.name] = f.type === 'categorical' ? f.categories![t.columns[j][i]].value : t.columns[j][i];
  });
  return out;
}

export function viewFor(t: Table, standardize: boolean): FeatureViewJSON {
  const index = new Map(FEATURES.map((f, j) => [f.name, j]));
  const rows = Array.from({ length: t.n }, (_, i) => i);
  return fitFeatureView(FEATURES, (name) => t.columns[index.get(name)!], t.labels, CLASSES, rows, {
    minAbsCorrelation: 0,
    standardize,
  });
}

export function matrixOf(view: FeatureViewJSON, t: Table): Matrix {
  const index = new Map(FEATURES.map((f, j) => [f.name, j]));
  return applyFeatureView(view, (name) => t.columns[index.get(name)!], t.n);
}

/** A served classifier fitted on t. */
export function servedClassifier(t: Table, estimator: Classifier, standardize: boolean): ServingModel {
  const view = viewFor(t, standardize);
  estimator.fit(matrixOf(view, t), t.labels, CLASSES.length);
  return ServingModel.create(
    {
      dataset: 'shapes',
      algorithm: estimator.algorithm,
      params: estimator.params(),
      label: { name: 'size', title: 'Size', classes: CLASSES },
      view,
    },
    estimator,
  );
}

/** A served regressor fitted on t's targets, as explainPrediction sees a served model. */
export function servedRegressor(
  t: Table,
  estimator: Regressor,
  standardize: boolean,
): ExplainableModel & ScorableModel & { estimator: Regressor; view: FeatureViewJSON } {
  const view = viewFor(t, standardize);
  estimator.fit(matrixOf(view, t), t.targets);
  const json: EstimatorJSON = estimator.toJSON();
  return {
    estimator,
    view,
    json: { algorithm: estimator.algorithm, label: { classes: [] }, view, estimator: json },
    features: view.features,
    matrixFor: (
      schema: readonly FeatureSchema[],
      columns: readonly ArrayLike<number>[],
      nRows: number,
      rows?: readonly number[],
    ) => {
      const index = new Map(schema.map((f, j) => [f.name, j]));
      return applyFeatureView(view, (name) => columns[index.get(name)!], nRows, rows);
    },
  };
}

/** The table as a feature table (ids and times are not read by the explanations). */
export function featureTableOf(t: Table): FeatureTable {
  return {
    rows: t.n,
    ids: Float64Array.from({ length: t.n }, (_, i) => i + 1),
    eventTimes: new Float64Array(t.n),
    sources: new Uint8Array(t.n),
    columns: t.columns,
    labels: t.labels,
    targets: t.targets,
  };
}

/** Row i of a column-major matrix. */
export function rowOf(X: Matrix, i: number): Float64Array {
  return Float64Array.from({ length: X.cols }, (_, j) => X.data[j * X.rows + i]);
}
