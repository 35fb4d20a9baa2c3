// k-nearest-neighbours regression, as scikit-learn's KNeighborsRegressor: the mean of the k nearest
// training targets, uniform or weighted by 1/distance (exact matches take all the weight). The neighbour
// search is the classifier's exact, deterministic one (knn.ts over knn-search.ts): equal distances rank by
// training index, whichever search (index or brute force) the data's shape picks.
// Browser-safe.
import { KNearestNeighbors, KNN_FORMAT, type KnnWeights, readNeighborSettings } from './knn.js';
import { checkTargets, type EstimatorJSON, type Matrix, ModelFormatError, type Regressor } from './types.js';
import { checkFormat, readNumbers } from './validate-json.js';

export const KNN_REGRESSOR_FORMAT = 'gitml.knn-regressor';
const FORMAT_VERSION = 1;

export interface KnnRegressorParams {
  /** Neighbours averaged (default 5). */
  k?: number;
  weights?: KnnWeights;
}

export class KnnRegressor implements Regressor {
  readonly algorithm = 'knn-regressor';
  private search: KNearestNeighbors;
  private y: Float64Array | null = null;

  constructor(params: KnnRegressorParams = {}) {
    this.search = new KNearestNeighbors(params);
  }

  get k(): number {
    return this.search.k;
  }

  get weights(): KnnWeights {
    return this.search.weights;
  }

  params(): Record<string, number | string | boolean> {
    return { k: this.k, weights: this.weights };
  }

  fit(X: Matrix, y: Float64Array): this {
    checkTargets(X, y, 'KnnRegressor.fit');
    // The search keeps the rows; its class labels are unused here.
    this.search.fit(X, new Int32Array(X.rows), 1);
    this.y = Float64Array.from(y);
    return this;
  }

  predict(X: Matrix): Float64Array {
    const y = this.y;
    if (!y) throw new Error('KnnRegressor: not fitted; call fit() or KnnRegressor.load() first');
    const { k, indices, distances } = this.search.kneighbors(X);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      const o = i * k;
      let sum = 0;
      let total = 0;
      if (this.weights === 'uniform') {
        for (let r = 0; r < k; r++) sum += y[indices[o + r]];
        total = k;
      } else if (distances[o] === 0) {
        // Neighbours come nearest first: the exact matches are a prefix and share all the weight.
        for (let r = 0; r < k && distances[o + r] === 0; r++) {
          sum += y[indices[o + r]];
          total++;
        }
      } else {
        for (let r = 0; r < k; r++) {
          const w = 1 / distances[o + r];
          sum += y[indices[o + r]] * w;
          total += w;
        }
      }
      out[i] = sum / total;
    }
    return out;
  }

  toJSON(): EstimatorJSON {
    if (!this.y) throw new Error('KnnRegressor: not fitted; call fit() or KnnRegressor.load() first');
    const inner = this.search.toJSON();
    return {
      format: KNN_REGRESSOR_FORMAT,
      version: FORMAT_VERSION,
      k: this.k,
      weights: this.weights,
      cols: inner.cols,
      rows: inner.rows,
      X: inner.X,
      y: Array.from(this.y),
    };
  }

  static load(json: unknown): KnnRegressor {
    const what = `${KNN_REGRESSOR_FORMAT} model`;
    const obj = checkFormat(json, KNN_REGRESSOR_FORMAT, FORMAT_VERSION);
    const { k, weights, cols, rows } = readNeighborSettings(obj, what, false);
    const y = readNumbers(obj, 'y', what, rows);
    const model = new KnnRegressor({ k, weights });
    // The classifier's loader checks X (rows × cols finite numbers); its messages get this format's name.
    try {
      model.search = KNearestNeighbors.load({
        format: KNN_FORMAT,
        version: 1,
        k,
        weights,
        nClasses: 1,
        cols,
        rows,
        X: obj.X,
        y: new Array(rows).fill(0),
      });
    } catch (err) {
      throw new ModelFormatError((err as Error).message.replace(`${KNN_FORMAT} model`, what));
    }
    model.y = y;
    return model;
  }
}
