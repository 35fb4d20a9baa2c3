// The daily feature pipeline's generator: synthetic rows from a model fitted to the real rows
// (backfill and ingest, never synthetic ones, so it does not feed on itself).
//   class prior          label frequencies
//   numeric features     class-conditional multivariate normal (Cholesky) in a per-feature space:
//                        skewed non-negative features are modelled as log1p(x); covariance of tiny
//                        classes is shrunk towards the pooled within-class covariance
//   categorical features class-conditional frequencies (with a small pseudo-count)
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
  /** Per class: mean vector and lower-triangular Cholesky factor (row-major) in model space. */
  gaussians: { mean: number[]; chol: number[] }[];
  categorical: { name: string; values: string[]; probs: number[][] }[];
}

const CATEGORY_PSEUDO_COUNT = 0.5;

export class GeneratorError extends Error {
  override name = 'GeneratorError';
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
  const numeric = numericIdx.map((j) => numericSpace(schema[j], table.columns[j], rows));
  const p = numericIdx.length;
  const z = (j: number, i: number) => {
    const x = table.columns[numericIdx[j]][i];
    return numeric[j].log ? Math.log1p(x) : x;
  };
  const means = byClass.map((r) => {
    const m = new Array<number>(p).fill(0);
    for (const i of r) for (let a = 0; a < p; a++) m[a] += z(a, i);
    return m.map((s) => (r.length ? s / r.length : 0));
  });
  const covs = byClass.map((r, c) => {
    const s = new Array<number>(p * p).fill(0);
    for (const i of r) {
      for (let a = 0; a < p; a++) {
        const da = z(a, i) - means[c][a];
        for (let b = 0; b <= a; b++) s[a * p + b] += da * (z(b, i) - means[c][b]);
      }
    }
    return s;
  });
  const pooled = new Array<number>(p * p).fill(0);
  const dof = Math.max(1, rows.length - byClass.filter((r) => r.length > 0).length);
  for (const s of covs) for (let q = 0; q < p * p; q++) pooled[q] += s[q] / dof;
  const lambda = spec.generator.shrinkage;
  const gaussians = byClass.map((r, c) => {
    const n = r.length;
    const cov = new Array<number>(p * p).fill(0);
    for (let a = 0; a < p; a++) {
      for (let b = 0; b <= a; b++) {
        // Shrinkage: (scatter + λ·pooled) / (n - 1 + λ) — a 5-row class leans on the pooled shape.
        const v = (covs[c][a * p + b] + lambda * pooled[a * p + b]) / (Math.max(0, n - 1) + lambda);
        cov[a * p + b] = v;
        cov[b * p + a] = v;
      }
    }
    return { mean: n ? means[c] : pooledMean(means, byClass), chol: cholesky(cov, p) };
  });
  for (let a = 0; a < p; a++) numeric[a].sd = Math.sqrt(Math.max(pooled[a * p + a], 0));

  const categorical = schema
    .map((f, j) => ({ f, j }))
    .filter(({ f }) => f.type === 'categorical')
    .map(({ f, j }) => {
      const values = (f.categories ?? []).map((c) => c.value);
      const probs = byClass.map((r) => {
        const counts = new Array<number>(values.length).fill(CATEGORY_PSEUDO_COUNT);
        for (const i of r) counts[table.columns[j][i]]++;
        const total = counts.reduce((s, x) => s + x, 0);
        return counts.map((x) => x / total);
      });
      return { name: f.name, values, probs };
    });
  return { classes: spec.label.classes.map((c) => c.value), prior, numeric, gaussians, categorical };
}

function pooledMean(means: number[][], byClass: number[][]): number[] {
  const n = byClass.reduce((s, r) => s + r.length, 0);
  return means[0].map((_, a) => means.reduce((s, m, c) => s + (m[a] * byClass[c].length) / n, 0));
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
  const out: GeneratedRow[] = [];
  for (let r = 0; r < count; r++) {
    const c = pick(model.prior);
    const g = model.gaussians[c];
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
    for (const cat of model.categorical) values[cat.name] = cat.values[pick(cat.probs[c])];
    out.push({ values, label: model.classes[c] });
  }
  return out;
}
