// Gaussian naive Bayes, numerically matching scikit-learn's GaussianNB: per-class means and variances
// (two-pass), variances widened by epsilon = varSmoothing × the largest feature variance, priors from
// class frequencies, and all scoring in log space so far-out rows never underflow.
import { argmax, type Classifier, type EstimatorJSON, type Matrix, ModelFormatError } from './types.js';
import {
  checkFormat,
  readInteger,
  readNumber,
  readNumberRows,
  readNumbers,
  readObject,
} from './validate-json.js';

export interface GaussianNBParams {
  /** Fraction of the largest feature variance added to every variance (scikit-learn's var_smoothing). */
  varSmoothing?: number;
}

/**
 * Mergeable sufficient statistics of a training set, so shards can be summarised apart and combined
 * exactly (Chan et al.'s pairwise update). Arrays are class-major: value[c * nFeatures + j].
 */
export interface GaussianNBPartial {
  readonly nClasses: number;
  readonly nFeatures: number;
  /** Rows seen per class. */
  readonly counts: Float64Array;
  /** Per-class mean of each feature (0 for a class with no rows). */
  readonly means: Float64Array;
  /** Per-class sum of squared deviations from that mean ("M2"); variance = m2 / count. */
  readonly m2: Float64Array;
}

interface FittedState {
  nClasses: number;
  nFeatures: number;
  counts: Float64Array;
  priors: Float64Array;
  means: Float64Array;
  /** Already include epsilon; always > 0. */
  variances: Float64Array;
  epsilon: number;
  // Derived once from the stored values above, so a loaded model scores exactly like the fitted one.
  logPriors: Float64Array;
  /** −½ Σ_j log(2π σ²_cj) per class. */
  logNorms: Float64Array;
}

export const GAUSSIAN_NB_FORMAT = 'gitml.gaussian-nb';
const FORMAT_VERSION = 1;
const DEFAULT_VAR_SMOOTHING = 1e-9;
/** Rows scored together: the per-class accumulator stays in L1 while columns stream past. */
const BLOCK_ROWS = 1024;

function checkVarSmoothing(value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`GaussianNB: varSmoothing must be a finite number > 0, got ${value}`);
  }
  return value;
}

/** Finds the cell that made a column sum non-finite, for an error that points at the data. */
function nonFiniteError(X: Matrix, j: number): RangeError {
  const col = j * X.rows;
  for (let i = 0; i < X.rows; i++) {
    const v = X.data[col + i];
    if (!Number.isFinite(v)) return new RangeError(`GaussianNB.fit: X has ${v} at row ${i}, feature ${j}`);
  }
  return new RangeError(`GaussianNB.fit: feature ${j} overflows double precision (values too large)`);
}

export class GaussianNB implements Classifier {
  readonly algorithm = 'gaussian-nb';
  private readonly varSmoothing: number;
  private state: FittedState | null = null;

  constructor(params: GaussianNBParams = {}) {
    this.varSmoothing = checkVarSmoothing(params.varSmoothing ?? DEFAULT_VAR_SMOOTHING);
  }

  get nClasses(): number {
    return this.state?.nClasses ?? 0;
  }

  params(): Record<string, number | string | boolean> {
    return { varSmoothing: this.varSmoothing };
  }

  /** Sufficient statistics of (X, y); two-pass per class, like numpy's mean and var. */
  static partial(X: Matrix, y: Int32Array, nClasses: number): GaussianNBPartial {
    const n = X.rows;
    const p = X.cols;
    if (!(Number.isInteger(nClasses) && nClasses >= 1)) {
      throw new RangeError(`GaussianNB: nClasses must be an integer >= 1, got ${nClasses}`);
    }
    if (y.length !== n) throw new RangeError(`GaussianNB.fit: y has ${y.length} labels but X has ${n} rows`);
    const counts = new Float64Array(nClasses);
    for (let i = 0; i < n; i++) {
      const c = y[i];
      if (c < 0 || c >= nClasses) {
        throw new RangeError(`GaussianNB.fit: y[${i}] = ${c} is not a class index in 0..${nClasses - 1}`);
      }
      counts[c]++;
    }
    const data = X.data;
    const means = new Float64Array(nClasses * p);
    for (let j = 0; j < p; j++) {
      const col = j * n;
      for (let i = 0; i < n; i++) means[y[i] * p + j] += data[col + i];
      for (let c = 0; c < nClasses; c++) {
        const k = c * p + j;
        if (!Number.isFinite(means[k])) throw nonFiniteError(X, j);
        if (counts[c] > 0) means[k] /= counts[c];
      }
    }
    const m2 = new Float64Array(nClasses * p);
    for (let j = 0; j < p; j++) {
      const col = j * n;
      for (let i = 0; i < n; i++) {
        const k = y[i] * p + j;
        const d = data[col + i] - means[k];
        m2[k] += d * d;
      }
    }
    return { nClasses, nFeatures: p, counts, means, m2 };
  }

