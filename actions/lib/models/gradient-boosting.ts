// Histogram gradient-boosted trees, trained like scikit-learn's HistGradientBoostingClassifier (1.2) with
// its defaults: each feature binned once into at most 255 quantile bins, log-loss boosting from the class
// priors (binary: one tree per iteration; multiclass: one tree per class per iteration, softmax), trees of
// up to 31 leaves grown best-first by gain, leaves of at least 20 rows, learning rate 0.1, 100 iterations.
// Gradients and hessians are float32 and histograms sum them in sample order, as scikit-learn does, so on
// data without ties in gain the trees come out the same. No early stopping: scikit-learn's 'auto' turns it
// on only above 10,000 rows. Deterministic (nothing is random). Browser-safe: no Node imports.
import { bytesField, encodeBase64 } from './base64.js';
import {
  type Classifier,
  type EstimatorJSON,
  type Matrix,
  ModelFormatError,
  predictFromProba,
} from './types.js';
import { checkFormat, readInteger, readNumbers, readObject } from './validate-json.js';
import { ByteWriter, type Fail, readVarint } from './varint.js';

export const HIST_GRADIENT_BOOSTING_FORMAT = 'gitml.hist-gradient-boosting';
const FORMAT_VERSION = 1;
/** scikit-learn's min_hessian_to_split: a side with less total hessian cannot be split off. */
const MIN_HESSIAN_TO_SPLIT = 1e-3;
const FLOAT64_EPSILON = 2 ** -52;

export interface HistGradientBoostingParams {
  /** Shrinkage applied to every leaf value (0.1). */
  learningRate?: number;
  /** Boosting iterations (100). */
  maxIter?: number;
  /** Most leaves a tree may have (31). */
  maxLeafNodes?: number;
  /** Fewest training rows in a leaf (20). */
  minSamplesLeaf?: number;
  /** L2 penalty on leaf values (0). */
  l2Regularization?: number;
  /** Most bins per feature, 2..255 (255). */
  maxBins?: number;
}

type ResolvedParams = Required<HistGradientBoostingParams>;

/** The fitted model; trees are flattened in preorder, one after another (left child = node + 1). */
interface Ensemble {
  nFeatures: number;
  nClasses: number;
  /** Class indices seen in training, ascending; the model scores only these (others get probability 0). */
  classes: Int32Array;
  /** Raw score each tree slot starts from (1 slot when binary, one per class otherwise). */
  baseline: Float64Array;
  /** Per feature, ascending bin edges: bin b holds edges[b-1] < x <= edges[b]. */
  binEdges: Float64Array[];
  iterations: number;
  /** Root node of tree t (t = iteration × slots + slot). */
  roots: Int32Array;
  /** Split feature, or -1 for a leaf. */
  feature: Int32Array;
  /** Split bin: rows with bin <= this (x <= binEdges[feature][bin]) go left. */
  bin: Int32Array;
  threshold: Float64Array;
  right: Int32Array;
  /** Leaf value, learning rate included (0 for internal nodes). */
  value: Float64Array;
}

export class HistGradientBoosting implements Classifier {
  readonly algorithm = 'hist-gradient-boosting';
  private readonly settings: ResolvedParams;
  private model: Ensemble | null = null;

  constructor(params: HistGradientBoostingParams = {}) {
    this.settings = resolveParams(params);
  }

  get nClasses(): number {
    return this.model?.nClasses ?? 0;
  }

  /** Trees in the ensemble (0 before fit). */
  get treeCount(): number {
    return this.model?.roots.length ?? 0;
  }

  params(): Record<string, number | string | boolean> {
    return { ...this.settings };
  }

  fit(X: Matrix, y: Int32Array, nClasses: number): this {
    const classes = checkTrainingData(X, y, nClasses);
    this.model = boost(X, y, nClasses, classes, this.settings);
    return this;
  }

