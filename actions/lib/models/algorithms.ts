// The algorithms the pipeline can train, their hyper-parameter grids for cross-validation, and loading
// any serialised estimator by its format name. Adding an algorithm means adding it here. Platform-neutral.
import { GAUSSIAN_NB_FORMAT, GaussianNB } from './gaussian-nb.js';
import { HIST_GRADIENT_BOOSTING_FORMAT, HistGradientBoosting } from './gradient-boosting.js';
import { KNearestNeighbors, KNN_FORMAT, type KnnWeights } from './knn.js';
import { LOGISTIC_REGRESSION_FORMAT, LogisticRegression } from './logistic-regression.js';
import {
  type MaxFeatures,
  RANDOM_FOREST_FORMAT,
  RandomForest,
  type RandomForestLoadOptions,
} from './random-forest.js';
import { type Classifier, ModelFormatError } from './types.js';

export type Params = Record<string, number | string | boolean>;

export interface Algorithm {
  name: string;
  title: string;
  create(params: Params): Classifier;
  /**
   * Distance-based and penalised linear algorithms need standardised numeric features (the penalty and
   * the distances would otherwise depend on the units); the others read raw units.
   */
  standardize: boolean;
  /** Candidate hyper-parameters that cross-validation weighs (first = default). */
  grid: Params[];
}

export const ALGORITHMS: readonly Algorithm[] = [
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
    create: (p) =>
      new KNearestNeighbors({ k: p.k as number | undefined, weights: p.weights as KnnWeights | undefined }),
    grid: [5, 9, 15].flatMap((k) => [
      { k, weights: 'uniform' },
      { k, weights: 'distance' },
    ]),
  },
  {
    name: 'random-forest',
    title: 'Random forest',
    standardize: false,
    create: (p) =>
      new RandomForest({
        nTrees: p.nTrees as number | undefined,
        minSamplesLeaf: p.minSamplesLeaf as number | undefined,
        maxDepth: p.maxDepth as number | undefined,
        maxFeatures: p.maxFeatures as MaxFeatures | undefined,
        seed: p.seed as number | undefined,
      }),
    grid: [
      { nTrees: 100, minSamplesLeaf: 1, maxFeatures: 'sqrt' },
      { nTrees: 100, minSamplesLeaf: 3, maxFeatures: 'sqrt' },
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

export function algorithm(name: string): Algorithm {
  const a = ALGORITHMS.find((x) => x.name === name);
  if (!a)
    throw new RangeError(`unknown algorithm '${name}' (known: ${ALGORITHMS.map((x) => x.name).join(', ')})`);
  return a;
}

/**
 * Loads any estimator JSON by its format name; foreign or corrupt JSON is a ModelFormatError.
 * options.lazy: see RandomForestLoadOptions (the other algorithms load whole either way).
 */
export function loadEstimator(json: unknown, options: RandomForestLoadOptions = {}): Classifier {
  const format =
    typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined;
  switch (format) {
    case GAUSSIAN_NB_FORMAT:
      return GaussianNB.load(json);
    case KNN_FORMAT:
      return KNearestNeighbors.load(json);
    case RANDOM_FOREST_FORMAT:
      return RandomForest.load(json, options);
    case LOGISTIC_REGRESSION_FORMAT:
      return LogisticRegression.load(json);
    case HIST_GRADIENT_BOOSTING_FORMAT:
      return HistGradientBoosting.load(json);
    default:
      throw new ModelFormatError(
        `estimator format ${JSON.stringify(format ?? null)} is not one of ${[GAUSSIAN_NB_FORMAT, KNN_FORMAT, RANDOM_FOREST_FORMAT, LOGISTIC_REGRESSION_FORMAT, HIST_GRADIENT_BOOSTING_FORMAT].join(', ')}`,
      );
  }
}
