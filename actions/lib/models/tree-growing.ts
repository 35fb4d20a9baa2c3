// The tree-growing skeleton shared by the random forest classifier (random-forest.ts) and regressor
// (random-forest-regressor.ts): per-tree bootstrap weights, each feature's in-bag rows kept in sorted order
// and stably partitioned at every split (so no node ever sorts), the random feature order at a node, the
// stack of nodes still to grow, and the per-tree importance normalisation. Only the criterion differs
// between the two growers; it stays in their own inner loops, which read the arrays here directly.
// The RNG is drawn in the same order as before this was shared, so fitted forests are unchanged.
import { grow } from './forest-bytes.js';
import { createRng } from './random.js';

/** Per-fit scratch for the in-bag rows of one tree at a time, allocated once. */
export class InBagLists {
  /** Bootstrap count of each row in the current tree (0 = out of bag). */
  readonly weight: Int32Array;
  /** In-bag rows of every feature in that feature's sorted order: lists[j * m + k]. */
  readonly lists: Int32Array;
  /** Feature visiting order at the current node; reset per tree. */
  readonly perm: Int32Array;
  /** In-bag rows in the current tree. */
  m = 0;
  private readonly goLeft: Uint8Array;
  private readonly spill: Int32Array;

  /** `order` is presort(X): row indices of each feature sorted by value, feature-major. */
  constructor(
    private readonly order: Int32Array,
    /** The training matrix's column-major values (n rows × p features). */
    private readonly data: Float64Array,
    private readonly n: number,
    private readonly p: number,
  ) {
    this.weight = new Int32Array(n);
    this.goLeft = new Uint8Array(n);
    this.lists = new Int32Array(p * n + 1);
    this.spill = new Int32Array(n);
    this.perm = new Int32Array(p);
  }

  /**
   * Starts a tree: seeds its RNG from `master`, resets the feature order, draws the bootstrap counts (all 1
   * without bootstrap) and fills the in-bag lists. Returns the tree's RNG for its feature picks.
   */
  startTree(master: () => number, bootstrap: boolean): () => number {
    const { n, p, order, weight, lists, perm } = this;
    const rng = createRng(Math.floor(master() * 4294967296));
    for (let j = 0; j < p; j++) perm[j] = j;
    if (bootstrap) {
      weight.fill(0);
      for (let i = 0; i < n; i++) weight[Math.floor(rng() * n)]++;
    } else {
      weight.fill(1);
    }
    const inBag = this.goLeft; // free until the first split
    let m = 0;
    for (let i = 0; i < n; i++) {
      inBag[i] = weight[i] > 0 ? 1 : 0;
      m += inBag[i];
    }
    // Branch-free: every row is written, the cursor moves past in-bag ones (lists has one slot of slack).
    for (let j = 0; j < p; j++) {
      let k = j * m;
      const o = j * n;
      for (let q = 0; q < n; q++) {
        const r = order[o + q];
        lists[k] = r;
        k += inBag[r];
      }
    }
    this.m = m;
    return rng;
  }

  /** The v-th feature to visit at this node: a partial Fisher–Yates shuffle of perm. */
  pickFeature(v: number, rng: () => number): number {
    const perm = this.perm;
    const pick = v + Math.floor(rng() * (this.p - v));
    const f = perm[pick];
    perm[pick] = perm[v];
    perm[v] = f;
    return f;
  }

  /**
   * Splits the node's range [start, end) at `pos` of feature `splitFeature`'s list: every other feature's
   * list is stably partitioned, left rows first, so each side stays sorted.
   * Two shortcuts leave the grown trees exactly as they were:
   * - A feature whose list holds one value throughout the range (first and last equal, the list being
   *   sorted) is left alone. Below this node it stays constant, and the split search only ever reads such a
   *   range's ends, which then belong to the node's rows rather than a child's but hold the same value; so
   *   the feature is skipped as constant there as before. Feature 0's list is always partitioned: the
   *   growers read a node's rows from it.
   * - The partition is branch-free (every row is written to both sides, the cursor of its side advances),
   *   which avoids a mispredicted branch per row: about 28 % faster, same order.
   */
  partition(splitFeature: number, start: number, pos: number, end: number): void {
    const { lists, goLeft, spill, p, m, n, data } = this;
    const base = splitFeature * m;
    for (let q = start; q < pos; q++) goLeft[lists[base + q]] = 1;
    for (let q = pos; q < end; q++) goLeft[lists[base + q]] = 0;
    for (let j = 0; j < p; j++) {
      if (j === splitFeature) continue;
      const b = j * m;
      const first = b + start;
      const last = b + end;
      if (j > 0 && data[j * n + lists[first]] === data[j * n + lists[last - 1]]) continue;
      let l = first;
      let spilled = 0;
      for (let q = first; q < last; q++) {
        const r = lists[q];
        const g = goLeft[r];
        lists[l] = r;
        spill[spilled] = r;
        l += g;
        spilled += 1 - g;
      }
      lists.set(spill.subarray(0, spilled), l);
    }
  }
}

/** The nodes still to grow: a range of the in-bag lists, its depth, and the parent whose right child it is. */
export class NodeStack {
  start = new Int32Array(64);
  end = new Int32Array(64);
  depth = new Int32Array(64);
  /** The node whose `right` link points here, or -1 for a root or a left child (the next node in preorder). */
  parent = new Int32Array(64);
  size = 0;

  push(start: number, end: number, depth: number, parent: number): void {
    if (this.size === this.start.length) {
      const size = this.size * 2;
      this.start = grow(this.start, new Int32Array(size));
      this.end = grow(this.end, new Int32Array(size));
      this.depth = grow(this.depth, new Int32Array(size));
      this.parent = grow(this.parent, new Int32Array(size));
    }
    const top = this.size++;
    this.start[top] = start;
    this.end[top] = end;
    this.depth[top] = depth;
    this.parent[top] = parent;
  }

  /** Removes the top entry and returns its index (read start/end/depth/parent there before the next push). */
  pop(): number {
    return --this.size;
  }

  /** Queues both children; right below left, so the left subtree is numbered first (preorder). */
  pushChildren(node: number, start: number, pos: number, end: number, depth: number): void {
    this.push(pos, end, depth + 1, node);
    this.push(start, pos, depth + 1, -1);
  }
}

/** Adds one tree's importances, scaled to sum 1 (a tree without splits adds nothing). */
export function addTreeImportances(importances: Float64Array, treeImportance: Float64Array): void {
  const p = importances.length;
  let sum = 0;
  for (let j = 0; j < p; j++) sum += treeImportance[j];
  if (sum > 0) for (let j = 0; j < p; j++) importances[j] += treeImportance[j] / sum;
}

/** Scales importances to sum 1, in place (all zeros stay zeros). */
export function normaliseImportances(importances: Float64Array): void {
  const p = importances.length;
  let sum = 0;
  for (let j = 0; j < p; j++) sum += importances[j];
  if (sum > 0) for (let j = 0; j < p; j++) importances[j] /= sum;
}