  /** Statistics of the union of two disjoint shards (Chan, Golub & LeVeque's pairwise formula). */
  static mergePartials(a: GaussianNBPartial, b: GaussianNBPartial): GaussianNBPartial {
    if (a.nClasses !== b.nClasses || a.nFeatures !== b.nFeatures) {
      throw new RangeError(
        `GaussianNB.mergePartials: shapes differ (${a.nClasses} classes × ${a.nFeatures} features vs ` +
          `${b.nClasses} × ${b.nFeatures})`,
      );
    }
    const p = a.nFeatures;
    const counts = new Float64Array(a.nClasses);
    const means = new Float64Array(a.means.length);
    const m2 = new Float64Array(a.m2.length);
    for (let c = 0; c < a.nClasses; c++) {
      const na = a.counts[c];
      const nb = b.counts[c];
      const n = na + nb;
      counts[c] = n;
      for (let j = 0; j < p; j++) {
        const k = c * p + j;
        // An empty side must not perturb the other by rounding in the update.
        if (nb === 0) {
          means[k] = a.means[k];
          m2[k] = a.m2[k];
        } else if (na === 0) {
          means[k] = b.means[k];
          m2[k] = b.m2[k];
        } else {
          const delta = b.means[k] - a.means[k];
          means[k] = a.means[k] + (delta * nb) / n;
          m2[k] = a.m2[k] + b.m2[k] + ((delta * delta * na) / n) * nb;
        }
      }
    }
    return { nClasses: a.nClasses, nFeatures: p, counts, means, m2 };
  }

  static fromPartial(partial: GaussianNBPartial, params: GaussianNBParams = {}): GaussianNB {
    const model = new GaussianNB(params);
    model.state = GaussianNB.stateFromPartial(partial, model.varSmoothing);
    return model;
  }

  fit(X: Matrix, y: Int32Array, nClasses: number): this {
    this.state = GaussianNB.stateFromPartial(GaussianNB.partial(X, y, nClasses), this.varSmoothing);
    return this;
  }

  private static stateFromPartial(partial: GaussianNBPartial, varSmoothing: number): FittedState {
    const { nClasses, nFeatures: p, counts } = partial;
    let total = 0;
    for (let c = 0; c < nClasses; c++) total += counts[c];
    if (total === 0) throw new RangeError('GaussianNB: no training rows (every class is empty)');
    // Variance of each feature over all rows, pooled from the per-class statistics.
    let maxVariance = 0;
    for (let j = 0; j < p; j++) {
      let n = 0;
      let mean = 0;
      let m2 = 0;
      for (let c = 0; c < nClasses; c++) {
        const nc = counts[c];
        if (nc === 0) continue;
        const k = c * p + j;
        const delta = partial.means[k] - mean;
        const merged = n + nc;
        mean += (delta * nc) / merged;
        m2 += partial.m2[k] + ((delta * delta * n) / merged) * nc;
        n = merged;
      }
      maxVariance = Math.max(maxVariance, m2 / n);
    }
    // When every feature is constant scikit-learn's epsilon is 0 and scores become NaN; fall back to a
    // unit scale so variances stay positive (all classes then tie on features and priors decide).
    const epsilon = maxVariance > 0 ? varSmoothing * maxVariance : varSmoothing;
    const priors = new Float64Array(nClasses);
    const means = new Float64Array(nClasses * p);
    const variances = new Float64Array(nClasses * p);
    for (let c = 0; c < nClasses; c++) {
      priors[c] = counts[c] / total;
      for (let j = 0; j < p; j++) {
        const k = c * p + j;
        // An empty class keeps mean 0 and variance epsilon: finite, and its prior 0 silences it.
        means[k] = counts[c] > 0 ? partial.means[k] : 0;
        variances[k] = (counts[c] > 0 ? partial.m2[k] / counts[c] : 0) + epsilon;
      }
    }
    return GaussianNB.derive(nClasses, p, Float64Array.from(counts), priors, means, variances, epsilon);
  }

  private static derive(
    nClasses: number,
    nFeatures: number,
    counts: Float64Array,
    priors: Float64Array,
    means: Float64Array,
    variances: Float64Array,
    epsilon: number,
  ): FittedState {
    const logPriors = new Float64Array(nClasses);
    const logNorms = new Float64Array(nClasses);
    for (let c = 0; c < nClasses; c++) {
      logPriors[c] = Math.log(priors[c]); // −Infinity for an empty class: probability exactly 0
      let s = 0;
      for (let j = 0; j < nFeatures; j++) s += Math.log(2 * Math.PI * variances[c * nFeatures + j]);
      logNorms[c] = -0.5 * s;
    }
    return { nClasses, nFeatures, counts, priors, means, variances, epsilon, logPriors, logNorms };
  }

  private fitted(): FittedState {
    if (!this.state) throw new Error('GaussianNB: not fitted; call fit() or GaussianNB.load() first');
    return this.state;
  }

