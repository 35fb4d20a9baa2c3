// Logistic regression as scikit-learn's LogisticRegression(solver='lbfgs') fits it: minimise
// Σ log-loss + ‖W‖² / (2C) with unpenalised intercepts, multinomial (softmax) for three or more classes
// and a single sigmoid for two, by L-BFGS (lbfgs.ts) converged tightly. Features should be standardised
// (the pipeline's feature view does it, as a StandardScaler would). Classes with no training rows get
// probability 0, as they would in a model that never saw them. Browser-safe.

import { choleskyFactor, choleskySolveFactored } from './cholesky.js';
import { type CorrectionPairs, type LbfgsResult, minimizeLbfgs } from './lbfgs.js';
import { symmetricEigen } from './symmetric-eigen.js';
import {
  type Classifier,
  checkFiniteMatrix,
  type EstimatorJSON,
  type Matrix,
  ModelFormatError,
  predictFromProba,
} from './types.js';
import {
  checkFormat,
  readInteger,
  readIntegers,
  readNumber,
  readNumberRows,
  readNumbers,
  readObject,
} from './validate-json.js';

export interface LogisticRegressionParams {
  /** Inverse L2 strength: larger C, weaker penalty (1, like scikit-learn). */
  C?: number;
  /** Stop when every component of the mean-loss gradient is at most this (1e-10). */
  tol?: number;
  /** L-BFGS iterations at most (1000). */
  maxIter?: number;
}

export const LOGISTIC_REGRESSION_FORMAT = 'gitml.logistic-regression';
const FORMAT_VERSION = 1;
/** Newton polishing forms and decomposes the full Hessian: only for models up to this many parameters. */
const MAX_NEWTON_PARAMETERS = 400;
/** Newton steps at most, and Hessians formed at most (one Hessian can serve several steps). */
const NEWTON_STEPS = 16;
const NEWTON_HESSIANS = 8;
/** Rows per block of the loss evaluation (their feature values stay in cache). */
const BLOCK_ROWS = 512;
/** Sample rows of the warm start (used from 4 × this many rows on). */
const WARM_ROWS = 8192;
/** Rows whose softmax normalisers are multiplied before one log (a power of 2; K^32 stays finite). */
const LOG_RUN = 32;
/** Gradient size (mean loss) from which Newton steps take over from L-BFGS. */
const NEWTON_START = 1e-4;

interface Fitted {
  nClasses: number;
  nFeatures: number;
  /** Class indices that had training rows, ascending; the model scores only these. */
  present: Int32Array;
  /** Score rows: 0 (one class), 1 (two classes: the score of present[1]), or present.length. */
  coef: Float64Array;
  intercept: Float64Array;
  iterations: number;
  converged: boolean;
}

type Settings = Required<LogisticRegressionParams>;

function resolve(params: LogisticRegressionParams): Settings {
  const C = params.C ?? 1;
  const tol = params.tol ?? 1e-10;
  const maxIter = params.maxIter ?? 1000;
  if (!(typeof C === 'number' && Number.isFinite(C) && C > 0))
    throw new RangeError(`LogisticRegression: C must be a finite number > 0, got ${C}`);
  if (!(typeof tol === 'number' && Number.isFinite(tol) && tol > 0))
    throw new RangeError(`LogisticRegression: tol must be a finite number > 0, got ${tol}`);
  if (!(Number.isInteger(maxIter) && maxIter >= 1))
    throw new RangeError(`LogisticRegression: maxIter must be an integer >= 1, got ${maxIter}`);
  return { C, tol, maxIter };
}

export class LogisticRegression implements Classifier {
  readonly algorithm = 'logistic-regression';
  private readonly settings: Settings;
  private state: Fitted | null = null;

  constructor(params: LogisticRegressionParams = {}) {
    this.settings = resolve(params);
  }

  get nClasses(): number {
    return this.state?.nClasses ?? 0;
  }

  /**
   * Iterations of the last fit on all rows (L-BFGS, then Newton steps; a warm start's iterations on a row
   * sample are not counted) and whether it reached tol.
   */
  get convergence(): { iterations: number; converged: boolean } {
    const s = this.fitted();
    return { iterations: s.iterations, converged: s.converged };
  }

  params(): Record<string, number | string | boolean> {
    return { ...this.settings };
  }

