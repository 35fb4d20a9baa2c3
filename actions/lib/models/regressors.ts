// The regression algorithms, their hyper-parameter grids for cross-validation, and loading any
// serialised regressor by its format name: the regression counterpart of algorithms.ts, kept apart so
// the classification search (ALGORITHMS, DEFAULT_TRAINING.candidates) never offers a regressor.
// Platform-neutral.

import type { Params } from './algorithms.js';
import type { KnnWeights } from './knn.js';
import { KNN_REGRESSOR_FORMAT, KnnRegressor } from './knn-regressor.js';
import { LINEAR_REGRESSION_FORMAT, LinearRegression } from './linear-regression.js';
import type { MaxFeatures } from './random-forest.js';
import { RANDOM_FOREST_REGRESSOR_FORMAT, RandomForestRegressor } from './random-forest-regressor.js';
import { ModelFormatError, type Regressor } from './types.js';

export interface RegressionAlgorithm {
  name: string;
  title: string;
  create(params: Params): Regressor;
  /** Distance-based and penalised algorithms read standardised numeric features. */
  standardize: boolean;
  /** Candidate hyper-parameters that cross-validation weighs (first = default). */
  grid: Params[];
}

export const REGRESSION_ALGORITHMS: readonly RegressionAlgorithm[] = [
  {
    name: 'linear-regression',
    title: 'Linear regression',
    standardize: false,
    create: () => new LinearRegression(),
    grid: [{}],
  },
  {
    name: 'ridge',
    title: 'Ridge regression',
    standardize: true,
    create: (p) => new LinearRegression({ alpha: (p.alpha as number | undefined) ?? 1 }),
    grid: [{ alpha: 1 }, { alpha: 0.1 }, { alpha: 10 }, { alpha: 100 }],
  },
  {
    name: 'knn-regressor',
    title: 'k-nearest neighbours',
    standardize: true,
    create: (p) =>
      new KnnRegressor({ k: p.k as number | undefined, weights: p.weights as KnnWeights | undefined }),
    grid: [5, 9, 15].flatMap((k) => [
      { k, weights: 'uniform' },
      { k, weights: 'distance' },
    ]),
  },
  {
    name: 'random-forest-regressor',
    title: 'Random forest',
    standardize: false,
    create: (p) =>
      new RandomForestRegressor({
        nTrees: p.nTrees as number | undefined,
        minSamplesLeaf: p.minSamplesLeaf as number | undefined,
        maxDepth: p.maxDepth as number | undefined,
        maxFeatures: p.maxFeatures as MaxFeatures | undefined,
        seed: p.seed as number | undefined,
      }),
    grid: [
      { nTrees: 100, minSamplesLeaf: 1, maxFeatures: 1 },
      { nTrees: 100, minSamplesLeaf: 3, maxFeatures: 1 },
      { nTrees: 100, minSamplesLeaf: 1, maxFeatures: 0.5 },
    ],
  },
];

export function regressionAlgorithm(name: string): RegressionAlgorithm {
  const a = REGRESSION_ALGORITHMS.find((x) => x.name === name);
  if (!a) {
    throw new RangeError(
      `unknown regression algorithm '${name}' (known: ${REGRESSION_ALGORITHMS.map((x) => x.name).join(', ')})`,
    );
  }
  return a;
}

const FORMATS = [LINEAR_REGRESSION_FORMAT, KNN_REGRESSOR_FORMAT, RANDOM_FOREST_REGRESSOR_FORMAT];

/** Loads any regressor JSON by its format name; foreign or corrupt JSON is a ModelFormatError. */
export function loadRegressor(json: unknown): Regressor {
  const format =
    typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined;
  switch (format) {
    case LINEAR_REGRESSION_FORMAT:
      return LinearRegression.load(json);
    case KNN_REGRESSOR_FORMAT:
      return KnnRegressor.load(json);
    case RANDOM_FOREST_REGRESSOR_FORMAT:
      return RandomForestRegressor.load(json);
    default:
      throw new ModelFormatError(
        `regressor format ${JSON.stringify(format ?? null)} is not one of ${FORMATS.join(', ')}`,
      );
  }
}
