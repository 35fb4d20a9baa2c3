// The regression algorithms, their hyper-parameter grids for cross-validation, and loading any
// serialised regressor by its format name: the regression counterpart of algorithms.ts, kept apart so
// the classification search (ALGORITHMS, DEFAULT_TRAINING.candidates) never offers a regressor.
// Browser-safe.

import {
  type Algorithm,
  findAlgorithm,
  knnParams,
  loadByFormat,
  randomForestParams,
} from './algorithm-registry.js';
import { KNN_REGRESSOR_FORMAT, KnnRegressor } from './knn-regressor.js';
import { LINEAR_REGRESSION_FORMAT, LinearRegression } from './linear-regression.js';
import {
  RANDOM_FOREST_REGRESSOR_FORMAT,
  RandomForestRegressor,
} from './random-forest/random-forest-regressor.js';
import type { Regressor } from './types.js';

export const REGRESSION_ALGORITHMS: readonly Algorithm<Regressor>[] = [
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
    create: (p) => new KnnRegressor(knnParams(p)),
    grid: [5, 9, 15].flatMap((k) => [
      { k, weights: 'uniform' },
      { k, weights: 'distance' },
    ]),
  },
  {
    name: 'random-forest-regressor',
    title: 'Random forest',
    standardize: false,
    create: (p) => new RandomForestRegressor(randomForestParams(p)),
    grid: [
      { nTrees: 100, minSamplesLeaf: 1, maxFeatures: 1 },
      { nTrees: 100, minSamplesLeaf: 3, maxFeatures: 1 },
      { nTrees: 100, minSamplesLeaf: 1, maxFeatures: 0.5 },
    ],
  },
];

export function regressionAlgorithm(name: string): Algorithm<Regressor> {
  return findAlgorithm(REGRESSION_ALGORITHMS, name, 'regression algorithm');
}

/** Loads any regressor JSON by its format name; foreign or corrupt JSON is a ModelFormatError. */
export function loadRegressor(json: unknown): Regressor {
  return loadByFormat<Regressor>(
    json,
    {
      [LINEAR_REGRESSION_FORMAT]: LinearRegression.load,
      [KNN_REGRESSOR_FORMAT]: KnnRegressor.load,
      [RANDOM_FOREST_REGRESSOR_FORMAT]: RandomForestRegressor.load,
    },
    'regressor',
  );
}
