// The byte form of a random forest classifier inside the model JSON (base64 there, or model.bin's bytes):
// encoding the flat arrays (forest-types.ts) and decoding them back, checking every byte.
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
// per tree, and never decodes the forest (lazy-walker.ts): Wine's 250k nodes took longer to decode than
// the rest of the page to load. Version 1 (the first models) had no lengths: it still loads, by decoding.
// Browser-safe.
import { ByteWriter, type Fail, readVarint, varintLength } from '../varint.js';
import {
  assembleForest,
  type Forest,
  type ForestShape,
  grow,
  indexWidth,
  indexWidths,
} from './forest-types.js';

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

/**
 * Decodes the byte stream (format version shape.version) into arrays of their final size, checking
 * everything against the shape, including that each stored length matches the bytes it covers. One flat
 * loop over all nodes of all trees with no inner loop on the common path: V8 compiles a hot loop on the
 * fly (OSR), and code compiled for an inner loop is thrown away each time that loop exits. Rare cases are
 * separate functions.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one flat hot loop, kept whole for V8 (see above)
export function decodeTrees(bytes: Uint8Array, shape: ForestShape, fail: Fail): Forest {
  const { version, nTrees, nFeatures: p, nClasses: K, splits, nodeCount } = shape;
  const { start } = splits;
  const widths = indexWidths(shape);
  const lengths = version === 2;
  const n = bytes.length;
  // Sized for a correct nodeCount; a wrong one fails below with the count the trees actually hold. Every
  // node takes at least one byte, so a hand-edited huge count cannot size the arrays beyond the input.
  const capacity = Math.min(nodeCount, n);
  const split = new Int32Array(capacity);
  const right = new Int32Array(capacity);
  const roots = new Int32Array(nTrees);
  const leaves: MixedLeaves = { counts: new Float64Array(64 * K), count: 0, K };
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
        right[node] = readMixedLeaf(bytes, cursor, leaves, node, fail);
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
  const mixedCounts = leaves.counts.slice(0, leaves.count * K);
  return assembleForest(shape, { roots, split, splits, right, mixedCounts });
}

/** The mixed leaves decoded so far: K class counts each. */
interface MixedLeaves {
  counts: Float64Array;
  count: number;
  K: number;
}

/** Reads the K varint class counts of a mixed leaf at cursor.pos into `leaves`; returns its index. */
function readMixedLeaf(
  bytes: Uint8Array,
  cursor: { pos: number },
  leaves: MixedLeaves,
  node: number,
  fail: Fail,
): number {
  const K = leaves.K;
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
