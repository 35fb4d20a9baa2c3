// Growing a random forest regressor: squared-error trees as scikit-learn's RandomForestRegressor grows
// them (bootstrap counts as sample weights, a random feature subset per node, the exact best split between
// adjacent distinct values maximising sumL²/wL + sumR²/wR). One presort per fit, in-bag lists kept sorted
// by stable partitioning, small nodes sorting only the features they search (tree-growing.ts; same order,
// so the same float sums). The arrays it fills are regression-trees.ts's. Browser-safe.
import { createRng } from '../random.js';
import type { Matrix } from '../types.js';
import { grow } from './forest-types.js';
import { featuresPerNode, type ResolvedParams } from './params.js';
import type { RegressionForest } from './regression-trees.js';
import { splitThreshold } from './split-threshold.js';
import { addTreeImportances, InBagLists, NodeStack, normaliseImportances, presort } from './tree-growing.js';

/** Grows the forest of `s` on X (column-major, finite) and targets y. */
export function growRegressionForest(X: Matrix, y: Float64Array, s: ResolvedParams): RegressionForest {
  return new RegressorGrower(X, y, s).forest();
}

/** Growable node arrays shared by all trees of one fit. */
class NodeStore {
  feature = new Int32Array(1024);
  threshold = new Float64Array(1024);
  right = new Int32Array(1024);
  value = new Float64Array(1024);
  nodes = 0;

  addNode(): number {
    if (this.nodes === this.feature.length) {
      const size = this.nodes * 2;
      this.feature = grow(this.feature, new Int32Array(size));
      this.threshold = grow(this.threshold, new Float64Array(size));
      this.right = grow(this.right, new Int32Array(size));
      this.value = grow(this.value, new Float64Array(size));
    }
    return this.nodes++;
  }

  addLeaf(node: number, value: number): void {
    this.feature[node] = -1;
    this.threshold[node] = 0;
    this.right[node] = 0;
    this.value[node] = value;
  }
}

/** The best split a node's search has found so far (a later feature wins only with a larger proxy). */
class BestSplit {
  proxy = Number.NEGATIVE_INFINITY;
  feature = -1;
  /** Where the node's rows divide: [start, pos) go left. */
  pos = -1;
  /** The last row going left and the first going right, in the feature's order. */
  lastLeft = -1;
  firstRight = -1;

  reset(): void {
    this.proxy = Number.NEGATIVE_INFINITY;
    this.feature = -1;
    this.pos = -1;
    this.lastLeft = -1;
    this.firstRight = -1;
  }
}

/** One fit: the training data, the node store and the scratch every node reuses, allocated once. */
class RegressorGrower {
  private readonly n: number;
  private readonly p: number;
  private readonly mtry: number;
  private readonly store = new NodeStore();
  private readonly bag: InBagLists;
  private readonly stack = new NodeStack();
  private readonly importances: Float64Array;
  private readonly treeImportance: Float64Array;
  private readonly best = new BestSplit();
  /** The current node's total weight and weighted sum of targets. */
  private total = 0;
  private sum = 0;

  constructor(
    private readonly X: Matrix,
    private readonly y: Float64Array,
    private readonly s: ResolvedParams,
  ) {
    this.n = X.rows;
    this.p = X.cols;
    this.mtry = featuresPerNode(s.maxFeatures, this.p);
    this.importances = new Float64Array(this.p);
    this.treeImportance = new Float64Array(this.p);
    this.bag = new InBagLists(presort(X), X.data, this.n, this.p, this.mtry);
  }

  forest(): RegressionForest {
    const { s, store, bag, importances, treeImportance } = this;
    const roots = new Int32Array(s.nTrees);
    const master = createRng(s.seed);
    for (let t = 0; t < s.nTrees; t++) {
      const rng = bag.startTree(master, s.bootstrap);
      treeImportance.fill(0);
      roots[t] = store.nodes;
      this.growTree(rng);
      addTreeImportances(importances, treeImportance);
    }
    normaliseImportances(importances);
    const count = store.nodes;
    return {
      nFeatures: this.p,
      roots,
      feature: store.feature.slice(0, count),
      threshold: store.threshold.slice(0, count),
      right: store.right.slice(0, count),
      value: store.value.slice(0, count),
      importances,
    };
  }