  fit(X: Matrix, y: Int32Array, nClasses: number): this {
    const who = 'LogisticRegression.fit';
    if (!(Number.isInteger(nClasses) && nClasses >= 1))
      throw new RangeError(`${who}: nClasses must be an integer >= 1, got ${nClasses}`);
    if (X.rows === 0) throw new RangeError(`${who}: X has no rows`);
    if (y.length !== X.rows)
      throw new RangeError(`${who}: y has ${y.length} labels but X has ${X.rows} rows`);
    const counts = new Int32Array(nClasses);
    for (let i = 0; i < y.length; i++) {
      if (!(y[i] >= 0 && y[i] < nClasses))
        throw new RangeError(`${who}: y[${i}] = ${y[i]} is not a class index in 0..${nClasses - 1}`);
      counts[y[i]]++;
    }
    checkFiniteMatrix(X, who);
    const present = Int32Array.from(Array.from(counts.keys()).filter((c) => counts[c] > 0));
    const p = X.cols;
    const K = present.length;
    const base = { nClasses, nFeatures: p, present };
    if (K === 1) {
      this.state = {
        ...base,
        coef: new Float64Array(0),
        intercept: new Float64Array(0),
        iterations: 0,
        converged: true,
      };
      return this;
    }
    const position = new Int32Array(nClasses).fill(-1);
    present.forEach((c, k) => {
      position[c] = k;
    });
    // A plain loop: TypedArray.from with a mapping function is many times slower on large arrays.
    const target = new Int32Array(y.length);
    for (let i = 0; i < y.length; i++) target[i] = position[y[i]];
    const rows = K === 2 ? 1 : K;
    const objectiveOf = (A: Matrix, t: Int32Array, C: number) =>
      K === 2 ? binaryObjective(A, t, C) : softmaxObjective(A, t, K, C);
    const objective = objectiveOf(X, target, this.settings.C);
    const parameters = rows * (p + 1);
    // L-BFGS crawls on ill-conditioned problems (rare classes, near-separable data) and can stall short of
    // a tight tol; where the Hessian is small enough to form, L-BFGS only gets close and a few exact
    // Newton steps (quadratic convergence) finish the job.
    const polish = parameters <= MAX_NEWTON_PARAMETERS;
    const { tol, maxIter } = this.settings;
    const warm = warmStart(X, target, K, parameters, objectiveOf, this.settings);
    const result = minimizeLbfgs(objective.value, warm.x, {
      gtol: polish ? Math.max(tol, NEWTON_START) : tol,
      maxIter,
      pairs: warm.pairs,
    });
    if (polish && result.gradMax > tol) {
      // The unit vector along which the multinomial loss is flat: equal shifts of every intercept.
      const flat = K === 2 ? null : new Float64Array(parameters);
      if (flat) for (let k = 0; k < K; k++) flat[k * (p + 1) + p] = 1 / Math.sqrt(K);
      newtonPolish(objective, result, tol, flat);
    }
    const coef = new Float64Array(rows * p);
    const intercept = new Float64Array(rows);
    for (let k = 0; k < rows; k++) {
      for (let j = 0; j < p; j++) coef[k * p + j] = result.x[k * (p + 1) + j];
      intercept[k] = result.x[k * (p + 1) + p];
    }
    this.state = { ...base, coef, intercept, iterations: result.iterations, converged: result.converged };
    return this;
  }

  private fitted(): Fitted {
    if (!this.state)
      throw new Error('LogisticRegression: not fitted; call fit() or LogisticRegression.load() first');
    return this.state;
  }

