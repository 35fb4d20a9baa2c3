// The generator's sampler: rows drawn from a fitted model (fit.ts) by a seeded stream, each from a
// random anchor moved by correlated noise, optionally drifted; seedOf makes a day's rows reproducible.
// Pure: no I/O.

import { formatNumber } from '../../core/json.js';
import { normalCdf, normalQuantile } from '../../core/normal.js';
import { createRng } from '../../models/random.js';
import { quantileIndex, quantileOf, scoreOf } from './marginals.js';
import type { GeneratorModel } from './model.js';

/**
 * Kernel bandwidth in normal-score space (0: replay the anchor, 1: a plain Gaussian copula). Chosen on the
 * bundled datasets: two-sample AUC ≤ 0.60 needs ≤ 0.5 (wine), and smaller values only copy more.
 */
export const BANDWIDTH = 0.45;
/** Chance that a generated row keeps its anchor's class; otherwise a neighbour's class is drawn. */
export const OWN_LABEL = 0.55;

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
 * Samples `count` rows. `drift` shifts every numeric feature by drift pooled within-class standard
 * deviations (0: no drift), inside the spec's range; filled-in values keep the fill value. A regression
 * label is not shifted itself: it follows the drifted features through the copula.
 */
export function sampleRows(model: GeneratorModel, count: number, seed: number, drift = 0): GeneratedRow[] {
  const rand = createRng(seed);
  const normal = () => {
    // Box–Muller; 1 - u keeps log away from 0.
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const p = model.copula.length;
  // By prior, not classes: a regression model has one class of all rows and no class names.
  const byClass = model.prior.map((_, c) => model.components.filter((g) => g.classIndex === c));
  const classes = model.prior.map((w, c) => (byClass[c].length ? w : 0));
  const out: GeneratedRow[] = [];
  for (let r = 0; r < count; r++) {
    const c = pick(classes, rand());
    const g =
      byClass[c][
        pick(
          byClass[c].map((x) => x.weight),
          rand(),
        )
      ];
    const anchor = Math.floor(rand() * g.anchors.length);
    const e = Array.from({ length: p }, normal);
    const values: Record<string, string> = {};
    // Regression: the label's score, moved by the drifted features' change of score times its slope.
    let labelScore = 0;
    for (let a = 0; a < p; a++) {
      let z = 0;
      for (let b = 0; b <= a; b++) z += g.chol[a * p + b] * e[b];
      const f = model.copula[a];
      if (f.role === 'label') {
        // A label of few values (grades) has one score per value, of variance well below 1, so the
        // kernel would pile draws onto the middle grades and weaken its ties to the features: the
        // anchor's latent score is drawn instead, given its features, within its value's CDF share.
        const own = latentScore(g, g.anchors[anchor], rand());
        labelScore += Math.sqrt(1 - BANDWIDTH ** 2) * own + BANDWIDTH * z;
        continue;
      }
      // Variance-preserving: the scores stay standard normal, so the marginals stay the real ones.
      z = Math.sqrt(1 - BANDWIDTH ** 2) * g.anchors[anchor][a] + BANDWIDTH * z;
      // Φ(z) < 1 always holds for the quantile; the min guards the last float below 1.
      let x = quantileOf(g.marginals[a], Math.min(normalCdf(z), 1 - 2 ** -53));
      if (f.type === 'categorical') {
        values[f.name] = f.categories![x];
        continue;
      }
      if (drift !== 0 && !g.filled[a]) {
        const before = x;
        x += drift * f.sd;
        if (f.range) x = Math.min(f.range[1], Math.max(f.range[0], x));
        if (g.labelSlope && g.labelSlope[a] !== 0)
          labelScore += g.labelSlope[a] * (scoreOf(g.marginals[a], x) - scoreOf(g.marginals[a], before));
      }
      values[f.name] = formatNumber(x, f.decimals);
    }
    model.categoricalNames.forEach((name, q) => {
      values[name] = g.categorical[q];
    });
    if (g.labelSlope) {
      const f = model.copula[p - 1];
      const y = quantileOf(g.marginals[p - 1], Math.min(normalCdf(labelScore), 1 - 2 ** -53));
      out.push({ values, label: formatNumber(onGrid(y, f.decimals, f.range), f.decimals) });
      continue;
    }
    const label = rand() < OWN_LABEL ? c : drawFromCdf(g.labelCdf(anchor), rand());
    out.push({ values, label: model.classes[label] });
  }
  return out;
}

/**
 * x rounded to `decimals` and kept inside `range` on that grid (a bound off the grid gives the nearest
 * grid value inside it).
 */
export function onGrid(x: number, decimals: number, range?: readonly [number, number]): number {
  const scale = 10 ** decimals;
  let v = Number(x.toFixed(decimals));
  if (range && v > range[1]) v = Math.floor(Number((range[1] * scale).toFixed(6))) / scale;
  if (range && v < range[0]) v = Math.ceil(Number((range[0] * scale).toFixed(6))) / scale;
  return v;
}

/** Index drawn from weights (summing to 1) by the uniform u; never one of weight 0. */
function pick(weights: readonly number[], u: number): number {
  let last = 0;
  for (let q = 0; q < weights.length; q++) {
    if (weights[q] <= 0) continue;
    if (u < weights[q]) return q;
    u -= weights[q];
    last = q;
  }
  return last;
}

function drawFromCdf(cdf: readonly number[], u: number): number {
  for (let q = 0; q < cdf.length; q++) if (u < cdf[q]) return q;
  return cdf.length - 1;
}

/**
 * A regression anchor's latent label score, drawn by the uniform u: normal with the mean and spread the
 * component's correlation gives it from the anchor's other scores, truncated to the CDF share of the
 * anchor's label value (from the rows below it to the rows at or below it). Over the anchors these are
 * standard normal and correlate with the features as the latent correlation says.
 */
function latentScore(g: GeneratorModel['components'][number], anchor: readonly number[], u: number): number {
  const q = anchor.length - 1;
  const m = g.marginals[q];
  const n = m.cumulative[m.cumulative.length - 1];
  const at = quantileIndex(m, normalCdf(anchor[q]));
  const lo = normalQuantile((at > 0 ? m.cumulative[at - 1] : 0) / n);
  const hi = normalQuantile(m.cumulative[at] / n);
  let mean = 0;
  for (let j = 0; j < q; j++) mean += g.labelSlope![j] * anchor[j];
  const sd = g.labelResidualSd!;
  if (!(sd > 0)) return Math.min(hi, Math.max(lo, mean));
  const pLo = normalCdf((lo - mean) / sd);
  const pHi = normalCdf((hi - mean) / sd);
  const z = mean + sd * normalQuantile(Math.min(1 - 2 ** -53, Math.max(2 ** -53, pLo + u * (pHi - pLo))));
  // Far in a tail the two probabilities round together: keep the draw inside the value's share.
  return Math.min(hi, Math.max(lo, z));
}