  /** Raw scores per row and tree slot, row-major out[i × slots + k]. */
  decisionFunction(X: Matrix): Float64Array {
    const m = this.fitted('decisionFunction');
    if (X.cols !== m.nFeatures) {
      throw new RangeError(
        `HistGradientBoosting: X has ${X.cols} features, the model was fitted on ${m.nFeatures}`,
      );
    }
    const { rows, data } = X;
    for (let i = 0; i < data.length; i++) {
      if (Number.isNaN(data[i])) {
        throw new RangeError(
          `HistGradientBoosting: feature ${Math.floor(i / rows)} of row ${i % rows} is NaN; impute missing values first`,
        );
      }
    }
    const T = m.baseline.length;
    const raw = new Float64Array(rows * T);
    for (let i = 0; i < rows; i++) raw.set(m.baseline, i * T);
    const { roots, feature, threshold, right, value } = m;
    for (let t = 0; t < roots.length; t++) {
      const k = t % T;
      for (let i = 0; i < rows; i++) {
        let node = roots[t];
        let f = feature[node];
        while (f >= 0) {
          node = data[f * rows + i] <= threshold[node] ? node + 1 : right[node];
          f = feature[node];
        }
        raw[i * T + k] += value[node];
      }
    }
    return raw;
  }

  predictProba(X: Matrix): Float64Array {
    const m = this.fitted('predictProba');
    const raw = this.decisionFunction(X);
    const K = m.nClasses;
    const T = m.baseline.length;
    const out = new Float64Array(X.rows * K);
    const { classes } = m;
    for (let i = 0; i < X.rows; i++) {
      const o = i * K;
      if (T === 1) {
        const p = 1 / (1 + Math.exp(-raw[i]));
        out[o + classes[0]] = 1 - p;
        out[o + classes[1]] = p;
        continue;
      }
      const r = i * T;
      let max = raw[r];
      for (let k = 1; k < T; k++) if (raw[r + k] > max) max = raw[r + k];
      let sum = 0;
      for (let k = 0; k < T; k++) {
        const e = Math.exp(raw[r + k] - max);
        out[o + classes[k]] = e;
        sum += e;
      }
      for (let k = 0; k < T; k++) out[o + classes[k]] /= sum;
    }
    return out;
  }

  predict(X: Matrix): Int32Array {
    return predictFromProba(this.predictProba(X), X.rows, this.fitted('predict').nClasses);
  }

  toJSON(): EstimatorJSON {
    const m = this.fitted('toJSON');
    const nodes = new ByteWriter();
    let leaves = 0;
    for (let q = 0; q < m.feature.length; q++) if (m.feature[q] < 0) leaves++;
    const values = new DataView(new ArrayBuffer(leaves * 8));
    let leaf = 0;
    for (let q = 0; q < m.feature.length; q++) {
      const f = m.feature[q];
      if (f < 0) {
        nodes.byte(0);
        values.setFloat64(8 * leaf++, m.value[q], true);
      } else {
        nodes.varint(f + 1);
        nodes.byte(m.bin[q]);
      }
    }
    return {
      format: HIST_GRADIENT_BOOSTING_FORMAT,
      version: FORMAT_VERSION,
      params: { ...this.settings },
      nFeatures: m.nFeatures,
      nClasses: m.nClasses,
      classes: Array.from(m.classes),
      baseline: Array.from(m.baseline),
      binEdges: m.binEdges.map((e) => Array.from(e)),
      iterations: m.iterations,
      nodes: encodeBase64(nodes.bytes.slice(0, nodes.length)),
      leafValues: encodeBase64(new Uint8Array(values.buffer)),
    };
  }

