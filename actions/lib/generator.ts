// The daily feature pipeline's generator: synthetic rows from a model fitted to the real rows
// (backfill and ingest, never synthetic ones, so it does not feed on itself).
//   class prior          label frequencies
//   numeric features     class-conditional multivariate normal (Cholesky) in a per-feature space:
//                        skewed non-negative features are modelled as log1p(x); covariance of tiny
//                        classes is shrunk towards the pooled within-class covariance
//   categorical features class-conditional joint frequencies; numeric features are modelled per
//                        (class, categorical combination) so their dependence on categories is kept
// Values are clipped to the range seen in real rows and rounded to the spec's decimals.
// Platform-neutral.

import type { FeatureTable } from './feature-table.js';
import { formatNumber } from './json.js';
import { createRng } from './models/random.js';
import type { DatasetSpec, FeatureSchema } from './spec.js';
import { featureSchema } from './spec.js';

export interface GeneratorModel {
  classes: string[];
  prior: number[];
  numeric: { name: string; log: boolean; min: number; max: number; decimals: number; sd: number }[];
  categoricalNames: string[];
  /**
   * Mixture components: one per (class, observed combination of categorical values), weighted by its
   * frequency within the class. Mean and lower Cholesky factor (row-major) are in model space and shrunk
   * towards the class's — so wine chemistry follows the wine's type, and a fare follows its class.
   */
  components: { classIndex: number; weight: number; categorical: string[]; mean: number[]; chol: number[] }[];
}

export class GeneratorError extends Error {
  override name = 'GeneratorError';
}

interface Moments {
  n: number;
  mean: number[];
  /** Scatter matrix (sum of outer products of deviations), full p×p. */
  scatter: number[];
}

function moments(rows: readonly number[], p: number, z: (a: number, i: number) => number): Moments {
  const mean = new Array<number>(p).fill(0);
  for (const i of rows) for (let a = 0; a < p; a++) mean[a] += z(a, i);
  for (let a = 0; a < p; a++) mean[a] = rows.length ? mean[a] / rows.length : 0;
  const scatter = new Array<number>(p * p).fill(0);
  for (const i of rows) {
    for (let a = 0; a < p; a++) {
      const da = z(a, i) - mean[a];
      for (let b = 0; b <= a; b++) scatter[a * p + b] += da * (z(b, i) - mean[b]);
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) scatter[b * p + a] = scatter[a * p + b];
  return { n: rows.length, mean, scatter };
}

/** (scatter + λ·target) / (n − 1 + λ): a small group leans on the target covariance. */
function shrunkCov(m: Moments, target: readonly number[], lambda: number): number[] {
  return m.scatter.map((v, q) => (v + lambda * target[q]) / (Math.max(0, m.n - 1) + lambda));
}

export function fitGenerator(
  spec: DatasetSpec,
  table: FeatureTable,
  isReal: (i: number) => boolean,
): GeneratorModel {
  const schema = featureSchema(spec);
  const k = spec.label.classes.length;
  const rows: number[] = [];
  for (let i = 0; i < table.rows; i++) if (isReal(i) && table.labels[i] >= 0) rows.push(i);
  if (rows.length < 2)
    throw new GeneratorError(
      `generator for '${spec.name}': needs at least 2 labelled real rows, found ${rows.length}`,
    );
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (const i of rows) byClass[table.labels[i]].push(i);
  const prior = byClass.map((r) => r.length / rows.length);

  const numericIdx = schema.map((f, j) => (f.type === 'numeric' ? j : -1)).filter((j) => j >= 0);
  const categoricalIdx = schema.map((f, j) => (f.type === 'categorical' ? j : -1)).filter((j) => j >= 0);
  const numeric = numericIdx.map((j) => numericSpace(schema[j], table.columns[j], rows));
  const p = numericIdx.length;
  const z = (a: number, i: number) => {
    const x = table.columns[numericIdx[a]][i];
    return numeric[a].log ? Math.log1p(x) : x;
  };
  const lambda = spec.generator.shrinkage;
  const classMoments = byClass.map((r) => moments(r, p, z));
  const pooled = new Array<number>(p * p).fill(0);
  const dof = Math.max(1, rows.length - byClass.filter((r) => r.length > 0).length);
  for (const m of classMoments) for (let q = 0; q < p * p; q++) pooled[q] += m.scatter[q] / dof;
  for (let a = 0; a < p; a++) numeric[a].sd = Math.sqrt(Math.max(pooled[a * p + a], 0));

  const components: GeneratorModel['components'] = [];
  byClass.forEach((classRows, c) => {
    if (classRows.length === 0) return;
    const classCov = shrunkCov(classMoments[c], pooled, lambda);
    // Group the class's rows by their combination of categorical values (in first-seen order, deterministic).
    const groups = new Map<string, number[]>();
    for (const i of classRows) {
      const key = categoricalIdx.map((j) => table.columns[j][i]).join(',');
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(i);
    }
    for (const [key, g] of [...groups.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
      const m = moments(g, p, z);
      const mean = m.mean.map((v, a) => (m.n * v + lambda * classMoments[c].mean[a]) / (m.n + lambda));
      const codes = key === '' ? [] : key.split(',').map(Number);
      components.push({
        classIndex: c,
        weight: g.length / classRows.length,
        categorical: codes.map((code, q) => schema[categoricalIdx[q]].categories![code].value),
        mean: p ? mean : [],
        chol: p ? cholesky(shrunkCov(m, classCov, lambda), p) : [],
      });
    }
  });
  return {
    classes: spec.label.classes.map((c) => c.value),
    prior,
    numeric,
    categoricalNames: categoricalIdx.map((j) => schema[j].name),
    components,
  };
}

function numericSpace(f: FeatureSchema, col: Float64Array, rows: number[]) {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let s1 = 0;
  for (const i of rows) {
    const x = col[i];
    if (x < min) min = x;
    if (x > max) max = x;
    s1 += x;
  }
  const m = s1 / rows.length;
  let s2 = 0;
  let s3 = 0;
  for (const i of rows) {
    const d = col[i] - m;
    s2 += d * d;
    s3 += d * d * d;
  }
  const sd = Math.sqrt(s2 / rows.length);
  const skew = sd > 0 ? s3 / rows.length / sd ** 3 : 0;
  // Right-skewed, non-negative quantities (sugar, chlorides, fare) are closer to normal on a log scale.
  const log = (f.range?.[0] ?? -1) >= 0 && min >= 0 && skew > 1;
  return { name: f.name, log, min, max, decimals: f.decimals ?? 6, sd: 0 };
}

/** Lower Cholesky factor of a symmetric matrix, adding jitter until it is positive definite. */
export function cholesky(a: readonly number[], p: number): number[] {
  const scale = Math.max(1e-12, ...Array.from({ length: p }, (_, i) => Math.abs(a[i * p + i])));
  for (let jitter = 0; jitter < 12; jitter++) {
    const eps = jitter === 0 ? 0 : scale * 1e-10 * 10 ** jitter;
    const l = new Array<number>(p * p).fill(0);
    let ok = true;
    for (let i = 0; i < p && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = a[i * p + j] + (i === j ? eps : 0);
        for (let q = 0; q < j; q++) s -= l[i * p + q] * l[j * p + q];
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          l[i * p + i] = Math.sqrt(s);
        } else l[i * p + j] = s / l[j * p + j];
      }
    }
    if (ok) return l;
  }
  throw new GeneratorError('covariance is not positive definite even with jitter');
}

