// Random forest of Gini trees (Breiman 2001), trained like scikit-learn's RandomForestClassifier:
// bootstrap counts as sample weights, a random feature subset per node, exact best split between adjacent
// distinct values, probability = mean over trees of the leaf's class fractions.
// Speed: every feature is sorted once per fit; each tree filters those orders to its in-bag rows and keeps
// them sorted by stable partitioning at each split, so no node ever sorts.
// Size: trees are serialised in preorder as a compact byte stream (base64 in JSON), thresholds as indices
// into per-feature tables of short decimals. Platform-neutral: no Node imports (bundled for the browser).
import { createRng } from './random.js';
import {
  type Classifier,
  type EstimatorJSON,
  type Matrix,
  ModelFormatError,
  predictFromProba,
} from './types.js';

export const RANDOM_FOREST_FORMAT = 'gitml.random-forest';
export const RANDOM_FOREST_VERSION = 1;

export type MaxFeatures = 'sqrt' | 'log2' | number;

export interface RandomForestParams {
  /** Number of trees (100). */
  nTrees?: number;
  /** Maximum depth of a tree; 0 means unlimited (0). */
  maxDepth?: number;
  /** Fewest training rows (distinct in-bag rows) a leaf may hold (1). */
  minSamplesLeaf?: number;
  /** Features tried per node: 'sqrt' or 'log2' of the feature count, or a fraction in (0, 1] ('sqrt'). */
  maxFeatures?: MaxFeatures;
  /** Seed of the generator behind bootstrap samples and feature draws (0). */
  seed?: number;
  /** Draw each tree's rows with replacement (true); false trains every tree on all rows. */
  bootstrap?: boolean;
}

type ResolvedParams = Required<RandomForestParams>;

/**
 * The distinct split points of a forest, grouped by feature and ascending within one: the thresholds of
 * feature j are value[start[j]] .. value[start[j + 1] - 1]. Rows with x[feature[s]] <= value[s] go left.
 */
interface SplitTable {
  feature: Int32Array;
  value: Float64Array;
  start: Int32Array;
}

/**
 * Fitted trees, all in flat arrays; each tree's nodes are in preorder, so a left child is node + 1.
 * Eight bytes a node: the browser decodes a 250k-node forest before its first prediction, and touching
 * fresh memory is what costs most there.
 */
interface Forest {
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

export class RandomForest implements Classifier {
  readonly algorithm = 'random-forest';
  private readonly settings: ResolvedParams;
  private forest: Forest | null = null;

  constructor(params: RandomForestParams = {}) {
    this.settings = resolveParams(params);
  }

  get nClasses(): number {
    return this.forest?.nClasses ?? 0;
  }

  get nFeatures(): number {
    return this.forest?.nFeatures ?? 0;
  }

  /** Total node count over all trees (0 before fit). */
  get nodeCount(): number {
    return this.forest?.split.length ?? 0;
  }

  params(): Record<string, number | string | boolean> {
    return { ...this.settings };
  }

  /**
   * Training rows that all share one class give trees that are single leaves: every prediction is that
   * class with probability 1 and all feature importances are 0 (nothing was split).
   */
  fit(X: Matrix, y: Int32Array, nClasses: number): this {
    checkTrainingData(X, y, nClasses);
    this.forest = growForest(X, y, nClasses, this.settings);
    return this;
  }

  predictProba(X: Matrix): Float64Array {
    const f = this.fitted('predictProba');
    if (X.cols !== f.nFeatures) {
      throw new RangeError(
        `RandomForest.predictProba: X has ${X.cols} features, the model was fitted on ${f.nFeatures}`,
      );
    }
    const { rows, data } = X;
    for (let i = 0; i < data.length; i++) {
      if (Number.isNaN(data[i])) {
        throw new RangeError(
          `RandomForest.predictProba: feature ${Math.floor(i / rows)} of row ${i % rows} is NaN; impute missing values first`,
        );
      }
    }
    const K = f.nClasses;
    const { roots, split, right, mixedProba } = f;
    const { feature, value: threshold } = f.splits;
    const out = new Float64Array(rows * K);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      for (let i = 0; i < rows; i++) {
        let node = root;
        let s = split[node];
        while (s >= 0) {
          node = data[feature[s] * rows + i] <= threshold[s] ? node + 1 : right[node];
          s = split[node];
        }
        const leaf = right[node];
        const o = i * K;
        if (leaf < 0) out[o - 1 - leaf] += 1;
        else for (let c = 0, m = leaf * K; c < K; c++) out[o + c] += mixedProba[m + c];
      }
    }
    const nTrees = roots.length;
    for (let i = 0; i < out.length; i++) out[i] /= nTrees;
    return out;
  }

