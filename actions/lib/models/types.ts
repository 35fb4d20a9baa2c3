// Shared shapes for every estimator. Browser-safe: no Node imports anywhere under models/,
// because the same files are bundled for the browser predictor.
import { GitmlError } from '../core/gitml-error.js';

/** Column-major numeric matrix: value of feature j in row i is data[j * rows + i]. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Every serialised estimator carries a named, versioned format. */
export interface EstimatorJSON {
  readonly format: string;
  readonly version: number;
  readonly [key: string]: unknown;
}

export interface Classifier {
  /** Registry name of the algorithm, e.g. 'gaussian-nb'. */
  readonly algorithm: string;
  readonly nClasses: number;
  /** y holds class indices 0..nClasses-1. Returns this, fitted. */
  fit(X: Matrix, y: Int32Array, nClasses: number): this;
  /** Row-major probabilities: out[i * nClasses + k]. */
  predictProba(X: Matrix): Float64Array;
  /** Most probable class per row; ties go to the lowest class index. */
  predict(X: Matrix): Int32Array;
  /** Hyper-parameters as given (for model cards and lineage). */
  params(): Record<string, number | string | boolean>;
  toJSON(): EstimatorJSON;
}

export class ModelFormatError extends GitmlError {
  override name = 'ModelFormatError';
}

export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  const d = data ?? new Float64Array(rows * cols);
  if (d.length !== rows * cols) {
    throw new RangeError(`matrix: data has ${d.length} values, expected ${rows} rows × ${cols} cols`);
  }
  return { rows, cols, data: d };
}

/** Builds a column-major matrix from row arrays (tests, small inputs, the browser form). */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const n = rows.length;
  const p = n === 0 ? 0 : rows[0].length;
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r.length !== p) throw new RangeError(`fromRows: row ${i} has ${r.length} values, expected ${p}`);
    for (let j = 0; j < p; j++) data[j * n + i] = r[j];
  }
  return { rows: n, cols: p, data };
}

/** Index of the largest value in probs[offset .. offset+k); ties go to the lowest index. */
export function argmax(probs: Float64Array, offset: number, k: number): number {
  let best = 0;
  let bestValue = probs[offset];
  for (let c = 1; c < k; c++) {
    const v = probs[offset + c];
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}

export function predictFromProba(probs: Float64Array, rows: number, k: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = argmax(probs, i * k, k);
  return out;
}

export interface Regressor {
  /** Registry name of the algorithm, e.g. 'ridge'. */
  readonly algorithm: string;
  /** y holds the numeric targets, one per row. Returns this, fitted. */
  fit(X: Matrix, y: Float64Array): this;
  /** One predicted value per row. */
  predict(X: Matrix): Float64Array;
  /** Hyper-parameters as given (for model cards and lineage). */
  params(): Record<string, number | string | boolean>;
  toJSON(): EstimatorJSON;
}

/** Throws a RangeError naming the first non-finite cell of X ("who: X has NaN at row 3, feature 1"). */
export function checkFiniteMatrix(X: Matrix, who: string): void {
  const { rows, data } = X;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(
        `${who}: X has ${data[i]} at row ${i % rows}, feature ${Math.floor(i / rows)}; values must be finite (impute missing values first)`,
      );
    }
  }
}

/** Checks a regression target: one finite value per row of X. */
export function checkTargets(X: Matrix, y: Float64Array, who: string): void {
  if (y.length !== X.rows) throw new RangeError(`${who}: y has ${y.length} values but X has ${X.rows} rows`);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]))
      throw new RangeError(`${who}: y[${i}] is ${y[i]}; targets must be finite numbers`);
  }
}