/** 32-bit FNV-1a hash: seeds the generator by (dataset, date) so a day's rows are reproducible. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface GeneratedRow {
  values: Record<string, string>;
  label: string;
}

/**
 * Samples `count` rows. `driftDays` shifts every numeric mean by sdPerDay·driftDays pooled standard
 * deviations (0: no drift).
 */
export function sampleRows(model: GeneratorModel, count: number, seed: number, drift = 0): GeneratedRow[] {
  const rand = createRng(seed);
  const normal = () => {
    // Box–Muller; 1 - u keeps log away from 0.
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const pick = (probs: readonly number[]) => {
    let u = rand();
    for (let q = 0; q < probs.length - 1; q++) {
      if (u < probs[q]) return q;
      u -= probs[q];
    }
    return probs.length - 1;
  };
  const p = model.numeric.length;
  const byClass = model.classes.map((_, c) => model.components.filter((g) => g.classIndex === c));
  const out: GeneratedRow[] = [];
  for (let r = 0; r < count; r++) {
    const c = pick(model.prior);
    const g = byClass[c][pick(byClass[c].map((x) => x.weight))];
    const e = Array.from({ length: p }, normal);
    const values: Record<string, string> = {};
    for (let a = 0; a < p; a++) {
      let zv = g.mean[a] + drift * model.numeric[a].sd;
      for (let b = 0; b <= a; b++) zv += g.chol[a * p + b] * e[b];
      const f = model.numeric[a];
      let x = f.log ? Math.expm1(zv) : zv;
      x = Math.min(f.max, Math.max(f.min, x));
      values[f.name] = formatNumber(x, f.decimals);
    }
    model.categoricalNames.forEach((name, q) => {
      values[name] = g.categorical[q];
    });
    out.push({ values, label: model.classes[c] });
  }
  return out;
}
