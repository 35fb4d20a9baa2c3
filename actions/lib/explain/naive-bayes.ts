// Gaussian naive Bayes explained exactly. The model scores class c as
//   log P(c) + Σ_j ℓ_cj(x_j),   ℓ_cj(x) = −½ log(2π σ²_cj) − ½ (x − μ_cj)² / σ²_cj,
// so the log-odds of the winning class w against the runner-up r split into the prior term
// log P(w) − log P(r) and one term ℓ_wj − ℓ_rj per feature-view column, with no remainder.
// Read from the stored means, variances and priors (the model file), so it cannot drift from them.
// Browser-safe.
import type { EstimatorJSON } from '../models/types.js';

export interface NaiveBayesTerms {
  winner: number;
  runnerUp: number;
  /** log P(winner) − log P(runner-up). */
  prior: number;
  /** Per view column: ℓ_winner,j − ℓ_runnerUp,j. */
  columns: Float64Array;
  /** The joint log-likelihood per class (−Infinity for a class without training rows). */
  joint: Float64Array;
  /** Posterior probabilities, as the model's predictProba computes them. */
  probabilities: Float64Array;
}

interface StoredNB {
  nClasses: number;
  nFeatures: number;
  priors: number[];
  means: number[][];
  variances: number[][];
}

/**
 * One row's terms, x in view columns. `predicted`: the class the model predicted (so a last-bit tie is
 * broken as the model broke it); by default the highest joint log-likelihood. Classes without training
 * rows (prior 0) are never the runner-up.
 */
export function naiveBayesTerms(
  estimator: EstimatorJSON,
  x: ArrayLike<number>,
  predicted?: number,
): NaiveBayesTerms {
  const m = estimator as unknown as StoredNB;
  const K = m.nClasses;
  const p = m.nFeatures;
  if (x.length !== p)
    throw new RangeError(`explain: the input has ${x.length} columns, the model reads ${p}`);
  const perColumn = Array.from({ length: K }, () => new Float64Array(p));
  const joint = new Float64Array(K);
  for (let c = 0; c < K; c++) {
    let s = Math.log(m.priors[c]);
    for (let j = 0; j < p; j++) {
      const v = m.variances[c][j];
      const d = x[j] - m.means[c][j];
      const term = -0.5 * Math.log(2 * Math.PI * v) - (0.5 * (d * d)) / v;
      perColumn[c][j] = term;
      s += term;
    }
    joint[c] = s;
  }
  const ranked = Array.from({ length: K }, (_, c) => c)
    .filter((c) => m.priors[c] > 0)
    .sort((a, b) => joint[b] - joint[a] || a - b);
  if (ranked.length < 2)
    throw new RangeError(
      'explain: the naive Bayes model has one class with training rows; nothing to compare',
    );
  const winner = predicted ?? ranked[0];
  const runnerUp = ranked[0] === winner ? ranked[1] : ranked[0];
  const columns = new Float64Array(p);
  for (let j = 0; j < p; j++) columns[j] = perColumn[winner][j] - perColumn[runnerUp][j];
  const probabilities = new Float64Array(K);
  let total = 0;
  for (let c = 0; c < K; c++) {
    probabilities[c] = Math.exp(joint[c] - joint[winner]);
    total += probabilities[c];
  }
  for (let c = 0; c < K; c++) probabilities[c] /= total;
  return {
    winner,
    runnerUp,
    prior: Math.log(m.priors[winner]) - Math.log(m.priors[runnerUp]),
    columns,
    joint,
    probabilities,
  };
}
