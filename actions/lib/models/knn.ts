// k-nearest-neighbours classifier with an exact, deterministic search (knn-search.ts: a leaf-box index for
// few features, a tiled brute force with an exact re-ranking for many, chosen by shape per fit).
// Neighbours rank by squared Euclidean distance (summed in feature order), equal distances by lower
// training index, so the search changes only speed, never results; votes tie to the lowest class index.
import { NeighborSearch, type SearchMethod } from './knn-search.js';
import { argmax, type Classifier, type EstimatorJSON, type Matrix, ModelFormatError } from './types.js';
import {
  checkFormat,
  type JsonObject,
  readChoice,
  readInteger,
  readIntegers,
  readNumbers,
} from './validate-json.js';

export type KnnWeights = 'uniform' | 'distance';
const WEIGHTS: readonly KnnWeights[] = ['uniform', 'distance'];

export interface KNearestNeighborsParams {
  /** Neighbours that vote (default 5). */
  k?: number;
  /** 'uniform': one vote each; 'distance': 1/d, exact matches (d = 0) take all the weight. */
  weights?: KnnWeights;
}

/** The k nearest training rows of each query, nearest first; row-major out[i * k + r]. */
export interface Neighbors {
  readonly k: number;
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

interface TrainingSet {
  rows: number;
  cols: number;
  /** Row-major copy: feature j of training row t is X[t * cols + j]. */
  X: Float64Array;
  y: Int32Array;
  nClasses: number;
}

export const KNN_FORMAT = 'gitml.knn';
const FORMAT_VERSION = 1;

export class KNearestNeighbors implements Classifier {
  readonly algorithm = 'knn';
  readonly k: number;
  readonly weights: KnnWeights;
  private train: TrainingSet | null = null;
  /** Over the training rows; builds what it needs on the first search, so fit and load stay cheap. */
  private searcher: NeighborSearch | null = null;

  constructor(params: KNearestNeighborsParams = {}) {
    const k = params.k ?? 5;
    if (!(Number.isInteger(k) && k >= 1))
      throw new RangeError(`KNearestNeighbors: k must be an integer >= 1, got ${k}`);
    const weights = params.weights ?? 'uniform';
    if (!WEIGHTS.includes(weights)) {
      throw new RangeError(
        `KNearestNeighbors: weights must be 'uniform' or 'distance', got ${String(weights)}`,
      );
    }
    this.k = k;
    this.weights = weights;
  }

  get nClasses(): number {
    return this.train?.nClasses ?? 0;
  }

  params(): Record<string, number | string | boolean> {
    return { k: this.k, weights: this.weights };
  }

  fit(X: Matrix, y: Int32Array, nClasses: number): this {
    const { rows, cols } = X;
    if (!(Number.isInteger(nClasses) && nClasses >= 1)) {
      throw new RangeError(`KNearestNeighbors: nClasses must be an integer >= 1, got ${nClasses}`);
    }
    if (y.length !== rows)
      throw new RangeError(`KNearestNeighbors.fit: y has ${y.length} labels but X has ${rows} rows`);
    if (rows < this.k) {
      throw new RangeError(
        `KNearestNeighbors.fit: k = ${this.k} needs at least ${this.k} training rows, got ${rows}`,
      );
    }
    for (let i = 0; i < rows; i++) {
      if (y[i] < 0 || y[i] >= nClasses) {
        throw new RangeError(
          `KNearestNeighbors.fit: y[${i}] = ${y[i]} is not a class index in 0..${nClasses - 1}`,
        );
      }
    }
    const rowMajor = new Float64Array(rows * cols);
    transposeRows(X, rowMajor, 'KNearestNeighbors.fit');
    this.train = { rows, cols, X: rowMajor, y: Int32Array.from(y), nClasses };
    this.searcher = null;
    return this;
  }

  private fitted(): TrainingSet {
    if (!this.train)
      throw new Error('KNearestNeighbors: not fitted; call fit() or KNearestNeighbors.load() first');
    return this.train;
  }

  /**
   * Exact k nearest training rows per query row. `method` forces one search (tests compare them); by
   * default it is chosen by the training set's shape.
   */
  kneighbors(X: Matrix, method?: SearchMethod): Neighbors {
    const { k } = this;
    const { squared, indices } = this.search(X, method);
    const distances = new Float64Array(X.rows * k);
    for (let i = 0; i < distances.length; i++) distances[i] = Math.sqrt(squared[i]);
    return { k, indices, distances };
  }

