// Random forest of regression trees, trained like scikit-learn's RandomForestRegressor: squared-error
// criterion, bootstrap counts as sample weights, a random feature subset per node (all features by
// default, scikit-learn's max_features=1.0), exact best split between adjacent distinct values, prediction
// = mean of the trees' leaf means. This file is the estimator (fit, predict, save, load); the growing is
// regressor-grower.ts (the same machinery as the classifier's, tree-growing.ts), the byte form
// regression-trees.ts. The spread of the trees' predictions gives an interval (treePredictions).
// Browser-safe.
import { bytesField, encodeBase64 } from '../base64.js';
import {
  checkFiniteMatrix,
  checkTargets,
  type EstimatorJSON,
  type Matrix,
  ModelFormatError,
  type Regressor,
} from '../types.js';
import type { Fail } from '../varint.js';
import { type RandomForestParams, type ResolvedParams, resolveParams } from './params.js';
import { decodeRegressionForest, encodeRegressionForest, type RegressionForest } from './regression-trees.js';
import { growRegressionForest } from './regressor-grower.js';

export const RANDOM_FOREST_REGRESSOR_FORMAT = 'gitml.random-forest-regressor';
const FORMAT_VERSION = 1;

/** Hyper-parameters as for the classifier; maxFeatures defaults to 1 (every feature at every node). */
export type RandomForestRegressorParams = RandomForestParams;

export class RandomForestRegressor implements Regressor {
  readonly algorithm = 'random-forest-regressor';
  private readonly settings: ResolvedParams;
  private forest: RegressionForest | null = null;

  constructor(params: RandomForestRegressorParams = {}) {
    this.settings = resolveParams({ maxFeatures: 1, ...params });
  }

  get nFeatures(): number {
    return this.forest?.nFeatures ?? 0;
  }

  /** Total node count over all trees (0 before fit). */
  get nodeCount(): number {
    return this.forest?.feature.length ?? 0;
  }

  params(): Record<string, number | string | boolean> {
    return { ...this.settings };
  }

  /** A constant target gives one-leaf trees predicting it; importances are then all 0. */
  fit(X: Matrix, y: Float64Array): this {
    const who = 'RandomForestRegressor.fit';
    if (X.rows < 1 || X.cols < 1) throw new RangeError(`${who}: X is empty (${X.rows} × ${X.cols})`);
    checkTargets(X, y, who);
    checkFiniteMatrix(X, who);
    this.forest = growRegressionForest(X, y, this.settings);
    return this;
  }

  private fitted(method: string): RegressionForest {
    if (!this.forest)
      throw new Error(`RandomForestRegressor.${method}: the model is not fitted; call fit() or load() first`);
    return this.forest;
  }

