// The trees of a stored random forest (classifier or regressor) or gradient-boosted model in one shape for
// explaining: per node its
// split feature and threshold, its right child (the left child is the next node: trees are in preorder),
// its leaf values, and per output the value of every internal node. Read from the model file itself
// (decoded once and cached per file), so explanations walk the very trees that predict.
//
// A node's value: the stored forests keep no per-node training counts (a pure leaf stores only its class),
// so every leaf weighs the same and a node's value is the mean of the leaf values beneath it; its "cover"
// is its number of leaves. A leaf's value is the leaf's own prediction, so paths still sum exactly to the
// forest's prediction. Browser-safe.
import { bytesField } from '../models/base64.js';
import { HIST_GRADIENT_BOOSTING_FORMAT } from '../models/gradient-boosting.js';
import { decodeTrees } from '../models/random-forest/forest-codec.js';
import { splitTable } from '../models/random-forest/forest-types.js';
import { RANDOM_FOREST_FORMAT } from '../models/random-forest/random-forest.js';
import { RANDOM_FOREST_REGRESSOR_FORMAT } from '../models/random-forest/random-forest-regressor.js';
import { decodeRegressionForest } from '../models/random-forest/regression-trees.js';
import { type EstimatorJSON, ModelFormatError } from '../models/types.js';
import { type Fail, readVarint } from '../models/varint.js';

export interface TreeEnsemble {
  nFeatures: number;
  /** Outputs per leaf: the classes of a forest classifier, 1 for a regressor, score slots when boosted. */
  nOutputs: number;
  /** A forest's prediction is the mean over trees; a boosted model's score is the sum plus a baseline. */
  average: boolean;
  /** Boosted: the score slot each tree adds to (tree t → t mod slots); null: every tree, every output. */
  treeOutput: Int32Array | null;
  /** Per output, the score before any tree (boosting's baseline; 0 for forests). */
  baseline: Float64Array;
  roots: Int32Array;
  /** Split feature (view column) per node, −1 for a leaf. */
  feature: Int32Array;
  /** A row goes left when its value is <= this (splits only). */
  threshold: Float64Array;
  /** Right child of a split node. */
  right: Int32Array;
  /** Leaves beneath each node (1 for a leaf): the weight of a subtree. */
  leaves: Float64Array;
  /** Deepest leaf's depth over all trees (a root leaf has depth 0). */
  maxDepth: number;
  /** A leaf's prediction for one output (a leaf node only). */
  leafValue(node: number, output: number): number;
  /** Per output, every node's value (leaf: its prediction; split: mean of its leaves); built on demand. */
  values(output: number): Float64Array;
}

const cache = new WeakMap<object, TreeEnsemble>();

export function isTreeEnsemble(estimator: EstimatorJSON): boolean {
  return (
    estimator.format === RANDOM_FOREST_FORMAT ||
    estimator.format === RANDOM_FOREST_REGRESSOR_FORMAT ||
    estimator.format === HIST_GRADIENT_BOOSTING_FORMAT
  );
}

/** The trees of a random forest, forest regressor or boosted estimator JSON (validated while decoded). */
export function treeEnsemble(estimator: EstimatorJSON): TreeEnsemble {
  const known = cache.get(estimator);
  if (known) return known;
  const fail: Fail = (rule: string): never => {
    throw new ModelFormatError(`explain: the model's trees are broken: ${rule}`);
  };
  const o = estimator as Record<string, unknown>;
  if (estimator.format === HIST_GRADIENT_BOOSTING_FORMAT) {
    const ensemble = boostedTrees(o, fail);
    cache.set(estimator, ensemble);
    return ensemble;
  }
  const params = (o.params ?? {}) as { nTrees?: unknown };
  const nTrees = params.nTrees;
  if (typeof nTrees !== 'number' || !Number.isInteger(nTrees) || nTrees < 1)
    fail('params.nTrees is not a count');
  const bytes = bytesField(o.trees) ?? fail('trees must be base64 text (or the bytes of model.bin)');
  const nodeCount = o.nodeCount as number;
  let ensemble: TreeEnsemble;
  if (estimator.format === RANDOM_FOREST_FORMAT) {
    const p = o.nFeatures as number;
    const K = o.nClasses as number;
    const splits = splitTable(o.thresholds as number[][]);
    const shape = {
      version: o.version as 1 | 2,
      nTrees: nTrees as number,
      nFeatures: p,
      nClasses: K,
      splits,
      nodeCount,
    };
    const f = decodeTrees(bytes, shape, fail);
    const n = f.split.length;
    const feature = new Int32Array(n);
    const threshold = new Float64Array(n);
    for (let node = 0; node < n; node++) {
      const s = f.split[node];
      feature[node] = s >= 0 ? splits.feature[s] : -1;
      threshold[node] = s >= 0 ? splits.value[s] : 0;
    }
    // A leaf's `right` is −1 − class when pure, else the index of its class fractions.
    const leafValue = (node: number, c: number) => {
      const r = f.right[node];
      return r < 0 ? (-1 - r === c ? 1 : 0) : f.mixedProba[r * K + c];
    };
    ensemble = build(p, K, null, new Float64Array(K), f.roots, feature, threshold, f.right, n, leafValue);
  } else if (estimator.format === RANDOM_FOREST_REGRESSOR_FORMAT) {
    const f = decodeRegressionForest(
      { thresholds: o.thresholds as number[][], leafValues: o.leafValues as number[], trees: bytes },
      nTrees as number,
      nodeCount,
      new Float64Array(o.nFeatures as number),
      fail,
    );
    ensemble = build(
      f.nFeatures,
      1,
      null,
      new Float64Array(1),
      f.roots,
      f.feature,
      f.threshold,
      f.right,
      f.feature.length,
      (node) => f.value[node],
    );
  } else {
    throw new RangeError(`explain: '${String(estimator.format)}' is not a tree ensemble`);
  }
  cache.set(estimator, ensemble);
  return ensemble;
}

