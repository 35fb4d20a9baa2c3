// Saabas path contributions (the "treeinterpreter" method): follow the row down each tree; every split
// passed credits its feature with the change in node value from the node to the child taken. Per tree the
// credits telescope from the root's value to the leaf's, so over the forest
//   bias (mean root value) + Σ_j contribution_j = mean leaf value = the forest's prediction,
// exactly up to rounding (a boosted model: its baseline + the sum over trees, its raw score).
// O(depth) per tree. Browser-safe.
import type { TreeEnsemble } from './tree-ensemble.js';

export interface TreeContributions {
  bias: number;
  /** The forest's prediction for the explained output (mean over trees of the leaf reached). */
  prediction: number;
  /** Per feature-view column. */
  columns: Float64Array;
}

/** A forest's per-tree sums as its mean over trees; a boosted model's as baseline + sum. In place. */
export function combine(
  e: TreeEnsemble,
  output: number,
  bias: number,
  prediction: number,
  columns: Float64Array,
): TreeContributions {
  if (!e.average)
    return { bias: e.baseline[output] + bias, prediction: e.baseline[output] + prediction, columns };
  const n = e.roots.length;
  for (let j = 0; j < columns.length; j++) columns[j] /= n;
  return { bias: bias / n, prediction: prediction / n, columns };
}

/** x: one row in view columns. */
export function saabas(e: TreeEnsemble, output: number, x: ArrayLike<number>): TreeContributions {
  const values = e.values(output);
  const { roots, feature, threshold, right } = e;
  const columns = new Float64Array(e.nFeatures);
  let bias = 0;
  let prediction = 0;
  for (let t = 0; t < roots.length; t++) {
    if (e.treeOutput && e.treeOutput[t] !== output) continue; // a boosted tree of another class
    let node = roots[t];
    bias += values[node];
    for (let j = feature[node]; j >= 0; j = feature[node]) {
      const next = x[j] <= threshold[node] ? node + 1 : right[node];
      columns[j] += values[next] - values[node];
      node = next;
    }
    prediction += values[node];
  }
  return combine(e, output, bias, prediction, columns);
}
