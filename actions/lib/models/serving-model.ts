// A trained model as it is served: feature view + estimator + classes (or, for regression, the label's
// unit and range and a prediction interval), in one named, versioned JSON (gitml.model v1). The same class
// runs in the CLI, the actions and the browser predictor. Browser-safe.

import { GitmlError } from '../core/gitml-error.js';
import { sortedQuantile } from '../core/quantile.js';
import { checkValue } from '../features/clean.js';
import { applyFeatureView, type FeatureViewJSON } from '../features/feature-view.js';
import type { Category, FeatureSchema, Task } from '../spec/spec.js';
import { loadEstimator } from './algorithms.js';
import { RandomForestRegressor } from './random-forest/random-forest-regressor.js';
import { loadRegressor } from './regressors.js';
import {
  type Classifier,
  type EstimatorJSON,
  type Matrix,
  ModelFormatError,
  type Regressor,
} from './types.js';

export const MODEL_FORMAT = 'gitml.model';
export const MODEL_FORMAT_VERSION = 1;

/** The interval's quantiles: the 10th and 90th percentile, an 80% band. */
export const INTERVAL_QUANTILES = [0.1, 0.9] as const;

/**
 * The label as a model carries it. Classification: name, title, classes (no other key, so a classifier's
 * model.json keeps its bytes). Regression: classes empty, type 'numeric', and unit/range/decimals when the
 * spec gives them.
 */
export interface ModelLabel {
  name: string;
  title: string;
  classes: Category[];
  type?: 'numeric';
  unit?: string;
  range?: [number, number];
  decimals?: number;
}

export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  dataset: string;
  /** 'regression'; absent for classification (existing model files keep their bytes). */
  task?: 'regression';
  algorithm: string;
  params: Record<string, number | string | boolean>;
  label: ModelLabel;
  view: FeatureViewJSON;
  estimator: EstimatorJSON;
  /**
   * Regression models other than the forest: the 10th and 90th percentile of the holdout residuals
   * (actual − predicted), added to a prediction to give its interval.
   */
  interval?: { low: number; high: number };
}

/** The label fields a regression model keeps (no stray keys of a stored group's label reach the file). */
export function regressionLabel(label: {
  name: string;
  title: string;
  unit?: string;
  range?: [number, number];
  decimals?: number;
}): ModelLabel {
  return {
    name: label.name,
    title: label.title,
    classes: [],
    type: 'numeric',
    ...(label.unit !== undefined ? { unit: label.unit } : {}),
    ...(label.range !== undefined ? { range: [label.range[0], label.range[1]] as [number, number] } : {}),
    ...(label.decimals !== undefined ? { decimals: label.decimals } : {}),
  };
}

/** Predicted values with their intervals, one per row. */
export interface PredictedValues {
  value: Float64Array;
  low: Float64Array;
  high: Float64Array;
}

export class SchemaMismatchError extends GitmlError {
  override name = 'SchemaMismatchError';
}

/** Classification: the class and probabilities. Regression: classIndex −1, no probabilities, the value. */
export interface Prediction {
  classIndex: number;
  probabilities: number[];
  value?: number;
  low?: number;
  high?: number;
}

export class ServingModel {
  private constructor(
    readonly json: ModelJSON,
    readonly estimator: Classifier | Regressor,
  ) {}

  static create(
    parts: Omit<ModelJSON, 'format' | 'version' | 'estimator'>,
    estimator: Classifier | Regressor,
  ): ServingModel {
    return new ServingModel(
      { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, ...parts, estimator: estimator.toJSON() },
      estimator,
    );
  }

  /** The same model with a residual interval (regression; the holdout gives it after the fit). */
  withInterval(interval: { low: number; high: number }): ServingModel {
    if (this.task !== 'regression') throw new Error('ServingModel.withInterval: not a regression model');
    return new ServingModel({ ...this.json, interval: { ...interval } }, this.estimator);
  }

  get task(): Task {
    return this.json.task === 'regression' ? 'regression' : 'classification';
  }

  /** The classifier; calling it on a regression model is a programming error. */
  get classifier(): Classifier {
    if (this.task !== 'classification')
      throw new Error(`${this.json.dataset}: a regression model has no classes or probabilities`);
    return this.estimator as Classifier;
  }