  static load(json: unknown): HistGradientBoosting {
    const what = `${HIST_GRADIENT_BOOSTING_FORMAT} model`;
    const fail: Fail = (rule: string): never => {
      throw new ModelFormatError(`${what}: ${rule}`);
    };
    const obj = checkFormat(json, HIST_GRADIENT_BOOSTING_FORMAT, FORMAT_VERSION);
    const rawParams = readObject(obj.params, `${what} "params"`);
    let settings: ResolvedParams = resolveParams({});
    try {
      settings = resolveParams(rawParams as HistGradientBoostingParams);
    } catch (e) {
      fail(`params: ${(e as Error).message}`);
    }
    const nFeatures = readInteger(obj, 'nFeatures', what, { min: 1 });
    const nClasses = readInteger(obj, 'nClasses', what, { min: 2 });
    const classesValue = obj.classes;
    if (!Array.isArray(classesValue) || classesValue.length < 2 || classesValue.length > nClasses) {
      fail(`"classes" must be an array of 2 to ${nClasses} class indices`);
    }
    const classes = Int32Array.from(
      readNumbers(obj, 'classes', what, (classesValue as unknown[]).length, {
        min: 0,
        max: nClasses - 1,
        integer: true,
      }),
    );
    for (let c = 1; c < classes.length; c++) {
      if (!(classes[c - 1] < classes[c])) fail('"classes" must be strictly ascending');
    }
    const T = classes.length === 2 ? 1 : classes.length;
    const baseline = readNumbers(obj, 'baseline', what, T);
    const edgesValue = obj.binEdges;
    if (!Array.isArray(edgesValue) || edgesValue.length !== nFeatures) {
      fail(`"binEdges" must be an array of ${nFeatures} arrays`);
    }
    const binEdges: Float64Array[] = [];
    for (let j = 0; j < nFeatures; j++) {
      const e = (edgesValue as unknown[])[j];
      if (!Array.isArray(e) || e.length > settings.maxBins - 1) {
        fail(`binEdges[${j}] must be an array of at most ${settings.maxBins - 1} numbers`);
      }
      const edges = readNumbers({ e }, 'e', what, (e as unknown[]).length);
      for (let b = 1; b < edges.length; b++) {
        if (!(edges[b - 1] < edges[b])) fail(`binEdges[${j}] must be strictly ascending (entry ${b})`);
      }
      binEdges.push(edges);
    }
    const iterations = readInteger(obj, 'iterations', what, { min: 0, max: settings.maxIter });
    for (const field of ['nodes', 'leafValues'])
      if (typeof obj[field] !== 'string' && !(obj[field] instanceof Uint8Array))
        fail(`"${field}" must be a base64 string (or the bytes of model.bin)`);
    const nodeBytes = bytesField(obj.nodes) ?? fail('"nodes" is not valid base64');
    const valueBytes = bytesField(obj.leafValues) ?? fail('"leafValues" is not valid base64');
    if (valueBytes.length % 8 !== 0) fail('"leafValues" must hold whole float64 values (8 bytes each)');
    const model = new HistGradientBoosting(settings);
    model.model = decodeTrees(
      { nFeatures, nClasses, classes, baseline, binEdges, iterations },
      nodeBytes,
      valueBytes,
      settings.maxLeafNodes,
      fail,
    );
    return model;
  }

  private fitted(method: string): Ensemble {
    if (!this.model) {
      throw new Error(`HistGradientBoosting.${method}: the model is not fitted; call fit() or load() first`);
    }
    return this.model;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Parameters and input checks

function resolveParams(p: HistGradientBoostingParams): ResolvedParams {
  const r: ResolvedParams = {
    learningRate: p.learningRate ?? 0.1,
    maxIter: p.maxIter ?? 100,
    maxLeafNodes: p.maxLeafNodes ?? 31,
    minSamplesLeaf: p.minSamplesLeaf ?? 20,
    l2Regularization: p.l2Regularization ?? 0,
    maxBins: p.maxBins ?? 255,
  };
  const rule = (ok: boolean, name: string, text: string, value: unknown) => {
    if (!ok) throw new RangeError(`${name} must be ${text}, got ${JSON.stringify(value)}`);
  };
  const int = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min;
  rule(
    typeof r.learningRate === 'number' && r.learningRate > 0 && Number.isFinite(r.learningRate),
    'learningRate',
    'a finite number > 0',
    r.learningRate,
  );
  rule(int(r.maxIter, 1) && r.maxIter <= 100_000, 'maxIter', 'an integer in 1..100000', r.maxIter);
  rule(
    int(r.maxLeafNodes, 2) && r.maxLeafNodes <= 65_536,
    'maxLeafNodes',
    'an integer in 2..65536',
    r.maxLeafNodes,
  );
  rule(int(r.minSamplesLeaf, 1), 'minSamplesLeaf', 'an integer >= 1', r.minSamplesLeaf);
  rule(
    typeof r.l2Regularization === 'number' && r.l2Regularization >= 0 && Number.isFinite(r.l2Regularization),
    'l2Regularization',
    'a finite number >= 0',
    r.l2Regularization,
  );
  rule(int(r.maxBins, 2) && r.maxBins <= 255, 'maxBins', 'an integer in 2..255', r.maxBins);
  return r;
}

/** Checks X and y; returns the class indices present in y, ascending (at least two). */
function checkTrainingData(X: Matrix, y: Int32Array, nClasses: number): Int32Array {
  const name = 'HistGradientBoosting.fit';
  if (!Number.isInteger(nClasses) || nClasses < 2) {
    throw new RangeError(`${name}: nClasses must be an integer >= 2, got ${nClasses}`);
  }
  if (X.rows < 1 || X.cols < 1) throw new RangeError(`${name}: X is empty (${X.rows} × ${X.cols})`);
  if (y.length !== X.rows) throw new RangeError(`${name}: y has ${y.length} labels but X has ${X.rows} rows`);
  const seen = new Uint8Array(nClasses);
  for (let i = 0; i < y.length; i++) {
    if (!(y[i] >= 0 && y[i] < nClasses)) {
      throw new RangeError(`${name}: label ${y[i]} of row ${i} is outside 0..${nClasses - 1}`);
    }
    seen[y[i]] = 1;
  }
  const classes: number[] = [];
  for (let c = 0; c < nClasses; c++) if (seen[c]) classes.push(c);
  if (classes.length < 2) {
    throw new RangeError(
      `${name}: every training row is of class ${classes[0]}; boosting needs rows of at least two classes`,
    );
  }
  const { rows, data } = X;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(
        `${name}: feature ${Math.floor(i / rows)} of row ${i % rows} is ${data[i]}; values must be finite (impute missing values first)`,
      );
    }
  }
  return Int32Array.from(classes);
}

