// The exact k-nearest-neighbour search shared by the kNN classifier and regressor. Neighbours rank by
// squared Euclidean distance summed in feature order, (x_1 - q_1)² + (x_2 - q_2)² + ..., equal distances
// by lower training index; both searches below return exactly that list, so the choice changes speed,
// never a prediction.
// - 'index' (few features): training rows grouped into leaves of a median-split tree, each with its
//   bounding box; a query scans its nearest leaf first, then only the leaves whose box could still hold a
//   better row, abandoning a row's running sum once it exceeds the current k-th best.
// - 'brute' (many features): from about 10 features the boxes stop pruning (at 10k × 12 a query still
//   visits half the rows, at 64 features all of them), so every distance is computed, by tiles of 64
//   queries × ~128 KB of training rows, as ‖x‖² + ‖q‖² − 2x·q on mean-centred copies. The dot products run
//   in a WebAssembly SIMD kernel (knn-dot-wasm.ts: f64x2, 4 rows × 2 queries per step, plus a SIMD scan
//   that skips rows whose estimate cannot get in), or in a register-blocked JS loop where WebAssembly SIMD
//   is missing ('brute-scalar', same results). That form rounds differently from the direct sum, so it
//   only shortlists: a row stays a candidate while its estimate is within twice a rounding bound of the
//   k-th best estimate, and the candidates are re-ranked by the direct sum over the original values. The
//   bound (8 (p + 8) 2⁻⁵³ (‖x‖² + max ‖x‖²) per query, in any summation order) covers the centring, the
//   dot products and the direct sum's own rounding, so no true neighbour (nor a tie) is ever left out.
//   Values so large that squares could overflow go to the index, whose direct sums are the definition.
// chooseSearch picks by shape, as measured against the index on the knn-wide bench (test/bench): the
// index below BRUTE_FROM_COLS features (it prunes well there and needs no copy), brute force from there.
// Browser-safe: plain Float64Array arithmetic, WebAssembly only as an optional accelerator.
import { wasmDot } from './knn-dot-wasm.js';
import type { Matrix } from './types.js';

/** 'brute-scalar' is the brute force without the WebAssembly kernel (what runs where SIMD is missing). */
export type SearchMethod = 'index' | 'brute' | 'brute-scalar';

/** Squared distances and training indices of the k best per query, row-major [q * k + r], nearest first. */
export interface SearchResult {
  squared: Float64Array;
  indices: Int32Array;
}

/** From this many features on the brute force wins (the index prunes too little). */
export const BRUTE_FROM_COLS = 10;
/** Rows per leaf: big enough that box checks stay cheap, small enough that boxes prune. */
const LEAF_ROWS = 64;
/** Queries per tile of the brute force. */
const QUERY_TILE = 64;
/** Doubles of training rows per tile (about 128 KB: stays in the L2 cache while a query tile passes). */
const TRAIN_TILE_DOUBLES = 16_384;

/** The search chosen for a training set of this shape (see the header). */
export function chooseSearch(rows: number, cols: number): 'index' | 'brute' {
  return cols >= BRUTE_FROM_COLS && rows > LEAF_ROWS ? 'brute' : 'index';
}

/** Training rows in row-major order: feature j of row t is X[t * cols + j]. All values finite. */
export interface TrainingRows {
  rows: number;
  cols: number;
  X: Float64Array;
}

/** Everything the brute force precomputes once per training set. */
interface BrutePrep {
  /** Per-feature training mean, subtracted from both sides before the dot products. */
  mean: Float64Array;
  /** Doubles per row of `centred` and `queries`: p, or p rounded up to whole SIMD lanes (zero-padded). */
  stride: number;
  /** Centred rows, row-major (then zero rows up to a multiple of 4 for the SIMD kernel). */
  centred: Float64Array;
  /** ‖centred row‖², summed in feature order. */
  norms: Float64Array;
  maxNorm: number;
  /** Largest |value| of a training row. */
  maxAbs: number;
  /** Training rows per tile (a multiple of 4). */
  trainTile: number;
  /** The current query tile, centred, QUERY_TILE rows of `stride`. */
  queries: Float64Array;
  /** out[i * trainTile + t] = query i · centred row (t0 + t), after dot(t0, nt, nq). */
  out: Float64Array;
  dot: (t0: number, nt: number, nq: number) => void;
  /**
   * SIMD only: from row `from` of query i's tile row, the first even t (>= from rounded down to even,
   * < nt) whose pair of estimates may be within `cut`, else nt or more.
   */
  scan: ((i: number, t0: number, from: number, nt: number, base: number, cut: number) => number) | null;
}

/**
 * Exact k-nearest-neighbour search over one training set; the index and the brute force's centred copy
 * are built on the first search that needs them, so fit and load stay cheap.
 */