  /** Grows one tree on the bag's current in-bag rows, depth first, nodes in preorder. */
  private growTree(rng: () => number): void {
    const { s, y, store, bag, stack, best } = this;
    const { weight, lists } = bag;
    stack.push(0, bag.m, 0, -1);
    while (stack.size > 0) {
      const top = stack.pop();
      const start = stack.start[top];
      const end = stack.end[top];
      const depth = stack.depth[top];
      const parent = stack.parent[top];
      const node = store.addNode();
      if (parent >= 0) store.right[parent] = node;

      let total = 0;
      let sum = 0;
      let yMin = Number.POSITIVE_INFINITY;
      let yMax = Number.NEGATIVE_INFINITY;
      for (let q = start; q < end; q++) {
        const r = lists[q];
        const w = weight[r];
        total += w;
        sum += w * y[r];
        if (y[r] < yMin) yMin = y[r];
        if (y[r] > yMax) yMax = y[r];
      }
      if (
        (s.maxDepth > 0 && depth >= s.maxDepth) ||
        end - start < 2 * s.minSamplesLeaf ||
        yMin === yMax // pure: nothing left to explain
      ) {
        store.addLeaf(node, sum / total);
        continue;
      }
      this.total = total;
      this.sum = sum;
      this.search(start, end, rng);
      if (best.feature < 0) {
        store.addLeaf(node, sum / total);
        continue;
      }
      this.split(node, start, end, depth);
    }
  }

  /** Makes `node` the best split found: threshold, the tree's importance, both children queued. */
  private split(node: number, start: number, end: number, depth: number): void {
    const { store, best, bag, total, sum } = this;
    const data = this.X.data;
    const col = best.feature * this.n;
    store.feature[node] = best.feature;
    store.threshold[node] = splitThreshold(data[col + best.lastLeft], data[col + best.firstRight]);
    // Weighted squared-error decrease: Σw(y−ȳ)² of the node minus both children's = proxy − sum²/total.
    this.treeImportance[best.feature] += Math.max(0, best.proxy - (sum * sum) / total);
    bag.partition(best.feature, bag.rankOf(best.feature, best.firstRight), start, best.pos, end);
    this.stack.pushChildren(node, start, best.pos, end, depth);
  }

  /**
   * Fills `best` with the node's best split, feature -1 if none: maximises sumL²/wL + sumR²/wR
   * (scikit-learn's proxy for the squared-error decrease). Visits features in random order; stops after
   * mtry, but keeps going while every visited one was constant.
   */
  private search(start: number, end: number, rng: () => number): void {
    const { p, mtry, bag } = this;
    this.best.reset();
    let visited = 0;
    let nonConstant = 0;
    for (let v = 0; v < p && (visited < mtry || nonConstant === 0); v++) {
      const f = bag.pickFeature(v, rng);
      visited++;
      if (this.scanSorted(f, start, end)) nonConstant++;
    }
  }

  /** The node's rows in f's sorted order, every boundary between distinct values a candidate. */
  private scanSorted(f: number, start: number, end: number): boolean {
    const { n, y, best, total, sum, bag } = this;
    const { minSamplesLeaf } = this.s;
    const data = this.X.data;
    const { weight } = bag;
    const at = bag.sortedRows(f, start, end);
    if (at < 0) return false;
    const src = bag.src;
    const base = at - start; // src[base + q] for q in [start, end)
    const col = f * n;
    let leftWeight = 0;
    let leftSum = 0;
    let bestProxy = best.proxy;
    const lastLeft = end - minSamplesLeaf;
    let xNext = data[col + src[base + start]];
    for (let q = start; q < lastLeft; q++) {
      const r = src[base + q];
      const w = weight[r];
      leftWeight += w;
      leftSum += w * y[r];
      const x = xNext;
      xNext = data[col + src[base + q + 1]];
      if (xNext > x && q + 1 - start >= minSamplesLeaf) {
        const rightSum = sum - leftSum;
        const proxy = (leftSum * leftSum) / leftWeight + (rightSum * rightSum) / (total - leftWeight);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          best.proxy = proxy;
          best.feature = f;
          best.pos = q + 1;
          best.lastLeft = r;
          best.firstRight = src[base + q + 1];
        }
      }
    }
    return true;
  }
}