  /** Row-major probabilities over all nClasses (0 for classes absent from training). */
  predictProba(X: Matrix): Float64Array {
    const s = this.fitted();
    const { nClasses, nFeatures: p, present, coef, intercept } = s;
    if (X.cols !== p)
      throw new RangeError(`LogisticRegression: X has ${X.cols} features, the model was fitted on ${p}`);
    checkFiniteMatrix(X, 'LogisticRegression.predictProba');
    const n = X.rows;
    const out = new Float64Array(n * nClasses);
    const K = present.length;
    if (K === 1) {
      for (let i = 0; i < n; i++) out[i * nClasses + present[0]] = 1;
      return out;
    }
    const rows = intercept.length;
    const scores = linearScores(X, coef, intercept, rows);
    for (let i = 0; i < n; i++) {
      const o = i * nClasses;
      if (K === 2) {
        const positive = sigmoid(scores[i]);
        out[o + present[1]] = positive;
        out[o + present[0]] = 1 - positive;
        continue;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) max = Math.max(max, scores[k * n + i]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(scores[k * n + i] - max);
      for (let k = 0; k < K; k++) out[o + present[k]] = Math.exp(scores[k * n + i] - max) / sum;
    }
    return out;
  }

  predict(X: Matrix): Int32Array {
    return predictFromProba(this.predictProba(X), X.rows, this.fitted().nClasses);
  }

  toJSON(): EstimatorJSON {
    const s = this.fitted();
    const rows = s.intercept.length;
    return {
      format: LOGISTIC_REGRESSION_FORMAT,
      version: FORMAT_VERSION,
      params: { ...this.settings },
      nClasses: s.nClasses,
      nFeatures: s.nFeatures,
      present: Array.from(s.present),
      coef: Array.from({ length: rows }, (_, k) =>
        Array.from(s.coef.subarray(k * s.nFeatures, (k + 1) * s.nFeatures)),
      ),
      intercept: Array.from(s.intercept),
      iterations: s.iterations,
      converged: s.converged,
    };
  }

  static load(json: unknown): LogisticRegression {
    const what = `${LOGISTIC_REGRESSION_FORMAT} model`;
    const obj = checkFormat(json, LOGISTIC_REGRESSION_FORMAT, FORMAT_VERSION);
    const paramsWhat = `${what} "params"`;
    const params = readObject(obj.params, paramsWhat);
    const C = readNumber(params, 'C', paramsWhat, { above: 0 });
    const tol = readNumber(params, 'tol', paramsWhat, { above: 0 });
    const maxIter = readInteger(params, 'maxIter', paramsWhat, { min: 1 });
    const nClasses = readInteger(obj, 'nClasses', what, { min: 1 });
    const nFeatures = readInteger(obj, 'nFeatures', what, { min: 0 });
    const presentLength = Array.isArray(obj.present) ? obj.present.length : -1;
    if (presentLength < 1 || presentLength > nClasses)
      throw new ModelFormatError(`${what}: "present" must list 1 to ${nClasses} class indices`);
    const present = readIntegers(obj, 'present', what, presentLength, { min: 0, max: nClasses - 1 });
    for (let k = 1; k < present.length; k++) {
      if (!(present[k] > present[k - 1]))
        throw new ModelFormatError(`${what}: "present" must be strictly ascending (entry ${k})`);
    }
    const K = present.length;
    const rows = K === 1 ? 0 : K === 2 ? 1 : K;
    const coef = readNumberRows(obj, 'coef', what, rows, nFeatures);
    const intercept = readNumbers(obj, 'intercept', what, rows);
    const iterations = readInteger(obj, 'iterations', what, { min: 0 });
    if (typeof obj.converged !== 'boolean')
      throw new ModelFormatError(
        `${what}: "converged" must be true or false, got ${JSON.stringify(obj.converged)}`,
      );
    const model = new LogisticRegression({ C, tol, maxIter });
    model.state = { nClasses, nFeatures, present, coef, intercept, iterations, converged: obj.converged };
    return model;
  }
}

/**
 * Where the full fit starts: 0, or on large data the optimum of the same objective over an evenly spaced
 * sample of WARM_ROWS rows (per-row penalty kept, so C scales with the rows), found at a tenth of the
 * cost per iteration. It lies within sampling noise of the full optimum, so L-BFGS on all rows needs far
 * fewer iterations from there; the optimum itself is fixed by the full gradient alone, so it is the same.
 */
function warmStart(
  X: Matrix,
  target: Int32Array,
  K: number,
  parameters: number,
  objectiveOf: (A: Matrix, t: Int32Array, C: number) => Objective,
  settings: Settings,
): { x: Float64Array; pairs?: CorrectionPairs } {
  const { rows: n, cols: p, data } = X;
  const zero = { x: new Float64Array(parameters) };
  if (n < 4 * WARM_ROWS) return zero;
  const stride = Math.floor(n / WARM_ROWS);
  const m = Math.floor(n / stride);
  const sample = new Float64Array(m * p);
  for (let j = 0; j < p; j++) for (let r = 0; r < m; r++) sample[j * m + r] = data[j * n + r * stride];
  const t = new Int32Array(m);
  for (let r = 0; r < m; r++) t[r] = target[r * stride];
  // Every class must be in the sample, or its weights there would head off to minus infinity.
  const seen = new Int32Array(K);
  for (let r = 0; r < m; r++) seen[t[r]]++;
  if (seen.some((c) => c === 0)) return zero;
  const objective = objectiveOf({ rows: m, cols: p, data: sample }, t, (settings.C * n) / m);
  const { x, pairs } = minimizeLbfgs(objective.value, zero.x, {
    gtol: NEWTON_START,
    maxIter: settings.maxIter,
  });
  return { x, pairs };
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Scores of every row for each of `rows` weight rows, class-major: out[k * n + i]. */
function linearScores(X: Matrix, coef: Float64Array, intercept: Float64Array, rows: number): Float64Array {
  const { rows: n, cols: p, data } = X;
  const out = new Float64Array(rows * n);
  for (let k = 0; k < rows; k++) {
    const o = k * n;
    out.fill(intercept[k], o, o + n);
    for (let j = 0; j < p; j++) {
      const w = coef[k * p + j];
      if (w === 0) continue;
      const col = j * n;
      for (let i = 0; i < n; i++) out[o + i] += data[col + i] * w;
    }
  }
  return out;
}

/** Parameters per score row: p weights then the intercept. */
function unpack(x: Float64Array, rows: number, p: number): { coef: Float64Array; intercept: Float64Array } {
  const coef = new Float64Array(rows * p);
  const intercept = new Float64Array(rows);
  for (let k = 0; k < rows; k++) {
    for (let j = 0; j < p; j++) coef[k * p + j] = x[k * (p + 1) + j];
    intercept[k] = x[k * (p + 1) + p];
  }
  return { coef, intercept };
}

interface Objective {
  /** Objective at x; writes its gradient into g. */
  value(x: Float64Array, g: Float64Array): number;
  /** Hessian at x, row-major over the parameters. */
  hessian(x: Float64Array): Float64Array;
}

/**
 * Newton steps x ← x − H⁻¹g from an L-BFGS result, kept while they shrink the gradient. The multinomial
 * loss is flat along one direction (adding one constant to every intercept changes no probability) and
 * the gradient has no component along it, so that direction is pinned by adding λuuᵀ to H: the step is
 * then H's pseudo-inverse applied to g, by Cholesky. The eigen-decomposition is the fallback.
 * Forming H costs many loss evaluations, so one H (and its factor) serves several steps while each still
 * cuts the gradient tenfold (near the optimum a frozen Hessian converges nearly as fast as a fresh one);
 * it is formed again where the stale one stops doing so.
 */
function newtonPolish(
  objective: Objective,
  result: LbfgsResult,
  tol: number,
  flat: Float64Array | null,
): void {
  const m = result.x.length;
  const g = result.g;
  const trial = new Float64Array(m);
  const gTrial = new Float64Array(m);
  let solve: ((v: Float64Array) => Float64Array) | null = null;
  let fresh = false;
  let hessians = 0;
  for (let step = 0; step < NEWTON_STEPS && result.gradMax > tol; step++) {
    if (!solve) {
      if (hessians === NEWTON_HESSIANS) break;
      solve = hessianSolver(objective.hessian(result.x), m, flat);
      hessians++;
      fresh = true;
    }
    const direction = solve(g);
    for (let r = 0; r < m; r++) trial[r] = result.x[r] - direction[r];
    const f = objective.value(trial, gTrial);
    let gradMax = 0;
    for (let r = 0; r < m; r++) gradMax = Math.max(gradMax, Math.abs(gTrial[r]));
    if (!(gradMax < result.gradMax)) {
      if (fresh) break;
      solve = null; // a stale Hessian failed: retry from here with a fresh one
      continue;
    }
    if (gradMax > 0.1 * result.gradMax) solve = null;
    fresh = false;
    result.x.set(trial);
    g.set(gTrial);
    result.f = f;
    result.gradMax = gradMax;
    result.iterations++;
  }
  result.converged = result.gradMax <= tol;
}

/** v ↦ H⁻¹v for the Hessian H (modified in place: the flat direction pinned), factored once. */
function hessianSolver(
  H: Float64Array,
  m: number,
  flat: Float64Array | null,
): (v: Float64Array) => Float64Array {
  if (flat) {
    let scale = 0;
    for (let r = 0; r < m; r++) scale += H[r * m + r] / m;
    for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) H[r * m + c] += scale * flat[r] * flat[c];
  }
  const L = choleskyFactor(H, m);
  if (L) return (v) => choleskySolveFactored(L, v, m);
  return (v) => pseudoInverseSolve(H, v, m);
}

/** H⁺g with eigenvalues below 1e-12 of the largest dropped. */
function pseudoInverseSolve(H: Float64Array, g: Float64Array, m: number): Float64Array {
  const { values, vectors } = symmetricEigen(H, m);
  let largest = 0;
  for (let k = 0; k < m; k++) largest = Math.max(largest, values[k]);
  const out = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    if (!(values[k] > 1e-12 * largest)) continue;
    let vg = 0;
    for (let r = 0; r < m; r++) vg += vectors[r * m + k] * g[r];
    const w = vg / values[k];
    for (let r = 0; r < m; r++) out[r] += vectors[r * m + k] * w;
  }
  return out;
}

