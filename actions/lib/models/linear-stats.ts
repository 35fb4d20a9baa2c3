// Sufficient statistics of a least-squares problem and its closed-form solution. The statistics are the
// row count, the means and the centred cross-products (XᵀX, Xᵀy and yᵀy about the means): the same
// information as raw XᵀX, Xᵀy, sums and n, but without the cancellation that raw sums suffer when a
// feature's spread is small next to its mean (wine density: 0.99 ± 0.003). Shards merge exactly with
// Chan, Golub & LeVeque's pairwise update, so a fit from merged shard statistics equals the unsharded fit.
// Browser-safe.
import { symmetricEigen } from './symmetric-eigen.js';
import { checkFiniteMatrix, checkTargets, type Matrix } from './types.js';

export interface LinearStats {
  /** Rows summarised. */
  readonly n: number;
  /** Features. */
  readonly p: number;
  readonly meanX: Float64Array;
  readonly meanY: number;
  /** Σ (x − x̄)(x − x̄)ᵀ over rows, p × p row-major (symmetric). */
  readonly xx: Float64Array;
  /** Σ (x − x̄)(y − ȳ). */
  readonly xy: Float64Array;
  /** Σ (y − ȳ)². */
  readonly yy: number;
}

export interface LinearSolution {
  coef: Float64Array;
  intercept: number;
  /** Rank of the centred design as the solve saw it (features minus constant and dependent ones). */
  rank: number;
}

/** Rows centred and multiplied together per block: the block stays in cache while all pairs are formed. */
const BLOCK_ROWS = 512;
/**
 * Eigenvalues of the unit-diagonal (correlation-scaled) normal matrix at or below this fraction of the
 * largest count as zero: the columns are linearly dependent to within rounding of the accumulated sums.
 */
export const RANK_TOLERANCE = 1e-11;
/** A column whose spread is below this fraction of its mean is constant up to rounding. */
const CONSTANT_TOLERANCE = 1e-10;

export function emptyLinearStats(p: number): LinearStats {
  return {
    n: 0,
    p,
    meanX: new Float64Array(p),
    meanY: 0,
    xx: new Float64Array(p * p),
    xy: new Float64Array(p),
    yy: 0,
  };
}

/** Statistics of (X, y) by two passes (means, then centred products), like numpy's mean and cov. */
export function linearStats(X: Matrix, y: Float64Array, who = 'linearStats'): LinearStats {
  checkFiniteMatrix(X, who);
  checkTargets(X, y, who);
  const { rows: n, cols: p, data } = X;
  if (n === 0) return emptyLinearStats(p);
  const meanX = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    const col = j * n;
    for (let i = 0; i < n; i++) s += data[col + i];
    meanX[j] = s / n;
  }
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += y[i];
  meanY /= n;
  const xx = new Float64Array(p * p);
  const xy = new Float64Array(p);
  let yy = 0;
  const block = new Float64Array(p * BLOCK_ROWS);
  const yBlock = new Float64Array(BLOCK_ROWS);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const len = Math.min(BLOCK_ROWS, n - start);
    for (let j = 0; j < p; j++) {
      const m = meanX[j];
      const col = j * n + start;
      const o = j * BLOCK_ROWS;
      for (let i = 0; i < len; i++) block[o + i] = data[col + i] - m;
    }
    for (let i = 0; i < len; i++) {
      const d = y[start + i] - meanY;
      yBlock[i] = d;
      yy += d * d;
    }
    for (let j = 0; j < p; j++) {
      const a = j * BLOCK_ROWS;
      for (let k = j; k < p; k++) xx[j * p + k] += dot(block, a, block, k * BLOCK_ROWS, len);
      xy[j] += dot(block, a, yBlock, 0, len);
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) xx[j * p + k] = xx[k * p + j];
  return { n, p, meanX, meanY, xx, xy, yy };
}

/** Four independent sums so the additions pipeline instead of waiting on each other. */
function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (; i < len; i++) s0 += a[ao + i] * b[bo + i];
  return s0 + s1 + (s2 + s3);
}

/** Statistics of the union of two disjoint row sets. */
export function mergeLinearStats(a: LinearStats, b: LinearStats): LinearStats {
  if (a.p !== b.p) throw new RangeError(`mergeLinearStats: feature counts differ (${a.p} vs ${b.p})`);
  // An empty side must not perturb the other by rounding in the update.
  if (b.n === 0) return copyStats(a);
  if (a.n === 0) return copyStats(b);
  const { p } = a;
  const n = a.n + b.n;
  const f = (a.n / n) * b.n;
  const dx = new Float64Array(p);
  const meanX = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    dx[j] = b.meanX[j] - a.meanX[j];
    meanX[j] = a.meanX[j] + (dx[j] * b.n) / n;
  }
  const dy = b.meanY - a.meanY;
  const xx = new Float64Array(p * p);
  const xy = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    for (let k = 0; k < p; k++) xx[j * p + k] = a.xx[j * p + k] + b.xx[j * p + k] + f * dx[j] * dx[k];
    xy[j] = a.xy[j] + b.xy[j] + f * dx[j] * dy;
  }
  return { n, p, meanX, meanY: a.meanY + (dy * b.n) / n, xx, xy, yy: a.yy + b.yy + f * dy * dy };
}