// ---------------------------------------------------------------------------------------------------------
// Binning

/**
 * Bin edges of one feature as scikit-learn's _BinMapper finds them: midpoints between distinct values when
 * there are at most maxBins of them, else numpy's percentile (method 'midpoint') at 100·i/maxBins. Equal
 * edges (heavily tied values) are merged: the bins between them would be empty and change nothing.
 * Above 200,000 rows scikit-learn bins a random subsample; this bins every row.
 */
export function binEdges(column: Float64Array, maxBins: number): Float64Array {
  const sorted = Float64Array.from(column).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  const edges: number[] = [];
  if (distinct.length <= maxBins) {
    for (let b = 0; b + 1 < distinct.length; b++) edges.push((distinct[b] + distinct[b + 1]) * 0.5);
    return Float64Array.from(edges);
  }
  const n = sorted.length;
  const step = 100 / maxBins; // numpy.linspace(0, 100, maxBins + 1) is i × step
  for (let i = 1; i < maxBins; i++) {
    const q = (i * step) / 100;
    const lo = Math.floor((n - 1) * q);
    const hi = Math.ceil((n - 1) * q);
    // numpy's _lerp at gamma 0.5 computes b − (b − a)·0.5; at an exact index it takes the value itself.
    const edge = lo === hi ? sorted[lo] : sorted[lo + 1] - (sorted[lo + 1] - sorted[lo]) * 0.5;
    if (edges.length === 0 || edge !== edges[edges.length - 1]) edges.push(edge);
  }
  return Float64Array.from(edges);
}

/** Bin of x: the number of edges below it (x <= edges[bin]). */
function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------------------
// Training

interface Split {
  gain: number;
  feature: number;
  bin: number;
  nLeft: number;
  sumGradLeft: number;
  sumHessLeft: number;
  sumGradRight: number;
  sumHessRight: number;
  valueLeft: number;
  valueRight: number;
}

interface GrowNode {
  start: number;
  end: number;
  sumGrad: number;
  sumHess: number;
  /** Unshrunk value (the root's is 0, as in scikit-learn). */
  value: number;
  /** Order in which the node was queued: ties in gain go to the earlier one. */
  order: number;
  split: Split | null;
  hist: Histogram | null;
  left: GrowNode | null;
  right: GrowNode | null;
}

/** Per-bin sums over a node's rows; bins of feature j start at offsets[j]. */
interface Histogram {
  grad: Float64Array;
  hess: Float64Array;
  count: Int32Array;
}

/** The binned training set and what every tree shares. */
interface Binned {
  n: number;
  p: number;
  bins: Uint8Array;
  offsets: Int32Array;
  /** Bins per feature (edges + 1). */
  binCounts: Int32Array;
  totalBins: number;
}

