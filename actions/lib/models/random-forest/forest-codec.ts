// A fitted random forest in flat arrays, and its byte format inside the model JSON (base64 there).
//
// Byte format, version 2: the trees one after another, each a varint byte length followed by its nodes in
// preorder. Per node a varint tag:
//   tag < K       pure leaf of class `tag`
//   tag = K       mixed leaf, followed by K varint class counts
//   tag = K+1+j   split on feature j, followed by the threshold's index in thresholds[j] (little-endian, just
//                 enough bytes for that table's length), then a varint: the byte length of the left subtree;
//   tag = K+1+p+j the same when the left child is a leaf, without the length (reading the leaf skips it;
//                 that is half the splits, so lengths add a sixth to the stream instead of a third).
// A node's left child follows it; its right child follows the left subtree, whose length lets a reader
// jump over it. So a page that predicts one row at a time walks the bytes as they are, a few dozen nodes
// per tree, and never decodes the forest: Wine's 250k nodes took longer to decode than the rest of the
// page to load. Version 1 (the first models) had no lengths: it still loads, by decoding.
// Platform-neutral.
import type { Matrix } from './types.js';

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

/** Reports a broken byte stream; never returns. */
export type Fail = (rule: string) => never;

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
  p: number,
  K: number,
  roots: Int32Array,
  split: Int32Array,
  splits: SplitTable,
  right: Int32Array,
  mixedCounts: Float64Array,
): Forest {
  return {
    nFeatures: p,
    nClasses: K,
    roots,
    split,
    splits,
    right,
    mixedCounts,
    mixedProba: leafFractions(mixedCounts, K),
    importances: new Float64Array(p),
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

export function grow<T extends Int32Array | Float64Array>(old: T, bigger: T): T {
  bigger.set(old);
  return bigger;
}

/** Bytes of the little-endian threshold index for a table of this many thresholds (1 to 4). */
function indexWidth(tableLength: number): number {
  let width = 1;
  while (tableLength - 1 >= 2 ** (8 * width)) width++;
  return width;
}

function varintLength(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** A growable byte buffer with LEB128 varints (also used by gradient-boosting.ts). */
export class ByteWriter {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  byte(b: number): void {
    if (this.length === this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    this.bytes[this.length++] = b;
  }

  varint(v: number): void {
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }
}

/** Encodes in format version 2. splitIndex: each split's index in its feature's written threshold list. */
export function encodeTrees(f: Forest, splitIndex: Int32Array): Uint8Array {
  const K = f.nClasses;
  const p = f.nFeatures;
  const n = f.split.length;
  const feature = f.splits.feature;
  const count = new Int32Array(f.nFeatures);
  for (let s = 0; s < splitIndex.length; s++) if (splitIndex[s] >= 0) count[feature[s]]++;
  const widths = Array.from(count, indexWidth);

  // Byte length of every subtree, children before parents (reverse preorder): a node's own bytes, then
  // for a split the length of its left subtree as a varint, then both subtrees.
  const size = new Float64Array(n);
  for (let node = n - 1; node >= 0; node--) {
    const s = f.split[node];
    if (s >= 0) {
      const j = feature[s];
      const left = size[node + 1];
      const leftIsLeaf = f.split[node + 1] < 0;
      const tag = K + 1 + (leftIsLeaf ? p : 0) + j;
      size[node] =
        varintLength(tag) + widths[j] + (leftIsLeaf ? 0 : varintLength(left)) + left + size[f.right[node]];
      continue;
    }
    const leaf = f.right[node];
    if (leaf < 0) size[node] = varintLength(-1 - leaf);
    else {
      size[node] = varintLength(K);
      for (let c = 0; c < K; c++) size[node] += varintLength(f.mixedCounts[leaf * K + c]);
    }
  }

  const w = new ByteWriter();
  for (let node = 0; node < n; node++) {
    if (isRoot(f.roots, node)) w.varint(size[node]);
    const s = f.split[node];
    if (s >= 0) {
      const j = feature[s];
      const leftIsLeaf = f.split[node + 1] < 0;
      w.varint(K + 1 + (leftIsLeaf ? p : 0) + j);
      let index = splitIndex[s];
      for (let b = 0; b < widths[j]; b++) {
        w.byte(index & 0xff);
        index >>>= 8;
      }
      if (!leftIsLeaf) w.varint(size[node + 1]);
      continue;
    }
    const leaf = f.right[node];
    if (leaf < 0) {
      w.varint(-1 - leaf);
    } else {
      w.varint(K);
      for (let c = 0; c < K; c++) w.varint(f.mixedCounts[leaf * K + c]);
    }
  }
  return w.bytes.slice(0, w.length);
}

function isRoot(roots: Int32Array, node: number): boolean {
  // Roots ascend; trees are few (100), and encoding is not on any hot path.
  for (let t = 0; t < roots.length; t++) if (roots[t] === node) return true;
  return false;
}

/** An unsigned LEB128 varint of up to 5 bytes at cursor.pos, ending before `end`; advances the cursor. */
export function readVarint(bytes: Uint8Array, cursor: { pos: number }, end: number, fail: Fail): number {
  let v = 0;
  let scale = 1;
  for (let k = 0; k < 5; k++) {
    if (cursor.pos >= end) fail('trees end in the middle of a node');
    const b = bytes[cursor.pos++];
    v += (b & 0x7f) * scale;
    if (b < 0x80) return v;
    scale *= 0x80;
  }
  return fail(`trees hold a varint longer than 5 bytes at byte ${cursor.pos}`);
}

/**
 * Decodes the byte stream (format version 1 or 2) into arrays of their final size, checking everything,
 * including that each stored length matches the bytes it covers. One flat loop over all nodes of all
 * trees with no inner loop on the common path: V8 compiles a hot loop on the fly (OSR), and code compiled
 * for an inner loop is thrown away each time that loop exits. Rare cases are separate functions.
 */
export function decodeTrees(
  bytes: Uint8Array,
  version: 1 | 2,
  nTrees: number,
  p: number,
  K: number,
  splits: SplitTable,
  nodeCount: number,
  fail: Fail,
): Forest {
  const { start } = splits;
  const widths = Int32Array.from({ length: p }, (_, j) => indexWidth(start[j + 1] - start[j]));
  const lengths = version === 2;
  const n = bytes.length;
  // Sized for a correct nodeCount; a wrong one fails below with the count the trees actually hold. Every
  // node takes at least one byte, so a hand-edited huge count cannot size the arrays beyond the input.
  const capacity = Math.min(nodeCount, n);
  const split = new Int32Array(capacity);
  const right = new Int32Array(capacity);
  const roots = new Int32Array(nTrees);
  const leaves: MixedLeaves = { counts: new Float64Array(64 * K), count: 0 };
  const cursor = { pos: 0 };
  // Internal nodes whose right child has not started yet, with the byte where it must start (version 2).
  let pending = new Int32Array(64);
  let pendingAt = new Float64Array(64);
  let top = 0;
  let pos = 0; // a plain local, not cursor.pos: the loop stays fast
  let node = 0;
  let tree = 0;
  let treeEnd = n;
  let treeStart = true;
  let previousWasLeaf = false;
  while (tree < nTrees) {
    if (pos >= n) {
      fail(
        treeStart ? `trees hold ${tree} trees, params say ${nTrees}` : 'trees end in the middle of a node',
      );
    }
    if (node === capacity) fail(`nodeCount is ${nodeCount} but the trees hold more nodes`);
    if (treeStart) {
      roots[tree] = node;
      if (lengths) {
        cursor.pos = pos;
        const length = readVarint(bytes, cursor, n, fail);
        pos = cursor.pos;
        treeEnd = pos + length;
        if (treeEnd > n) fail(`tree ${tree} is ${length} bytes, but only ${n - pos} remain`);
      }
    } else if (previousWasLeaf) {
      const parent = pending[--top];
      right[parent] = node;
      const expected = pendingAt[top];
      if (expected < 0 ? node !== parent + 2 : lengths && pos !== expected) {
        fail(
          expected < 0
            ? `node ${parent} says its left child is a leaf, but it is not`
            : `node ${parent} says its left subtree ends at byte ${expected}, but it ends at byte ${pos}`,
        );
      }
    }
    let tag = bytes[pos];
    if (tag < 0x80) pos++;
    else {
      cursor.pos = pos;
      tag = readVarint(bytes, cursor, n, fail);
      pos = cursor.pos;
    }
    treeStart = false;
    if (tag > K) {
      let j = tag - K - 1;
      const leftIsLeaf = lengths && j >= p;
      if (leftIsLeaf) j -= p;
      if (j >= p) fail(`node ${node} splits on feature ${j}, but there are ${p} features`);
      const width = widths[j];
      if (pos + width > n) fail('trees end in the middle of a node');
      // Little-endian, at most 4 bytes (a table of 2^32 thresholds cannot exist); unrolled, no inner loop.
      let index = bytes[pos];
      if (width > 1) index += bytes[pos + 1] * 0x100;
      if (width > 2) index += bytes[pos + 2] * 0x10000;
      if (width > 3) index += bytes[pos + 3] * 0x1000000;
      pos += width;
      const count = start[j + 1] - start[j];
      if (index >= count) {
        fail(`node ${node} uses threshold ${index} of feature ${j}, but thresholds[${j}] has ${count}`);
      }
      split[node] = start[j] + index;
      if (top === pending.length) {
        pending = grow(pending, new Int32Array(top * 2));
        pendingAt = grow(pendingAt, new Float64Array(top * 2));
      }
      if (leftIsLeaf) {
        pendingAt[top] = -1;
      } else if (lengths) {
        let left = pos < n ? bytes[pos] : 0x80;
        if (left < 0x80) pos++;
        else {
          cursor.pos = pos;
          left = readVarint(bytes, cursor, n, fail);
          pos = cursor.pos;
        }
        pendingAt[top] = pos + left;
      } else {
        pendingAt[top] = 0; // version 1: nothing to check
      }
      pending[top++] = node;
      previousWasLeaf = false;
    } else {
      split[node] = -1;
      if (tag < K) {
        right[node] = -1 - tag;
      } else {
        cursor.pos = pos;
        right[node] = readMixedLeaf(bytes, cursor, K, leaves, node, fail);
        pos = cursor.pos;
      }
      previousWasLeaf = true;
      if (top === 0) {
        if (lengths && pos !== treeEnd) {
          fail(`tree ${tree} says it ends at byte ${treeEnd}, but it ends at byte ${pos}`);
        }
        tree++;
        treeStart = true;
        previousWasLeaf = false;
      }
    }
    node++;
  }
  if (pos !== bytes.length) fail(`trees hold ${bytes.length - pos} bytes after the last of ${nTrees} trees`);
  if (node !== nodeCount) fail(`nodeCount is ${nodeCount} but the trees hold ${node} nodes`);
  return assembleForest(p, K, roots, split, splits, right, leaves.counts.slice(0, leaves.count * K));
}

interface MixedLeaves {
  counts: Float64Array;
  count: number;
}

/** Reads the K varint class counts of a mixed leaf at cursor.pos into `leaves`; returns its index. */
function readMixedLeaf(
  bytes: Uint8Array,
  cursor: { pos: number },
  K: number,
  leaves: MixedLeaves,
  node: number,
  fail: Fail,
): number {
  if ((leaves.count + 1) * K > leaves.counts.length) {
    leaves.counts = grow(leaves.counts, new Float64Array(leaves.counts.length * 2));
  }
  const at = leaves.count * K;
  let total = 0;
  for (let c = 0; c < K; c++) {
    const v = readVarint(bytes, cursor, bytes.length, fail);
    leaves.counts[at + c] = v;
    total += v;
  }
  if (total === 0) fail(`leaf node ${node} has no samples`);
  return leaves.count++;
}

/**
 * A version-2 byte stream used as it is: predictions walk each tree from its root, jumping over left
 * subtrees, so loading costs only finding where each tree starts. Sums come out bit for bit as from the
 * decoded arrays (same leaves, same order of additions). Every read is bounds-checked: a corrupt stream
 * fails with a message, never reads past its tree.
 */
export class EncodedTrees {
  private constructor(
    private readonly bytes: Uint8Array,
    private readonly treeStart: Int32Array,
    private readonly treeEnd: Int32Array,
    private readonly p: number,
    private readonly K: number,
    private readonly splits: SplitTable,
    private readonly widths: Int32Array,
    private readonly fail: Fail,
  ) {}

  /** Finds the trees of a version-2 stream by their lengths (nTrees steps); checks they cover it exactly. */
  static index(
    bytes: Uint8Array,
    nTrees: number,
    p: number,
    K: number,
    splits: SplitTable,
    fail: Fail,
  ): EncodedTrees {
    const treeStart = new Int32Array(nTrees);
    const treeEnd = new Int32Array(nTrees);
    const cursor = { pos: 0 };
    for (let t = 0; t < nTrees; t++) {
      if (cursor.pos >= bytes.length) fail(`trees hold ${t} trees, params say ${nTrees}`);
      const length = readVarint(bytes, cursor, bytes.length, fail);
      if (length < 1 || cursor.pos + length > bytes.length) {
        fail(`tree ${t} is ${length} bytes, but ${bytes.length - cursor.pos} remain`);
      }
      treeStart[t] = cursor.pos;
      cursor.pos += length;
      treeEnd[t] = cursor.pos;
    }
    if (cursor.pos !== bytes.length) {
      fail(`trees hold ${bytes.length - cursor.pos} bytes after the last of ${nTrees} trees`);
    }
    const { start } = splits;
    const widths = Int32Array.from({ length: p }, (_, j) => indexWidth(start[j + 1] - start[j]));
    return new EncodedTrees(bytes, treeStart, treeEnd, p, K, splits, widths, fail);
  }

  /** Adds every tree's leaf class fractions for each row of X into out (rows × K); X is column-major. */
  addLeafFractions(X: Matrix, out: Float64Array): void {
    const { bytes, treeStart, treeEnd, p, K, widths, fail } = this;
    const { start, value } = this.splits;
    const { rows, data } = X;
    const cursor = { pos: 0 };
    const counts = new Float64Array(K);
    for (let t = 0; t < treeStart.length; t++) {
      const end = treeEnd[t];
      for (let i = 0; i < rows; i++) {
        cursor.pos = treeStart[t];
        const o = i * K;
        for (;;) {
          const tag = readVarint(bytes, cursor, end, fail);
          if (tag > K) {
            let j = tag - K - 1;
            const leftIsLeaf = j >= p;
            if (leftIsLeaf) j -= p;
            if (j >= p) fail(`a node of tree ${t} splits on feature ${j}, but there are ${p} features`);
            const width = widths[j];
            let at = cursor.pos;
            if (at + width > end) fail('trees end in the middle of a node');
            let index = 0;
            for (let b = 0, scale = 1; b < width; b++, scale *= 256) index += bytes[at++] * scale;
            if (index >= start[j + 1] - start[j]) {
              fail(`a node of tree ${t} uses threshold ${index} of feature ${j}, beyond thresholds[${j}]`);
            }
            cursor.pos = at;
            const goLeft = data[j * rows + i] <= value[start[j] + index];
            if (leftIsLeaf) {
              if (!goLeft) skipLeaf(bytes, cursor, end, K, t, fail);
            } else {
              const left = readVarint(bytes, cursor, end, fail);
              if (!goLeft) cursor.pos += left;
            }
            continue;
          }
          if (tag < K) {
            out[o + tag] += 1;
            break;
          }
          let total = 0;
          for (let c = 0; c < K; c++) {
            counts[c] = readVarint(bytes, cursor, end, fail);
            total += counts[c];
          }
          if (total === 0) fail(`a leaf of tree ${t} has no samples`);
          for (let c = 0; c < K; c++) out[o + c] += counts[c] / total;
          break;
        }
      }
    }
  }
}

/** Reads past the leaf at cursor.pos (a pure leaf's tag, or a mixed leaf's tag and counts). */
function skipLeaf(
  bytes: Uint8Array,
  cursor: { pos: number },
  end: number,
  K: number,
  tree: number,
  fail: Fail,
): void {
  const tag = readVarint(bytes, cursor, end, fail);
  if (tag > K) fail(`a node of tree ${tree} says its left child is a leaf, but it is not`);
  if (tag === K) for (let c = 0; c < K; c++) readVarint(bytes, cursor, end, fail);
}