  /** Every tree's prediction for every row, tree-major: out[t * rows + i]. */
  treePredictions(X: Matrix): Float64Array {
    const f = this.fitted('treePredictions');
    if (X.cols !== f.nFeatures) {
      throw new RangeError(
        `RandomForestRegressor: X has ${X.cols} features, the model was fitted on ${f.nFeatures}`,
      );
    }
    checkFiniteMatrix(X, 'RandomForestRegressor.predict');
    const { rows, data } = X;
    const { roots, feature, threshold, right, value } = f;
    const out = new Float64Array(roots.length * rows);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      for (let i = 0; i < rows; i++) {
        let node = root;
        let j = feature[node];
        while (j >= 0) {
          node = data[j * rows + i] <= threshold[node] ? node + 1 : right[node];
          j = feature[node];
        }
        out[t * rows + i] = value[node];
      }
    }
    return out;
  }

  predict(X: Matrix): Float64Array {
    const perTree = this.treePredictions(X);
    const nTrees = this.fitted('predict').roots.length;
    const n = X.rows;
    const out = new Float64Array(n);
    for (let t = 0; t < nTrees; t++) for (let i = 0; i < n; i++) out[i] += perTree[t * n + i];
    for (let i = 0; i < n; i++) out[i] /= nTrees;
    return out;
  }

  /** Mean decrease in squared error per feature, averaged over trees, normalised to sum 1. */
  featureImportances(): Float64Array {
    return Float64Array.from(this.fitted('featureImportances').importances);
  }

  toJSON(): EstimatorJSON {
    const f = this.fitted('toJSON');
    const encoded = encodeRegressionForest(f);
    return {
      format: RANDOM_FOREST_REGRESSOR_FORMAT,
      version: FORMAT_VERSION,
      params: { ...this.settings },
      nFeatures: f.nFeatures,
      nodeCount: f.feature.length,
      featureImportances: Array.from(f.importances),
      thresholds: encoded.thresholds,
      leafValues: encoded.leafValues,
      trees: encodeBase64(encoded.trees),
    };
  }

  static load(json: unknown): RandomForestRegressor {
    const fail: Fail = (rule: string): never => {
      throw new ModelFormatError(`RandomForestRegressor.load: ${rule}`);
    };
    if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('expected a JSON object');
    const o = json as Record<string, unknown>;
    if (o.format !== RANDOM_FOREST_REGRESSOR_FORMAT)
      fail(`format is ${JSON.stringify(o.format)}, expected "${RANDOM_FOREST_REGRESSOR_FORMAT}"`);
    if (o.version !== FORMAT_VERSION)
      fail(`version ${JSON.stringify(o.version)} is not supported (expected ${FORMAT_VERSION})`);
    if (typeof o.params !== 'object' || o.params === null || Array.isArray(o.params))
      fail('params must be an object');
    let settings = resolveParams({});
    try {
      settings = resolveParams(o.params as RandomForestParams);
    } catch (e) {
      fail(`params: ${(e as Error).message}`);
    }
    const p = o.nFeatures;
    if (!isCount(p) || p < 1) fail('nFeatures must be an integer >= 1');
    if (!isCount(o.nodeCount)) fail('nodeCount must be an integer >= 0');
    const thresholds = ascendingTables(o.thresholds, p as number, 'thresholds', fail);
    const leafValues = ascendingTables([o.leafValues], 1, 'leafValues', fail)[0];
    const imp = o.featureImportances;
    if (!Array.isArray(imp) || imp.length !== p) fail(`featureImportances must be an array of ${p} numbers`);
    const importances = new Float64Array(p as number);
    (imp as unknown[]).forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        fail(`featureImportances[${j}] must be a finite number >= 0`);
      importances[j] = v as number;
    });
    if (typeof o.trees !== 'string' && !(o.trees instanceof Uint8Array))
      fail('trees must be a base64 string (or the bytes of model.bin)');
    const bytes = bytesField(o.trees);
    if (bytes === null) fail('trees is not valid base64');
    const model = new RandomForestRegressor(settings);
    model.forest = decodeRegressionForest(
      { thresholds, leafValues, trees: bytes as Uint8Array },
      settings.nTrees,
      o.nodeCount as number,
      importances,
      fail,
    );
    return model;
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** `count` arrays of finite, strictly ascending numbers (a single table is passed wrapped). */
function ascendingTables(value: unknown, count: number, name: string, fail: Fail): number[][] {
  const tables = name === 'leafValues' ? (value as unknown[]) : value;
  if (!Array.isArray(tables) || tables.length !== count) fail(`${name} must be an array of ${count} arrays`);
  return (tables as unknown[]).map((table, j) => {
    const label = name === 'leafValues' ? name : `${name}[${j}]`;
    if (!Array.isArray(table)) fail(`${label} must be an array of numbers`);
    const values = table as unknown[];
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${label}[${k}] must be a finite number`);
      if (k > 0 && !((values[k - 1] as number) < (v as number)))
        fail(`${label} must be strictly ascending (entry ${k})`);
    }
    return values as number[];
  });
}
