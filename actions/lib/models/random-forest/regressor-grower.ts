// Growing a random forest regressor: squared-error trees as scikit-learn's RandomForestRegressor grows
// them (bootstrap counts as sample weights, a random feature subset per node, the exact best split between
// adjacent distinct values maximising sumL²/wL + sumR²/wR). One presort per fit, in-bag lists kept sorted
// by stable partitioning, small nodes sorting only the features they search (tree-growing.ts; same order,
// so the same float sums). The arrays it fills are regression-trees.ts's. Browser-safe.
import type { Matrix } from '../types.js';
import { ForestGrower, NodeArrays } from './forest-grower.js';
import { grow } from './forest-types.js';
import type { ResolvedParams } from './params.js';
import type { RegressionForest } from './regression-trees.js';
import { splitThreshold } from './split-threshold.js';

/** Grows the forest of `s` on X (column-major, finite) and targets y. */
export function growRegressionForest(X: Matrix, y: Float64Array, s: ResolvedParams): RegressionForest {
  return new RegressorGrower(X, y, s).forest();
}

/** The node arrays plus each node's value (a leaf's prediction), shared by all trees of one fit. */
class NodeStore extends NodeArrays {
  value = new Float64Array(1024);

  protected override growNodes(size: number): void {
    this.value = grow(this.value, new Float64Array(size));
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

/** One fit of a regressor: the squared-error criterion's node statistics and scan (forest-grower.ts). */
class RegressorGrower extends ForestGrower<NodeStore, RegressionForest> {
  protected readonly store = new NodeStore();
  protected readonly best = new BestSplit();
  /** The current node's total weight and weighted sum of targets. */
  private total = 0;
  private sum = 0;

  constructor(
    X: Matrix,
    private readonly y: Float64Array,
    s: ResolvedParams,
  ) {
    super(X, s);
  }

  protected fitted(roots: Int32Array): RegressionForest {
    const { store } = this;
    const count = store.nodes;
    return {
      nFeatures: this.p,
      roots,
      feature: store.feature.slice(0, count),
      threshold: store.threshold.slice(0, count),
      right: store.right.slice(0, count),
      value: store.value.slice(0, count),
      importances: this.importances,
    };
  }

  /** Pure when every target in the node is the same: nothing left to explain. */
  protected measure(start: number, end: number): boolean {
    const { y } = this;
    const { weight, lists } = this.bag;
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
    this.total = total;
    this.sum = sum;
    return yMin === yMax;
  }

  protected addLeaf(node: number): void {
    this.store.addLeaf(node, this.sum / this.total);
  }

  protected splitAt(node: number): number {
    const { store, best, total, sum } = this;
    const data = this.X.data;
    const col = best.feature * this.n;
    store.feature[node] = best.feature;
    store.threshold[node] = splitThreshold(data[col + best.lastLeft], data[col + best.firstRight]);
    // Weighted squared-error decrease: Σw(y−ȳ)² of the node minus both children's = proxy − sum²/total.
    this.treeImportance[best.feature] += Math.max(0, best.proxy - (sum * sum) / total);
    return this.bag.rankOf(best.feature, best.firstRight);
  }

  /**
   * The node's rows in f's sorted order, every boundary between distinct values a candidate: maximises
   * sumL²/wL + sumR²/wR (scikit-learn's proxy for the squared-error decrease).
   */
  protected scan(f: number, start: number, end: number): boolean {
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
