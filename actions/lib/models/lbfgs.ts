// Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 7.5) with a
// strong-Wolfe line search (Algorithms 3.5 and 3.6, cubic interpolation in the zoom), for smooth convex
// objectives such as the logistic loss. Unconstrained; deterministic. Browser-safe.

/** Writes the gradient at x into g and returns the objective at x. */
export type ObjectiveWithGradient = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when the largest |gradient component| is at most this. */
  gtol: number;
  /** Iterations (line searches) at most. */
  maxIter: number;
  /** Correction pairs kept (10, scipy's default). */
  memory?: number;
  /**
   * Correction pairs to start from (oldest first), e.g. those of a fit of a similar objective: a curvature
   * model from the first step on. They only precondition the steps; the minimiser found is the same.
   */
  pairs?: CorrectionPairs;
}

/** L-BFGS memory: steps s_k = x_{k+1} − x_k and gradient changes y_k, oldest first. */
export interface CorrectionPairs {
  s: Float64Array[];
  y: Float64Array[];
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** Gradient at x (a caller that goes on from x needs no evaluation to know it). */
  g: Float64Array;
  iterations: number;
  /** Largest |gradient component| at x. */
  gradMax: number;
  /** gradMax reached gtol (false: out of iterations, or no further decrease was possible). */
  converged: boolean;
  /** The memory at the end (to start a similar minimisation with). */
  pairs: CorrectionPairs;
}

const C1 = 1e-4;
const C2 = 0.9;
const MAX_LINE_STEPS = 40;

export function minimizeLbfgs(
  fg: ObjectiveWithGradient,
  x0: Float64Array,
  options: LbfgsOptions,
): LbfgsResult {
  const n = x0.length;
  const m = options.memory ?? 10;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = fg(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const given = options.pairs;
  if (given) {
    for (let k = Math.max(0, given.s.length - m); k < given.s.length; k++) {
      const sy = dotv(given.s[k], given.y[k]);
      if (!(sy > 0) || given.s[k].length !== n || given.y[k].length !== n) continue;
      S.push(Float64Array.from(given.s[k]));
      Y.push(Float64Array.from(given.y[k]));
      rho.push(1 / sy);
    }
  }
  const d = new Float64Array(n);
  const alphas = new Float64Array(m);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  let iterations = 0;
  let gradMax = maxAbs(g);
  while (gradMax > options.gtol && iterations < options.maxIter) {
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      const a = rho[k] * dotv(S[k], d);
      alphas[k] = a;
      axpy(-a, Y[k], d);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dotv(S[last], Y[last]) / dotv(Y[last], Y[last]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const b = rho[k] * dotv(Y[k], d);
      axpy(alphas[k] - b, S[k], d);
    }
    let slope = dotv(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (rounding in the memory): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = dotv(g, d);
    }
    // First step: a unit move in the largest component, as scipy's L-BFGS-B scales its first step.
    const step0 = S.length === 0 ? Math.min(1, 1 / maxAbs(d)) : 1;
    const found = lineSearch(fg, x, f, d, slope, step0, xNew, gNew);
    iterations++;
    if (!found) break;
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dotv(s, yv);
    const fNew = found.f;
    x.set(xNew);
    g.set(gNew);
    const previous = f;
    f = fNew;
    gradMax = maxAbs(g);
    if (sy > 1e-16 * dotv(yv, yv)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    if (!(previous - f > 0) && gradMax > options.gtol) {
      // No decrease at all: the objective is flat to rounding here; more iterations cannot help.
      break;
    }
  }
  return { x, f, g, iterations, gradMax, converged: gradMax <= options.gtol, pairs: { s: S, y: Y } };
}

/**
 * Finds a step t along d satisfying the strong Wolfe conditions; writes x + t d and its gradient into
 * xOut, gOut and returns the objective there, or null when no step lowers the objective.
 */
function lineSearch(
  fg: ObjectiveWithGradient,
  x: Float64Array,
  f0: number,
  d: Float64Array,
  slope0: number,
  step0: number,
  xOut: Float64Array,
  gOut: Float64Array,
): { f: number } | null {
  const evaluate = (t: number): { f: number; slope: number } => {
    for (let i = 0; i < x.length; i++) xOut[i] = x[i] + t * d[i];
    const f = fg(xOut, gOut);
    return { f, slope: dotv(gOut, d) };
  };
  let tPrev = 0;
  let fPrev = f0;
  let slopePrev = slope0;
  let t = step0;
  let best: { t: number; f: number } | null = null;
  for (let k = 0; k < MAX_LINE_STEPS; k++) {
    const { f, slope } = evaluate(t);
    if (Number.isFinite(f) && f < f0 && (!best || f < best.f)) best = { t, f };
    if (!Number.isFinite(f) || f > f0 + C1 * t * slope0 || (k > 0 && f >= fPrev)) {
      return zoom(tPrev, fPrev, slopePrev, t, f, slope) ?? fallback();
    }
    if (Math.abs(slope) <= -C2 * slope0) return { f };
    if (slope >= 0) return zoom(t, f, slope, tPrev, fPrev, slopePrev) ?? fallback();
    tPrev = t;
    fPrev = f;
    slopePrev = slope;
    t *= 2;
  }
  return fallback();

  /** Bracket [lo, hi] contains a Wolfe step; lo has the lower objective. */
  function zoom(
    lo: number,
    fLo: number,
    slopeLo: number,
    hi: number,
    fHi: number,
    slopeHi: number,
  ): { f: number } | null {
    for (let k = 0; k < MAX_LINE_STEPS; k++) {
      let t = cubicMinimizer(lo, fLo, slopeLo, hi, fHi, slopeHi);
      const a = Math.min(lo, hi);
      const b = Math.max(lo, hi);
      // Keep the trial well inside the bracket so it always shrinks.
      if (!(t > a + 0.1 * (b - a) && t < b - 0.1 * (b - a))) t = (lo + hi) / 2;
      if (b - a <= 1e-16 * Math.max(1, b)) return null;
      const { f, slope } = evaluate(t);
      if (Number.isFinite(f) && f < f0 && (!best || f < best.f)) best = { t, f };
      if (!Number.isFinite(f) || f > f0 + C1 * t * slope0 || f >= fLo) {
        hi = t;
        fHi = f;
        slopeHi = slope;
      } else {
        if (Math.abs(slope) <= -C2 * slope0) return { f };
        if (slope * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          slopeHi = slopeLo;
        }
        lo = t;
        fLo = f;
        slopeLo = slope;
      }
    }
    return null;
  }

  /** No Wolfe step found: take the best decrease seen, if any (its gradient is recomputed). */
  function fallback(): { f: number } | null {
    if (!best) return null;
    return { f: evaluate(best.t).f };
  }
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db); NaN when it has none. */
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  if (!Number.isFinite(fb) || !Number.isFinite(db)) return Number.NaN;
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (disc < 0) return Number.NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

function dotv(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}