  predict(X: Matrix): Int32Array {
    return predictFromProba(this.predictProba(X), X.rows, this.fitted('predict').nClasses);
  }

  /** Mean decrease in Gini impurity per feature, averaged over trees and normalised to sum 1 (all 0 if no split). */
  featureImportances(): Float64Array {
    return Float64Array.from(this.fitted('featureImportances').importances);
  }

  toJSON(): EstimatorJSON {
    const f = this.fitted('toJSON');
    const used = usedSplits(f);
    return {
      format: RANDOM_FOREST_FORMAT,
      version: RANDOM_FOREST_VERSION,
      params: { ...this.settings },
      nFeatures: f.nFeatures,
      nClasses: f.nClasses,
      nodeCount: f.split.length,
      featureImportances: Array.from(f.importances),
      thresholds: used.tables,
      trees: encodeBase64(encodeTrees(f, used.index)),
    };
  }

  static load(json: unknown): RandomForest {
    const fail = (rule: string): never => {
      throw new ModelFormatError(`RandomForest.load: ${rule}`);
    };
    if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('expected a JSON object');
    const o = json as Record<string, unknown>;
    if (o.format !== RANDOM_FOREST_FORMAT) {
      fail(`format is ${JSON.stringify(o.format)}, expected "${RANDOM_FOREST_FORMAT}"`);
    }
    if (o.version !== RANDOM_FOREST_VERSION) {
      fail(`version ${JSON.stringify(o.version)} is not supported (expected ${RANDOM_FOREST_VERSION})`);
    }
    if (typeof o.params !== 'object' || o.params === null) fail('params must be an object');
    let settings: ResolvedParams = resolveParams({});
    try {
      settings = resolveParams(o.params as RandomForestParams);
    } catch (e) {
      fail(`params: ${(e as Error).message}`);
    }
    const nFeatures = o.nFeatures;
    const nClasses = o.nClasses;
    if (!isCount(nFeatures) || nFeatures < 1) fail('nFeatures must be an integer >= 1');
    if (!isCount(nClasses) || nClasses < 1) fail('nClasses must be an integer >= 1');
    const p = nFeatures as number;
    const K = nClasses as number;

    // Plain loops, not forEach with closures: this runs cold in the browser before the first prediction.
    const tables = o.thresholds;
    if (!Array.isArray(tables) || tables.length !== p) fail(`thresholds must be an array of ${p} arrays`);
    for (let j = 0; j < p; j++) {
      const table: unknown = (tables as unknown[])[j];
      if (!Array.isArray(table)) fail(`thresholds[${j}] must be an array`);
      const values = table as unknown[];
      let previous = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < values.length; k++) {
        const v = values[k];
        if (typeof v !== 'number' || !Number.isFinite(v))
          fail(`thresholds[${j}][${k}] must be a finite number`);
        if (!(previous < (v as number))) fail(`thresholds[${j}] must be strictly ascending (entry ${k})`);
        previous = v as number;
      }
    }

