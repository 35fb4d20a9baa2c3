// The copula's correlations: Pearson correlation of normal scores, pooled over classes and shrunk towards
// the pooled one for small groups; a grade label's correlations read as those of its latent score; the
// label's regression on the other columns; and the factor the sampler draws correlated noise with. Pure:
// no I/O.

import { choleskyFactor } from '../../models/cholesky.js';
import { GeneratorError } from './model.js';

/**
 * Pearson correlation of n rows' normal scores, one array per column (p×p, row-major); a constant column
 * correlates with nothing.
 */
export function scoreCorrelation(scores: readonly Float64Array[], n: number): number[] {
  const p = scores.length;
  const corr = new Array<number>(p * p).fill(0);
  for (let a = 0; a < p; a++) corr[a * p + a] = 1;
  if (n < 2) return corr;
  const norms = scores.map((s) => Math.sqrt(s.reduce((acc, z) => acc + z * z, 0)));
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < a; b++) {
      if (norms[a] === 0 || norms[b] === 0) continue;
      let dot = 0;
      for (let r = 0; r < n; r++) dot += scores[a][r] * scores[b][r];
      // Scores are centred by construction (symmetric around 0), so this is the correlation.
      corr[a * p + b] = corr[b * p + a] = dot / (norms[a] * norms[b]);
    }
  }
  return corr;
}

export function poolCorrelations(corrs: readonly number[][], counts: readonly number[], p: number): number[] {
  const pooled = new Array<number>(p * p).fill(0);
  let total = 0;
  corrs.forEach((corr, c) => {
    const w = Math.max(0, counts[c] - 1);
    total += w;
    for (let q = 0; q < p * p; q++) pooled[q] += w * corr[q];
  });
  return total > 0 ? pooled.map((v) => v / total) : corrs[0].map((_, q) => (q % (p + 1) === 0 ? 1 : 0));
}

/** (n·own + λ·target) / (n + λ): a small group leans on the target correlation. */
export function shrink(
  own: readonly number[],
  n: number,
  target: readonly number[],
  lambda: number,
): number[] {
  return own.map((v, q) => (n * v + lambda * target[q]) / (n + lambda));
}

/**
 * The correlation with the label's correlations (last row and column) read as those of a latent normal
 * score: a label of few values (grades) has one score per value, whose standard deviation s is below 1,
 * and a feature related to the latent score by r correlates about r·s with it, so the observed ones are
 * divided by s. Where that is not a correlation matrix (positive definite), the division is weakened
 * (s^t, t = 0.75, 0.5, …) until it is; t = 0 is the observed matrix.
 */
export function latentLabelCorrelation(
  corr: readonly number[],
  p: number,
  labelScores: Float64Array,
): number[] {
  const n = labelScores.length;
  const spread = Math.sqrt(labelScores.reduce((sum, z) => sum + z * z, 0) / Math.max(1, n));
  if (!(spread > 0 && spread < 1)) return [...corr];
  for (const t of [1, 0.75, 0.5, 0.25]) {
    const latent = [...corr];
    for (let j = 0; j < p - 1; j++) {
      const r = Math.max(-0.99, Math.min(0.99, corr[j * p + p - 1] / spread ** t));
      latent[j * p + p - 1] = latent[(p - 1) * p + j] = r;
    }
    if (factorWithShift(latent, p, 0)) return latent;
  }
  return [...corr];
}

/**
 * The coefficients β of the last variable on the others for the correlation C = L·Lᵀ: C_xx·β = C_xy, and
 * with L's leading block L_xx and last row l, C_xy = L_xx·l, so β solves L_xxᵀ·β = l (back substitution).
 */
export function lastOnOthers(chol: readonly number[], p: number): number[] {
  const q = p - 1;
  const beta = new Array<number>(Math.max(0, q)).fill(0);
  for (let i = q - 1; i >= 0; i--) {
    let s = chol[q * p + i];
    for (let j = i + 1; j < q; j++) s -= chol[j * p + i] * beta[j];
    beta[i] = s / chol[i * p + i];
  }
  return beta;
}

/**
 * Lower Cholesky factor (row-major) of a symmetric matrix, adding jitter to its diagonal until it is
 * positive definite.
 */
export function jitteredCholesky(a: readonly number[], p: number): number[] {
  const scale = Math.max(1e-12, ...Array.from({ length: p }, (_, i) => Math.abs(a[i * p + i])));
  for (let jitter = 0; jitter < 12; jitter++) {
    const l = factorWithShift(a, p, jitter === 0 ? 0 : scale * 1e-10 * 10 ** jitter);
    if (l) return Array.from(l);
  }
  throw new GeneratorError('covariance is not positive definite even with jitter');
}

/**
 * Lower Cholesky factor of a + eps·I by the one factorisation (models/cholesky.ts), or null when that is
 * not positive definite: the generator's rule is that every pivot is positive (minPivot 0).
 */
function factorWithShift(a: readonly number[], p: number, eps: number): Float64Array | null {
  // The lower triangle only (the factorisation reads no more); eps on the diagonal, + 0 elsewhere as before.
  const shifted = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) shifted[i * p + j] = a[i * p + j] + (i === j ? eps : 0);
  return choleskyFactor(shifted, p, 0);
}
