// Saabas path contributions (the "treeinterpreter" method): follow the row down each tree; every split
// passed credits its feature with the change in node value from the node to the child taken. Per tree the
// credits telescope from the root's value to the leaf's, so over the forest
//   bias (mean root value) + Σ_j contribution_j = mean leaf value = the forest's prediction,
// exactly up to rounding. O(depth) per tree. Platform-neutral.
import type { TreeEnsemble } from './tree-ensemble.js';

export interface TreeContributions {
  bias: number;
  /** The forest's prediction for the explained output (mean over trees of the leaf reached). */
  prediction: number;
  /** Per feature-view column. */
  columns: Float64Array;
}

/** x: one row in view columns. */
export function saabas(e: TreeEnsemble, output: number, x: ArrayLike<number>): TreeContributions {
  const values = e.values(output);
  const { roots, feature, threshold, right } = e;
  const columns = new Float64Array(e.nFeatures);
  let bias = 0;
  let prediction = 0;
  for (let t = 0; t < roots.length; t++) {
    let node = roots[t];
    bias += values[node];
    for (let j = feature[node]; j >= 0; j = feature[node]) {
      const next = x[j] <= threshold[node] ? node + 1 : right[node];
      columns[j] += values[next] - values[node];
      node = next;
    }
    prediction += values[node];
  }
  const nTrees = roots.length;
  for (let j = 0; j < columns.length; j++) columns[j] /= nTrees;
  return { bias: bias / nTrees, prediction: prediction / nTrees, columns };
}