/** Writes the T row weightings of rows [start, start + len) into w[t * BLOCK_ROWS + i]. */
type BlockWeights = (start: number, len: number, w: Float64Array) => void;

/**
 * For each of T row weightings w_t, the q × q matrix Σ_i w_ti a_i a_iᵀ with a_i = row i of X and a
 * trailing 1; returned as T full symmetric matrices, out[t * q * q + r * q + c]. The weights come block
 * by block (no n-long arrays). Per row block (kept in cache), weighting and column j: the weighted column
 * is formed once, then dotted with four columns k >= j per pass (one load of it for four sums).
 */
function weightedGrams(X: Matrix, T: number, weigh: BlockWeights): Float64Array {
  const { rows: n, cols: p, data } = X;
  const q = p + 1;
  const out = new Float64Array(T * q * q);
  const wx = new Float64Array(BLOCK_ROWS);
  const w = new Float64Array(T * BLOCK_ROWS);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const len = Math.min(BLOCK_ROWS, n - start);
    weigh(start, len, w);
    for (let t = 0; t < T; t++) {
      const wt = t * BLOCK_ROWS;
      const o = t * q * q;
      for (let j = 0; j < q; j++) {
        if (j < p) {
          const cj = j * n + start;
          for (let i = 0; i < len; i++) wx[i] = w[wt + i] * data[cj + i];
        } else {
          wx.set(w.subarray(wt, wt + len));
        }
        addColumnDots(X, wx, 0, start, len, j, out, o + j * q);
      }
    }
  }
  for (let t = 0; t < T; t++) {
    const o = t * q * q;
    for (let j = 0; j < q; j++) for (let k = j + 1; k < q; k++) out[o + k * q + j] = out[o + j * q + k];
  }
  return out;
}

