// explainPrediction: why a served model predicts what it does for one input, as JSON. One implementation
// for the CLI (`predict --explain`) and the browser predictor. Which explanation depends on the model:
//   gaussian-nb                        exact per-feature log-likelihood terms, winner vs runner-up
//   logistic-regression                exact per-feature terms of the log-odds, winner vs runner-up
//   linear-regression, ridge           exact per-feature terms of the predicted value
//   random-forest(-regressor)          exact TreeSHAP (default) or Saabas path contributions
//   hist-gradient-boosting             the same, of the log-odds, winner vs runner-up
//   knn, knn-regressor                 the k nearest training examples
// Contributions are computed per feature-view column and reported per dataset feature (their sum).
// Browser-safe.
import type { FeatureViewJSON } from '../features/feature-view.js';
import { GAUSSIAN_NB_FORMAT } from '../models/gaussian-nb.js';
import { LINEAR_REGRESSION_FORMAT } from '../models/linear-regression.js';
import { LOGISTIC_REGRESSION_FORMAT } from '../models/logistic-regression.js';
import { readModelInput } from '../models/serving-model.js';
import type { EstimatorJSON, Matrix } from '../models/types.js';
import type { Category, FeatureSchema } from '../spec/spec.js';
import { boostedLogOdds } from './boosted-log-odds.js';
import type {
  ExplainedClass,
  Explanation,
  NaiveBayesExplanation,
  NeighbourExplanation,
  TreeExplanation,
} from './explanation.js';
import { contributionsByFeature, featuresOfViewRow, featureValue } from './feature-columns.js';
import { linearTerms, logisticTerms } from './linear.js';
import { naiveBayesTerms } from './naive-bayes.js';
import { isNeighbours, nearestNeighbours } from './neighbours.js';
import { saabas } from './saabas.js';
import { isTreeEnsemble, type TreeEnsemble, treeEnsemble } from './tree-ensemble.js';
import { treeShap } from './tree-shap.js';

/** What an explanation needs of a served model (ServingModel has all of it). */
export interface ExplainableModel {
  readonly json: {
    algorithm: string;
    label: { classes: Category[] };
    view: FeatureViewJSON;
    estimator: EstimatorJSON;
  };
  readonly features: FeatureSchema[];
  matrixFor(schema: readonly FeatureSchema[], columns: readonly ArrayLike<number>[], nRows: number): Matrix;
}

export interface ExplainOptions {
  /**
   * Tree ensembles: exact path-dependent TreeSHAP (default: 24–30 ms per prediction on the Wine forest in
   * Node, under the 50 ms budget) or Saabas path contributions (0.2 ms: for slow devices).
   */
  trees?: 'tree-shap' | 'saabas';
}

export const EXPLAINED_ALGORITHMS = [
  'gaussian-nb',
  'logistic-regression',
  'linear-regression',
  'ridge',
  'random-forest',
  'random-forest-regressor',
  'hist-gradient-boosting',
  'knn',
  'knn-regressor',
] as const;

/**
 * Explains the model's prediction for one input given by feature name (text or numbers, as predictOne
 * takes it). Throws a RangeError naming the feature for a bad value, or naming the algorithm when it has
 * no explanation.
 */
export function explainPrediction(
  model: ExplainableModel,
  input: Record<string, string | number>,
  options: ExplainOptions = {},
): Explanation {
  const raw = readModelInput(model.features, input);
  const X = model.matrixFor(
    model.features,
    raw.map((v) => [v]),
    1,
  );
  const x = X.data; // one row: its columns are the data
  const { algorithm, estimator, view, label } = model.json;
  const classOf = (index: number): ExplainedClass => ({
    index,
    value: label.classes[index]?.value ?? String(index),
    label: label.classes[index]?.label ?? String(index),
  });

  if (estimator.format === GAUSSIAN_NB_FORMAT) {
    const t = naiveBayesTerms(estimator, x);
    const out: NaiveBayesExplanation = {
      method: 'naive-bayes-log-odds',
      algorithm,
      predicted: { ...classOf(t.winner), probability: t.probabilities[t.winner] },
      runnerUp: { ...classOf(t.runnerUp), probability: t.probabilities[t.runnerUp] },
      prior: t.prior,
      logOdds: t.joint[t.winner] - t.joint[t.runnerUp],
      features: contributionsByFeature(view, raw, t.columns),
    };
    return out;
  }

  if (estimator.format === LOGISTIC_REGRESSION_FORMAT) {
    const t = logisticTerms(estimator, x);
    return {
      method: 'logistic-log-odds',
      algorithm,
      predicted: { ...classOf(t.winner), probability: t.probabilities[t.winner] },
      runnerUp: { ...classOf(t.runnerUp), probability: t.probabilities[t.runnerUp] },
      intercept: t.intercept,
      logOdds: t.logOdds,
      features: contributionsByFeature(view, raw, t.columns),
    };
  }

  if (estimator.format === LINEAR_REGRESSION_FORMAT) {
    const t = linearTerms(estimator, x);
    return {
      method: 'linear',
      algorithm,
      task: 'regression',
      intercept: t.intercept,
      prediction: t.prediction,
      features: contributionsByFeature(view, raw, t.columns),
    };
  }

  const ctx: Explaining = { algorithm, view, raw, x, classOf };
  if (isTreeEnsemble(estimator)) return treeExplanation(ctx, estimator, label.classes.length, options);
  if (isNeighbours(estimator)) return neighbourExplanation(ctx, model.features, estimator);

  throw new RangeError(
    `explain: a ${algorithm} model cannot explain its predictions; explanations exist for ${EXPLAINED_ALGORITHMS.join(', ')}`,
  );
}

