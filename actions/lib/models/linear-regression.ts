// Linear least squares with an intercept, plain (alpha = 0, scikit-learn's LinearRegression) or ridge
// (alpha > 0, scikit-learn's Ridge), fitted in closed form from sufficient statistics (linear-stats.ts),
// so shards can be summarised apart and merged exactly. Browser-safe.
import { type LinearStats, linearStats, mergeLinearStats, solveLinear } from './linear-stats.js';
import {
  checkFiniteMatrix,
  type EstimatorJSON,
  type Matrix,
  ModelFormatError,
  type Regressor,
} from './types.js';
import { checkFormat, readInteger, readNumber, readNumbers, readObject } from './validate-json.js';

export interface LinearRegressionParams {
  /** L2 penalty on the coefficients (not the intercept); 0 is ordinary least squares (default 0). */
  alpha?: number;
}

export const LINEAR_REGRESSION_FORMAT = 'gitml.linear-regression';
const FORMAT_VERSION = 1;

interface Fitted {
  coef: Float64Array;
  intercept: number;
  rank: number;
  nTrain: number;
}

function checkAlpha(alpha: number): number {
  if (!(typeof alpha === 'number' && Number.isFinite(alpha) && alpha >= 0)) {
    throw new RangeError(`LinearRegression: alpha must be a finite number >= 0, got ${alpha}`);
  }
  return alpha;
}

export class LinearRegression implements Regressor {
  /** 'linear-regression' for alpha = 0, 'ridge' otherwise. */
  readonly algorithm: 'linear-regression' | 'ridge';
  readonly alpha: number;
  private state: Fitted | null = null;

  constructor(params: LinearRegressionParams = {}) {
    this.alpha = checkAlpha(params.alpha ?? 0);
    this.algorithm = this.alpha > 0 ? 'ridge' : 'linear-regression';
  }

  params(): Record<string, number | string | boolean> {
    return { alpha: this.alpha };
  }

  /** Sufficient statistics of (X, y) for sharded fitting; merge with mergeStats, finish with fromStats. */
  static stats(X: Matrix, y: Float64Array): LinearStats {
    return linearStats(X, y, 'LinearRegression.stats');
  }

  static mergeStats(a: LinearStats, b: LinearStats): LinearStats {
    return mergeLinearStats(a, b);
  }

  static fromStats(stats: LinearStats, params: LinearRegressionParams = {}): LinearRegression {
    const model = new LinearRegression(params);
    if (stats.n === 0) throw new RangeError('LinearRegression: no training rows');
    model.state = { ...solveLinear(stats, model.alpha), nTrain: stats.n };
    return model;
  }

  /**
   * One row fits the constant (every coefficient 0), as scikit-learn does; constant features get
   * coefficient 0; dependent features (or more features than rows) get the minimum-norm solution.
   */
  fit(X: Matrix, y: Float64Array): this {
    if (X.rows === 0) throw new RangeError('LinearRegression.fit: X has no rows');
    const stats = linearStats(X, y, 'LinearRegression.fit');
    this.state = { ...solveLinear(stats, this.alpha), nTrain: stats.n };
    return this;
  }

  private fitted(): Fitted {
    if (!this.state)
      throw new Error(
        'LinearRegression: not fitted; call fit(), LinearRegression.fromStats() or load() first',
      );
    return this.state;
  }

  get coef(): Float64Array {
    return Float64Array.from(this.fitted().coef);
  }

  get intercept(): number {
    return this.fitted().intercept;
  }

  /** Rank of the centred training design (below the feature count: constant or dependent features). */
  get rank(): number {
    return this.fitted().rank;
  }

  predict(X: Matrix): Float64Array {
    const { coef, intercept } = this.fitted();
    const p = coef.length;
    if (X.cols !== p)
      throw new RangeError(
        `LinearRegression.predict: X has ${X.cols} features, the model was fitted on ${p}`,
      );
    checkFiniteMatrix(X, 'LinearRegression.predict');
    const n = X.rows;
    const out = new Float64Array(n).fill(intercept);
    for (let j = 0; j < p; j++) {
      const w = coef[j];
      const col = j * n;
      for (let i = 0; i < n; i++) out[i] += X.data[col + i] * w;
    }
    return out;
  }

  toJSON(): EstimatorJSON {
    const s = this.fitted();
    return {
      format: LINEAR_REGRESSION_FORMAT,
      version: FORMAT_VERSION,
      params: { alpha: this.alpha },
      nFeatures: s.coef.length,
      coef: Array.from(s.coef),
      intercept: s.intercept,
      rank: s.rank,
      nTrain: s.nTrain,
    };
  }

  static load(json: unknown): LinearRegression {
    const what = `${LINEAR_REGRESSION_FORMAT} model`;
    const obj = checkFormat(json, LINEAR_REGRESSION_FORMAT, FORMAT_VERSION);
    const params = readObject(obj.params, `${what} "params"`);
    const alpha = readNumber(params, 'alpha', `${what} "params"`, { min: 0 });
    const p = readInteger(obj, 'nFeatures', what, { min: 0 });
    const coef = readNumbers(obj, 'coef', what, p);
    const intercept = readNumber(obj, 'intercept', what);
    const rank = readInteger(obj, 'rank', what, { min: 0, max: p });
    const nTrain = readInteger(obj, 'nTrain', what, { min: 1 });
    // Centring removes one dimension: n rows span at most n − 1 directions.
    if (rank > nTrain - 1)
      throw new ModelFormatError(
        `${what}: rank ${rank} is impossible with ${nTrain} training rows (at most ${nTrain - 1})`,
      );
    const model = new LinearRegression({ alpha });
    model.state = { coef, intercept, rank, nTrain };
    return model;
  }
}