/** Mean over rows of the binary log-loss plus ‖w‖²/(2Cn): the same minimiser as scikit-learn's sum. */
function binaryObjective(X: Matrix, y: Int32Array, C: number): Objective {
  const { rows: n, cols: p } = X;
  const hessian = (x: Float64Array): Float64Array => {
    const { coef, intercept } = unpack(x, 1, p);
    const zb = new Float64Array(BLOCK_ROWS);
    const q = p + 1;
    const H = weightedGrams(X, 1, (start, len, w) => {
      blockScores(X, coef, intercept, 1, start, len, zb);
      for (let i = 0; i < len; i++) {
        const s = sigmoid(zb[i]);
        w[i] = s * (1 - s);
      }
    });
    for (let k = 0; k < H.length; k++) H[k] /= n;
    for (let j = 0; j < p; j++) H[j * q + j] += 1 / (C * n);
    return H;
  };
  const z = new Float64Array(BLOCK_ROWS);
  const value = (x: Float64Array, g: Float64Array): number => {
    const { coef, intercept } = unpack(x, 1, p);
    g.fill(0);
    let loss = 0;
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const len = Math.min(BLOCK_ROWS, n - start);
      blockScores(X, coef, intercept, 1, start, len, z);
      for (let i = 0; i < len; i++) {
        const zi = z[i];
        const yi = y[start + i];
        // log(1 + e^z) − y z, without overflow.
        loss += (zi > 0 ? zi + Math.log1p(Math.exp(-zi)) : Math.log1p(Math.exp(zi))) - yi * zi;
        z[i] = sigmoid(zi) - yi;
      }
      addBlockGradient(X, z, 1, start, len, g);
    }
    let penalty = 0;
    for (let j = 0; j < p; j++) {
      penalty += coef[j] * coef[j];
      g[j] = g[j] / n + coef[j] / (C * n);
    }
    g[p] /= n;
    return loss / n + penalty / (2 * C * n);
  };
  return { value, hessian };
}