export class NeighborSearch {
  private index: LeafIndex | null = null;
  private prep: BrutePrep | null = null;
  private prepScalar: BrutePrep | null = null;

  constructor(
    readonly train: TrainingRows,
    /** Names the caller in error messages, e.g. 'KNearestNeighbors'. */
    private readonly who: string,
  ) {}

  /**
   * The k best training rows of each query row of X (column-major, X.cols = train.cols, checked by the
   * caller), sorted by (squared distance, index). `method` overrides the choice (tests compare both).
   */
  search(
    X: Matrix,
    k: number,
    method: SearchMethod = chooseSearch(this.train.rows, this.train.cols),
  ): SearchResult {
    const queries = this.rowMajorQueries(X);
    // Without features every distance is 0: the index's single leaf answers at once.
    if (method !== 'index' && this.train.cols > 0) {
      const prep =
        method === 'brute'
          ? (this.prep ??= prepareBrute(this.train, true))
          : (this.prepScalar ??= prepareBrute(this.train, false));
      let reach = prep.maxAbs;
      for (let i = 0; i < queries.length; i++) reach = Math.max(reach, Math.abs(queries[i]));
      // Norms and dot products of huge values overflow; the index's direct sums order what they can.
      if (this.train.cols * (4 * reach) ** 2 < 1e300)
        return bruteSearch(this.train, prep, queries, X.rows, k);
    }
    this.index ??= buildLeafIndex(this.train);
    return indexSearch(this.index, this.train.cols, queries, X.rows, k);
  }

  /** Row-major copy of the queries, rejecting non-finite values. */
  private rowMajorQueries(X: Matrix): Float64Array {
    const { rows: n, cols: p, data } = X;
    const out = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const v = data[j * n + i];
        if (!Number.isFinite(v)) throw new RangeError(`${this.who}: X has ${v} at row ${i}, feature ${j}`);
        out[i * p + j] = v;
      }
    }
    return out;
  }
}

/** k-best lists of all queries, filled with "nothing yet" (infinite distance, index -1). */
function emptyResult(nQuery: number, k: number): SearchResult {
  return {
    squared: new Float64Array(nQuery * k).fill(Number.POSITIVE_INFINITY),
    indices: new Int32Array(nQuery * k).fill(-1),
  };
}

/**
 * Offers training row t at squared distance s to the k-best list in slots [best, best + k), kept sorted by
 * (distance, index); returns the new k-th best distance.
 */
function offer(result: SearchResult, best: number, k: number, s: number, t: number): number {
  const { squared, indices } = result;
  const last = best + k - 1;
  if (s > squared[last] || (s === squared[last] && indices[last] >= 0 && t > indices[last]))
    return squared[last];
  let r = last;
  while (r > best && (squared[r - 1] > s || (squared[r - 1] === s && indices[r - 1] > t))) {
    squared[r] = squared[r - 1];
    indices[r] = indices[r - 1];
    r--;
  }
  squared[r] = s;
  indices[r] = t;
  return squared[last];
}

// ---------------------------------------------------------------------------------------------------
// Brute force: tiled dot products shortlist, the direct sum decides.

function prepareBrute(train: TrainingRows, simd: boolean): BrutePrep {
  const { rows: n, cols: p, X } = train;
  const trainTile = Math.max(4, (Math.floor(TRAIN_TILE_DOUBLES / Math.max(p, 1)) >> 2) << 2);
  // The SIMD kernel works on whole lanes (2 features) and blocks of 4 rows × 2 queries: pad with zeros,
  // which add exactly nothing to a dot product.
  const stride = p + (p & 1);
  const nPad = (n + 3) & ~3;
  const sizes = [nPad * stride, QUERY_TILE * stride, QUERY_TILE * trainTile, nPad];
  const wasm = simd ? wasmDot(8 * (sizes[0] + sizes[1] + sizes[2] + sizes[3])) : null;
  let norms: Float64Array;
  let scan: BrutePrep['scan'] = null;
  let centred: Float64Array;
  let queries: Float64Array;
  let out: Float64Array;
  let dot: BrutePrep['dot'];
  if (wasm) {
    const buffer = wasm.memory.buffer;
    centred = new Float64Array(buffer, 0, sizes[0]);
    queries = new Float64Array(buffer, 8 * sizes[0], sizes[1]);
    out = new Float64Array(buffer, 8 * (sizes[0] + sizes[1]), sizes[2]);
    norms = new Float64Array(buffer, 8 * (sizes[0] + sizes[1] + sizes[2]), sizes[3]);
    const normBytes = norms.byteOffset;
    scan = (i, t0, from, nt, base, cut) =>
      wasm.scan(outBytes + 8 * i * trainTile, normBytes + 8 * t0, from, nt, base, cut);
    const qBytes = queries.byteOffset;
    const outBytes = out.byteOffset;
    dot = (t0, nt, nq) =>
      wasm.dot(8 * t0 * stride, (nt + 3) & ~3, qBytes, (nq + 1) & ~1, stride, outBytes, trainTile);
  } else {
    centred = new Float64Array(n * p);
    queries = new Float64Array(QUERY_TILE * p);
    out = new Float64Array(QUERY_TILE * trainTile);
    norms = new Float64Array(n);
    dot = (t0, nt, nq) => dotTile(centred, t0, nt, queries, nq, p, out, trainTile);
  }
  const rowStride = wasm ? stride : p;
  const mean = new Float64Array(p);
  for (let t = 0; t < n; t++) for (let j = 0; j < p; j++) mean[j] += X[t * p + j];
  for (let j = 0; j < p; j++) mean[j] /= n;
  let maxNorm = 0;
  let maxAbs = 0;
  for (let i = 0; i < X.length; i++) maxAbs = Math.max(maxAbs, Math.abs(X[i]));
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let j = 0; j < p; j++) {
      const v = X[t * p + j] - mean[j];
      centred[t * rowStride + j] = v;
      s += v * v;
    }
    norms[t] = s;
    if (!(s <= maxNorm)) maxNorm = s;
  }
  return { mean, stride: rowStride, centred, norms, maxNorm, maxAbs, trainTile, queries, out, dot, scan };
}

