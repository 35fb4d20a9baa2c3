// k-nearest-neighbours classifier with an exact, deterministic search. Training rows are grouped into
// leaves of a median-split tree, each with its bounding box; a query scans its nearest leaf first, then
// only the leaves whose box could still hold a better row, abandoning a row's running sum of squared
// differences once it exceeds the current k-th best. The k best live in a small sorted array per query.
// Neighbours rank by squared Euclidean distance (summed in feature order), equal distances by lower
// training index, so the tree changes only speed, never results; votes tie to the lowest class index.
import { argmax, type Classifier, type EstimatorJSON, type Matrix, ModelFormatError } from './types.js';
import { checkFormat, readChoice, readInteger, readIntegers, readNumbers } from './validate-json.js';

export type KnnWeights = 'uniform' | 'distance';
const WEIGHTS: readonly KnnWeights[] = ['uniform', 'distance'];

export interface KNearestNeighborsParams {
  /** Neighbours that vote (default 5). */
  k?: number;
  /** 'uniform': one vote each; 'distance': 1/d, exact matches (d = 0) take all the weight. */
  weights?: KnnWeights;
}

/** The k nearest training rows of each query, nearest first; row-major out[i * k + r]. */
export interface Neighbors {
  readonly k: number;
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

interface TrainingSet {
  rows: number;
  cols: number;
  /** Row-major copy: feature j of training row t is X[t * cols + j]. */
  X: Float64Array;
  y: Int32Array;
  nClasses: number;
}

export const KNN_FORMAT = 'gitml.knn';
const FORMAT_VERSION = 1;
/** Rows per leaf: big enough that box checks stay cheap, small enough that boxes prune. */
const LEAF_ROWS = 64;

/** Training rows regrouped by leaf, with one bounding box per leaf. */
interface LeafIndex {
  /** Training index of the row stored at each position. */
  order: Int32Array;
  /** Rows in leaf order, row-major. */
  X: Float64Array;
  /** Leaf l holds positions leafStart[l] .. leafStart[l + 1] - 1. */
  leafStart: Int32Array;
  /** Per leaf and feature: box minimum and maximum, lo[l * cols + j]. */
  lo: Float64Array;
  hi: Float64Array;
}

export class KNearestNeighbors implements Classifier {
  readonly algorithm = 'knn';
  readonly k: number;
  readonly weights: KnnWeights;
  private train: TrainingSet | null = null;
  /** Built on first search, so fit and load stay cheap. */
  private index: LeafIndex | null = null;

  constructor(params: KNearestNeighborsParams = {}) {
    const k = params.k ?? 5;
    if (!(Number.isInteger(k) && k >= 1))
      throw new RangeError(`KNearestNeighbors: k must be an integer >= 1, got ${k}`);
    const weights = params.weights ?? 'uniform';
    if (!WEIGHTS.includes(weights)) {
      throw new RangeError(
        `KNearestNeighbors: weights must be 'uniform' or 'distance', got ${String(weights)}`,
      );
    }
    this.k = k;
    this.weights = weights;
  }

  get nClasses(): number {
    return this.train?.nClasses ?? 0;
  }

  params(): Record<string, number | string | boolean> {
    return { k: this.k, weights: this.weights };
  }

  fit(X: Matrix, y: Int32Array, nClasses: number): this {
    const { rows, cols } = X;
    if (!(Number.isInteger(nClasses) && nClasses >= 1)) {
      throw new RangeError(`KNearestNeighbors: nClasses must be an integer >= 1, got ${nClasses}`);
    }
    if (y.length !== rows)
      throw new RangeError(`KNearestNeighbors.fit: y has ${y.length} labels but X has ${rows} rows`);
    if (rows < this.k) {
      throw new RangeError(
        `KNearestNeighbors.fit: k = ${this.k} needs at least ${this.k} training rows, got ${rows}`,
      );
    }
    for (let i = 0; i < rows; i++) {
      if (y[i] < 0 || y[i] >= nClasses) {
        throw new RangeError(
          `KNearestNeighbors.fit: y[${i}] = ${y[i]} is not a class index in 0..${nClasses - 1}`,
        );
      }
    }
    const rowMajor = new Float64Array(rows * cols);
    transposeRows(X, rowMajor, 'KNearestNeighbors.fit');
    this.train = { rows, cols, X: rowMajor, y: Int32Array.from(y), nClasses };
    this.index = null;
    return this;
  }