/** Mean over rows of the multinomial log-loss plus ‖W‖²/(2Cn). */
function softmaxObjective(X: Matrix, y: Int32Array, K: number, C: number): Objective {
  return { value: softmaxValue(X, y, K, C), hessian: softmaxHessian(X, K, C) };
}

/** The Hessian of softmaxObjective at x, (K · (p + 1))² row-major. */
function softmaxHessian(X: Matrix, K: number, C: number): (x: Float64Array) => Float64Array {
  const { rows: n, cols: p } = X;
  return (x: Float64Array): Float64Array => {
    const { coef, intercept } = unpack(x, K, p);
    const q = p + 1;
    const size = K * q;
    // Block (a, b) weighs each row by P_a(δ_ab − P_b), the same as block (b, a); the weights of a row sum
    // to P_a(1 − Σ_b P_b) = 0 over b, so the last class's blocks are minus the sums of the others: form
    // the pairs a <= b < K − 1 only (half the work for three classes) and derive the rest.
    const L = K - 1;
    const pairs: [number, number][] = [];
    for (let a = 0; a < L; a++) for (let b = a; b < L; b++) pairs.push([a, b]);
    const P = new Float64Array(K * BLOCK_ROWS);
    const grams = weightedGrams(X, pairs.length, (start, len, w) => {
      blockScores(X, coef, intercept, K, start, len, P);
      for (let i = 0; i < len; i++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < K; k++) max = Math.max(max, P[k * BLOCK_ROWS + i]);
        let sum = 0;
        for (let k = 0; k < K; k++) {
          P[k * BLOCK_ROWS + i] = Math.exp(P[k * BLOCK_ROWS + i] - max);
          sum += P[k * BLOCK_ROWS + i];
        }
        for (let k = 0; k < K; k++) P[k * BLOCK_ROWS + i] /= sum;
      }
      pairs.forEach(([a, b], t) => {
        const at = a * BLOCK_ROWS;
        const bt = b * BLOCK_ROWS;
        const wt = t * BLOCK_ROWS;
        if (a === b) for (let i = 0; i < len; i++) w[wt + i] = P[at + i] * (1 - P[at + i]);
        else for (let i = 0; i < len; i++) w[wt + i] = -P[at + i] * P[bt + i];
      });
    });
    const H = new Float64Array(size * size);
    const put = (a: number, b: number, r: number, c: number, v: number) => {
      H[(a * q + r) * size + b * q + c] = v;
      H[(b * q + c) * size + a * q + r] = v;
    };
    pairs.forEach(([a, b], t) => {
      for (let r = 0; r < q; r++)
        for (let c = 0; c < q; c++) put(a, b, r, c, grams[t * q * q + r * q + c] / n);
    });
    for (let r = 0; r < q; r++) {
      for (let c = 0; c < q; c++) {
        let last = 0;
        for (let a = 0; a < L; a++) {
          let v = 0;
          for (let b = 0; b < L; b++) v -= H[(a * q + r) * size + b * q + c];
          put(a, L, r, c, v);
          last -= v;
        }
        put(L, L, r, c, last);
      }
    }
    for (let a = 0; a < K; a++) for (let j = 0; j < p; j++) H[(a * q + j) * size + a * q + j] += 1 / (C * n);
    return H;
  };
}

/** softmaxObjective's value at x, its gradient written into g. */
function softmaxValue(
  X: Matrix,
  y: Int32Array,
  K: number,
  C: number,
): (x: Float64Array, g: Float64Array) => number {
  const { rows: n, cols: p } = X;
  const z = new Float64Array(K * BLOCK_ROWS);
  return (x: Float64Array, g: Float64Array): number => {
    const { coef, intercept } = unpack(x, K, p);
    g.fill(0);
    let loss = 0;
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const len = Math.min(BLOCK_ROWS, n - start);
      blockScores(X, coef, intercept, K, start, len, z);
      // Σ log(sums) as the log of running products: each row's sum lies in [1, K], so LOG_RUN of them
      // cannot overflow, and one log serves them all (the gradient does not depend on it).
      let product = 1;
      for (let i = 0; i < len; i++) {
        let max = z[i];
        let top = 0;
        for (let k = 1; k < K; k++) {
          if (z[k * BLOCK_ROWS + i] > max) {
            max = z[k * BLOCK_ROWS + i];
            top = k;
          }
        }
        const yi = y[start + i];
        loss += max - z[yi * BLOCK_ROWS + i];
        let sum = 0;
        for (let k = 0; k < K; k++) {
          // The largest score's term is exp(0) = 1: no call for it.
          const e = k === top ? 1 : Math.exp(z[k * BLOCK_ROWS + i] - max);
          z[k * BLOCK_ROWS + i] = e;
          sum += e;
        }
        product *= sum;
        if ((i & (LOG_RUN - 1)) === LOG_RUN - 1) {
          loss += Math.log(product);
          product = 1;
        }
        for (let k = 0; k < K; k++) z[k * BLOCK_ROWS + i] /= sum;
        z[yi * BLOCK_ROWS + i] -= 1;
      }
      loss += Math.log(product);
      addBlockGradient(X, z, K, start, len, g);
    }
    let penalty = 0;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < p; j++) {
        const w = coef[k * p + j];
        penalty += w * w;
        g[k * (p + 1) + j] = g[k * (p + 1) + j] / n + w / (C * n);
      }
      g[k * (p + 1) + p] /= n;
    }
    return loss / n + penalty / (2 * C * n);
  };
}