    const imp = o.featureImportances;
    if (!Array.isArray(imp) || imp.length !== p) fail(`featureImportances must be an array of ${p} numbers`);
    (imp as unknown[]).forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        fail(`featureImportances[${j}] must be a finite number >= 0`);
      }
    });

    if (typeof o.trees !== 'string') fail('trees must be a base64 string');
    const bytes = decodeBase64(o.trees as string);
    if (bytes === null) fail('trees is not valid base64');
    if (!isCount(o.nodeCount)) fail('nodeCount must be an integer >= 0');
    const forest = decodeTrees(
      bytes as Uint8Array,
      settings.nTrees,
      p,
      K,
      splitTable(tables as number[][]),
      o.nodeCount as number,
      fail,
    );
    forest.importances = Float64Array.from(imp as number[]);
    const model = new RandomForest(settings);
    model.forest = forest;
    return model;
  }

  private fitted(method: string): Forest {
    if (!this.forest)
      throw new Error(`RandomForest.${method}: the model is not fitted; call fit() or load() first`);
    return this.forest;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Parameters and input checks

function resolveParams(p: RandomForestParams): ResolvedParams {
  const nTrees = p.nTrees ?? 100;
  const maxDepth = p.maxDepth ?? 0;
  const minSamplesLeaf = p.minSamplesLeaf ?? 1;
  const maxFeatures = p.maxFeatures ?? 'sqrt';
  const seed = p.seed ?? 0;
  const bootstrap = p.bootstrap ?? true;
  if (!Number.isInteger(nTrees) || nTrees < 1)
    throw new RangeError(`nTrees must be an integer >= 1, got ${nTrees}`);
  if (!Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new RangeError(`maxDepth must be an integer >= 0 (0 = unlimited), got ${maxDepth}`);
  }
  if (!Number.isInteger(minSamplesLeaf) || minSamplesLeaf < 1) {
    throw new RangeError(`minSamplesLeaf must be an integer >= 1, got ${minSamplesLeaf}`);
  }
  if (
    maxFeatures !== 'sqrt' &&
    maxFeatures !== 'log2' &&
    !(typeof maxFeatures === 'number' && maxFeatures > 0 && maxFeatures <= 1)
  ) {
    throw new RangeError(
      `maxFeatures must be 'sqrt', 'log2' or a fraction in (0, 1], got ${JSON.stringify(maxFeatures)}`,
    );
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (typeof bootstrap !== 'boolean')
    throw new RangeError(`bootstrap must be true or false, got ${bootstrap}`);
  return { nTrees, maxDepth, minSamplesLeaf, maxFeatures, seed, bootstrap };
}

/** Features examined per node, as scikit-learn rounds them (never fewer than 1). */
function featuresPerNode(maxFeatures: MaxFeatures, p: number): number {
  const raw = maxFeatures === 'sqrt' ? Math.sqrt(p) : maxFeatures === 'log2' ? Math.log2(p) : maxFeatures * p;
  return Math.min(p, Math.max(1, Math.floor(raw)));
}

function checkTrainingData(X: Matrix, y: Int32Array, nClasses: number): void {
  if (!Number.isInteger(nClasses) || nClasses < 1) {
    throw new RangeError(`RandomForest.fit: nClasses must be an integer >= 1, got ${nClasses}`);
  }
  if (X.rows < 1 || X.cols < 1) throw new RangeError(`RandomForest.fit: X is empty (${X.rows} × ${X.cols})`);
  if (y.length !== X.rows)
    throw new RangeError(`RandomForest.fit: y has ${y.length} labels but X has ${X.rows} rows`);
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] >= nClasses) {
      throw new RangeError(`RandomForest.fit: label ${y[i]} of row ${i} is outside 0..${nClasses - 1}`);
    }
  }
  const { rows, data } = X;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(
        `RandomForest.fit: feature ${Math.floor(i / rows)} of row ${i % rows} is ${data[i]}; values must be finite (impute missing values first)`,
      );
    }
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

// ---------------------------------------------------------------------------------------------------------
// Training

/** Growable node storage shared by all trees of one fit. */
class NodeStore {
  feature: Int32Array;
  threshold: Float64Array;
  right: Int32Array;
  mixedCounts: Float64Array;
  nodes = 0;
  mixed = 0;

  constructor(private readonly K: number) {
    const n = 1024;
    this.feature = new Int32Array(n);
    this.threshold = new Float64Array(n);
    this.right = new Int32Array(n);
    this.mixedCounts = new Float64Array(n * K);
  }