  private fitted(): TrainingSet {
    if (!this.train)
      throw new Error('KNearestNeighbors: not fitted; call fit() or KNearestNeighbors.load() first');
    return this.train;
  }

  /** Exact k nearest training rows per query row. */
  kneighbors(X: Matrix): Neighbors {
    const { k } = this;
    const { squared, indices } = this.search(X);
    const distances = new Float64Array(X.rows * k);
    for (let i = 0; i < distances.length; i++) distances[i] = Math.sqrt(squared[i]);
    return { k, indices, distances };
  }

  /** Per row, the summed votes of the k neighbours for each class (not normalised). */
  private votes(X: Matrix): Float64Array {
    const { k } = this;
    const { y, nClasses: K } = this.fitted();
    const { squared, indices } = this.search(X);
    const votes = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) {
      const o = i * k;
      const v = i * K;
      if (this.weights === 'uniform') {
        for (let r = 0; r < k; r++) votes[v + y[indices[o + r]]] += 1;
      } else if (squared[o] === 0) {
        // Neighbours come nearest first: the exact matches are a prefix and share all the weight.
        for (let r = 0; r < k && squared[o + r] === 0; r++) votes[v + y[indices[o + r]]] += 1;
      } else {
        for (let r = 0; r < k; r++) votes[v + y[indices[o + r]]] += 1 / Math.sqrt(squared[o + r]);
      }
    }
    return votes;
  }

  predictProba(X: Matrix): Float64Array {
    const K = this.fitted().nClasses;
    const proba = this.votes(X);
    for (let i = 0; i < X.rows; i++) {
      let total = 0;
      for (let c = 0; c < K; c++) total += proba[i * K + c];
      for (let c = 0; c < K; c++) proba[i * K + c] /= total;
    }
    return proba;
  }

  predict(X: Matrix): Int32Array {
    const K = this.fitted().nClasses;
    const votes = this.votes(X);
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = argmax(votes, i * K, K);
    return out;
  }

  /** Squared distances and training indices of the k best per query, sorted by (distance, index). */
  private search(X: Matrix): { squared: Float64Array; indices: Int32Array } {
    const { k } = this;
    const train = this.fitted();
    const p = train.cols;
    if (X.cols !== p) {
      throw new RangeError(`KNearestNeighbors: X has ${X.cols} features, the model was fitted on ${p}`);
    }
    this.index ??= buildLeafIndex(train);
    const { order, X: rows, leafStart, lo, hi } = this.index;
    const nLeaves = leafStart.length - 1;
    let largestLeaf = 0;
    for (let l = 0; l < nLeaves; l++) largestLeaf = Math.max(largestLeaf, leafStart[l + 1] - leafStart[l]);
    const nQuery = X.rows;
    const squared = new Float64Array(nQuery * k).fill(Number.POSITIVE_INFINITY);
    const indices = new Int32Array(nQuery * k).fill(-1);
    const query = new Float64Array(p);
    const bounds = new Float64Array(nLeaves);
    const state: SearchState = {
      rows,
      order,
      p,
      k,
      query,
      squared,
      indices,
      candidates: new Int32Array(largestLeaf),
      partial: new Float64Array(largestLeaf),
    };
    for (let q = 0; q < nQuery; q++) {
      for (let j = 0; j < p; j++) {
        const v = X.data[j * nQuery + q];
        if (!Number.isFinite(v))
          throw new RangeError(`KNearestNeighbors: X has ${v} at row ${q}, feature ${j}`);
        query[j] = v;
      }
      // Smallest possible squared distance to each box. Branch-free: max(g, 0) = (g + |g|) / 2 exactly,
      // and summing in feature order keeps every bound <= the computed distance of any row inside.
      let nearest = 0;
      for (let l = 0; l < nLeaves; l++) {
        const o = l * p;
        let s = 0;
        for (let j = 0; j < p; j++) {
          const below = lo[o + j] - query[j];
          const above = query[j] - hi[o + j];
          const g = (below + Math.abs(below) + (above + Math.abs(above))) * 0.5;
          s += g * g;
        }
        bounds[l] = s;
        if (s < bounds[nearest]) nearest = l;
      }
      const best = q * k;
      let worst = scanLeaf(state, leafStart[nearest], leafStart[nearest + 1], best);
      // Leaves sit in tree order, so neighbours in the array are neighbours in space: walking outwards
      // from the nearest leaf tightens the k-th best early and lets more boxes be skipped.
      for (let step = 1; step < nLeaves; step++) {
        const below = nearest - step;
        const above = nearest + step;
        if (below >= 0 && bounds[below] <= worst)
          worst = scanLeaf(state, leafStart[below], leafStart[below + 1], best);
        if (above < nLeaves && bounds[above] <= worst)
          worst = scanLeaf(state, leafStart[above], leafStart[above + 1], best);
      }
    }
    return { squared, indices };
  }

