// Drift statistics between a reference sample and a recent window. Platform-neutral.
//   numeric      two-sample Kolmogorov–Smirnov (asymptotic p-value with Stephens' correction)
//   categorical  chi-square test of homogeneity on the 2×k contingency table
//   both         population stability index (PSI) on reference deciles / categories

/** KS statistic D and its p-value for two samples. */
export function ksTest(
  reference: ArrayLike<number>,
  window: ArrayLike<number>,
): { statistic: number; pValue: number } {
  const a = Float64Array.from(reference).sort();
  const b = Float64Array.from(window).sort();
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { statistic: 0, pValue: 1 };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i], b[j]);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const ne = (n * m) / (n + m);
  const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
  return { statistic: d, pValue: kolmogorovQ(lambda) };
}

/** Q_KS(λ) = 2 Σ (−1)^(k−1) exp(−2 k² λ²). */
function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/** Chi-square test of homogeneity for two count vectors over the same categories. */
export function chiSquareTest(
  reference: readonly number[],
  window: readonly number[],
): { statistic: number; pValue: number } {
  const n = reference.reduce((s, x) => s + x, 0);
  const m = window.reduce((s, x) => s + x, 0);
  if (n === 0 || m === 0) return { statistic: 0, pValue: 1 };
  let stat = 0;
  let dof = -1;
  for (let c = 0; c < reference.length; c++) {
    const total = reference[c] + window[c];
    if (total === 0) continue; // a category absent from both adds nothing and no degree of freedom
    dof++;
    const er = (total * n) / (n + m);
    const ew = (total * m) / (n + m);
    stat += (reference[c] - er) ** 2 / er + (window[c] - ew) ** 2 / ew;
  }
  return { statistic: stat, pValue: dof < 1 ? 1 : chiSquareSurvival(stat, dof) };
}

/** P(X ≥ x) for a chi-square variable with k degrees of freedom: the upper regularised gamma Q(k/2, x/2). */
export function chiSquareSurvival(x: number, k: number): number {
  if (x <= 0) return 1;
  return upperGammaQ(k / 2, x / 2);
}

function upperGammaQ(a: number, x: number): number {
  const lnGammaA = logGamma(a);
  if (x < a + 1) {
    // Series for P, then Q = 1 − P.
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - lnGammaA));
  }
  // Continued fraction for Q (Lentz).
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(-x + a * Math.log(x) - lnGammaA) * h);
}

/** Lanczos approximation of ln Γ(z). */
function logGamma(z: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const zz = z - 1;
  let x = c[0];
  for (let i = 1; i < g + 2; i++) x += c[i] / (zz + i);
  const t = zz + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (zz + 0.5) * Math.log(t) - t + Math.log(x);
}

const PSI_FLOOR = 1e-4;

/** PSI over given bin counts (expected = reference, actual = window). */
export function psiFromCounts(reference: readonly number[], window: readonly number[]): number {
  const n = reference.reduce((s, x) => s + x, 0);
  const m = window.reduce((s, x) => s + x, 0);
  if (n === 0 || m === 0) return 0;
  let psi = 0;
  for (let c = 0; c < reference.length; c++) {
    const e = Math.max(reference[c] / n, PSI_FLOOR);
    const a = Math.max(window[c] / m, PSI_FLOOR);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** PSI of a numeric feature on the reference's deciles. */
export function numericPsi(reference: ArrayLike<number>, window: ArrayLike<number>, bins = 10): number {
  const sorted = Float64Array.from(reference).sort();
  if (sorted.length === 0) return 0;
  const edges: number[] = [];
  for (let q = 1; q < bins; q++) {
    const e = sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / bins))];
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  const count = (xs: ArrayLike<number>) => {
    const c = new Array<number>(edges.length + 1).fill(0);
    for (let i = 0; i < xs.length; i++) {
      let b = 0;
      while (b < edges.length && xs[i] >= edges[b]) b++;
      c[b]++;
    }
    return c;
  };
  return psiFromCounts(count(sorted), count(window));
}

export function categoryCounts(codes: ArrayLike<number>, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0 && codes[i] < k) c[codes[i]]++;
  return c;
}
