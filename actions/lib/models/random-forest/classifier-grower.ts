// Growing a random forest classifier: Gini trees as scikit-learn's RandomForestClassifier grows them
// (bootstrap counts as sample weights, a random feature subset per node, the exact best split between
// adjacent distinct values). A node's split search tries each feature one of two ways, which find exactly
// the same split: with few distinct values for the node's size, class counts per value (scanValues);
// otherwise the node's rows in the feature's order (scanSorted, tree-growing.ts keeping that order).
// The arrays it fills are forest-types.ts's. Browser-safe.
import type { Matrix } from '../types.js';
import { ForestGrower, NodeArrays } from './forest-grower.js';
import { assembleForest, type Forest, grow, splitTable } from './forest-types.js';
import type { ResolvedParams } from './params.js';
import { splitThreshold } from './split-threshold.js';

/** Grows the forest of `s` on X (column-major, finite) and labels y in 0..K-1. */
export function growForest(X: Matrix, y: Int32Array, K: number, s: ResolvedParams): Forest {
  return new ClassifierGrower(X, y, K, s).forest();
}

/** The best split a node's search has found so far (a later feature wins only with a larger proxy). */
class BestSplit {
  proxy = -1;
  feature = -1;
  /** Where the node's rows divide: [start, pos) go left. */
  pos = -1;
  /** The values either side of the split. */
  low = 0;
  high = 0;
  /** The rank of the first row going right (InBagLists.partition). */
  cut = 0;
  leftWeight = 0;
  leftSq = 0;
  rightSq = 0;

  reset(): void {
    this.proxy = -1;
    this.feature = -1;
    this.pos = -1;
    this.low = 0;
    this.high = 0;
    this.cut = 0;
    this.leftWeight = 0;
    this.leftSq = 0;
    this.rightSq = 0;
  }
}

/** One fit of a classifier: the Gini criterion's node statistics, scratch and scans (forest-grower.ts). */
class ClassifierGrower extends ForestGrower<NodeStore, Forest> {
  protected readonly store: NodeStore;
  protected readonly best = new BestSplit();
  /** Class weights of the current node, and of the left part of a candidate split. */
  private readonly counts: Float64Array;
  private readonly leftCounts: Float64Array;
  /** Per-value class weights and row counts of one feature in one node (scanValues); zero between uses. */
  private readonly hist: Float64Array;
  private readonly binRows: Int32Array;
  /** The current node's total weight and sum of squared class weights (Gini's terms). */
  private total = 0;
  private sumSq = 0;

  constructor(
    X: Matrix,
    private readonly y: Int32Array,
    private readonly K: number,
    s: ResolvedParams,
  ) {
    super(X, s);
    this.store = new NodeStore(K);
    this.counts = new Float64Array(K);
    this.leftCounts = new Float64Array(K);
    this.hist = new Float64Array(2 * this.n + K);
    this.binRows = new Int32Array(this.n);
  }

  protected fitted(roots: Int32Array): Forest {
    return this.store.toForest(this.p, roots, this.importances);
  }

  protected measure(start: number, end: number): boolean {
    const { K, y, counts } = this;
    const { weight, lists } = this.bag;
    counts.fill(0);
    for (let q = start; q < end; q++) {
      const r = lists[q];
      counts[y[r]] += weight[r];
    }
    let total = 0;
    let sumSq = 0;
    for (let c = 0; c < K; c++) {
      total += counts[c];
      sumSq += counts[c] * counts[c];
    }
    this.total = total;
    this.sumSq = sumSq;
    return sumSq === total * total;
  }

  protected addLeaf(node: number): void {
    this.store.addLeaf(node, this.counts);
  }

  protected splitAt(node: number): number {
    const { store, best, total, sumSq } = this;
    store.feature[node] = best.feature;
    store.threshold[node] = splitThreshold(best.low, best.high);
    const rightWeight = total - best.leftWeight;
    this.treeImportance[best.feature] +=
      total -
      sumSq / total -
      (best.leftWeight - best.leftSq / best.leftWeight) -
      (rightWeight - best.rightSq / rightWeight);
    return best.cut;
  }

  /**
   * Per value when f has few distinct values for the node's size, else row by row in f's order: the same
   * split either way.
   */
  protected scan(f: number, start: number, end: number): boolean {
    const { binBase } = this.bag;
    const distinct = binBase[f + 1] - binBase[f];
    return distinct * this.K <= 2 * (end - start)
      ? this.scanValues(f, start, end)
      : this.scanSorted(f, start, end);
  }