  toJSON(): EstimatorJSON {
    const t = this.fitted();
    return {
      format: KNN_FORMAT,
      version: FORMAT_VERSION,
      k: this.k,
      weights: this.weights,
      nClasses: t.nClasses,
      cols: t.cols,
      rows: t.rows,
      X: Array.from(t.X),
      y: Array.from(t.y),
    };
  }

  static load(json: unknown): KNearestNeighbors {
    const what = `${KNN_FORMAT} model`;
    const obj = checkFormat(json, KNN_FORMAT, FORMAT_VERSION);
    const k = readInteger(obj, 'k', what, { min: 1 });
    const weights = readChoice(obj, 'weights', what, WEIGHTS);
    const nClasses = readInteger(obj, 'nClasses', what, { min: 1 });
    const cols = readInteger(obj, 'cols', what, { min: 0 });
    const rows = readInteger(obj, 'rows', what, { min: 0 });
    if (rows < k)
      throw new ModelFormatError(`${what}: k = ${k} needs at least ${k} training rows, got rows = ${rows}`);
    const X = readNumbers(obj, 'X', what, rows * cols);
    const y = readIntegers(obj, 'y', what, rows, { min: 0, max: nClasses - 1 });
    const model = new KNearestNeighbors({ k, weights });
    model.train = { rows, cols, X, y, nClasses };
    return model;
  }
}

/** Copies a column-major matrix into a row-major array, rejecting non-finite values. */
function transposeRows(X: Matrix, out: Float64Array, who: string): void {
  const { rows: n, cols: p, data } = X;
  for (let j = 0; j < p; j++) {
    const col = j * n;
    for (let i = 0; i < n; i++) {
      const v = data[col + i];
      if (!Number.isFinite(v)) throw new RangeError(`${who}: X has ${v} at row ${i}, feature ${j}`);
      out[i * p + j] = v;
    }
  }
}

/** Everything one search shares across leaves: the index, the current query, results and buffers. */
interface SearchState {
  rows: Float64Array;
  order: Int32Array;
  p: number;
  k: number;
  query: Float64Array;
  /** k-best lists of all queries: squared distances and training indices, slots [q * k, q * k + k). */
  squared: Float64Array;
  indices: Int32Array;
  /** Leaf-relative positions still in the running, one slot per row of a leaf. */
  candidates: Int32Array;
  /** Their squared distance over the features summed so far. */
  partial: Float64Array;
}

/**
 * Offers positions [from, to) of one leaf to the current query's k-best list, slots [best, best + k), and
 * returns the new k-th best squared distance. Distances grow four features at a time for all rows still
 * in the running, and rows whose partial sum already exceeds the k-th best drop out (partial sums only
 * grow). The drop-out is a branch-free compaction: a data-dependent branch per row mispredicts half the
 * time and costs more than the arithmetic it saves.
 */