  addNode(): number {
    if (this.nodes === this.feature.length) {
      this.feature = grow(this.feature, new Int32Array(this.nodes * 2));
      this.threshold = grow(this.threshold, new Float64Array(this.nodes * 2));
      this.right = grow(this.right, new Int32Array(this.nodes * 2));
    }
    return this.nodes++;
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
    return {
      nFeatures: p,
      nClasses: K,
      roots,
      split,
      splits,
      right: this.right.slice(0, this.nodes),
      mixedCounts,
      mixedProba: leafFractions(mixedCounts, K),
      importances,
    };
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

/** An unsigned LEB128 varint of up to 5 bytes at cursor.pos; advances the cursor. */
function slowVarint(bytes: Uint8Array, cursor: { pos: number }, fail: (rule: string) => never): number {
  let v = 0;
  let scale = 1;
  for (let k = 0; k < 5; k++) {
    if (cursor.pos >= bytes.length) fail('trees end in the middle of a node');
    const b = bytes[cursor.pos++];
    v += (b & 0x7f) * scale;
    if (b < 0x80) return v;
    scale *= 0x80;
  }
  return fail(`trees hold a varint longer than 5 bytes at byte ${cursor.pos}`);
}

function grow<T extends Int32Array | Float64Array>(old: T, bigger: T): T {
  bigger.set(old);
  return bigger;
}

function growForest(X: Matrix, y: Int32Array, K: number, s: ResolvedParams): Forest {
  const n = X.rows;
  const p = X.cols;
  const data = X.data;
  const order = presort(X);
  const mtry = featuresPerNode(s.maxFeatures, p);
  const store = new NodeStore(K);
  const roots = new Int32Array(s.nTrees);
  const importances = new Float64Array(p);
  const treeImportance = new Float64Array(p);

  // Per-tree scratch, allocated once.
  const weight = new Int32Array(n);
  const goLeft = new Uint8Array(n);
  const lists = new Int32Array(p * n);
  const spill = new Int32Array(n);
  const perm = new Int32Array(p);
  const counts = new Float64Array(K);
  const leftCounts = new Float64Array(K);
  let stackStart = new Int32Array(64);
  let stackEnd = new Int32Array(64);
  let stackDepth = new Int32Array(64);
  let stackParent = new Int32Array(64);

  const master = createRng(s.seed);
  for (let t = 0; t < s.nTrees; t++) {
    const rng = createRng(Math.floor(master() * 4294967296));
    for (let j = 0; j < p; j++) perm[j] = j;
    if (s.bootstrap) {
      weight.fill(0);
      for (let i = 0; i < n; i++) weight[Math.floor(rng() * n)]++;
    } else {
      weight.fill(1);
    }
    // In-bag rows of every feature, in that feature's sorted order: lists[j * m + k].
    let m = 0;
    for (let i = 0; i < n; i++) if (weight[i] > 0) m++;
    for (let j = 0; j < p; j++) {
      let k = j * m;
      const o = j * n;
      for (let q = 0; q < n; q++) {
        const r = order[o + q];
        if (weight[r] > 0) lists[k++] = r;
      }
    }

    treeImportance.fill(0);
    roots[t] = store.nodes;
    let top = 0;
    stackStart[0] = 0;
    stackEnd[0] = m;
    stackDepth[0] = 0;
    stackParent[0] = -1;
    top = 1;
    while (top > 0) {
      top--;
      const start = stackStart[top];
      const end = stackEnd[top];
      const depth = stackDepth[top];
      const parent = stackParent[top];
      const node = store.addNode();
      if (parent >= 0) store.right[parent] = node;

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
      const rowsHere = end - start;
      if (
        (s.maxDepth > 0 && depth >= s.maxDepth) ||
        rowsHere < 2 * s.minSamplesLeaf ||
        sumSq === total * total // pure
      ) {
        store.addLeaf(node, counts);
        continue;
      }

      // Visit features in random order; stop after mtry, but keep going while every visited one was constant.
      let bestProxy = -1;
      let bestFeature = -1;
      let bestPos = -1;
      let bestLeftWeight = 0;
      let bestLeftSq = 0;
      let bestRightSq = 0;
      let visited = 0;
      let nonConstant = 0;
      for (let v = 0; v < p && (visited < mtry || nonConstant === 0); v++) {
        const pick = v + Math.floor(rng() * (p - v));
        const f = perm[pick];
        perm[pick] = perm[v];
        perm[v] = f;
        visited++;
        const base = f * m;
        const col = f * n;
        if (data[col + lists[base + start]] === data[col + lists[base + end - 1]]) continue;
        nonConstant++;

        leftCounts.fill(0);
        let leftWeight = 0;
        let leftSq = 0;
        let rightSq = sumSq;
        const lastLeft = end - s.minSamplesLeaf; // the left part ends before this position
        let xNext = data[col + lists[base + start]];
        for (let q = start; q < lastLeft; q++) {
          const r = lists[base + q];
          const c = y[r];
          const w = weight[r];
          const lc = leftCounts[c];
          leftSq += (2 * lc + w) * w;
          rightSq += (w - 2 * (counts[c] - lc)) * w;
          leftCounts[c] = lc + w;
          leftWeight += w;
          const x = xNext;
          xNext = data[col + lists[base + q + 1]];
          if (xNext > x && q + 1 - start >= s.minSamplesLeaf) {
            const proxy = leftSq / leftWeight + rightSq / (total - leftWeight);
            if (proxy > bestProxy) {
              bestProxy = proxy;
              bestFeature = f;
              bestPos = q + 1;
              bestLeftWeight = leftWeight;
              bestLeftSq = leftSq;
              bestRightSq = rightSq;
            }
          }
        }
      }
      if (bestFeature < 0) {
        store.addLeaf(node, counts);
        continue;
      }

      const base = bestFeature * m;
      const col = bestFeature * n;
      store.feature[node] = bestFeature;
      store.threshold[node] = splitThreshold(
        data[col + lists[base + bestPos - 1]],
        data[col + lists[base + bestPos]],
      );
      const rightWeight = total - bestLeftWeight;
      treeImportance[bestFeature] +=
        total -
        sumSq / total -
        (bestLeftWeight - bestLeftSq / bestLeftWeight) -
        (rightWeight - bestRightSq / rightWeight);

      // Stable partition of every feature's list: left rows first, each side still sorted.
      for (let q = start; q < bestPos; q++) goLeft[lists[base + q]] = 1;
      for (let q = bestPos; q < end; q++) goLeft[lists[base + q]] = 0;
      for (let j = 0; j < p; j++) {
        if (j === bestFeature) continue;
        const b = j * m;
        let l = b + start;
        let spilled = 0;
        for (let q = b + start; q < b + end; q++) {
          const r = lists[q];
          if (goLeft[r] === 1) lists[l++] = r;
          else spill[spilled++] = r;
        }
        lists.set(spill.subarray(0, spilled), l);
      }

      if (top + 2 > stackStart.length) {
        const size = stackStart.length * 2;
        stackStart = grow(stackStart, new Int32Array(size));
        stackEnd = grow(stackEnd, new Int32Array(size));
        stackDepth = grow(stackDepth, new Int32Array(size));
        stackParent = grow(stackParent, new Int32Array(size));
      }
      // Right child below left child on the stack, so the left subtree is numbered first (preorder).
      stackStart[top] = bestPos;
      stackEnd[top] = end;
      stackDepth[top] = depth + 1;
      stackParent[top] = node;
      top++;
      stackStart[top] = start;
      stackEnd[top] = bestPos;
      stackDepth[top] = depth + 1;
      stackParent[top] = -1;
      top++;
    }

    let sum = 0;
    for (let j = 0; j < p; j++) sum += treeImportance[j];
    if (sum > 0) {
      for (let j = 0; j < p; j++) importances[j] += treeImportance[j] / sum;
    }
  }

  let sum = 0;
  for (let j = 0; j < p; j++) sum += importances[j];
  if (sum > 0) for (let j = 0; j < p; j++) importances[j] /= sum;

  return store.toForest(p, roots, importances);
}

/**
 * Row indices of each feature sorted by value, ties by row, feature-major: order[j * rows + k].
 * A native numeric sort of the values plus a stable counting placement is several times faster than
 * sorting indices with a comparator.
 */
function presort(X: Matrix): Int32Array {
  const { rows, cols, data } = X;
  const order = new Int32Array(rows * cols);
  const sorted = new Float64Array(rows);
  const cursor = new Int32Array(rows);
  for (let j = 0; j < cols; j++) {
    const col = j * rows;
    sorted.set(data.subarray(col, col + rows));
    sorted.sort();
    for (let k = 0; k < rows; k++) cursor[k] = k;
    for (let i = 0; i < rows; i++) {
      const v = data[col + i];
      let lo = 0;
      let hi = rows;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      order[col + cursor[lo]++] = i; // lo = first slot of v's run; rows arrive in increasing order
    }
  }
  return order;
}

function leafFractions(leafCounts: Float64Array, K: number): Float64Array {
  const proba = new Float64Array(leafCounts.length);
  for (let o = 0; o < leafCounts.length; o += K) {
    let total = 0;
    for (let c = 0; c < K; c++) total += leafCounts[o + c];
    for (let c = 0; c < K; c++) proba[o + c] = leafCounts[o + c] / total;
  }
  return proba;
}

// 10^0 .. 10^22, all exact doubles (built by multiplication, which is exact here, rather than trusting pow).
const POW10: number[] = [1];
for (let k = 1; k <= 22; k++) POW10.push(POW10[k - 1] * 10);

/**
 * Threshold between adjacent distinct training values a < b. Like scikit-learn it sits near the midpoint,
 * but it is the shortest decimal within the middle half of (a, b), so the JSON stays small:
 * 0.27 | 0.3 gives 0.29, not 0.28500000000000003.
 */
export function splitThreshold(a: number, b: number): number {
  const mid = a / 2 + b / 2;
  const lo = a + (b - a) / 4;
  const hi = b - (b - a) / 4;
  const inside = (d: number) => d >= lo && d <= hi && d >= a && d < b;
  if (inside(0)) return 0;
  const exponent = Math.floor(Math.log10(Math.abs(mid)));
  for (let digits = 1; digits <= 17; digits++) {
    const places = digits - 1 - exponent; // decimals kept
    if (places > 22 || places < -22) break;
    const d =
      places >= 0
        ? Math.round(mid * POW10[places]) / POW10[places]
        : Math.round(mid / POW10[-places]) * POW10[-places];
    if (inside(d)) return d;
  }
  return mid < b && mid >= a ? mid : a;
}

// ---------------------------------------------------------------------------------------------------------
// Serialisation: each tree in preorder as a byte stream. Per node a varint tag:
//   tag < K        pure leaf of class `tag`
//   tag = K        mixed leaf, followed by K varint class counts
//   tag = K+1+j    split on feature j, followed by the threshold's index in thresholds[j] as a little-endian
//                  integer of just enough bytes for that table's length.
// A node's left child follows it directly; its right child follows the left subtree.

/** The split table of per-feature ascending threshold lists (the JSON's `thresholds`). */
function splitTable(tables: number[][]): SplitTable {
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
function usedSplits(f: Forest): { tables: number[][]; index: Int32Array } {
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

function indexWidth(tableLength: number): number {
  let width = 1;
  while (tableLength - 1 >= 2 ** (8 * width)) width++;
  return width;
}

class ByteWriter {
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

/** splitIndex: each split's index in its feature's written threshold list. */
function encodeTrees(f: Forest, splitIndex: Int32Array): Uint8Array {
  const K = f.nClasses;
  const feature = f.splits.feature;
  const count = new Int32Array(f.nFeatures);
  for (let s = 0; s < splitIndex.length; s++) if (splitIndex[s] >= 0) count[feature[s]]++;
  const widths = Array.from(count, indexWidth);
  const w = new ByteWriter();
  for (let node = 0; node < f.split.length; node++) {
    const s = f.split[node];
    if (s >= 0) {
      const j = feature[s];
      w.varint(K + 1 + j);
      let index = splitIndex[s];
      for (let b = 0; b < widths[j]; b++) {
        w.byte(index & 0xff);
        index >>>= 8;
      }
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

/**
 * Decodes the byte stream straight into arrays of their final size. The browser runs this once, cold,
 * before its first prediction (250k nodes for Wine), so it is one flat loop over all nodes of all trees
 * with no inner loop on the common path: V8 compiles a hot loop on the fly (OSR), and code compiled for an
 * inner loop is thrown away each time that loop exits, which with one loop per tree meant 100 trips back
 * to the interpreter. Rare cases (mixed leaves, long varints, growing the stack) are separate functions.
 */
function decodeTrees(
  bytes: Uint8Array,
  nTrees: number,
  p: number,
  K: number,
  splits: SplitTable,
  nodeCount: number,
  fail: (rule: string) => never,
): Forest {
  const { start } = splits;
  const widths = Int32Array.from({ length: p }, (_, j) => indexWidth(start[j + 1] - start[j]));
  const n = bytes.length;
  // Sized for a correct nodeCount; a wrong one fails below with the count the trees actually hold. Every
  // node takes at least one byte, so a hand-edited huge count cannot size the arrays beyond the input.
  const capacity = Math.min(nodeCount, n);
  const split = new Int32Array(capacity);
  const right = new Int32Array(capacity);
  const roots = new Int32Array(nTrees);
  const leaves: MixedLeaves = { counts: new Float64Array(64 * K), count: 0 };
  const cursor = { pos: 0 };
  let pending = new Int32Array(64); // internal nodes whose right child has not started yet
  let top = 0;
  let pos = 0; // a plain local, not cursor.pos: the loop stays fast
  let node = 0;
  let tree = 0;
  let treeStart = true;
  let previousWasLeaf = false;
  while (tree < nTrees) {
    if (pos >= n)
      fail(
        treeStart ? `trees hold ${tree} trees, params say ${nTrees}` : 'trees end in the middle of a node',
      );
    if (node === capacity) fail(`nodeCount is ${nodeCount} but the trees hold more nodes`);
    if (treeStart) roots[tree] = node;
    else if (previousWasLeaf) right[pending[--top]] = node;
    let tag = bytes[pos];
    if (tag < 0x80) pos++;
    else {
      cursor.pos = pos;
      tag = slowVarint(bytes, cursor, fail);
      pos = cursor.pos;
    }
    treeStart = false;
    if (tag > K) {
      const j = tag - K - 1;
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
      if (top === pending.length) pending = grow(pending, new Int32Array(top * 2));
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
  fail: (rule: string) => never,
): number {
  if ((leaves.count + 1) * K > leaves.counts.length) {
    leaves.counts = grow(leaves.counts, new Float64Array(leaves.counts.length * 2));
  }
  const at = leaves.count * K;
  let total = 0;
  for (let c = 0; c < K; c++) {
    const v = slowVarint(bytes, cursor, fail);
    leaves.counts[at + c] = v;
    total += v;
  }
  if (total === 0) fail(`leaf node ${node} has no samples`);
  return leaves.count++;
}

// ---------------------------------------------------------------------------------------------------------
// Base64 (standard alphabet, padded), written out because models/ may not use Node's Buffer.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let k = 0; k < 64; k++) DECODE[ALPHABET.charCodeAt(k)] = k;

export function encodeBase64(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const CHUNK = 3 * 4096;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let s = '';
    for (let i = start; i < end; i += 3) {
      const b0 = bytes[i];
      const b1 = i + 1 < end ? bytes[i + 1] : 0;
      const b2 = i + 2 < end ? bytes[i + 2] : 0;
      s += ALPHABET[b0 >> 2] + ALPHABET[((b0 & 3) << 4) | (b1 >> 4)];
      s += i + 1 < end ? ALPHABET[((b1 & 15) << 2) | (b2 >> 6)] : '=';
      s += i + 2 < end ? ALPHABET[b2 & 63] : '=';
    }
    chunks.push(s);
  }
  return chunks.join('');
}

/** Uint8Array.fromBase64 (Chromium 140+, not Node 20): native, so the browser decodes a model in a blink. */
type NativeBase64 = { fromBase64?: (text: string, options: { lastChunkHandling: 'strict' }) => Uint8Array };

/**
 * Decodes padded standard base64; null if the text is not exactly that (other characters, whitespace,
 * misplaced or missing padding, or non-zero bits in the padding), natively where the runtime can.
 */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  // The native decoder skips ASCII whitespace; these scans are far cheaper than a regular expression.
  for (const space of [' ', '\n', '\r', '\t', '\f']) if (text.includes(space)) return null;
  const native = (Uint8Array as unknown as NativeBase64).fromBase64;
  if (native) {
    try {
      return native(text, { lastChunkHandling: 'strict' });
    } catch {
      return null;
    }
  }
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    let quad = 0;
    for (let k = 0; k < 4; k++) {
      const code = text.charCodeAt(i + k);
      let v = code < 128 ? DECODE[code] : -1;
      if (v < 0) {
        if (!(last && k >= 4 - pad)) return null; // '=' only as final padding
        v = 0;
      }
      quad = (quad << 6) | v;
    }
    if (last && pad > 0 && (quad & (pad === 2 ? 0xffff : 0xff)) !== 0) return null; // bits the padding drops
    out[o++] = (quad >> 16) & 0xff;
    if (o < out.length) out[o++] = (quad >> 8) & 0xff;
    if (o < out.length) out[o++] = quad & 0xff;
  }
  return out;
}