function copyStats(s: LinearStats): LinearStats {
  return {
    ...s,
    meanX: Float64Array.from(s.meanX),
    xx: Float64Array.from(s.xx),
    xy: Float64Array.from(s.xy),
  };
}

/**
 * Minimises Σ (y − b − xᵀβ)² + alpha‖β‖² (the intercept b is not penalised), as scikit-learn's
 * LinearRegression (alpha = 0) and Ridge do: centre, solve the normal equations, b = ȳ − x̄ᵀβ.
 * The normal matrix is scaled to unit diagonal and eigen-decomposed, so the rank test does not depend on
 * the features' units. Constant features get coefficient 0. When the columns are linearly dependent
 * (duplicates, more features than rows) the solution is the minimum-norm one, like numpy's lstsq.
 */
export function solveLinear(stats: LinearStats, alpha: number): LinearSolution {
  if (!(Number.isFinite(alpha) && alpha >= 0))
    throw new RangeError(`solveLinear: alpha must be a finite number >= 0, got ${alpha}`);
  const { n, p, meanX, meanY, xx, xy } = stats;
  if (n === 0) throw new RangeError('solveLinear: no training rows');
  const coef = new Float64Array(p);
  const active: number[] = [];
  for (let j = 0; j < p; j++) {
    const spread = Math.sqrt(xx[j * p + j] / n);
    if (spread > CONSTANT_TOLERANCE * Math.abs(meanX[j]) && spread > 0) active.push(j);
  }
  const m = active.length;
  let rank = 0;
  if (m > 0) {
    const d = Float64Array.from(active, (j) => Math.sqrt(xx[j * p + j] + alpha));
    const S = new Float64Array(m * m);
    const b = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) {
        const g = xx[active[r] * p + active[c]] + (r === c ? alpha : 0);
        S[r * m + c] = r === c ? 1 : g / d[r] / d[c];
      }
      b[r] = xy[active[r]] / d[r];
    }
    const { values, vectors } = symmetricEigen(S, m);
    let largest = 0;
    for (let k = 0; k < m; k++) largest = Math.max(largest, values[k]);
    const cut = RANK_TOLERANCE * largest;
    const z = new Float64Array(m);
    const nullSpace: Float64Array[] = [];
    for (let k = 0; k < m; k++) {
      if (values[k] <= cut) {
        nullSpace.push(Float64Array.from({ length: m }, (_, r) => vectors[r * m + k] / d[r]));
        continue;
      }
      rank++;
      let vb = 0;
      for (let r = 0; r < m; r++) vb += vectors[r * m + k] * b[r];
      const w = vb / values[k];
      for (let r = 0; r < m; r++) z[r] += vectors[r * m + k] * w;
    }
    const beta = Float64Array.from(z, (v, r) => v / d[r]);
    // Any least-squares solution plus a null-space vector is another; remove beta's null-space part in
    // the features' own units to get the minimum-norm one (the null space, unscaled, is D⁻¹ v).
    for (const q of orthonormalize(nullSpace)) {
      let proj = 0;
      for (let r = 0; r < m; r++) proj += q[r] * beta[r];
      for (let r = 0; r < m; r++) beta[r] -= proj * q[r];
    }
    active.forEach((j, r) => {
      coef[j] = beta[r];
    });
  }
  let intercept = meanY;
  for (let j = 0; j < p; j++) intercept -= meanX[j] * coef[j];
  return { coef, intercept, rank };
}

/** Modified Gram–Schmidt, twice for orthogonality to rounding; drops vectors that vanish. */
function orthonormalize(vectors: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v0 of vectors) {
    const v = Float64Array.from(v0);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of out) {
        let s = 0;
        for (let r = 0; r < v.length; r++) s += q[r] * v[r];
        for (let r = 0; r < v.length; r++) v[r] -= s * q[r];
      }
    }
    let norm = 0;
    for (let r = 0; r < v.length; r++) norm += v[r] * v[r];
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    for (let r = 0; r < v.length; r++) v[r] /= norm;
    out.push(v);
  }
  return out;
}