  /**
   * Few distinct values for the node's size: class counts per value, then the same scan over the value
   * boundaries in ascending order. The counts are whole numbers, so every sum, proxy and importance
   * equals the row-by-row scan's exactly, and the same split wins. False when f is constant in the node.
   */
  private scanValues(f: number, start: number, end: number): boolean {
    const { K, n, y, hist, binRows, leftCounts, counts, best, total } = this;
    const { minSamplesLeaf } = this.s;
    const { weight, lists, bin, binBase, binValue, binRank } = this.bag;
    const rowsHere = end - start;
    const distinct = binBase[f + 1] - binBase[f];
    const fb = f * n;
    for (let q = start; q < end; q++) {
      const r = lists[q];
      const b = bin[fb + r];
      hist[b * K + y[r]] += weight[r];
      binRows[b]++;
    }
    let lo = 0;
    while (binRows[lo] === 0) lo++;
    let hi = distinct - 1;
    while (binRows[hi] === 0) hi--;
    if (lo < hi) {
      leftCounts.fill(0);
      let leftWeight = 0;
      let leftRows = 0;
      for (let b = lo; b < hi; ) {
        let next = b + 1;
        while (binRows[next] === 0) next++;
        for (let c = 0; c < K; c++) {
          leftCounts[c] += hist[b * K + c];
          leftWeight += hist[b * K + c];
        }
        leftRows += binRows[b];
        if (leftRows > rowsHere - minSamplesLeaf) break;
        if (leftRows >= minSamplesLeaf) {
          let leftSq = 0;
          let rightSq = 0;
          for (let c = 0; c < K; c++) {
            leftSq += leftCounts[c] * leftCounts[c];
            rightSq += (counts[c] - leftCounts[c]) * (counts[c] - leftCounts[c]);
          }
          const proxy = leftSq / leftWeight + rightSq / (total - leftWeight);
          if (proxy > best.proxy) {
            best.proxy = proxy;
            best.feature = f;
            best.pos = start + leftRows;
            best.low = binValue[binBase[f] + b];
            best.high = binValue[binBase[f] + next];
            best.cut = binRank[binBase[f] + next];
            best.leftWeight = leftWeight;
            best.leftSq = leftSq;
            best.rightSq = rightSq;
          }
        }
        b = next;
      }
    }
    for (let b = lo; b <= hi; b++) {
      binRows[b] = 0;
      for (let c = 0; c < K; c++) hist[b * K + c] = 0;
    }
    return lo < hi;
  }

  /** The node's rows in f's sorted order, every boundary between distinct values a candidate. */
  private scanSorted(f: number, start: number, end: number): boolean {
    const { n, y, leftCounts, counts, best, total, sumSq, bag } = this;
    const { minSamplesLeaf } = this.s;
    const data = this.X.data;
    const { weight } = bag;
    const at = bag.sortedRows(f, start, end);
    if (at < 0) return false;
    const src = bag.src;
    const base = at - start; // src[base + q] for q in [start, end)
    const col = f * n;
    leftCounts.fill(0);
    let leftWeight = 0;
    let leftSq = 0;
    let rightSq = sumSq;
    let bestProxy = best.proxy;
    const lastLeft = end - minSamplesLeaf; // the left part ends before this position
    let xNext = data[col + src[base + start]];
    for (let q = start; q < lastLeft; q++) {
      const r = src[base + q];
      const c = y[r];
      const w = weight[r];
      const lc = leftCounts[c];
      leftSq += (2 * lc + w) * w;
      rightSq += (w - 2 * (counts[c] - lc)) * w;
      leftCounts[c] = lc + w;
      leftWeight += w;
      const x = xNext;
      xNext = data[col + src[base + q + 1]];
      if (xNext > x && q + 1 - start >= minSamplesLeaf) {
        const proxy = leftSq / leftWeight + rightSq / (total - leftWeight);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          best.proxy = proxy;
          best.feature = f;
          best.pos = q + 1;
          best.low = x;
          best.high = xNext;
          best.cut = bag.rankOf(f, src[base + q + 1]);
          best.leftWeight = leftWeight;
          best.leftSq = leftSq;
          best.rightSq = rightSq;
        }
      }
    }
    return true;
  }
}

/** The node arrays plus the class counts of mixed leaves, shared by all trees of one fit. */
class NodeStore extends NodeArrays {
  mixedCounts: Float64Array;
  mixed = 0;

  constructor(private readonly K: number) {
    super();
    this.mixedCounts = new Float64Array(1024 * K);
  }

  /** The finished forest: arrays trimmed to the nodes and leaves actually stored, splits tabled. */
  toForest(p: number, roots: Int32Array, importances: Float64Array): Forest {
    const K = this.K;
    const mixedCounts = this.mixedCounts.slice(0, this.mixed * K);
    const sets: Set<number>[] = Array.from({ length: p }, () => new Set<number>());
    for (let node = 0; node < this.nodes; node++) {
      if (this.feature[node] >= 0) sets[this.feature[node]].add(this.threshold[node]);
    }
    const splits = splitTable(sets.map((set) => Array.from(set).sort((a, b) => a - b)));
    const indexOf = sets.map(() => new Map<number, number>());
    for (let s = 0; s < splits.value.length; s++) indexOf[splits.feature[s]].set(splits.value[s], s);
    const split = new Int32Array(this.nodes);
    for (let node = 0; node < this.nodes; node++) {
      const j = this.feature[node];
      split[node] = j < 0 ? -1 : indexOf[j].get(this.threshold[node])!;
    }
    const right = this.right.slice(0, this.nodes);
    const forest = assembleForest(
      { nFeatures: p, nClasses: K },
      { roots, split, splits, right, mixedCounts },
    );
    forest.importances = importances;
    return forest;
  }

  addLeaf(node: number, counts: Float64Array): void {
    const K = this.K;
    this.feature[node] = -1;
    this.threshold[node] = 0;
    const only = onlyClass(counts, 0, K);
    if (only >= 0) {
      this.right[node] = -1 - only;
      return;
    }
    if ((this.mixed + 1) * K > this.mixedCounts.length) {
      this.mixedCounts = grow(this.mixedCounts, new Float64Array(this.mixedCounts.length * 2));
    }
    this.mixedCounts.set(counts, this.mixed * K);
    this.right[node] = this.mixed++;
  }
}

/** The class of a pure leaf (the only one with a non-zero count), or -1 for a mixed leaf. */
function onlyClass(counts: Float64Array, at: number, K: number): number {
  let only = -1;
  for (let c = 0; c < K; c++) {
    if (counts[at + c] > 0) {
      if (only >= 0) return -1;
      only = c;
    }
  }
  return only;
}