function boost(X: Matrix, y: Int32Array, nClasses: number, classes: Int32Array, s: ResolvedParams): Ensemble {
  const { rows: n, cols: p } = X;
  const edges: Float64Array[] = [];
  const bins = new Uint8Array(n * p);
  const offsets = new Int32Array(p + 1);
  const binCounts = new Int32Array(p);
  for (let j = 0; j < p; j++) {
    const column = X.data.subarray(j * n, (j + 1) * n);
    const e = binEdges(column, s.maxBins);
    edges.push(e);
    for (let i = 0; i < n; i++) bins[j * n + i] = binOf(e, column[i]);
    binCounts[j] = e.length + 1;
    offsets[j + 1] = offsets[j] + binCounts[j];
  }
  const binned: Binned = { n, p, bins, offsets, binCounts, totalBins: offsets[p] };

  // Targets: position of each row's class among the classes present.
  const slotOf = new Int32Array(nClasses).fill(-1);
  classes.forEach((c, k) => {
    slotOf[c] = k;
  });
  const target = Int32Array.from(y, (c) => slotOf[c]);
  const K = classes.length;
  const T = K === 2 ? 1 : K;
  const counts = new Float64Array(K);
  for (let i = 0; i < n; i++) counts[target[i]]++;
  const baseline = new Float64Array(T);
  if (T === 1) {
    // logit of the positive-class share, clipped away from 0 and 1 as scikit-learn does.
    const share = Math.min(Math.max(counts[1] / n, 10 * FLOAT64_EPSILON), 1 - 10 * FLOAT64_EPSILON);
    baseline[0] = Math.log(share / (1 - share));
  } else {
    // Symmetric multinomial logit: log of each share minus their mean log.
    let meanLog = 0;
    for (let k = 0; k < K; k++) {
      baseline[k] = Math.log(Math.min(Math.max(counts[k] / n, FLOAT64_EPSILON), 1 - FLOAT64_EPSILON));
      meanLog += baseline[k];
    }
    meanLog /= K;
    for (let k = 0; k < K; k++) baseline[k] -= meanLog;
  }

  const raw = new Float64Array(n * T);
  for (let i = 0; i < n; i++) raw.set(baseline, i * T);
  // float32, like scikit-learn's G_H_DTYPE: the same rounding feeds the same histogram sums.
  const grad = new Float32Array(n * T);
  const hess = new Float32Array(n * T);
  const proba = new Float64Array(T);
  const trees: GrowNode[] = [];
  const gSlot = new Float32Array(n);
  const hSlot = new Float32Array(n);
  for (let it = 0; it < s.maxIter; it++) {
    for (let i = 0; i < n; i++) {
      if (T === 1) {
        const r = raw[i];
        const yi = target[i];
        // Written as scikit-learn's half binomial loss: stable for large |r|.
        if (r > 0) {
          const e = Math.exp(-r);
          grad[i] = (1 - yi - yi * e) / (1 + e);
          hess[i] = e / ((1 + e) * (1 + e));
        } else {
          const e = Math.exp(r);
          grad[i] = ((1 - yi) * e - yi) / (1 + e);
          hess[i] = e / ((1 + e) * (1 + e));
        }
        continue;
      }
      const o = i * T;
      let max = raw[o];
      for (let k = 1; k < T; k++) if (raw[o + k] > max) max = raw[o + k];
      let sum = 0;
      for (let k = 0; k < T; k++) {
        proba[k] = Math.exp(raw[o + k] - max);
        sum += proba[k];
      }
      for (let k = 0; k < T; k++) {
        const pk = proba[k] / sum;
        grad[o + k] = pk - (target[i] === k ? 1 : 0);
        hess[o + k] = pk * (1 - pk);
      }
    }
    for (let k = 0; k < T; k++) {
      for (let i = 0; i < n; i++) {
        gSlot[i] = grad[i * T + k];
        hSlot[i] = hess[i * T + k];
      }
      const { root, leaves, index } = growTree(binned, gSlot, hSlot, s);
      for (const leaf of leaves) {
        const v = leaf.value * s.learningRate;
        leaf.value = v;
        for (let q = leaf.start; q < leaf.end; q++) raw[index[q] * T + k] += v;
      }
      trees.push(root);
    }
  }
  return flatten(trees, {
    nFeatures: p,
    nClasses,
    classes,
    baseline,
    binEdges: edges,
    iterations: s.maxIter,
  });
}

