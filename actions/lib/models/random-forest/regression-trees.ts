// Storage of a forest of regression trees: node arrays in memory, and a compact byte stream in JSON.
// Stream: each tree in preorder, a node as two varints: a split is (1 + feature, index of its threshold in
// that feature's table), a leaf is (0, index of its value in the table of leaf values). Thresholds and leaf
// values are tables of distinct numbers in JSON, so a forest fitted on a few distinct targets (wine
// quality) stores each leaf in two bytes. Browser-safe.
import { ByteWriter, type Fail, readVarint } from '../varint.js';

export interface RegressionForest {
  nFeatures: number;
  /** Node index of each tree's root; a split's left child is the next node (preorder). */
  roots: Int32Array;
  /** Split feature per node, −1 for a leaf. */
  feature: Int32Array;
  /** A row goes left when its feature value is <= this (splits only). */
  threshold: Float64Array;
  /** Right child per split node. */
  right: Int32Array;
  /** Prediction per leaf node. */
  value: Float64Array;
  /** Mean decrease in squared error per feature, normalised to sum 1 (all 0 without splits). */
  importances: Float64Array;
}

export interface EncodedRegressionForest {
  thresholds: number[][];
  leafValues: number[];
  trees: Uint8Array;
}

function sortedDistinct(values: Iterable<number>): number[] {
  return Array.from(new Set(values)).sort((a, b) => a - b);
}

export function encodeRegressionForest(f: RegressionForest): EncodedRegressionForest {
  const n = f.feature.length;
  const perFeature: number[][] = Array.from({ length: f.nFeatures }, () => []);
  const leaves: number[] = [];
  for (let node = 0; node < n; node++) {
    if (f.feature[node] >= 0) perFeature[f.feature[node]].push(f.threshold[node]);
    else leaves.push(f.value[node]);
  }
  const thresholds = perFeature.map(sortedDistinct);
  const leafValues = sortedDistinct(leaves);
  const thresholdIndex = thresholds.map((t) => new Map(t.map((v, k) => [v, k])));
  const leafIndex = new Map(leafValues.map((v, k) => [v, k]));
  const w = new ByteWriter();
  for (let node = 0; node < n; node++) {
    const j = f.feature[node];
    if (j >= 0) {
      w.varint(1 + j);
      w.varint(thresholdIndex[j].get(f.threshold[node])!);
    } else {
      w.varint(0);
      w.varint(leafIndex.get(f.value[node])!);
    }
  }
  return { thresholds, leafValues, trees: w.bytes.slice(0, w.length) };
}

/** Decodes and checks the stream: every index in range, exactly nTrees whole trees, nodeCount nodes. */
export function decodeRegressionForest(
  encoded: EncodedRegressionForest,
  nTrees: number,
  nodeCount: number,
  importances: Float64Array,
  fail: Fail,
): RegressionForest {
  const { thresholds, leafValues, trees: bytes } = encoded;
  const p = thresholds.length;
  // Every node takes at least two bytes: a hand-edited count cannot size the arrays beyond the input.
  const capacity = Math.min(nodeCount, bytes.length >> 1);
  const feature = new Int32Array(capacity);
  const threshold = new Float64Array(capacity);
  const right = new Int32Array(capacity);
  const value = new Float64Array(capacity);
  const roots = new Int32Array(nTrees);
  const cursor = { pos: 0 };
  const awaitingRight: number[] = [];
  let node = 0;
  for (let t = 0; t < nTrees; t++) {
    if (cursor.pos >= bytes.length) fail(`trees hold ${t} trees, params say ${nTrees}`);
    roots[t] = node;
    for (;;) {
      if (node === capacity) fail(`nodeCount is ${nodeCount} but the trees hold more nodes`);
      const tag = readVarint(bytes, cursor, bytes.length, fail);
      const index = readVarint(bytes, cursor, bytes.length, fail);
      if (tag > 0) {
        const j = tag - 1;
        if (j >= p) fail(`node ${node} splits on feature ${j}, but there are ${p} features`);
        if (index >= thresholds[j].length)
          fail(
            `node ${node} uses threshold ${index} of feature ${j}, but thresholds[${j}] has ${thresholds[j].length}`,
          );
        feature[node] = j;
        threshold[node] = thresholds[j][index];
        awaitingRight.push(node);
        node++;
        continue;
      }
      if (index >= leafValues.length)
        fail(`leaf node ${node} uses value ${index}, but leafValues has ${leafValues.length}`);
      feature[node] = -1;
      value[node] = leafValues[index];
      node++;
      const parent = awaitingRight.pop();
      if (parent === undefined) break;
      right[parent] = node;
    }
  }
  if (cursor.pos !== bytes.length)
    fail(`trees hold ${bytes.length - cursor.pos} bytes after the last of ${nTrees} trees`);
  if (node !== nodeCount) fail(`nodeCount is ${nodeCount} but the trees hold ${node} nodes`);
  return { nFeatures: p, roots, feature, threshold, right, value, importances };
}
