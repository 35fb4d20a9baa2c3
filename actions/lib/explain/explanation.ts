// The JSON shape of an explained prediction, the same in the CLI (`predict --explain`) and the browser
// predictor. Numbers are plain JSON numbers; every list has a stable order. Browser-safe.

/** A class of the label, as the user knows it. */
export interface ExplainedClass {
  index: number;
  value: string;
  label: string;
}

/** One input feature: its value as given (a number, or a category's value with its label). */
export interface FeatureValue {
  name: string;
  title: string;
  value: number | string;
  /** The category's label for a categorical feature. */
  valueLabel?: string;
}

/** A feature's share of the explained quantity: the sum over its feature-view columns. */
export interface FeatureContribution extends FeatureValue {
  contribution: number;
}

/**
 * Gaussian naive Bayes: log P(winner | x) − log P(runner-up | x) split exactly into the prior term and
 * one log-likelihood term per feature: prior + Σ contribution = logOdds.
 */
export interface NaiveBayesExplanation {
  method: 'naive-bayes-log-odds';
  algorithm: string;
  predicted: ExplainedClass & { probability: number };
  runnerUp: ExplainedClass & { probability: number };
  /** log P(winner) − log P(runner-up), the class priors. */
  prior: number;
  logOdds: number;
  features: FeatureContribution[];
}

/**
 * Logistic regression: the log-odds of the winner against the runner-up split exactly into the intercept
 * term and one term per feature: intercept + Σ contribution = logOdds.
 */
export interface LogisticExplanation {
  method: 'logistic-log-odds';
  algorithm: string;
  predicted: ExplainedClass & { probability: number };
  runnerUp: ExplainedClass & { probability: number };
  /** The winner's intercept minus the runner-up's: the log-odds at the training mean. */
  intercept: number;
  logOdds: number;
  features: FeatureContribution[];
}

/** Linear regression: intercept + Σ contribution = the predicted value, exactly. */
export interface LinearExplanation {
  method: 'linear';
  algorithm: string;
  task: 'regression';
  intercept: number;
  prediction: number;
  features: FeatureContribution[];
}

/**
 * A tree ensemble: bias + Σ contribution = prediction, where prediction is what `explains` names: the
 * predicted class's probability (a forest classifier), the predicted value (a forest regressor), or the
 * log-odds log P(predicted) − log P(runner-up) (a boosted model, whose trees add up raw scores).
 */
export interface TreeExplanation {
  method: 'saabas' | 'tree-shap';
  algorithm: string;
  task: 'classification' | 'regression';
  explains: 'probability' | 'value' | 'log-odds';
  /** Classification: the class whose probability or log-odds is explained (the predicted one). */
  predicted?: ExplainedClass;
  /** Log-odds: the class compared against (the most probable other one). */
  runnerUp?: ExplainedClass;
  /**
   * The prediction before any feature is known: a forest's mean over trees of the root value; a boosted
   * model's baseline plus the sum of its root values.
   */
  bias: number;
  prediction: number;
  /**
   * How a node's value weighs its subtrees. The stored forests keep no per-node training counts, so
   * every leaf weighs the same: a node's value is the mean of the leaf values beneath it.
   */
  nodeWeights: 'equal-leaves';
  features: FeatureContribution[];
}

/** One of the k nearest training examples, in the model's own order (distance, then training index). */
export interface Neighbour {
  rank: number;
  /** Position of the example in the model's training rows. */
  trainingIndex: number;
  /** Euclidean distance in the model's (standardised) feature view. */
  distance: number;
  /**
   * The neighbour's share of the vote or average: 1 each (uniform), 1/distance (distance), or 1 for each
   * exact match and 0 for the others when some neighbours are at distance 0 (they take all the weight).
   */
  weight: number;
  /** Classification: the example's class. */
  label?: ExplainedClass;
  /** Regression: the example's value. */
  value?: number;
  features: FeatureValue[];
}

export interface NeighbourExplanation {
  method: 'neighbours';
  algorithm: string;
  task: 'classification' | 'regression';
  k: number;
  weights: 'uniform' | 'distance';
  input: FeatureValue[];
  neighbours: Neighbour[];
}

export type Explanation =
  | NaiveBayesExplanation
  | LogisticExplanation
  | LinearExplanation
  | TreeExplanation
  | NeighbourExplanation;