/** One tree grown best-first on the gradients; leaf values unshrunk; index orders rows by leaf. */
function growTree(
  d: Binned,
  g: Float32Array,
  h: Float32Array,
  s: ResolvedParams,
): { root: GrowNode; leaves: GrowNode[]; index: Int32Array } {
  const index = new Int32Array(d.n);
  for (let i = 0; i < d.n; i++) index[i] = i;
  const scratch = new Int32Array(d.n);
  let sumGrad = 0;
  let sumHess = 0;
  for (let i = 0; i < d.n; i++) {
    sumGrad += g[i];
    sumHess += h[i];
  }
  let order = 0;
  const node = (start: number, end: number, sg: number, sh: number, value: number): GrowNode => ({
    start,
    end,
    sumGrad: sg,
    sumHess: sh,
    value,
    order: order++,
    split: null,
    hist: null,
    left: null,
    right: null,
  });
  const root = node(0, d.n, sumGrad, sumHess, 0);
  const leaves: GrowNode[] = [];
  const splittable: GrowNode[] = [];
  const consider = (x: GrowNode) => {
    x.split = findSplit(d, x, s);
    if (x.split === null) {
      x.hist = null;
      leaves.push(x);
    } else splittable.push(x);
  };
  if (d.n < 2 * s.minSamplesLeaf || sumHess < MIN_HESSIAN_TO_SPLIT) {
    leaves.push(root);
    return { root, leaves, index };
  }
  root.hist = histogram(d, index, 0, d.n, g, h);
  consider(root);
  while (splittable.length > 0) {
    let best = 0;
    for (let q = 1; q < splittable.length; q++) {
      const a = splittable[q];
      const b = splittable[best];
      if (a.split!.gain > b.split!.gain || (a.split!.gain === b.split!.gain && a.order < b.order)) best = q;
    }
    const parent = splittable.splice(best, 1)[0];
    const sp = parent.split!;
    // Stable partition: each side keeps the rows in their order (histograms then sum in that order).
    const featureBins = d.bins.subarray(sp.feature * d.n, (sp.feature + 1) * d.n);
    let l = parent.start;
    let r = 0;
    for (let q = parent.start; q < parent.end; q++) {
      const row = index[q];
      if (featureBins[row] <= sp.bin) index[l++] = row;
      else scratch[r++] = row;
    }
    index.set(scratch.subarray(0, r), l);
    const left = node(parent.start, l, sp.sumGradLeft, sp.sumHessLeft, sp.valueLeft);
    const right = node(l, parent.end, sp.sumGradRight, sp.sumHessRight, sp.valueRight);
    parent.left = left;
    parent.right = right;
    const hist = parent.hist!;
    parent.hist = null;
    if (leaves.length + splittable.length + 2 === s.maxLeafNodes) {
      leaves.push(left, right);
      for (const x of splittable) {
        x.hist = null;
        leaves.push(x);
      }
      splittable.length = 0;
      break;
    }
    const leftOpen = left.end - left.start >= 2 * s.minSamplesLeaf;
    const rightOpen = right.end - right.start >= 2 * s.minSamplesLeaf;
    if (!leftOpen) leaves.push(left);
    if (!rightOpen) leaves.push(right);
    if (!leftOpen && !rightOpen) continue;
    // The smaller child is summed; the larger is its parent minus it (scikit-learn's subtraction trick).
    const [small, large] = left.end - left.start < right.end - right.start ? [left, right] : [right, left];
    small.hist = histogram(d, index, small.start, small.end, g, h);
    large.hist = subtract(hist, small.hist);
    if (leftOpen) consider(left);
    else left.hist = null;
    if (rightOpen) consider(right);
    else right.hist = null;
  }
  return { root, leaves, index };
}