/** One query's shortlist: rows whose estimate is within the margin of the k-th best estimate so far. */
interface Shortlist {
  rows: Int32Array;
  estimates: Float64Array;
  count: number;
  /** The k smallest estimates so far, ascending. */
  top: Float64Array;
  /** Twice the rounding bound of this query's estimates. */
  margin: number;
  /** top[k - 1] + margin: estimates above it can never be neighbours. */
  cut: number;
}

function bruteSearch(
  train: TrainingRows,
  prep: BrutePrep,
  queries: Float64Array,
  nQuery: number,
  k: number,
): SearchResult {
  const { rows: n, cols: p, X } = train;
  const { mean, stride, norms, maxNorm, trainTile, queries: qc, out: estimate } = prep;
  const result = emptyResult(nQuery, k);
  const qNorm = new Float64Array(QUERY_TILE);
  const lists: Shortlist[] = [];
  for (let i = 0; i < QUERY_TILE; i++) {
    const cap = 2 * k + 30;
    lists.push({
      rows: new Int32Array(cap),
      estimates: new Float64Array(cap),
      count: 0,
      top: new Float64Array(k),
      margin: 0,
      cut: 0,
    });
  }
  const bound = 8 * (p + 8) * 2 ** -53;
  for (let q0 = 0; q0 < nQuery; q0 += QUERY_TILE) {
    const nq = Math.min(QUERY_TILE, nQuery - q0);
    for (let i = 0; i < nq; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) {
        const v = queries[(q0 + i) * p + j] - mean[j];
        qc[i * stride + j] = v;
        s += v * v;
      }
      qNorm[i] = s;
      const list = lists[i];
      list.count = 0;
      list.top.fill(Number.POSITIVE_INFINITY);
      list.margin = 2 * bound * (s + maxNorm);
      list.cut = Number.POSITIVE_INFINITY;
    }
    for (let t0 = 0; t0 < n; t0 += trainTile) {
      const nt = Math.min(trainTile, n - t0);
      prep.dot(t0, nt, nq);
      for (let i = 0; i < nq; i++) {
        const list = lists[i];
        const o = i * trainTile;
        const base = qNorm[i];
        let cut = list.cut;
        const { scan } = prep;
        if (scan) {
          // The SIMD scan skips to the next pair of rows that may get in; they are checked here.
          for (let t = scan(i, t0, 0, nt, base, cut); t < nt; t = scan(i, t0, t + 2, nt, base, cut)) {
            for (let u = t; u < t + 2 && u < nt; u++) {
              const e = base + norms[t0 + u] - 2 * estimate[o + u];
              if (e <= cut) {
                shortlist(list, t0 + u, e, k);
                cut = list.cut;
              }
            }
          }
          continue;
        }
        for (let t = 0; t < nt; t++) {
          // ‖x‖² + ‖q‖² − 2x·q; the tile holds x·q.
          const e = base + norms[t0 + t] - 2 * estimate[o + t];
          if (e <= cut) {
            shortlist(list, t0 + t, e, k);
            cut = list.cut;
          }
        }
      }
    }
    // Re-rank each shortlist by the direct sum over the original values, in feature order.
    for (let i = 0; i < nq; i++) {
      const list = lists[i];
      const best = (q0 + i) * k;
      const qo = (q0 + i) * p;
      for (let c = 0; c < list.count; c++) {
        if (list.estimates[c] > list.cut) continue;
        const t = list.rows[c];
        const o = t * p;
        let s = 0;
        for (let j = 0; j < p; j++) {
          const d = X[o + j] - queries[qo + j];
          s += d * d;
        }
        offer(result, best, k, s, t);
      }
    }
  }
  return result;
}