  /** log P(class) + log P(x | class) per row, row-major out[i * nClasses + c]. */
  jointLogLikelihood(X: Matrix): Float64Array {
    const s = this.fitted();
    const { nClasses: K, nFeatures: p, means, variances, logPriors, logNorms } = s;
    if (X.cols !== p)
      throw new RangeError(`GaussianNB: X has ${X.cols} features, the model was fitted on ${p}`);
    const n = X.rows;
    const data = X.data;
    const out = new Float64Array(n * K);
    const acc = new Float64Array(BLOCK_ROWS);
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const len = Math.min(BLOCK_ROWS, n - start);
      for (let c = 0; c < K; c++) {
        acc.fill(0, 0, len);
        for (let j = 0; j < p; j++) {
          const mu = means[c * p + j];
          const v = variances[c * p + j];
          const col = j * n + start;
          for (let i = 0; i < len; i++) {
            const d = data[col + i] - mu;
            acc[i] += (d * d) / v;
          }
        }
        const logPrior = logPriors[c];
        const logNorm = logNorms[c];
        for (let i = 0; i < len; i++) out[(start + i) * K + c] = logPrior + (logNorm - 0.5 * acc[i]);
      }
    }
    return out;
  }

  predictProba(X: Matrix): Float64Array {
    const { nClasses: K, priors } = this.fitted();
    const jll = this.jointLogLikelihood(X);
    for (let i = 0; i < X.rows; i++) {
      const o = i * K;
      const max = this.rowMax(jll, o, K, i);
      if (max === Number.NEGATIVE_INFINITY) {
        // Every class likelihood overflowed (a row astronomically far out): the row tells nothing.
        for (let c = 0; c < K; c++) jll[o + c] = priors[c];
        continue;
      }
      let sum = 0;
      for (let c = 0; c < K; c++) {
        const e = Math.exp(jll[o + c] - max);
        jll[o + c] = e;
        sum += e;
      }
      for (let c = 0; c < K; c++) jll[o + c] /= sum;
    }
    return jll;
  }

  predict(X: Matrix): Int32Array {
    const { nClasses: K, priors } = this.fitted();
    const jll = this.jointLogLikelihood(X);
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      const overflowed = this.rowMax(jll, i * K, K, i) === Number.NEGATIVE_INFINITY;
      out[i] = overflowed ? argmax(priors, 0, K) : argmax(jll, i * K, K);
    }
    return out;
  }

  private rowMax(jll: Float64Array, o: number, K: number, row: number): number {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < K; c++) {
      const v = jll[o + c];
      if (Number.isNaN(v)) throw new RangeError(`GaussianNB: row ${row} of X has a NaN feature value`);
      if (v > max) max = v;
    }
    return max;
  }

  toJSON(): EstimatorJSON {
    const s = this.fitted();
    const rows = (a: Float64Array) =>
      Array.from({ length: s.nClasses }, (_, c) =>
        Array.from(a.subarray(c * s.nFeatures, (c + 1) * s.nFeatures)),
      );
    return {
      format: GAUSSIAN_NB_FORMAT,
      version: FORMAT_VERSION,
      nClasses: s.nClasses,
      nFeatures: s.nFeatures,
      classCounts: Array.from(s.counts),
      priors: Array.from(s.priors),
      means: rows(s.means),
      variances: rows(s.variances),
      epsilon: s.epsilon,
      params: { varSmoothing: this.varSmoothing },
    };
  }

  static load(json: unknown): GaussianNB {
    const what = `${GAUSSIAN_NB_FORMAT} model`;
    const obj = checkFormat(json, GAUSSIAN_NB_FORMAT, FORMAT_VERSION);
    const nClasses = readInteger(obj, 'nClasses', what, { min: 1 });
    const nFeatures = readInteger(obj, 'nFeatures', what, { min: 0 });
    const counts = readNumbers(obj, 'classCounts', what, nClasses, { min: 0, integer: true });
    const priors = readNumbers(obj, 'priors', what, nClasses, { min: 0, max: 1 });
    const means = readNumberRows(obj, 'means', what, nClasses, nFeatures);
    const variances = readNumberRows(obj, 'variances', what, nClasses, nFeatures, { above: 0 });
    const epsilon = readNumber(obj, 'epsilon', what, { above: 0 });
    const params = readObject(obj.params, `${what} "params"`);
    const varSmoothing = readNumber(params, 'varSmoothing', `${what} "params"`, { above: 0 });
    let total = 0;
    let priorSum = 0;
    for (let c = 0; c < nClasses; c++) {
      total += counts[c];
      priorSum += priors[c];
      if ((counts[c] === 0) !== (priors[c] === 0)) {
        throw new ModelFormatError(
          `${what}: priors[${c}] = ${priors[c]} disagrees with classCounts[${c}] = ${counts[c]}`,
        );
      }
    }
    if (total === 0)
      throw new ModelFormatError(`${what}: classCounts are all 0 (a model needs training rows)`);
    if (Math.abs(priorSum - 1) > 1e-9)
      throw new ModelFormatError(`${what}: priors must sum to 1, got ${priorSum}`);
    const model = new GaussianNB({ varSmoothing });
    model.state = GaussianNB.derive(nClasses, nFeatures, counts, priors, means, variances, epsilon);
    return model;
  }
}
