// Solves A x = b for a symmetric positive-definite A by Cholesky factorisation; the factor can be kept
// and reused for several right-hand sides (a Newton polish with a frozen Hessian). Browser-safe.

/**
 * Lower-triangular L with A = L Lᵀ. A is n × n row-major (only its lower triangle is read; it is not
 * modified). null when A is not positive definite to working precision: a pivot at or below minPivot
 * times its diagonal entry (default 1e-14; the generator passes 0: a pivot must be positive).
 */
export function choleskyFactor(A: Float64Array, n: number, minPivot = 1e-14): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    // minPivot 0 compares with 0 itself (0·∞ would be NaN and refuse an infinite diagonal).
    if (!(d > (minPivot === 0 ? 0 : minPivot * Math.abs(A[j * n + j])))) return null;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / ljj;
    }
  }
  return L;
}

/** x with L Lᵀ x = b, for a factor from choleskyFactor. */
export function choleskySolveFactored(L: Float64Array, b: Float64Array, n: number): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * x[k];
    x[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/** A⁻¹ b, or null when A is not positive definite to working precision (see choleskyFactor). */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const L = choleskyFactor(A, n);
  return L && choleskySolveFactored(L, b, n);
}
