// Linear models explained exactly: a score is intercept + Σ_j w_j x_j over the feature-view columns
// (standardised for logistic and ridge models, so a column's term is its weight times how many standard
// deviations the input sits from the training mean). Logistic regression: the log-odds of the winning
// class against the runner-up, log P(w|x) − log P(r|x), is the difference of their scores (softmax), or
// the one score (binary), so it splits into an intercept term and one term per column with no remainder.
// Linear regression: the predicted value is the intercept plus the terms. Browser-safe.
import type { EstimatorJSON } from '../models/types.js';

export interface LogisticTerms {
  winner: number;
  runnerUp: number;
  /** Intercept difference: the log-odds at x = 0 (the training mean, standardised). */
  intercept: number;
  columns: Float64Array;
  logOdds: number;
  /** Probabilities by class index, as the model's predictProba computes them. */
  probabilities: Float64Array;
}

interface StoredLogistic {
  nClasses: number;
  nFeatures: number;
  present: number[];
  coef: number[][];
  intercept: number[];
}

/** `predicted`: the model's class (ties broken as it broke them); by default the most probable. */
export function logisticTerms(
  estimator: EstimatorJSON,
  x: ArrayLike<number>,
  predicted?: number,
): LogisticTerms {
  const m = estimator as unknown as StoredLogistic;
  const p = m.nFeatures;
  if (x.length !== p)
    throw new RangeError(`explain: the input has ${x.length} columns, the model reads ${p}`);
  const K = m.present.length;
  if (K < 2)
    throw new RangeError('explain: the logistic model saw one class in training; nothing to compare');
  // Score per present class; binary models store one row: the positive class's score against 0.
  const rows = m.coef.length;
  const score = (k: number) => {
    let s = m.intercept[k];
    for (let j = 0; j < p; j++) s += m.coef[k][j] * x[j];
    return s;
  };
  const scores = K === 2 && rows === 1 ? [0, score(0)] : m.present.map((_, k) => score(k));
  const weight = (k: number, j: number) =>
    K === 2 && rows === 1 ? (k === 1 ? m.coef[0][j] : 0) : m.coef[k][j];
  const bias = (k: number) => (K === 2 && rows === 1 ? (k === 1 ? m.intercept[0] : 0) : m.intercept[k]);
  const max = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - max));
  const total = e.reduce((a, b) => a + b, 0);
  const probabilities = new Float64Array(m.nClasses);
  m.present.forEach((c, k) => {
    probabilities[c] = e[k] / total;
  });
  const ranked = m.present.map((_, k) => k).sort((a, b) => scores[b] - scores[a] || a - b);
  const w =
    predicted !== undefined && m.present.includes(predicted) ? m.present.indexOf(predicted) : ranked[0];
  const r = ranked[0] === w ? ranked[1] : ranked[0];
  const columns = new Float64Array(p);
  for (let j = 0; j < p; j++) columns[j] = (weight(w, j) - weight(r, j)) * x[j];
  return {
    winner: m.present[w],
    runnerUp: m.present[r],
    intercept: bias(w) - bias(r),
    columns,
    logOdds: scores[w] - scores[r],
    probabilities,
  };
}

export interface LinearTerms {
  intercept: number;
  columns: Float64Array;
  prediction: number;
}

export function linearTerms(estimator: EstimatorJSON, x: ArrayLike<number>): LinearTerms {
  const m = estimator as unknown as { coef: number[]; intercept: number };
  if (x.length !== m.coef.length)
    throw new RangeError(`explain: the input has ${x.length} columns, the model reads ${m.coef.length}`);
  const columns = Float64Array.from(m.coef, (w, j) => w * x[j]);
  let prediction = m.intercept;
  for (let j = 0; j < columns.length; j++) prediction += columns[j];
  return { intercept: m.intercept, columns, prediction };
}
