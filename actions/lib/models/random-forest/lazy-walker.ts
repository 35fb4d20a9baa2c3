// Predicting straight from a version-2 byte stream (forest-codec.ts), without decoding it: a page that
// predicts one row at a time loads Wine's forest in a few milliseconds instead of a few hundred
// (RandomForest.load with { lazy: true }). Browser-safe.
import type { Matrix } from '../types.js';
import { type Fail, readVarint } from '../varint.js';
import { type ForestShape, indexWidths } from './forest-types.js';

/** Where each tree's nodes start and end in the stream (after its length). */
interface TreeBounds {
  start: Int32Array;
  end: Int32Array;
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
    private readonly shape: ForestShape,
    private readonly trees: TreeBounds,
    private readonly widths: Int32Array,
    private readonly fail: Fail,
  ) {}

  /** Finds the trees of a version-2 stream by their lengths (nTrees steps); checks they cover it exactly. */
  static index(bytes: Uint8Array, shape: ForestShape, fail: Fail): EncodedTrees {
    const { nTrees } = shape;
    const trees: TreeBounds = { start: new Int32Array(nTrees), end: new Int32Array(nTrees) };
    const cursor = { pos: 0 };
    for (let t = 0; t < nTrees; t++) {
      if (cursor.pos >= bytes.length) fail(`trees hold ${t} trees, params say ${nTrees}`);
      const length = readVarint(bytes, cursor, bytes.length, fail);
      if (length < 1 || cursor.pos + length > bytes.length) {
        fail(`tree ${t} is ${length} bytes, but ${bytes.length - cursor.pos} remain`);
      }
      trees.start[t] = cursor.pos;
      cursor.pos += length;
      trees.end[t] = cursor.pos;
    }
    if (cursor.pos !== bytes.length) {
      fail(`trees hold ${bytes.length - cursor.pos} bytes after the last of ${nTrees} trees`);
    }
    return new EncodedTrees(bytes, shape, trees, indexWidths(shape), fail);
  }

  /** Adds every tree's leaf class fractions for each row of X into out (rows × K); X is column-major. */
  addLeafFractions(X: Matrix, out: Float64Array): void {
    const { bytes, widths, fail } = this;
    const { start: treeStart, end: treeEnd } = this.trees;
    const { nFeatures: p, nClasses: K } = this.shape;
    const { start, value } = this.shape.splits;
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