function build(
  nFeatures: number,
  nOutputs: number,
  treeOutput: Int32Array | null,
  baseline: Float64Array,
  roots: Int32Array,
  feature: Int32Array,
  threshold: Float64Array,
  right: Int32Array,
  n: number,
  leafValue: (node: number, output: number) => number,
): TreeEnsemble {
  // Children come after their parent in preorder: one backward pass sums every subtree.
  const leaves = new Float64Array(n);
  for (let node = n - 1; node >= 0; node--)
    leaves[node] = feature[node] < 0 ? 1 : leaves[node + 1] + leaves[right[node]];
  let maxDepth = 0;
  const depth = new Int32Array(n);
  for (let node = 0; node < n; node++) {
    if (feature[node] < 0) {
      if (depth[node] > maxDepth) maxDepth = depth[node];
      continue;
    }
    depth[node + 1] = depth[node] + 1;
    depth[right[node]] = depth[node] + 1;
  }
  const byOutput = new Map<number, Float64Array>();
  const values = (output: number) => {
    let v = byOutput.get(output);
    if (v) return v;
    if (!(Number.isInteger(output) && output >= 0 && output < nOutputs))
      throw new RangeError(`explain: output ${output} is not in 0..${nOutputs - 1}`);
    const sums = new Float64Array(n);
    for (let node = n - 1; node >= 0; node--)
      sums[node] = feature[node] < 0 ? leafValue(node, output) : sums[node + 1] + sums[right[node]];
    v = new Float64Array(n);
    for (let node = 0; node < n; node++) v[node] = feature[node] < 0 ? sums[node] : sums[node] / leaves[node];
    byOutput.set(output, v);
    return v;
  };
  // Roots of trees other than the first are not children: their depth stays 0, as it must.
  return {
    nFeatures,
    nOutputs,
    average: treeOutput === null,
    treeOutput,
    baseline,
    roots,
    feature,
    threshold,
    right,
    leaves,
    maxDepth,
    leafValue,
    values,
  };
}

/** Nodes of tree t: roots[t] up to the next tree's root (trees are stored one after another). */
export function treeEnd(e: TreeEnsemble, t: number): number {
  return t + 1 < e.roots.length ? e.roots[t + 1] : e.feature.length;
}

/**
 * The trees of a hist-gradient-boosting JSON. Its stream (gradient-boosting.ts, format version 1): every
 * tree in preorder, iterations × slots trees; a leaf is the byte 0 and takes the next float64 of
 * leafValues (learning rate included); a split is varint(1 + feature) then one byte, its bin: rows with
 * x <= binEdges[feature][bin] go left. Slots: 1 for two classes (the score of the second), else one per
 * class seen in training.
 */
function boostedTrees(o: Record<string, unknown>, fail: Fail): TreeEnsemble {
  const p = o.nFeatures as number;
  const edges = o.binEdges as number[][];
  const baseline = Float64Array.from(o.baseline as number[]);
  const slots = baseline.length;
  const treeCount = (o.iterations as number) * slots;
  const nodes = bytesField(o.nodes) ?? fail('nodes must be base64 text (or the bytes of model.bin)');
  const valueBytes =
    bytesField(o.leafValues) ?? fail('leafValues must be base64 text (or the bytes of model.bin)');
  const values = new DataView(valueBytes.buffer, valueBytes.byteOffset, valueBytes.byteLength);
  const feature = new Int32Array(nodes.length);
  const threshold = new Float64Array(nodes.length);
  const right = new Int32Array(nodes.length);
  const value = new Float64Array(nodes.length);
  const roots = new Int32Array(treeCount);
  const cursor = { pos: 0 };
  const pending: number[] = [];
  let q = 0;
  let leaf = 0;
  for (let t = 0; t < treeCount; t++) {
    roots[t] = q;
    for (;;) {
      if (cursor.pos >= nodes.length) fail(`nodes end inside tree ${t} of ${treeCount}`);
      const tag = readVarint(nodes, cursor, nodes.length, fail);
      if (tag === 0) {
        if (8 * (leaf + 1) > valueBytes.length)
          fail('leafValues holds fewer values than the trees have leaves');
        feature[q] = -1;
        value[q] = values.getFloat64(8 * leaf++, true);
        q++;
        if (pending.length === 0) break;
        right[pending.pop()!] = q;
        continue;
      }
      const j = tag - 1;
      if (j >= p || cursor.pos >= nodes.length) fail(`a split of tree ${t} is broken`);
      const b = nodes[cursor.pos++];
      if (b >= edges[j].length) fail(`a split of tree ${t} uses bin ${b} of feature ${j}, beyond its edges`);
      feature[q] = j;
      threshold[q] = edges[j][b];
      pending.push(q);
      q++;
    }
  }
  const treeOutput = Int32Array.from({ length: treeCount }, (_, t) => t % slots);
  return build(
    p,
    slots,
    treeOutput,
    baseline,
    roots,
    feature.slice(0, q),
    threshold.slice(0, q),
    right.slice(0, q),
    q,
    (node) => value[node],
  );
}
