// kNN explained by its evidence: the k nearest training examples, found by the model's own exact search
// (so in its order: distance, then training index), with their labels or values and distances.
// Browser-safe.

import { KNearestNeighbors, KNN_FORMAT } from '../models/knn.js';
import { KNN_REGRESSOR_FORMAT } from '../models/knn-regressor.js';
import { type EstimatorJSON, matrix } from '../models/types.js';

export interface NeighbourHits {
  k: number;
  weights: 'uniform' | 'distance';
  indices: Int32Array;
  distances: Float64Array;
  /** Training rows in view columns, row-major (as stored): row t is X[t * cols .. (t + 1) * cols). */
  X: readonly number[];
  cols: number;
  /** Classification: class index per training row; regression: the value. */
  y: readonly number[];
}

const searchers = new WeakMap<object, KNearestNeighbors>();

export function isNeighbours(estimator: EstimatorJSON): boolean {
  return estimator.format === KNN_FORMAT || estimator.format === KNN_REGRESSOR_FORMAT;
}

/** The k nearest training rows of one row x (view columns) for a knn or knn-regressor estimator JSON. */
export function nearestNeighbours(estimator: EstimatorJSON, x: ArrayLike<number>): NeighbourHits {
  const o = estimator as Record<string, unknown>;
  let search = searchers.get(estimator);
  if (!search) {
    // The regressor searches with the classifier's code (knn-regressor.ts); labels play no part in it.
    search = KNearestNeighbors.load(
      estimator.format === KNN_FORMAT
        ? estimator
        : {
            ...estimator,
            format: KNN_FORMAT,
            version: 1,
            nClasses: 1,
            y: new Array(o.rows as number).fill(0),
          },
    );
    searchers.set(estimator, search);
  }
  const cols = o.cols as number;
  if (x.length !== cols)
    throw new RangeError(`explain: the input has ${x.length} columns, the model reads ${cols}`);
  const found = search.kneighbors(matrix(1, cols, Float64Array.from(x)));
  return {
    k: found.k,
    weights: o.weights as 'uniform' | 'distance',
    indices: found.indices,
    distances: found.distances,
    X: o.X as number[],
    cols,
    y: o.y as number[],
  };
}