function histogram(
  d: Binned,
  index: Int32Array,
  start: number,
  end: number,
  g: Float32Array,
  h: Float32Array,
): Histogram {
  const grad = new Float64Array(d.totalBins);
  const hess = new Float64Array(d.totalBins);
  const count = new Int32Array(d.totalBins);
  const { bins, n } = d;
  for (let j = 0; j < d.p; j++) {
    const col = j * n;
    const off = d.offsets[j];
    for (let q = start; q < end; q++) {
      const row = index[q];
      const b = off + bins[col + row];
      grad[b] += g[row];
      hess[b] += h[row];
      count[b]++;
    }
  }
  return { grad, hess, count };
}

function subtract(parent: Histogram, child: Histogram): Histogram {
  const grad = new Float64Array(parent.grad.length);
  const hess = new Float64Array(parent.grad.length);
  const count = new Int32Array(parent.grad.length);
  for (let b = 0; b < grad.length; b++) {
    grad[b] = parent.grad[b] - child.grad[b];
    hess[b] = parent.hess[b] - child.hess[b];
    count[b] = parent.count[b] - child.count[b];
  }
  return { grad, hess, count };
}

function leafValue(sumGrad: number, sumHess: number, l2: number): number {
  return -sumGrad / (sumHess + l2 + 1e-15);
}

/**
 * The best split of a node over all features and bins (scikit-learn's left-to-right scan): the gain is
 * the node's loss minus its children's, computed from the node's value as scikit-learn does (the root's
 * value is 0). Features in order, bins in order, strictly better only: ties go to the first. null if no
 * split respects min_samples_leaf and min_hessian_to_split with a positive gain.
 */
function findSplit(d: Binned, x: GrowNode, s: ResolvedParams): Split | null {
  const hist = x.hist!;
  const n = x.end - x.start;
  const l2 = s.l2Regularization;
  const msl = s.minSamplesLeaf;
  const lossNode = x.sumGrad * x.value;
  let best: Split | null = null;
  for (let j = 0; j < d.p; j++) {
    const off = d.offsets[j];
    let bestGain = -1;
    let bestBin = -1;
    let bestGradLeft = 0;
    let bestHessLeft = 0;
    let bestNLeft = 0;
    let gradLeft = 0;
    let hessLeft = 0;
    let nLeft = 0;
    for (let b = 0; b < d.binCounts[j] - 1; b++) {
      nLeft += hist.count[off + b];
      const nRight = n - nLeft;
      hessLeft += hist.hess[off + b];
      const hessRight = x.sumHess - hessLeft;
      gradLeft += hist.grad[off + b];
      const gradRight = x.sumGrad - gradLeft;
      if (nLeft < msl) continue;
      if (nRight < msl) break;
      if (hessLeft < MIN_HESSIAN_TO_SPLIT) continue;
      if (hessRight < MIN_HESSIAN_TO_SPLIT) break;
      const valueLeft = leafValue(gradLeft, hessLeft, l2);
      const valueRight = leafValue(gradRight, hessRight, l2);
      let gain = lossNode;
      gain -= gradLeft * valueLeft;
      gain -= gradRight * valueRight;
      if (gain > bestGain && gain > 0) {
        bestGain = gain;
        bestBin = b;
        bestGradLeft = gradLeft;
        bestHessLeft = hessLeft;
        bestNLeft = nLeft;
      }
    }
    if (bestBin >= 0 && (best === null || bestGain > best.gain)) {
      const sumGradRight = x.sumGrad - bestGradLeft;
      const sumHessRight = x.sumHess - bestHessLeft;
      best = {
        gain: bestGain,
        feature: j,
        bin: bestBin,
        nLeft: bestNLeft,
        sumGradLeft: bestGradLeft,
        sumHessLeft: bestHessLeft,
        sumGradRight,
        sumHessRight,
        valueLeft: leafValue(bestGradLeft, bestHessLeft, l2),
        valueRight: leafValue(sumGradRight, sumHessRight, l2),
      };
    }
  }
  return best;
}

type EnsembleHead = Pick<
  Ensemble,
  'nFeatures' | 'nClasses' | 'classes' | 'baseline' | 'binEdges' | 'iterations'
>;