/**
 * Scores of rows [start, start + len) for each of `rows` weight rows into out[k * BLOCK_ROWS + i]. The
 * loss works block by block so the block's feature values stay in cache between scores and gradient.
 */
function blockScores(
  X: Matrix,
  coef: Float64Array,
  intercept: Float64Array,
  rows: number,
  start: number,
  len: number,
  out: Float64Array,
): void {
  const { rows: n, cols: p, data } = X;
  for (let k = 0; k < rows; k++) {
    const o = k * BLOCK_ROWS;
    out.fill(intercept[k], o, o + len);
    let j = 0;
    // Four features per pass: a quarter of the loads and stores of the scores.
    for (; j + 4 <= p; j += 4) {
      const w0 = coef[k * p + j];
      const w1 = coef[k * p + j + 1];
      const w2 = coef[k * p + j + 2];
      const w3 = coef[k * p + j + 3];
      const c0 = j * n + start;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      for (let i = 0; i < len; i++) {
        out[o + i] += data[c0 + i] * w0 + data[c1 + i] * w1 + (data[c2 + i] * w2 + data[c3 + i] * w3);
      }
    }
    for (; j < p; j++) {
      const w = coef[k * p + j];
      const col = j * n + start;
      for (let i = 0; i < len; i++) out[o + i] += data[col + i] * w;
    }
  }
}

/**
 * Adds Σ_i r_ki x_i (weights) and Σ_i r_ki (intercept) of a block into g, per weight row k (unscaled).
 */
function addBlockGradient(
  X: Matrix,
  r: Float64Array,
  rows: number,
  start: number,
  len: number,
  g: Float64Array,
): void {
  const p = X.cols;
  for (let k = 0; k < rows; k++) {
    addColumnDots(X, r, k * BLOCK_ROWS, start, len, 0, g, k * (p + 1));
  }
}

/**
 * Adds the dot products of v[vAt + i] (a block's rows start .. start + len - 1) with the block of each
 * column k of X from `from` on into out[outAt + k], and Σ_i v[vAt + i] (the intercept's column of ones)
 * into out[outAt + p]. Four columns per pass: each v[i] is loaded once for four sums.
 */
function addColumnDots(
  X: Matrix,
  v: Float64Array,
  vAt: number,
  start: number,
  len: number,
  from: number,
  out: Float64Array,
  outAt: number,
): void {
  const { rows: n, cols: p, data } = X;
  let k = from;
  for (; k + 4 <= p; k += 4) {
    const c0 = k * n + start;
    const c1 = c0 + n;
    const c2 = c1 + n;
    const c3 = c2 + n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < len; i++) {
      const vi = v[vAt + i];
      s0 += vi * data[c0 + i];
      s1 += vi * data[c1 + i];
      s2 += vi * data[c2 + i];
      s3 += vi * data[c3 + i];
    }
    out[outAt + k] += s0;
    out[outAt + k + 1] += s1;
    out[outAt + k + 2] += s2;
    out[outAt + k + 3] += s3;
  }
  for (; k < p; k++) {
    const ck = k * n + start;
    let s = 0;
    for (let i = 0; i < len; i++) s += v[vAt + i] * data[ck + i];
    out[outAt + k] += s;
  }
  let s = 0;
  for (let i = 0; i < len; i++) s += v[vAt + i];
  out[outAt + p] += s;
}