/** What every explanation of the one input shares: the model's name, its view, the input and its row. */
interface Explaining {
  algorithm: string;
  view: FeatureViewJSON;
  /** The input as the model reads it, one value per feature. */
  raw: ReturnType<typeof readModelInput>;
  /** The input's feature-view row. */
  x: ArrayLike<number>;
  classOf: (index: number) => ExplainedClass;
}

/** A tree ensemble: TreeSHAP or Saabas contributions, of the log-odds (boosted) or the forest's output. */
function treeExplanation(
  ctx: Explaining,
  estimator: Parameters<typeof treeEnsemble>[0],
  nClasses: number,
  options: ExplainOptions,
): Explanation {
  const { algorithm, view, raw, x, classOf } = ctx;
  const e = treeEnsemble(estimator);
  const method = options.trees ?? 'tree-shap';
  const run = (output: number) => (method === 'saabas' ? saabas(e, output, x) : treeShap(e, output, x));
  const head = { method, algorithm, nodeWeights: 'equal-leaves' as const };
  if (!e.average) {
    const b = boostedLogOdds(e, estimator, x, nClasses, run);
    return {
      ...head,
      task: 'classification',
      explains: 'log-odds',
      predicted: classOf(b.winner),
      runnerUp: classOf(b.runnerUp),
      bias: b.terms.bias,
      prediction: b.terms.prediction,
      features: contributionsByFeature(view, raw, b.terms.columns),
    };
  }
  const classification = e.nOutputs > 1 || nClasses > 0;
  const output = classification ? predictedOutput(e, x) : 0;
  const c = run(output);
  const out: TreeExplanation = {
    ...head,
    task: classification ? 'classification' : 'regression',
    explains: classification ? 'probability' : 'value',
    ...(classification ? { predicted: classOf(output) } : {}),
    bias: c.bias,
    prediction: c.prediction,
    features: contributionsByFeature(view, raw, c.columns),
  };
  return out;
}

/** k nearest neighbours: the training examples the prediction is made of, nearest first. */
function neighbourExplanation(
  ctx: Explaining,
  features: readonly FeatureSchema[],
  estimator: Parameters<typeof nearestNeighbours>[0],
): Explanation {
  const { algorithm, view, raw, x, classOf } = ctx;
  const hits = nearestNeighbours(estimator, x);
  const classification = estimator.format === 'gitml.knn';
  const out: NeighbourExplanation = {
    method: 'neighbours',
    algorithm,
    task: classification ? 'classification' : 'regression',
    k: hits.k,
    weights: hits.weights,
    input: features.map((f, i) => featureValue(f, raw[i])),
    neighbours: Array.from(hits.indices, (t, r) => ({
      rank: r + 1,
      trainingIndex: t,
      distance: hits.distances[r],
      weight: voteWeight(hits.weights, hits.distances, r),
      ...(classification ? { label: classOf(hits.y[t]) } : { value: hits.y[t] }),
      features: featuresOfViewRow(view, hits.X.slice(t * hits.cols, (t + 1) * hits.cols)),
    })),
  };
  return out;
}

/** The forest's predicted class: highest mean leaf fraction over trees (ties: lowest class), as predict. */
function predictedOutput(e: TreeEnsemble, x: ArrayLike<number>): number {
  const sums = new Float64Array(e.nOutputs);
  const { roots, feature, threshold, right } = e;
  for (let t = 0; t < roots.length; t++) {
    let node = roots[t];
    while (feature[node] >= 0) node = x[feature[node]] <= threshold[node] ? node + 1 : right[node];
    for (let c = 0; c < e.nOutputs; c++) sums[c] += e.leafValue(node, c);
  }
  let best = 0;
  for (let c = 1; c < e.nOutputs; c++) if (sums[c] > sums[best]) best = c;
  return best;
}

/** As knn.ts and knn-regressor.ts weigh neighbour r (nearest first). */
function voteWeight(weights: 'uniform' | 'distance', distances: Float64Array, r: number): number {
  if (weights === 'uniform') return 1;
  if (distances[0] === 0) return distances[r] === 0 ? 1 : 0;
  return 1 / distances[r];
}
