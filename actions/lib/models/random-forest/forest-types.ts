// A fitted random forest classifier in flat arrays (what the grower builds, the codec writes and reads,
// predictions walk), the shape the model JSON declares for its trees, and the helpers that build those
// arrays. The byte form is forest-codec.ts; the regression forest's arrays are regression-trees.ts.
// Browser-safe.

/**
 * The distinct split points of a forest, grouped by feature and ascending within one: the thresholds of
 * feature j are value[start[j]] .. value[start[j + 1] - 1]. Rows with x[feature[s]] <= value[s] go left.
 */
export interface SplitTable {
  feature: Int32Array;
  value: Float64Array;
  start: Int32Array;
}

/** Fitted trees, all in flat arrays; each tree's nodes are in preorder, so a left child is node + 1. */
export interface Forest {
  nFeatures: number;
  nClasses: number;
  /** First node of each tree. */
  roots: Int32Array;
  /** Per node: the index of its split in `splits`, or -1 for a leaf. */
  split: Int32Array;
  splits: SplitTable;
  /**
   * Right child of an internal node. For a leaf: -1 - c when the leaf is pure (all class c), otherwise the
   * index of its mixed leaf. Most leaves are pure, so they need no class arrays.
   */
  right: Int32Array;
  /** Weighted class counts per mixed leaf, leaf * nClasses + class (integers: bootstrap counts). */
  mixedCounts: Float64Array;
  /** Class fractions per mixed leaf, same layout. */
  mixedProba: Float64Array;
  importances: Float64Array;
}

/** The node arrays a forest is assembled from (the rest is derived). */
export type ForestNodes = Pick<Forest, 'roots' | 'split' | 'splits' | 'right' | 'mixedCounts'>;

/**
 * What a model JSON says about its trees, checked before the bytes are read; the byte stream must agree
 * with it (the codec and the lazy walker fail otherwise).
 */
export interface ForestShape {
  /** Byte format version: 1 (no subtree lengths) or 2 (forest-codec.ts). */
  version: 1 | 2;
  nTrees: number;
  nFeatures: number;
  nClasses: number;
  splits: SplitTable;
  nodeCount: number;
}

/** The split table of per-feature ascending threshold lists (the JSON's `thresholds`). */
export function splitTable(tables: number[][]): SplitTable {
  const start = new Int32Array(tables.length + 1);
  for (let j = 0; j < tables.length; j++) start[j + 1] = start[j] + tables[j].length;
  const total = start[tables.length];
  const feature = new Int32Array(total);
  const value = new Float64Array(total);
  for (let j = 0; j < tables.length; j++) {
    feature.fill(j, start[j], start[j + 1]);
    value.set(tables[j], start[j]);
  }
  return { feature, value, start };
}

/**
 * The thresholds some node uses, per feature (a loaded file may list unused ones: they are not written
 * back), and each used split's index in its feature's list.
 */
export function usedSplits(f: Forest): { tables: number[][]; index: Int32Array } {
  const { feature, value } = f.splits;
  const used = new Uint8Array(value.length);
  for (let node = 0; node < f.split.length; node++) if (f.split[node] >= 0) used[f.split[node]] = 1;
  const tables: number[][] = Array.from({ length: f.nFeatures }, () => []);
  const index = new Int32Array(value.length).fill(-1);
  for (let s = 0; s < value.length; s++) {
    if (!used[s]) continue;
    const table = tables[feature[s]];
    index[s] = table.length;
    table.push(value[s]);
  }
  return { tables, index };
}

/** A forest from its node arrays: leaf fractions computed, importances zero (the caller sets them). */
export function assembleForest(
  shape: Pick<ForestShape, 'nFeatures' | 'nClasses'>,
  nodes: ForestNodes,
): Forest {
  const { nFeatures, nClasses } = shape;
  return {
    nFeatures,
    nClasses,
    roots: nodes.roots,
    split: nodes.split,
    splits: nodes.splits,
    right: nodes.right,
    mixedCounts: nodes.mixedCounts,
    mixedProba: leafFractions(nodes.mixedCounts, nClasses),
    importances: new Float64Array(nFeatures),
  };
}

/** Class fractions of leaves given their K class counts each. */
export function leafFractions(leafCounts: Float64Array, K: number): Float64Array {
  const proba = new Float64Array(leafCounts.length);
  for (let o = 0; o < leafCounts.length; o += K) {
    let total = 0;
    for (let c = 0; c < K; c++) total += leafCounts[o + c];
    for (let c = 0; c < K; c++) proba[o + c] = leafCounts[o + c] / total;
  }
  return proba;
}

/** `old`'s values copied into the start of `bigger` (a flat array that ran out of room). */
export function grow<T extends Int32Array | Float64Array>(old: T, bigger: T): T {
  bigger.set(old);
  return bigger;
}

/** Bytes of the little-endian threshold index for a table of this many thresholds (1 to 4). */
export function indexWidth(tableLength: number): number {
  let width = 1;
  while (tableLength - 1 >= 2 ** (8 * width)) width++;
  return width;
}

/** indexWidth of each feature's threshold table. */
export function indexWidths(shape: Pick<ForestShape, 'nFeatures' | 'splits'>): Int32Array {
  const { start } = shape.splits;
  return Int32Array.from({ length: shape.nFeatures }, (_, j) => indexWidth(start[j + 1] - start[j]));
}
