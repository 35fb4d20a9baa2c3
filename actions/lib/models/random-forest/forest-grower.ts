// The fit loop both forest growers share (classifier-grower.ts, regressor-grower.ts): trees one after
// another from one master RNG, each grown depth first from the node stack, a node a leaf when too deep, too
// small, pure or without a split, otherwise split at the best of a random feature subset. What differs is
// the criterion, so a grower supplies only the node statistics, the leaf, one feature's scan (its hot inner
// loop, kept in its own class) and the split's threshold and importance. The RNG is drawn in the same order
// as when each grower had its own copy of this loop, so fitted forests are unchanged. Browser-safe.
import { createRng } from '../random.js';
import type { Matrix } from '../types.js';
import { grow } from './forest-types.js';
import { featuresPerNode, type ResolvedParams } from './params.js';
import { addTreeImportances, InBagLists, NodeStack, normaliseImportances, presort } from './tree-growing.js';

/** Growable node arrays shared by all trees of one fit; a grower's store adds its leaf arrays. */
export class NodeArrays {
  feature = new Int32Array(1024);
  threshold = new Float64Array(1024);
  right = new Int32Array(1024);
  nodes = 0;

  addNode(): number {
    if (this.nodes === this.feature.length) {
      const size = this.nodes * 2;
      this.feature = grow(this.feature, new Int32Array(size));
      this.threshold = grow(this.threshold, new Float64Array(size));
      this.right = grow(this.right, new Int32Array(size));
      this.growNodes(size);
    }
    return this.nodes++;
  }

  /** Grows a store's own per-node arrays to `size` nodes (none here). */
  protected growNodes(_size: number): void {}
}

/** What the shared loop reads of a node's best split (a grower's BestSplit holds more). */
export interface SplitFound {
  /** -1 when no split was found. */
  feature: number;
  /** Where the node's rows divide: [start, pos) go left. */
  pos: number;
  reset(): void;
}

/** One fit: the training data, the in-bag lists and the node stack, allocated once. */
export abstract class ForestGrower<Store extends NodeArrays, Fitted> {
  protected readonly n: number;
  protected readonly p: number;
  protected readonly mtry: number;
  protected readonly bag: InBagLists;
  protected readonly stack = new NodeStack();
  protected readonly importances: Float64Array;
  protected readonly treeImportance: Float64Array;
  protected abstract readonly store: Store;
  protected abstract readonly best: SplitFound;

  constructor(
    protected readonly X: Matrix,
    protected readonly s: ResolvedParams,
  ) {
    this.n = X.rows;
    this.p = X.cols;
    this.mtry = featuresPerNode(s.maxFeatures, this.p);
    this.importances = new Float64Array(this.p);
    this.treeImportance = new Float64Array(this.p);
    this.bag = new InBagLists(presort(X), X.data, this.n, this.p, this.mtry);
  }

  forest(): Fitted {
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
    return this.fitted(roots);
  }

  /** The fitted forest from the store, the trees' first nodes and the normalised importances. */
  protected abstract fitted(roots: Int32Array): Fitted;

  /** Takes in the node's rows [start, end): its statistics for leaf, scan and split; true when pure. */
  protected abstract measure(start: number, end: number): boolean;

  /** Makes `node` a leaf of the statistics `measure` took. */
  protected abstract addLeaf(node: number): void;

  /**
   * Scans feature f over the node's rows, updating `best` where it finds a better split; false when f is
   * constant in the node.
   */
  protected abstract scan(f: number, start: number, end: number): boolean;

  /**
   * Stores `best` at `node` (feature, threshold) and adds its decrease to the tree's importance; returns the
   * presort rank of the first row going right (InBagLists.partition).
   */
  protected abstract splitAt(node: number): number;

  /** Grows one tree on the bag's current in-bag rows, depth first, nodes in preorder. */
  private growTree(rng: () => number): void {
    const { s, store, bag, stack, best } = this;
    stack.push(0, bag.m, 0, -1);
    while (stack.size > 0) {
      const top = stack.pop();
      const start = stack.start[top];
      const end = stack.end[top];
      const depth = stack.depth[top];
      const parent = stack.parent[top];
      const node = store.addNode();
      if (parent >= 0) store.right[parent] = node;
      const pure = this.measure(start, end);
      if ((s.maxDepth > 0 && depth >= s.maxDepth) || end - start < 2 * s.minSamplesLeaf || pure) {
        this.addLeaf(node);
        continue;
      }
      this.search(start, end, rng);
      if (best.feature < 0) {
        this.addLeaf(node);
        continue;
      }
      const cut = this.splitAt(node);
      bag.partition(best.feature, cut, start, best.pos, end);
      stack.pushChildren(node, start, best.pos, end, depth);
    }
  }

  /**
   * Fills `best` with the node's best split, feature -1 if none. Visits features in random order; stops
   * after mtry, but keeps going while every visited one was constant.
   */
  private search(start: number, end: number, rng: () => number): void {
    const { p, mtry, bag } = this;
    this.best.reset();
    let visited = 0;
    let nonConstant = 0;
    for (let v = 0; v < p && (visited < mtry || nonConstant === 0); v++) {
      const f = bag.pickFeature(v, rng);
      visited++;
      if (this.scan(f, start, end)) nonConstant++;
    }
  }
}
