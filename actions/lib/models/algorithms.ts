// The algorithms the pipeline can train, their hyper-parameter grids for cross-validation, and loading
// any serialised estimator by its format name. Adding an algorithm means adding it here. Browser-safe.
import {
  type Algorithm,
  findAlgorithm,
  knnParams,
  loadByFormat,
  type Params,
  randomForestParams,
} from './algorithm-registry.js';
import { GAUSSIAN_NB_FORMAT, GaussianNB } from './gaussian-nb.js';
import { HIST_GRADIENT_BOOSTING_FORMAT, HistGradientBoosting } from './gradient-boosting.js';
import { KNearestNeighbors, KNN_FORMAT } from './knn.js';
import { LOGISTIC_REGRESSION_FORMAT, LogisticRegression } from './logistic-regression.js';
import {
  RANDOM_FOREST_FORMAT,
  RandomForest,
  type RandomForestLoadOptions,
} from './random-forest/random-forest.js';
import type { Classifier } from './types.js';

export type { Params };

export const ALGORITHMS: readonly Algorithm<Classifier>[] = [
  {
    name: 'gaussian-nb',
    title: 'Gaussian naive Bayes',
    standardize: false,
    create: (p) => new GaussianNB({ varSmoothing: p.varSmoothing as number | undefined }),
    grid: [{ varSmoothing: 1e-9 }],
  },
  {
    name: 'knn',
    title: 'k-nearest neighbours',
    standardize: true,
    create: (p) => new KNearestNeighbors(knnParams(p)),
    grid: [5, 9, 15].flatMap((k) => [
      { k, weights: 'uniform' },
      { k, weights: 'distance' },
    ]),
  },
  {
    name: 'random-forest',
    title: 'Random forest',
    standardize: false,
    create: (p) => new RandomForest(randomForestParams(p)),
    // Larger leaves make a smaller model; bestCv takes it when CV cannot tell it from the best
    // (reports/studies/wine-size.md: min leaf 10 halves Wine's forest within CV noise; fewer trees cost
    // more than one paired SE, so they are not searched).
    grid: [
      { nTrees: 100, minSamplesLeaf: 1, maxFeatures: 'sqrt' },
      { nTrees: 100, minSamplesLeaf: 3, maxFeatures: 'sqrt' },
      { nTrees: 100, minSamplesLeaf: 10, maxFeatures: 'sqrt' },
    ],
  },
  {
    name: 'logistic-regression',
    title: 'Logistic regression',
    standardize: true,
    create: (p) => new LogisticRegression({ C: p.C as number | undefined }),
    // C = 1 is scikit-learn's default; the others let cross-validation loosen or tighten the penalty.
    grid: [{ C: 1 }, { C: 0.1 }, { C: 10 }],
  },
  {
    name: 'hist-gradient-boosting',
    title: 'Histogram gradient boosting',
    standardize: false,
    create: (p) =>
      new HistGradientBoosting({
        learningRate: p.learningRate as number | undefined,
        maxIter: p.maxIter as number | undefined,
        maxLeafNodes: p.maxLeafNodes as number | undefined,
        minSamplesLeaf: p.minSamplesLeaf as number | undefined,
        l2Regularization: p.l2Regularization as number | undefined,
      }),
    grid: [
      { learningRate: 0.1, maxIter: 100 },
      { learningRate: 0.05, maxIter: 100, l2Regularization: 1 },
    ],
  },
];

export function algorithm(name: string): Algorithm<Classifier> {
  return findAlgorithm(ALGORITHMS, name, 'algorithm');
}

/**
 * Loads any estimator JSON by its format name; foreign or corrupt JSON is a ModelFormatError.
 * options.lazy: see RandomForestLoadOptions (the other algorithms load whole either way).
 */
export function loadEstimator(json: unknown, options: RandomForestLoadOptions = {}): Classifier {
  return loadByFormat<Classifier>(
    json,
    {
      [GAUSSIAN_NB_FORMAT]: GaussianNB.load,
      [KNN_FORMAT]: KNearestNeighbors.load,
      [RANDOM_FOREST_FORMAT]: (j) => RandomForest.load(j, options),
      [LOGISTIC_REGRESSION_FORMAT]: LogisticRegression.load,
      [HIST_GRADIENT_BOOSTING_FORMAT]: HistGradientBoosting.load,
    },
    'estimator',
  );
}
