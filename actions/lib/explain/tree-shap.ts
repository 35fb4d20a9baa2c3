// Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2; the recursion of the shap
// package's tree_shap.h): each feature's Shapley value for one tree's prediction, where a feature left
// out follows both branches in proportion to their cover. Cover here is a subtree's leaf count (see
// tree-ensemble.ts), the same weights that define node values, so bias = mean root value and
//   bias + Σ_j φ_j = the forest's prediction.
// O(leaves × depth²) per tree. Browser-safe.
import { combine, type TreeContributions } from './saabas.js';
import type { TreeEnsemble } from './tree-ensemble.js';

/** The "unique path" of the recursion: one slice per level, each level a copy of its parent's. */
interface PathBuffers {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
}

const silentCache = new WeakMap<Float64Array, Uint8Array>();

/**
 * 1 for a node whose leaves all predict exactly 0 for this output: its subtree adds nothing to any φ, so
 * the recursion skips it (exactly). For a forest's class most leaves are pure leaves of other classes.
 */
function silentSubtrees(e: TreeEnsemble, values: Float64Array): Uint8Array {
  let silent = silentCache.get(values);
  if (silent) return silent;
  const n = e.feature.length;
  silent = new Uint8Array(n);
  for (let node = n - 1; node >= 0; node--)
    silent[node] = e.feature[node] < 0 ? +(values[node] === 0) : silent[node + 1] & silent[e.right[node]];
  silentCache.set(values, silent);
  return silent;
}

/** x: one row in view columns. */
export function treeShap(e: TreeEnsemble, output: number, x: ArrayLike<number>): TreeContributions {
  const values = e.values(output);
  const silent = silentSubtrees(e, values);
  const columns = new Float64Array(e.nFeatures);
  // Level d's slice (d + 1 elements) starts right after its parent's; d <= maxDepth + 1 along any path.
  const size = ((e.maxDepth + 3) * (e.maxDepth + 4)) / 2;
  const path: PathBuffers = {
    feature: new Int32Array(size),
    zero: new Float64Array(size),
    one: new Float64Array(size),
    weight: new Float64Array(size),
  };
  let bias = 0;
  let prediction = 0;
  for (let t = 0; t < e.roots.length; t++) {
    if (e.treeOutput && e.treeOutput[t] !== output) continue; // a boosted tree of another class
    const root = e.roots[t];
    bias += values[root];
    let node = root;
    while (e.feature[node] >= 0) node = x[e.feature[node]] <= e.threshold[node] ? node + 1 : e.right[node];
    prediction += values[node];
    recurse(e, values, silent, x, columns, path, root, 0, 0, 1, 1, -1);
  }
  return combine(e, output, bias, prediction, columns);
}

function recurse(
  e: TreeEnsemble,
  values: Float64Array,
  silent: Uint8Array,
  x: ArrayLike<number>,
  phi: Float64Array,
  path: PathBuffers,
  node: number,
  parentAt: number,
  depth: number,
  zeroFraction: number,
  oneFraction: number,
  featureIndex: number,
): void {
  if (silent[node]) return;
  // This level's path: a copy of the parent's (depth elements), then extended by one.
  const at = parentAt + depth;
  for (let i = 0; i < depth; i++) {
    path.feature[at + i] = path.feature[parentAt + i];
    path.zero[at + i] = path.zero[parentAt + i];
    path.one[at + i] = path.one[parentAt + i];
    path.weight[at + i] = path.weight[parentAt + i];
  }
  extend(path, at, depth, zeroFraction, oneFraction, featureIndex);
  const j = e.feature[node];
  if (j < 0) {
    const v = values[node];
    for (let i = 1; i <= depth; i++) {
      const w = unwoundSum(path, at, depth, i);
      phi[path.feature[at + i]] += w * (path.one[at + i] - path.zero[at + i]) * v;
    }
    return;
  }
  const left = node + 1;
  const right = e.right[node];
  const goLeft = x[j] <= e.threshold[node];
  const hot = goLeft ? left : right;
  const cold = goLeft ? right : left;
  const cover = e.leaves[node];
  let incomingZero = 1;
  let incomingOne = 1;
  // A feature split on again higher up: undo that extension and redo it here.
  let k = 0;
  while (k <= depth && path.feature[at + k] !== j) k++;
  let d = depth;
  if (k <= depth) {
    incomingZero = path.zero[at + k];
    incomingOne = path.one[at + k];
    unwind(path, at, d, k);
    d--;
  }
  recurse(
    e,
    values,
    silent,
    x,
    phi,
    path,
    hot,
    at,
    d + 1,
    (e.leaves[hot] / cover) * incomingZero,
    incomingOne,
    j,
  );
  recurse(e, values, silent, x, phi, path, cold, at, d + 1, (e.leaves[cold] / cover) * incomingZero, 0, j);
}

function extend(
  path: PathBuffers,
  at: number,
  depth: number,
  zero: number,
  one: number,
  feature: number,
): void {
  const w = path.weight;
  path.feature[at + depth] = feature;
  path.zero[at + depth] = zero;
  path.one[at + depth] = one;
  w[at + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    w[at + i + 1] += (one * w[at + i] * (i + 1)) / (depth + 1);
    w[at + i] = (zero * w[at + i] * (depth - i)) / (depth + 1);
  }
}

function unwind(path: PathBuffers, at: number, depth: number, index: number): void {
  const one = path.one[at + index];
  const zero = path.zero[at + index];
  const w = path.weight;
  let next = w[at + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = w[at + i];
      w[at + i] = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - (w[at + i] * zero * (depth - i)) / (depth + 1);
    } else {
      w[at + i] = (w[at + i] * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    path.feature[at + i] = path.feature[at + i + 1];
    path.zero[at + i] = path.zero[at + i + 1];
    path.one[at + i] = path.one[at + i + 1];
  }
}

/** The total permutation weight if the element at `index` were unwound, without changing the path. */
function unwoundSum(path: PathBuffers, at: number, depth: number, index: number): number {
  const one = path.one[at + index];
  const zero = path.zero[at + index];
  const w = path.weight;
  let next = w[at + depth];
  let total = 0;
  if (one !== 0) {
    for (let i = depth - 1; i >= 0; i--) {
      const tmp = next / ((i + 1) * one);
      total += tmp;
      next = w[at + i] - tmp * zero * (depth - i);
    }
  } else {
    for (let i = depth - 1; i >= 0; i--) total += w[at + i] / (zero * (depth - i));
  }
  return total * (depth + 1);
}
