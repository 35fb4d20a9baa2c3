// Drift statistics between a reference sample and a recent window. Browser-safe.
//   numeric      two-sample Kolmogorov–Smirnov, p-value as scipy's ks_2samp(method='auto'): exact up to
//                10,000 rows a side, asymptotic above; missing values (NaN) are left out
//   categorical  chi-square test of homogeneity on the 2×k contingency table (scipy's chi2_contingency
//                without Yates' correction); a window value outside the known categories counts in a
//                cell of its own
//   both         population stability index (PSI) on reference deciles / categories
//   features     Benjamini–Hochberg adjusted p-values, to control the false discovery rate across them

/** scipy's ks_2samp(method='auto') uses the exact distribution up to this many values a side. */
export const KS_EXACT_MAX_N = 10_000;

/**
 * KS statistic D and its two-sided p-value for two samples. NaN values are dropped first (scipy's
 * nan_policy='omit'): a missing value has no place on the empirical distribution function, and sorting
 * NaN breaks the walk below. An empty sample (after dropping) gives D = 0, p = 1: no evidence of drift.
 */
export function ksTest(
  reference: ArrayLike<number>,
  window: ArrayLike<number>,
): { statistic: number; pValue: number } {
  return ksTestSorted(sortedPresent(reference), sortedPresent(window));
}

/** ksTest on samples already sorted ascending without NaN (sortedPresent): a reused reference sorts once. */
export function ksTestSorted(a: Float64Array, b: Float64Array): { statistic: number; pValue: number } {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { statistic: 0, pValue: 1 };
  // D · lcm(n, m) = |i·m/g − j·n/g| is a whole number: computing it in integers keeps ties and rounding
  // from moving D, and gives the lattice distance the exact distribution needs.
  const g = gcd(n, m);
  const mg = m / g;
  const ng = n / g;
  let i = 0;
  let j = 0;
  let h = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i], b[j]);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    h = Math.max(h, Math.abs(i * mg - j * ng));
  }
  const lcm = ng * m;
  const statistic = h / lcm;
  if (h === 0) return { statistic: 0, pValue: 1 };
  const pValue =
    Math.max(n, m) <= KS_EXACT_MAX_N ? ksExactTwoSided(n, m, g, h) : ksAsymptotic(statistic, n, m);
  return { statistic, pValue: Math.min(1, Math.max(0, pValue)) };
}

/** The values that are not NaN, sorted ascending. */
export function sortedPresent(values: ArrayLike<number>): Float64Array {
  let present = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) present++;
  const out = new Float64Array(present);
  let at = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[at++] = values[i];
  return out.sort();
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * P(D ≥ h / lcm) under H0 for samples of n and m values, exactly: the share of monotone lattice paths
 * from (0, 0) to (m', n') that leave the band |x·n'/g − y·m'/g| < h (Hodges 1958). U(x, y), the share of
 * paths to (x, y) that have left the band, follows U = (x·U(x−1, y) + y·U(x, y−1)) / (x + y) inside it and
 * is 1 outside (Viehmann 2021, arXiv:2102.08037): a convex combination, so small p-values keep their
 * relative precision. One column of U at a time, and inside a column only the rows in the band.
 */
function ksExactTwoSided(n: number, m: number, g: number, h: number): number {
  // Symmetric in the two sizes: walk the longer side so a column is the shorter one.
  const cols = Math.max(n, m);
  const rows = Math.min(n, m);
  const colStep = rows / g; // per column, the band's centre rises by colStep / rowStep rows
  const rowStep = cols / g;
  const u = new Float64Array(rows + 1).fill(1);
  // Column x = 0: (0, y) is inside while y·rowStep < h; no path has left yet.
  let hi = Math.min(Math.ceil(h / rowStep), rows + 1);
  u.fill(0, 0, hi);
  for (let x = 1; x <= cols; x++) {
    // Rows inside the band in this column: x·colStep − h < y·rowStep < x·colStep + h.
    const lo = Math.min(Math.max(Math.floor((x * colStep - h) / rowStep) + 1, 0), rows);
    hi = Math.min(Math.ceil((x * colStep + h) / rowStep), rows + 1);
    if (hi <= lo) return 1; // the band closed: every path has left it
    // (x, lo − 1) is below the band, so every path to it has left.
    let below = lo === 0 ? 0 : 1;
    for (let y = lo; y < hi; y++) {
      below = (x * u[y] + y * below) / (x + y);
      u[y] = below;
    }
    // Rows at or above hi hold 1 from the start: the band only rises, so they were never inside.
  }
  return u[rows];
}

/** Above KS_EXACT_MAX_N: the Kolmogorov limit with Stephens' small-sample correction. */
function ksAsymptotic(d: number, n: number, m: number): number {
  const ne = (n * m) / (n + m);
  return kolmogorovQ((Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d);
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

/**
 * Chi-square test of homogeneity for two count vectors over the same cells, as scipy's
 * chi2_contingency(correction=False) on the 2×k table; a cell empty in both samples is left out (it adds
 * nothing and no degree of freedom; scipy refuses a zero expected count). A cell empty in the reference
 * but not in the window counts like any other: its expected window count is small, so a new value is
 * strong evidence of drift.
 */
export function chiSquareTest(
  reference: readonly number[],
  window: readonly number[],
): { statistic: number; pValue: number } {
  if (reference.length !== window.length)
    throw new Error(`chiSquareTest: ${reference.length} reference cells but ${window.length} window cells`);
  const n = reference.reduce((s, x) => s + x, 0);
  const m = window.reduce((s, x) => s + x, 0);
  if (n === 0 || m === 0) return { statistic: 0, pValue: 1 };
  let stat = 0;
  let dof = -1;
  for (let c = 0; c < reference.length; c++) {
    const total = reference[c] + window[c];
    if (total === 0) continue;
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
  return numericPsiSorted(Float64Array.from(reference).sort(), window, bins);
}

/** numericPsi with the reference already sorted ascending. */
export function numericPsiSorted(sorted: Float64Array, window: ArrayLike<number>, bins = 10): number {
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

/**
 * Counts of category codes 0 … k−1, plus one last cell for codes outside them (a value the reference's
 * categories do not know must count as drift, not vanish). Missing values (negative codes, NaN) are not
 * counted.
 */
export function categoryCounts(codes: ArrayLike<number>, k: number): number[] {
  const c = new Array<number>(k + 1).fill(0);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (Number.isNaN(code) || code < 0) continue;
    c[Math.min(code, k)]++;
  }
  return c;
}

/**
 * Benjamini–Hochberg adjusted p-values (as statsmodels' multipletests(method='fdr_bh') and scipy's
 * false_discovery_control): rejecting every hypothesis whose adjusted p is below q keeps the expected
 * share of false discoveries at most q (for independent or positively dependent tests). The smallest
 * adjusted p is the Simes test of "nothing changed", so "any adjusted p < q" is a family-wide test at q.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const count = pValues.length;
  const order = pValues.map((_, i) => i).sort((x, y) => pValues[x] - pValues[y] || x - y);
  const adjusted = new Array<number>(count);
  let running = 1;
  for (let rank = count; rank >= 1; rank--) {
    const i = order[rank - 1];
    running = Math.min(running, (pValues[i] * count) / rank);
    adjusted[i] = running;
  }
  return adjusted;
}