  /** The regressor; calling it on a classification model is a programming error. */
  get regressor(): Regressor {
    if (this.task !== 'regression')
      throw new Error(`${this.json.dataset}: a classification model predicts classes, not values`);
    return this.estimator as Regressor;
  }

  /**
   * Validates a parsed model file; a corrupt or foreign file is a ModelFormatError naming `where`.
   * options.lazy is for a page that predicts a row at a time: a forest stays in its stored bytes and is
   * walked (RandomForestLoadOptions). The pipeline loads whole, which also checks every byte.
   */
  static load(raw: unknown, where = 'model', options: { lazy?: boolean } = {}): ServingModel {
    const bad = (rule: string) => new ModelFormatError(`${where}: ${rule}`);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('not a JSON object');
    const m = raw as Partial<ModelJSON>;
    if (m.format !== MODEL_FORMAT)
      throw bad(`format ${JSON.stringify(m.format ?? null)} is not '${MODEL_FORMAT}' (not a gitml model)`);
    if (m.version !== MODEL_FORMAT_VERSION)
      throw bad(`format version ${m.version} is not supported (expected ${MODEL_FORMAT_VERSION})`);
    if (typeof m.dataset !== 'string' || typeof m.algorithm !== 'string')
      throw bad('dataset and algorithm are required');
    if (m.task !== undefined && m.task !== 'regression')
      throw bad(`task ${JSON.stringify(m.task)} is not 'regression' (absent for classification)`);
    const regression = m.task === 'regression';
    if (regression) {
      if (!m.label || typeof m.label.name !== 'string' || !Array.isArray(m.label.classes))
        throw bad('label.name and label.classes are required');
      if (m.label.classes.length !== 0 || m.label.type !== 'numeric')
        throw bad("a regression model's label must be type 'numeric' with no classes");
      const r = m.label.range;
      if (
        r !== undefined &&
        !(Array.isArray(r) && r.length === 2 && r.every(Number.isFinite) && r[0] <= r[1])
      )
        throw bad('label.range must be [low, high] with low ≤ high');
      const iv = m.interval;
      if (iv !== undefined && !(Number.isFinite(iv?.low) && Number.isFinite(iv?.high) && iv.low <= iv.high))
        throw bad('interval must be { low, high } with finite low ≤ high');
    } else if (!m.label || !Array.isArray(m.label.classes) || m.label.classes.length < 2)
      throw bad('label.classes must list at least two classes');
    const v = m.view;
    if (!v || !Array.isArray(v.features) || !Array.isArray(v.columns) || v.columns.length === 0)
      throw bad('view.features and view.columns are required');
    const names = new Set(v.features.map((f) => f.name));
    for (const c of v.columns) {
      if (!names.has(c.feature)) throw bad(`view column reads unknown feature '${c.feature}'`);
      if (!Number.isFinite(c.center) || !Number.isFinite(c.scale) || c.scale === 0)
        throw bad(`view column '${c.feature}' has invalid center/scale`);
    }
    if (regression) {
      let regressor: Regressor;
      try {
        regressor = loadRegressor(m.estimator);
      } catch (err) {
        throw bad(`estimator: ${(err as Error).message}`);
      }
      return new ServingModel(m as ModelJSON, regressor);
    }
    let estimator: Classifier;
    try {
      estimator = loadEstimator(m.estimator, options);
    } catch (err) {
      throw bad(`estimator: ${(err as Error).message}`);
    }
    if (estimator.nClasses !== m.label.classes.length)
      throw bad(`estimator has ${estimator.nClasses} classes, label lists ${m.label.classes.length}`);
    return new ServingModel(m as ModelJSON, estimator);
  }

  get classes(): Category[] {
    return this.json.label.classes;
  }
  get features(): FeatureSchema[] {
    return this.json.view.features;
  }