  /** Per row, the summed votes of the k neighbours for each class (not normalised). */
  private votes(X: Matrix): Float64Array {
    const { k } = this;
    const { y, nClasses: K } = this.fitted();
    const { squared, indices } = this.search(X);
    const votes = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) {
      const o = i * k;
      const v = i * K;
      if (this.weights === 'uniform') {
        for (let r = 0; r < k; r++) votes[v + y[indices[o + r]]] += 1;
      } else if (squared[o] === 0) {
        // Neighbours come nearest first: the exact matches are a prefix and share all the weight.
        for (let r = 0; r < k && squared[o + r] === 0; r++) votes[v + y[indices[o + r]]] += 1;
      } else {
        for (let r = 0; r < k; r++) votes[v + y[indices[o + r]]] += 1 / Math.sqrt(squared[o + r]);
      }
    }
    return votes;
  }

  predictProba(X: Matrix): Float64Array {
    const K = this.fitted().nClasses;
    const proba = this.votes(X);
    for (let i = 0; i < X.rows; i++) {
      let total = 0;
      for (let c = 0; c < K; c++) total += proba[i * K + c];
      for (let c = 0; c < K; c++) proba[i * K + c] /= total;
    }
    return proba;
  }

  predict(X: Matrix): Int32Array {
    const K = this.fitted().nClasses;
    const votes = this.votes(X);
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = argmax(votes, i * K, K);
    return out;
  }

  /** Squared distances and training indices of the k best per query, sorted by (distance, index). */
  private search(X: Matrix, method?: SearchMethod): { squared: Float64Array; indices: Int32Array } {
    const train = this.fitted();
    if (X.cols !== train.cols) {
      throw new RangeError(
        `KNearestNeighbors: X has ${X.cols} features, the model was fitted on ${train.cols}`,
      );
    }
    this.searcher ??= new NeighborSearch(train, 'KNearestNeighbors');
    return this.searcher.search(X, this.k, method);
  }

  toJSON(): EstimatorJSON {
    const t = this.fitted();
    return {
      format: KNN_FORMAT,
      version: FORMAT_VERSION,
      k: this.k,
      weights: this.weights,
      nClasses: t.nClasses,
      cols: t.cols,
      rows: t.rows,
      X: Array.from(t.X),
      y: Array.from(t.y),
    };
  }

  static load(json: unknown): KNearestNeighbors {
    const what = `${KNN_FORMAT} model`;
    const obj = checkFormat(json, KNN_FORMAT, FORMAT_VERSION);
    const { k, weights, nClasses, cols, rows } = readNeighborSettings(obj, what, true);
    const X = readNumbers(obj, 'X', what, rows * cols);
    const y = readIntegers(obj, 'y', what, rows, { min: 0, max: nClasses - 1 });
    const model = new KNearestNeighbors({ k, weights });
    model.train = { rows, cols, X, y, nClasses };
    return model;
  }
}

/**
 * The settings every k-NN model file holds, read in file order: k, weights, nClasses (a classifier's,
 * `withClasses`; else 1), cols, rows, with at least k training rows. Errors name `what`.
 */
export function readNeighborSettings(
  obj: JsonObject,
  what: string,
  withClasses: boolean,
): { k: number; weights: KnnWeights; nClasses: number; cols: number; rows: number } {
  const k = readInteger(obj, 'k', what, { min: 1 });
  const weights = readChoice(obj, 'weights', what, WEIGHTS);
  const nClasses = withClasses ? readInteger(obj, 'nClasses', what, { min: 1 }) : 1;
  const cols = readInteger(obj, 'cols', what, { min: 0 });
  const rows = readInteger(obj, 'rows', what, { min: 0 });
  if (rows < k)
    throw new ModelFormatError(`${what}: k = ${k} needs at least ${k} training rows, got rows = ${rows}`);
  return { k, weights, nClasses, cols, rows };
}

/** Copies a column-major matrix into a row-major array, rejecting non-finite values. */
function transposeRows(X: Matrix, out: Float64Array, who: string): void {
  const { rows: n, cols: p, data } = X;
  for (let j = 0; j < p; j++) {
    const col = j * n;
    for (let i = 0; i < n; i++) {
      const v = data[col + i];
      if (!Number.isFinite(v)) throw new RangeError(`${who}: X has ${v} at row ${i}, feature ${j}`);
      out[i * p + j] = v;
    }
  }
}