/** Adds row t with estimate e to a shortlist, tightening its cut; compacts (or grows) when full. */
function shortlist(list: Shortlist, t: number, e: number, k: number): void {
  if (list.count === list.rows.length) {
    let kept = 0;
    for (let c = 0; c < list.count; c++) {
      if (list.estimates[c] <= list.cut) {
        list.rows[kept] = list.rows[c];
        list.estimates[kept] = list.estimates[c];
        kept++;
      }
    }
    list.count = kept;
    // Many rows at (nearly) the same distance: make room instead of compacting again and again.
    if (kept > list.rows.length >> 1) {
      const rows = new Int32Array(list.rows.length * 2);
      rows.set(list.rows);
      const estimates = new Float64Array(list.rows.length * 2);
      estimates.set(list.estimates);
      list.rows = rows;
      list.estimates = estimates;
    }
  }
  list.rows[list.count] = t;
  list.estimates[list.count] = e;
  list.count++;
  const top = list.top;
  if (e < top[k - 1]) {
    let r = k - 1;
    while (r > 0 && top[r - 1] > e) {
      top[r] = top[r - 1];
      r--;
    }
    top[r] = e;
    list.cut = top[k - 1] + list.margin;
  }
}

/**
 * out[i * stride + t] = centred row (t0 + t) · query i, for nt rows and nq queries. Four rows × two queries
 * per step: eight independent accumulators, six loads per eight multiply-adds.
 */
function dotTile(
  A: Float64Array,
  t0: number,
  nt: number,
  Q: Float64Array,
  nq: number,
  p: number,
  out: Float64Array,
  stride: number,
): void {
  const nt4 = nt & ~3;
  const nq2 = nq & ~1;
  for (let i = 0; i < nq2; i += 2) {
    const qa = i * p;
    const qb = qa + p;
    const oa = i * stride;
    const ob = oa + stride;
    for (let t = 0; t < nt4; t += 4) {
      const r0 = (t0 + t) * p;
      const r1 = r0 + p;
      const r2 = r1 + p;
      const r3 = r2 + p;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let j = 0; j < p; j++) {
        const x = Q[qa + j];
        const y = Q[qb + j];
        const v0 = A[r0 + j];
        const v1 = A[r1 + j];
        const v2 = A[r2 + j];
        const v3 = A[r3 + j];
        a0 += v0 * x;
        a1 += v1 * x;
        a2 += v2 * x;
        a3 += v3 * x;
        b0 += v0 * y;
        b1 += v1 * y;
        b2 += v2 * y;
        b3 += v3 * y;
      }
      out[oa + t] = a0;
      out[oa + t + 1] = a1;
      out[oa + t + 2] = a2;
      out[oa + t + 3] = a3;
      out[ob + t] = b0;
      out[ob + t + 1] = b1;
      out[ob + t + 2] = b2;
      out[ob + t + 3] = b3;
    }
  }
  // Edges: the last odd query, the last rows of a tile not a multiple of four.
  for (let i = 0; i < nq; i++) {
    const from = i < nq2 ? nt4 : 0;
    for (let t = from; t < nt; t++) {
      const r = (t0 + t) * p;
      let s = 0;
      for (let j = 0; j < p; j++) s += A[r + j] * Q[i * p + j];
      out[i * stride + t] = s;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Leaf-box index.

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

function indexSearch(
  index: LeafIndex,
  p: number,
  queries: Float64Array,
  nQuery: number,
  k: number,
): SearchResult {
  const { order, X: rows, leafStart, lo, hi } = index;
  const nLeaves = leafStart.length - 1;
  let largestLeaf = 0;
  for (let l = 0; l < nLeaves; l++) largestLeaf = Math.max(largestLeaf, leafStart[l + 1] - leafStart[l]);
  const { squared, indices } = emptyResult(nQuery, k);
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
    for (let j = 0; j < p; j++) query[j] = queries[q * p + j];
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
  const { rows, order, p, k, query, squared, candidates, partial } = state;
  let worst = squared[best + k - 1];
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
    // Leaves are visited out of index order: offer lets an equal distance in only with a lower index.
    worst = offer(state, best, k, s, order[from + candidates[c]]);
  }
  return worst;
}

/** Median splits on the widest feature until leaves hold at most LEAF_ROWS rows. Deterministic. */
function buildLeafIndex(train: TrainingRows): LeafIndex {
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