/** The grown trees as preorder arrays (leaf values already shrunk). */
function flatten(trees: GrowNode[], head: EnsembleHead): Ensemble {
  let total = 0;
  const countNodes = (x: GrowNode): number => (x.left ? 1 + countNodes(x.left) + countNodes(x.right!) : 1);
  for (const t of trees) total += countNodes(t);
  const feature = new Int32Array(total);
  const bin = new Int32Array(total);
  const threshold = new Float64Array(total);
  const right = new Int32Array(total);
  const value = new Float64Array(total);
  const roots = new Int32Array(trees.length);
  let next = 0;
  const emit = (x: GrowNode): void => {
    const q = next++;
    if (!x.left) {
      feature[q] = -1;
      right[q] = -1;
      value[q] = x.value;
      return;
    }
    const sp = x.split!;
    feature[q] = sp.feature;
    bin[q] = sp.bin;
    threshold[q] = head.binEdges[sp.feature][sp.bin];
    emit(x.left);
    right[q] = next;
    emit(x.right!);
  };
  trees.forEach((t, i) => {
    roots[i] = next;
    emit(t);
  });
  return { ...head, roots, feature, bin, threshold, right, value };
}

// ---------------------------------------------------------------------------------------------------------
// Loading

/**
 * Rebuilds the trees from their preorder stream (per node a varint tag: 0 = leaf, taking the next leaf
 * value; j + 1 = split on feature j, followed by one byte, the bin), checking every index and count.
 */
function decodeTrees(
  head: EnsembleHead,
  nodeBytes: Uint8Array,
  valueBytes: Uint8Array,
  maxLeafNodes: number,
  fail: Fail,
): Ensemble {
  const { nFeatures: p, binEdges: edges } = head;
  const treeCount = head.iterations * head.baseline.length;
  const values = new DataView(valueBytes.buffer, valueBytes.byteOffset, valueBytes.byteLength);
  const leafCount = valueBytes.length / 8;
  // Every node takes at least one byte: the stream's length bounds the arrays.
  const capacity = nodeBytes.length;
  const feature = new Int32Array(capacity);
  const bin = new Int32Array(capacity);
  const threshold = new Float64Array(capacity);
  const right = new Int32Array(capacity);
  const value = new Float64Array(capacity);
  const roots = new Int32Array(treeCount);
  const cursor = { pos: 0 };
  const pending: number[] = [];
  let q = 0;
  let leaf = 0;
  for (let t = 0; t < treeCount; t++) {
    roots[t] = q;
    let treeLeaves = 0;
    for (;;) {
      if (cursor.pos >= nodeBytes.length) fail(`"nodes" ends inside tree ${t} of ${treeCount}`);
      const tag = readVarint(nodeBytes, cursor, nodeBytes.length, fail);
      if (tag === 0) {
        if (leaf >= leafCount) fail(`"leafValues" holds ${leafCount} values, the trees have more leaves`);
        const v = values.getFloat64(8 * leaf++, true);
        if (!Number.isFinite(v)) fail(`leaf value ${leaf - 1} is ${v}; leaf values must be finite`);
        feature[q] = -1;
        right[q] = -1;
        value[q] = v;
        q++;
        if (++treeLeaves > maxLeafNodes)
          fail(`tree ${t} has more than maxLeafNodes = ${maxLeafNodes} leaves`);
        if (pending.length === 0) break;
        right[pending.pop()!] = q;
        continue;
      }
      const j = tag - 1;
      if (j >= p) fail(`a node of tree ${t} splits on feature ${j}, but there are ${p} features`);
      if (cursor.pos >= nodeBytes.length) fail(`"nodes" ends inside tree ${t} of ${treeCount}`);
      const b = nodeBytes[cursor.pos++];
      if (b >= edges[j].length) {
        fail(
          `a node of tree ${t} splits feature ${j} at bin ${b}, but binEdges[${j}] has ${edges[j].length}`,
        );
      }
      feature[q] = j;
      bin[q] = b;
      threshold[q] = edges[j][b];
      pending.push(q);
      q++;
    }
  }
  if (cursor.pos !== nodeBytes.length) {
    fail(`"nodes" holds ${nodeBytes.length - cursor.pos} bytes after the last of ${treeCount} trees`);
  }
  if (leaf !== leafCount) fail(`"leafValues" holds ${leafCount} values, the trees have ${leaf} leaves`);
  return {
    ...head,
    roots,
    feature: feature.slice(0, q),
    bin: bin.slice(0, q),
    threshold: threshold.slice(0, q),
    right: right.slice(0, q),
    value: value.slice(0, q),
  };
}
