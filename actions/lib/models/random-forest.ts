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

/** Fitted trees, all in flat arrays; each tree's nodes are in preorder, so a left child is node + 1. */
interface Forest {
  nFeatures: number;
  nClasses: number;
  /** First node of each tree. */
  roots: Int32Array;
  /** Split feature of each node; -1 marks a leaf. */
  feature: Int32Array;
  /** Rows with x[feature] <= threshold go left. */
  threshold: Float64Array;
  /** Right child of an internal node; leaf index of a leaf. */
  right: Int32Array;
  /** Weighted class counts per leaf, leaf * nClasses + class (integers: bootstrap counts). */
  leafCounts: Float64Array;
  /** Class fractions per leaf, same layout. */
  leafProba: Float64Array;
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
    return this.forest?.feature.length ?? 0;
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
    const { roots, feature, threshold, right, leafProba } = f;
    const out = new Float64Array(rows * K);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      for (let i = 0; i < rows; i++) {
        let node = root;
        let j = feature[node];
        while (j >= 0) {
          node = data[j * rows + i] <= threshold[node] ? node + 1 : right[node];
          j = feature[node];
        }
        const leaf = right[node] * K;
        const o = i * K;
        for (let c = 0; c < K; c++) out[o + c] += leafProba[leaf + c];
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
    const tables = thresholdTables(f);
    return {
      format: RANDOM_FOREST_FORMAT,
      version: RANDOM_FOREST_VERSION,
      params: { ...this.settings },
      nFeatures: f.nFeatures,
      nClasses: f.nClasses,
      nodeCount: f.feature.length,
      featureImportances: Array.from(f.importances),
      thresholds: tables,
      trees: encodeBase64(encodeTrees(f, tables)),
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

    const tables = o.thresholds;
    if (!Array.isArray(tables) || tables.length !== p) fail(`thresholds must be an array of ${p} arrays`);
    (tables as unknown[]).forEach((table, j) => {
      if (!Array.isArray(table)) fail(`thresholds[${j}] must be an array`);
      (table as unknown[]).forEach((v, k) => {
        if (typeof v !== 'number' || !Number.isFinite(v))
          fail(`thresholds[${j}][${k}] must be a finite number`);
        if (k > 0 && !((table as number[])[k - 1] < (v as number))) {
          fail(`thresholds[${j}] must be strictly ascending (entry ${k})`);
        }
      });
    });

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
    const capacity = isCount(o.nodeCount)
      ? Math.min(o.nodeCount as number, (bytes as Uint8Array).length)
      : 1024;
    const forest = decodeTrees(
      bytes as Uint8Array,
      settings.nTrees,
      p,
      K,
      tables as number[][],
      fail,
      capacity,
    );
    if (o.nodeCount !== forest.feature.length) {
      fail(`nodeCount is ${JSON.stringify(o.nodeCount)} but the trees hold ${forest.feature.length} nodes`);
    }
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
  leafCounts: Float64Array;
  nodes = 0;
  leaves = 0;

  /** capacity: expected node count (a loaded model knows it), so decoding never regrows the arrays. */
  constructor(
    private readonly K: number,
    capacity = 1024,
  ) {
    const n = Math.max(1024, capacity);
    this.feature = new Int32Array(n);
    this.threshold = new Float64Array(n);
    this.right = new Int32Array(n);
    // A binary tree with L leaves has 2L − 1 nodes; the slack covers one extra leaf per tree.
    this.leafCounts = new Float64Array((Math.ceil(n / 2) + 1024) * K);
  }

  addNode(): number {
    if (this.nodes === this.feature.length) {
      this.feature = grow(this.feature, new Int32Array(this.nodes * 2));
      this.threshold = grow(this.threshold, new Float64Array(this.nodes * 2));
      this.right = grow(this.right, new Int32Array(this.nodes * 2));
    }
    return this.nodes++;
  }

  /** The finished forest: arrays trimmed to the nodes and leaves actually stored. */
  toForest(p: number, roots: Int32Array, importances: Float64Array): Forest {
    const K = this.K;
    const leafCounts = this.leafCounts.slice(0, this.leaves * K);
    return {
      nFeatures: p,
      nClasses: K,
      roots,
      feature: this.feature.slice(0, this.nodes),
      threshold: this.threshold.slice(0, this.nodes),
      right: this.right.slice(0, this.nodes),
      leafCounts,
      leafProba: leafFractions(leafCounts, K),
      importances,
    };
  }

  /** Makes `node` a leaf with zeroed counts; returns the offset of its K counts in leafCounts. */
  beginLeaf(node: number): number {
    const K = this.K;
    if ((this.leaves + 1) * K > this.leafCounts.length) {
      this.leafCounts = grow(this.leafCounts, new Float64Array(this.leafCounts.length * 2));
    }
    const at = this.leaves * K;
    this.leafCounts.fill(0, at, at + K);
    this.feature[node] = -1;
    this.threshold[node] = 0;
    this.right[node] = this.leaves++;
    return at;
  }

  addLeaf(node: number, counts: Float64Array): void {
    const K = this.K;
    if ((this.leaves + 1) * K > this.leafCounts.length) {
      this.leafCounts = grow(this.leafCounts, new Float64Array(this.leafCounts.length * 2));
    }
    this.leafCounts.set(counts, this.leaves * K);
    this.feature[node] = -1;
    this.threshold[node] = 0;
    this.right[node] = this.leaves++;
  }
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

function thresholdTables(f: Forest): number[][] {
  const sets: Set<number>[] = Array.from({ length: f.nFeatures }, () => new Set<number>());
  for (let i = 0; i < f.feature.length; i++) if (f.feature[i] >= 0) sets[f.feature[i]].add(f.threshold[i]);
  return sets.map((set) => Array.from(set).sort((a, b) => a - b));
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

function encodeTrees(f: Forest, tables: number[][]): Uint8Array {
  const K = f.nClasses;
  const widths = tables.map((t) => indexWidth(t.length));
  const indexOf = tables.map((t) => new Map(t.map((v, k) => [v, k])));
  const w = new ByteWriter();
  for (let node = 0; node < f.feature.length; node++) {
    const j = f.feature[node];
    if (j >= 0) {
      w.varint(K + 1 + j);
      let index = indexOf[j].get(f.threshold[node])!;
      for (let b = 0; b < widths[j]; b++) {
        w.byte(index & 0xff);
        index >>>= 8;
      }
      continue;
    }
    const o = f.right[node] * K;
    let only = -1;
    let nonZero = 0;
    for (let c = 0; c < K; c++) {
      if (f.leafCounts[o + c] > 0) {
        nonZero++;
        only = c;
      }
    }
    if (nonZero === 1) {
      w.varint(only);
    } else {
      w.varint(K);
      for (let c = 0; c < K; c++) w.varint(f.leafCounts[o + c]);
    }
  }
  return w.bytes.slice(0, w.length);
}

function decodeTrees(
  bytes: Uint8Array,
  nTrees: number,
  p: number,
  K: number,
  tables: number[][],
  fail: (rule: string) => never,
  capacity = 1024,
): Forest {
  const widths = tables.map((t) => indexWidth(t.length));
  const n = bytes.length;
  // pos is a plain local (not captured by a closure) so the loop stays fast even before the JIT warms
  // up — the browser decodes a 250k-node forest once, cold. Multi-byte varints take the slow path.
  let pos = 0;
  const cursor = { pos: 0 };
  const store = new NodeStore(K, capacity);
  const roots = new Int32Array(nTrees);
  let pending = new Int32Array(64); // internal nodes whose right child has not started yet
  for (let t = 0; t < nTrees; t++) {
    if (pos >= n) fail(`trees hold ${t} trees, params say ${nTrees}`);
    roots[t] = store.nodes;
    let top = 0;
    let previousWasLeaf = false;
    for (;;) {
      const node = store.addNode();
      if (previousWasLeaf) store.right[pending[--top]] = node;
      if (pos >= n) fail('trees end in the middle of a node');
      let tag = bytes[pos];
      if (tag < 0x80) pos++;
      else {
        cursor.pos = pos;
        tag = slowVarint(bytes, cursor, fail);
        pos = cursor.pos;
      }
      if (tag > K) {
        const j = tag - K - 1;
        if (j >= p) fail(`node ${node} splits on feature ${j}, but there are ${p} features`);
        const width = widths[j];
        if (pos + width > n) fail('trees end in the middle of a node');
        let index = 0;
        for (let b = 0, scale = 1; b < width; b++, scale *= 256) index += bytes[pos++] * scale;
        const table = tables[j];
        if (index >= table.length) {
          fail(
            `node ${node} uses threshold ${index} of feature ${j}, but thresholds[${j}] has ${table.length}`,
          );
        }
        store.feature[node] = j;
        store.threshold[node] = table[index];
        if (top === pending.length) pending = grow(pending, new Int32Array(top * 2));
        pending[top++] = node;
        previousWasLeaf = false;
        continue;
      }
      const at = store.beginLeaf(node);
      const counts = store.leafCounts;
      if (tag < K) {
        counts[at + tag] = 1;
      } else {
        let total = 0;
        for (let c = 0; c < K; c++) {
          if (pos >= n) fail('trees end in the middle of a node');
          let v = bytes[pos];
          if (v < 0x80) pos++;
          else {
            cursor.pos = pos;
            v = slowVarint(bytes, cursor, fail);
            pos = cursor.pos;
          }
          counts[at + c] = v;
          total += v;
        }
        if (total === 0) fail(`leaf node ${node} has no samples`);
      }
      previousWasLeaf = true;
      if (top === 0) break;
    }
  }
  if (pos !== bytes.length) fail(`trees hold ${bytes.length - pos} bytes after the last of ${nTrees} trees`);
  return store.toForest(p, roots, new Float64Array(p));
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

/** Decodes padded standard base64; null if the text is not exactly that. */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
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
        if (!(last && code === 61 && k >= 4 - pad)) return null; // '=' only as final padding
        v = 0;
      }
      quad = (quad << 6) | v;
    }
    out[o++] = (quad >> 16) & 0xff;
    if (o < out.length) out[o++] = (quad >> 8) & 0xff;
    if (o < out.length) out[o++] = quad & 0xff;
  }
  return out;
}