function scanLeaf(state: SearchState, from: number, to: number, best: number): number {
  const { rows, order, p, k, query, squared, indices, candidates, partial } = state;
  const last = best + k - 1;
  let worst = squared[last];
  let alive = to - from;
  for (let c = 0; c < alive; c++) {
    candidates[c] = c;
    partial[c] = 0;
  }
  for (let start = 0; start < p && alive > 0; start += 4) {
    if (start + 4 <= p) {
      const q0 = query[start];
      const q1 = query[start + 1];
      const q2 = query[start + 2];
      const q3 = query[start + 3];
      for (let c = 0; c < alive; c++) {
        const o = (from + candidates[c]) * p + start;
        const d0 = rows[o] - q0;
        const d1 = rows[o + 1] - q1;
        const d2 = rows[o + 2] - q2;
        const d3 = rows[o + 3] - q3;
        let s = partial[c];
        s += d0 * d0;
        s += d1 * d1;
        s += d2 * d2;
        s += d3 * d3;
        partial[c] = s;
      }
    } else {
      for (let c = 0; c < alive; c++) {
        const o = (from + candidates[c]) * p;
        let s = partial[c];
        for (let j = start; j < p; j++) {
          const d = rows[o + j] - query[j];
          s += d * d;
        }
        partial[c] = s;
      }
    }
    let kept = 0;
    for (let c = 0; c < alive; c++) {
      candidates[kept] = candidates[c];
      partial[kept] = partial[c];
      kept += +(partial[c] <= worst);
    }
    alive = kept;
  }
  for (let c = 0; c < alive; c++) {
    const s = partial[c];
    if (s > worst) continue;
    const t = order[from + candidates[c]];
    // Leaves are visited out of index order: an equal distance gets in only with a lower index.
    if (s === worst && indices[last] >= 0 && t > indices[last]) continue;
    let r = last;
    while (r > best && (squared[r - 1] > s || (squared[r - 1] === s && indices[r - 1] > t))) {
      squared[r] = squared[r - 1];
      indices[r] = indices[r - 1];
      r--;
    }
    squared[r] = s;
    indices[r] = t;
    worst = squared[last];
  }
  return worst;
}

/** Median splits on the widest feature until leaves hold at most LEAF_ROWS rows. Deterministic. */
function buildLeafIndex(train: TrainingSet): LeafIndex {
  const { rows: n, cols: p, X } = train;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const starts: number[] = [];
  const stack: number[] = [0, n];
  while (stack.length > 0) {
    const end = stack.pop()!;
    const start = stack.pop()!;
    // Without features there is nothing to split on: one leaf (every distance is 0).
    if (end - start <= LEAF_ROWS || p === 0) {
      starts.push(start);
      continue;
    }
    let widest = 0;
    let widestSpan = -1;
    for (let j = 0; j < p; j++) {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = start; i < end; i++) {
        const v = X[order[i] * p + j];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max - min > widestSpan) {
        widestSpan = max - min;
        widest = j;
      }
    }
    const mid = (start + end) >> 1;
    selectNth(order, X, p, widest, start, end, mid);
    stack.push(mid, end, start, mid);
  }
  starts.sort((a, b) => a - b);
  const nLeaves = starts.length;
  const leafStart = Int32Array.from([...starts, n]);
  const rows = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const from = order[i] * p;
    for (let j = 0; j < p; j++) rows[i * p + j] = X[from + j];
  }
  const lo = new Float64Array(nLeaves * p).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(nLeaves * p).fill(Number.NEGATIVE_INFINITY);
  for (let l = 0; l < nLeaves; l++) {
    for (let i = leafStart[l]; i < leafStart[l + 1]; i++) {
      for (let j = 0; j < p; j++) {
        const v = rows[i * p + j];
        if (v < lo[l * p + j]) lo[l * p + j] = v;
        if (v > hi[l * p + j]) hi[l * p + j] = v;
      }
    }
  }
  return { order, X: rows, leafStart, lo, hi };
}

/** Reorders order[start, end) so position nth holds the row a sort by feature j would put there (Hoare). */
function selectNth(
  order: Int32Array,
  X: Float64Array,
  p: number,
  j: number,
  start: number,
  end: number,
  nth: number,
) {
  let left = start;
  let right = end - 1;
  while (right > left) {
    const a = X[order[left] * p + j];
    const b = X[order[(left + right) >> 1] * p + j];
    const c = X[order[right] * p + j];
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = left;
    let r = right;
    while (i <= r) {
      while (X[order[i] * p + j] < pivot) i++;
      while (X[order[r] * p + j] > pivot) r--;
      if (i <= r) {
        const t = order[i];
        order[i] = order[r];
        order[r] = t;
        i++;
        r--;
      }
    }
    if (nth <= r) right = r;
    else if (nth >= i) left = i;
    else return;
  }
}
