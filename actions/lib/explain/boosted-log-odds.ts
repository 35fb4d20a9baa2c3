// A boosted classifier's prediction explained as log-odds, predicted class against the runner-up, split
// by tree paths (Saabas or TreeSHAP per score slot). Browser-safe.
import type { EstimatorJSON } from '../models/types.js';
import type { TreeContributions } from './saabas.js';
import type { TreeEnsemble } from './tree-ensemble.js';

/**
 * A boosted classifier's log-odds of its predicted class against the runner-up, split by tree paths.
 * Its trees add raw scores: two classes, one score s for the second class, log-odds ±s; more classes,
 * one score per class (softmax), log-odds = score(winner) − score(runner-up). Both are linear in the
 * per-slot explanations, so bias and contributions are their differences. Classes never seen in training
 * have probability 0 and take no part.
 */
export function boostedLogOdds(
  e: TreeEnsemble,
  estimator: EstimatorJSON,
  x: ArrayLike<number>,
  nLabelClasses: number,
  run: (output: number) => TreeContributions,
): { winner: number; runnerUp: number; terms: TreeContributions } {
  const present = (estimator as unknown as { classes: number[] }).classes;
  const K = Math.max(nLabelClasses, (estimator as unknown as { nClasses: number }).nClasses);
  const slots = e.nOutputs;
  const score = Float64Array.from({ length: slots }, (_, k) => scoreOf(e, k, x));
  const proba = new Float64Array(K);
  if (slots === 1) {
    const p = 1 / (1 + Math.exp(-score[0]));
    proba[present[0]] = 1 - p;
    proba[present[1]] = p;
  } else {
    const max = Math.max(...score);
    let sum = 0;
    for (let k = 0; k < slots; k++) sum += Math.exp(score[k] - max);
    for (let k = 0; k < slots; k++) proba[present[k]] = Math.exp(score[k] - max) / sum;
  }
  // As predict: the most probable class, ties to the lowest index; the runner-up likewise among the rest.
  const rank = (skip: number) => {
    let best = -1;
    for (const c of present) if (c !== skip && (best < 0 || proba[c] > proba[best])) best = c;
    return best;
  };
  const winner = rank(-1);
  const runnerUp = rank(winner);
  if (slots === 1) {
    const t = run(0);
    const sign = winner === present[1] ? 1 : -1;
    return {
      winner,
      runnerUp,
      terms: {
        bias: sign * t.bias,
        prediction: sign * t.prediction,
        columns: t.columns.map((v) => sign * v),
      },
    };
  }
  const w = run(present.indexOf(winner));
  const r = run(present.indexOf(runnerUp));
  return {
    winner,
    runnerUp,
    terms: {
      bias: w.bias - r.bias,
      prediction: w.prediction - r.prediction,
      columns: w.columns.map((v, j) => v - r.columns[j]),
    },
  };
}

/** A boosted model's raw score for one slot: its baseline plus the leaves its trees reach. */
function scoreOf(e: TreeEnsemble, output: number, x: ArrayLike<number>): number {
  const { roots, feature, threshold, right } = e;
  let s = e.baseline[output];
  for (let t = 0; t < roots.length; t++) {
    if (e.treeOutput && e.treeOutput[t] !== output) continue;
    let node = roots[t];
    while (feature[node] >= 0) node = x[feature[node]] <= threshold[node] ? node + 1 : right[node];
    s += e.leafValue(node, output);
  }
  return s;
}