  /**
   * Checks that a feature group's schema still has every feature this model reads, with the same type
   * and categories; throws naming the first feature that does not match.
   */
  checkSchema(schema: readonly FeatureSchema[], where: string): void {
    for (const f of this.features) {
      const g = schema.find((x) => x.name === f.name);
      if (!g)
        throw new SchemaMismatchError(
          `${where}: the model reads feature '${f.name}', which the feature group does not have`,
        );
      if (g.type !== f.type)
        throw new SchemaMismatchError(
          `${where}: feature '${f.name}' is ${g.type} in the feature group but ${f.type} in the model`,
        );
      const a = (g.categories ?? []).map((c) => c.value).join('|');
      const b = (f.categories ?? []).map((c) => c.value).join('|');
      if (a !== b)
        throw new SchemaMismatchError(
          `${where}: feature '${f.name}' has categories ${a} in the feature group but ${b} in the model`,
        );
    }
  }

  /** Matrix for rows of a feature table (columns in `schema` order, categorical as codes). */
  matrixFor(
    schema: readonly FeatureSchema[],
    columns: readonly ArrayLike<number>[],
    nRows: number,
    rows?: readonly number[],
  ): Matrix {
    const index = new Map(schema.map((f, j) => [f.name, j]));
    return applyFeatureView(this.json.view, (name) => columns[index.get(name)!], nRows, rows);
  }

  predictProba(X: Matrix): Float64Array {
    return this.classifier.predictProba(X);
  }

  /**
   * Regression: the predicted value of each row and its interval — the forest's 10th–90th percentile of
   * its trees' predictions; other models the value plus the holdout residuals' 10th and 90th percentile
   * (the value itself at both ends when the model has no interval).
   */
  predictValues(X: Matrix): PredictedValues {
    const est = this.regressor;
    const n = X.rows;
    if (est instanceof RandomForestRegressor) {
      const perTree = est.treePredictions(X);
      const trees = perTree.length / Math.max(n, 1);
      const value = new Float64Array(n);
      const low = new Float64Array(n);
      const high = new Float64Array(n);
      const row = new Float64Array(trees);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let t = 0; t < trees; t++) {
          row[t] = perTree[t * n + i];
          sum += row[t];
        }
        value[i] = sum / trees;
        row.sort();
        low[i] = sortedQuantile(row, INTERVAL_QUANTILES[0]);
        high[i] = sortedQuantile(row, INTERVAL_QUANTILES[1]);
      }
      return { value, low, high };
    }
    const value = est.predict(X);
    const { low: dl, high: dh } = this.json.interval ?? { low: 0, high: 0 };
    return {
      value,
      low: value.map((v) => v + dl),
      high: value.map((v) => v + dh),
    };
  }

  /**
   * Predicts one input given as text or numbers by feature name (the browser form, the CLI).
   * Throws a RangeError naming the feature for a missing, non-numeric, out-of-range or unknown value.
   */
  predictOne(input: Record<string, string | number>): Prediction {
    const cols = readModelInput(this.features, input).map((v) => [v]);
    const X = this.matrixFor(this.features, cols, 1);
    if (this.task === 'regression') {
      const v = this.predictValues(X);
      return { classIndex: -1, probabilities: [], value: v.value[0], low: v.low[0], high: v.high[0] };
    }
    const p = this.predictProba(X);
    const probabilities = Array.from(p);
    let best = 0;
    for (let c = 1; c < probabilities.length; c++) if (probabilities[c] > probabilities[best]) best = c;
    return { classIndex: best, probabilities };
  }

  toJSON(): ModelJSON {
    return this.json;
  }
}

/**
 * One input given as text or numbers by feature name (the browser form, the CLI), as the model's numbers:
 * categorical values as codes. Throws a RangeError naming the feature for a missing, non-numeric,
 * out-of-range or unknown value — the same rules as every stored row (checkValue).
 */
export function readModelInput(
  features: readonly FeatureSchema[],
  input: Record<string, string | number>,
): number[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new RangeError('the input must be an object by feature name');
  return features.map((f) => {
    const raw: unknown = input[f.name];
    if (raw !== undefined && raw !== null && typeof raw !== 'string' && typeof raw !== 'number')
      throw new RangeError(`'${f.name}' = ${JSON.stringify(raw)} is not a number or text`);
    const text = typeof raw === 'number' ? String(raw) : ((raw as string | null | undefined) ?? '').trim();
    const reason = checkValue(f, text);
    if (reason) throw new RangeError(reason);
    if (f.type === 'categorical') return (f.categories ?? []).findIndex((c) => c.value === text);
    return Number(text);
  });
}
