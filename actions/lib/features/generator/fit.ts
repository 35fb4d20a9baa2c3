// The daily feature pipeline's generator: synthetic rows from a model fitted to the real rows
// (backfill and ingest, never synthetic ones, so it does not feed on itself). The model is fitted at
// generate time from the stored rows; nothing of it is persisted, so every feature group generates.
//   components   one per (class, combination of conditioned categorical values), weighted by frequency:
//                was-missing flags always (a flagged row holds exactly the fill value), other categorical
//                features while the components stay large (wine type; sparse ones would replay rows)
//   copula       per component, a Gaussian copula over the numeric features and the categorical features
//                not conditioned on: empirical quantile marginals that return real values (the real grid,
//                no mass at a clip bound), correlation of the rows' normal scores, shrunk towards the
//                class's and the class's towards the pooled one for small groups
//   kernel       a row starts at a random real row of the component (its anchor) in normal-score space
//                and moves by correlated noise of bandwidth BANDWIDTH, so the joint shape (wine density
//                against sugar and alcohol) survives where one Gaussian copula would blur it
//   label        the anchor's class with probability OWN_LABEL, otherwise the class of one of the
//                anchor's nearest real rows: generated rows are as ambiguous as real ones, not easier
//                for a model that memorised the anchors
//   regression   a numeric label is not conditioned on: all rows form one class, and the label is one more
//                copula column (its own empirical marginal, its normal-score correlation with every
//                feature), so the kernel moves it together with the features; written on the label's
//                decimals grid inside its range. A label of few values (grades 3–9) is read as a
//                rounded latent normal score: its correlations are scaled up to the latent ones, and an
//                anchor's label score is drawn given its features inside its grade's CDF share — with
//                the grade's one shared score the kernel would narrow the grades' spread (sd 0.81 for
//                0.86 on wine) and weaken their ties to the features (alcohol r 0.40 for 0.45). Under
//                drift the label follows the drifted features through the copula: its score moves by
//                the regression of its score on theirs
// Values are written with the spec's decimals. Pure: no I/O.

import { GitmlError } from '../../core/gitml-error.js';
import { formatNumber } from '../../core/json.js';
import { normalCdf, normalQuantile } from '../../core/normal.js';
import { createRng } from '../../models/random.js';
import type { DatasetSpec } from '../../spec/spec.js';
import { featureSchema, taskOf } from '../../spec/spec.js';
import type { FeatureTable } from '../feature-table.js';

/**
 * An empirical distribution: the distinct values in increasing order and, for each, how many rows hold a
 * value ≤ it. Quantile u ∈ [0, 1) is the first value whose count exceeds u·n.
 */
export interface Marginal {
  values: number[];
  cumulative: number[];
}

export interface GeneratorModel {
  /** Classification: the classes. Regression: empty (the label is the copula's last column). */
  classes: string[];
  /** Share of each class's rows; regression: [1], one class of all rows. */
  prior: number[];
  /**
   * The copula's columns: every numeric feature, then the categorical features not conditioned on (their
   * category codes in spec order, as an ordinal latent variable), then, for regression, the label.
   */
  copula: {
    name: string;
    type: 'numeric' | 'categorical';
    /** The regression label's column (always the last): written as the row's label, never drifted. */
    role?: 'label';
    decimals: number;
    /** Pooled within-class standard deviation: the unit of drift (numeric only). */
    sd: number;
    /** The spec's valid range: drifted values are kept inside it. */
    range?: [number, number];
    /** Categorical: the category values, by code. */
    categories?: string[];
  }[];
  /** The categorical features each component fixes (was-missing flags first). */
  categoricalNames: string[];
  /** Mixture components: one per (class, observed combination of the conditioned categorical values). */
  components: {
    classIndex: number;
    /** Share of the class's rows. */
    weight: number;
    categorical: string[];
    /** One marginal per copula column, from the component's rows. */
    marginals: Marginal[];
    /** Lower Cholesky factor (row-major) of the normal-score correlation of the copula columns. */
    chol: number[];
    /**
     * Per copula column: its value was filled in (the component's was-missing flag is set), so it keeps
     * the fill value under drift too.
     */
    filled: boolean[];
    /** Normal scores (one per copula column) of the component's anchor rows. */
    anchors: number[][];
    /**
     * Per anchor: cumulative class probabilities over the anchor's nearest real rows (regression: none).
     * Computed on first use: a day's few rows draw a neighbour's class for a few anchors, and the search
     * costs O(anchors × candidates) — most of a fit when done for every anchor.
     */
    labelCdf: (anchor: number) => number[];
    /**
     * Regression: coefficients of the label's normal score on the other copula columns' scores (from the
     * component's correlation), so a drifted feature moves the label as the copula says.
     */
    labelSlope?: number[];
    /** Regression: standard deviation of the label's score given the other columns' scores. */
    labelResidualSd?: number;
  }[];
}

export class GeneratorError extends GitmlError {
  override name = 'GeneratorError';
}

/** The missing-flag category that means "the value was missing" (featureSchema writes '0' and '1'). */
const WAS_MISSING = '1';
/**
 * A categorical feature is conditioned on (splits the components) only while at least this share of the
 * rows stay in components of at least MIN_COMPONENT_ROWS rows; the others join the copula. Conditioning
 * keeps a categorical's exact joint with everything (wine type), but tiny components would replay their
 * few rows' values, and a model that memorised those rows would find the generated rows too easy.
 */
const MIN_COMPONENT_ROWS = 30;
const MIN_SHARE_IN_LARGE = 0.9;
/**
 * Kernel bandwidth in normal-score space (0: replay the anchor, 1: a plain Gaussian copula). Chosen on the
 * bundled datasets: two-sample AUC ≤ 0.60 needs ≤ 0.5 (wine), and smaller values only copy more.
 */
export const BANDWIDTH = 0.45;
/** Chance that a generated row keeps its anchor's class; otherwise a neighbour's class is drawn. */
export const OWN_LABEL = 0.55;
/** Most anchors (and neighbour candidates) a generator keeps: fitting is O(anchors × candidates). */
const MAX_ANCHORS = 20_000;
const MAX_NEIGHBOUR_CANDIDATES = 2000;

export function fitGenerator(
  spec: DatasetSpec,
  table: FeatureTable,
  isReal: (i: number) => boolean,
): GeneratorModel {
  const schema = featureSchema(spec);
  const regression = taskOf(spec.label) === 'regression';
  // Regression: one class holding every labelled row (labels are 0 there), the label a copula column.
  const k = regression ? 1 : spec.label.classes.length;
  const rows: number[] = [];
  for (let i = 0; i < table.rows; i++) if (isReal(i) && table.labels[i] >= 0) rows.push(i);
  if (rows.length < 2)
    throw new GeneratorError(
      `generator for '${spec.name}': needs at least 2 labelled real rows, found ${rows.length}`,
    );
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (const i of rows) byClass[regression ? 0 : table.labels[i]].push(i);
  const fit: Fit = { spec, schema, table, rows, byClass, regression, k, conditioned: [] };
  fit.conditioned = conditionedColumns(fit);
  const { copula, columns, flagOf } = copulaColumns(fit);
  return {
    classes: regression ? [] : spec.label.classes.map((c) => c.value),
    prior: byClass.map((r) => r.length / rows.length),
    copula,
    categoricalNames: fit.conditioned.map((j) => schema[j].name),
    components: fitComponents(fit, columns, flagOf),
  };
}

/** What every step of a fit reads: the spec, the real labelled rows (in table order) and their classes. */
interface Fit {
  spec: DatasetSpec;
  schema: ReturnType<typeof featureSchema>;
  table: FeatureTable;
  rows: number[];
  byClass: number[][];
  regression: boolean;
  k: number;
  /** The categorical features (schema positions) that split the components, was-missing flags first. */
  conditioned: number[];
}

/**
 * The categorical features the components are split by: was-missing flags always (a flagged row's value
 * is the fill value, exactly), others while the components stay large (MIN_SHARE_IN_LARGE).
 */
function conditionedColumns({ spec, schema, table, byClass }: Fit): number[] {
  const flags = new Set(spec.features.flatMap((f) => (f.missingFlag ? [f.missingFlag] : [])));
  const categorical = schema.map((f, j) => (f.type === 'categorical' ? j : -1)).filter((j) => j >= 0);
  const conditioned = categorical.filter((j) => flags.has(schema[j].name));
  for (const j of categorical) {
    if (flags.has(schema[j].name)) continue;
    if (shareInLargeComponents(byClass, table, [...conditioned, j]) >= MIN_SHARE_IN_LARGE)
      conditioned.push(j);
  }
  return conditioned;
}

/**
 * The copula's columns (numeric features, the categorical ones not conditioned on, the regression label),
 * their values and, per column, the conditioned categorical (by position) that flags it as filled in (-1).
 */
function copulaColumns(fit: Fit): {
  copula: GeneratorModel['copula'];
  columns: ArrayLike<number>[];
  flagOf: number[];
} {
  const { spec, schema, table, byClass, conditioned } = fit;
  const copulaIdx = [
    ...schema.map((f, j) => (f.type === 'numeric' ? j : -1)).filter((j) => j >= 0),
    ...schema
      .map((f, j) => (f.type === 'categorical' && !conditioned.includes(j) ? j : -1))
      .filter((j) => j >= 0),
  ];
  const columns: ArrayLike<number>[] = copulaIdx.map((j) => table.columns[j]);
  const flagOf = copulaIdx.map((j) => {
    const flag = spec.features.find((f) => f.name === schema[j].name)?.missingFlag;
    return flag === undefined ? -1 : conditioned.findIndex((c) => schema[c].name === flag);
  });
  const copula: GeneratorModel['copula'] = copulaIdx.map((j, a) => {
    const f = schema[j];
    return f.type === 'numeric'
      ? {
          name: f.name,
          type: f.type,
          decimals: f.decimals ?? 6,
          sd: pooledSd(columns[a], byClass),
          ...(f.range ? { range: f.range } : {}),
        }
      : { name: f.name, type: f.type, decimals: 0, sd: 0, categories: f.categories!.map((c) => c.value) };
  });
  if (fit.regression) {
    const label = spec.label;
    columns.push(table.targets);
    flagOf.push(-1);
    copula.push({
      name: label.name,
      type: 'numeric',
      role: 'label',
      decimals: label.decimals ?? 6,
      sd: pooledSd(table.targets, byClass),
      ...(label.range ? { range: label.range } : {}),
    });
  }
  return { copula, columns, flagOf };
}

/**
 * One component per (class, observed combination of the conditioned values), in key order: its
 * marginals, the shrunk correlation's Cholesky factor, its anchors and their label CDFs.
 */
function fitComponents(
  fit: Fit,
  columns: readonly ArrayLike<number>[],
  flagOf: readonly number[],
): GeneratorModel['components'] {
  const { spec, schema, table, rows, byClass, regression, k, conditioned } = fit;
  const p = columns.length;
  const lambda = spec.generator.shrinkage;
  // Normal scores of each class's rows, reused by a class of one component (same rows, same order).
  const classScores = byClass.map((r) => columns.map((col) => normalScores(col, r)));
  const classCorr = byClass.map((r, c) => scoreCorrelation(classScores[c], r.length));
  const pooled = poolCorrelations(
    classCorr,
    byClass.map((r) => r.length),
    p,
  );
  const anchorPosition = anchorPositionsOf(rows, table.rows);
  // Regression draws no neighbour's label: the label moves with the kernel like any copula column.
  const neighbours = regression
    ? null
    : new NeighbourLabels(
        schema.map((_, j) => table.columns[j]),
        table.labels,
        rows,
        k,
      );
  const components: GeneratorModel['components'] = [];
  byClass.forEach((classRows, c) => {
    if (classRows.length === 0) return;
    const classTarget = shrink(classCorr[c], classRows.length, pooled, lambda);
    const groups = groupBy(classRows, table, conditioned);
    for (const [key, g] of [...groups.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
      const codes = key === '' ? [] : key.split(',').map(Number);
      const values = codes.map((code, q) => schema[conditioned[q]].categories![code].value);
      // groupBy splits the class's rows in order: a group as large as the class is the class.
      const scores =
        g.length === classRows.length ? classScores[c] : columns.map((col) => normalScores(col, g));
      const shrunk = shrink(scoreCorrelation(scores, g.length), g.length, classTarget, lambda);
      const corr = regression ? latentLabelCorrelation(shrunk, p, scores[p - 1]) : shrunk;
      // Anchors: every row, or an even subset of a huge group.
      const anchorPositions = g.map((_, r) => r).filter((r) => anchorPosition[g[r]] >= 0);
      if (anchorPositions.length === 0) anchorPositions.push(0);
      const chol = p ? cholesky(corr, p) : [];
      components.push({
        classIndex: c,
        weight: g.length / classRows.length,
        categorical: values,
        marginals: columns.map((col) => marginalOf(col, g)),
        chol,
        filled: flagOf.map((q) => q >= 0 && values[q] === WAS_MISSING),
        anchors: anchorPositions.map((r) => scores.map((s) => s[r])),
        labelCdf: labelCdfOf(
          neighbours,
          anchorPositions.map((r) => anchorPosition[g[r]]),
          k,
          c,
        ),
        ...(regression ? { labelSlope: lastOnOthers(chol, p), labelResidualSd: chol[p * p - 1] } : {}),
      });
    }
  });
  return components;
}

/** Table row → its position in `rows` when it is an anchor (every row, or an even subset), else -1. */
function anchorPositionsOf(rows: readonly number[], tableRows: number): Int32Array {
  const anchorStride = Math.ceil(rows.length / MAX_ANCHORS);
  const anchorPosition = new Int32Array(tableRows).fill(-1);
  rows.forEach((i, r) => {
    if (r % anchorStride === 0) anchorPosition[i] = r;
  });
  return anchorPosition;
}

/**
 * The correlation with the label's correlations (last row and column) read as those of a latent normal
 * score: a label of few values (grades) has one score per value, whose standard deviation s is below 1,
 * and a feature related to the latent score by r correlates about r·s with it, so the observed ones are
 * divided by s. Where that is not a correlation matrix (positive definite), the division is weakened
 * (s^t, t = 0.75, 0.5, …) until it is; t = 0 is the observed matrix.
 */
function latentLabelCorrelation(corr: readonly number[], p: number, labelScores: Float64Array): number[] {
  const n = labelScores.length;
  const spread = Math.sqrt(labelScores.reduce((sum, z) => sum + z * z, 0) / Math.max(1, n));
  if (!(spread > 0 && spread < 1)) return [...corr];
  for (const t of [1, 0.75, 0.5, 0.25]) {
    const latent = [...corr];
    for (let j = 0; j < p - 1; j++) {
      const r = Math.max(-0.99, Math.min(0.99, corr[j * p + p - 1] / spread ** t));
      latent[j * p + p - 1] = latent[(p - 1) * p + j] = r;
    }
    if (choleskyWith(latent, p, 0)) return latent;
  }
  return [...corr];
}

/**
 * The coefficients β of the last variable on the others for the correlation C = L·Lᵀ: C_xx·β = C_xy, and
 * with L's leading block L_xx and last row l, C_xy = L_xx·l, so β solves L_xxᵀ·β = l (back substitution).
 */
function lastOnOthers(chol: readonly number[], p: number): number[] {
  const q = p - 1;
  const beta = new Array<number>(Math.max(0, q)).fill(0);
  for (let i = q - 1; i >= 0; i--) {
    let s = chol[q * p + i];
    for (let j = i + 1; j < q; j++) s -= chol[j * p + i] * beta[j];
    beta[i] = s / chol[i * p + i];
  }
  return beta;
}

/** Cumulative probabilities that put all mass on class c. */
function ownClass(k: number, c: number): number[] {
  return Array.from({ length: k }, (_, q) => (q >= c ? 1 : 0));
}

/**
 * An anchor's label CDF by its index in the component, memoised: its neighbours' classes (by its position
 * in the fit's rows), or all mass on the component's class for a component without anchor rows (-1).
 */
function labelCdfOf(
  neighbours: NeighbourLabels | null,
  positions: readonly number[],
  k: number,
  c: number,
): (anchor: number) => number[] {
  const memo = new Map<number, number[]>();
  return (anchor) => {
    let cdf = memo.get(anchor);
    if (cdf === undefined) {
      const r = positions[anchor];
      cdf = neighbours && r >= 0 ? neighbours.cdf(r) : ownClass(k, c);
      memo.set(anchor, cdf);
    }
    return cdf;
  };
}

/**
 * For an anchor row, the cumulative class shares among its K nearest real rows (itself excluded) in the
 * normal scores of all features, K = √n / 2 within [5, 50]; candidates are an even subset of at most
 * MAX_NEIGHBOUR_CANDIDATES rows. The scores are computed on the first request.
 */
class NeighbourLabels {
  private scores: Float64Array | null = null;
  private readonly candidates: number[] = [];
  private readonly K: number;

  constructor(
    private readonly columns: readonly ArrayLike<number>[],
    private readonly labels: ArrayLike<number>,
    private readonly rows: readonly number[],
    private readonly k: number,
  ) {
    const stride = Math.ceil(rows.length / MAX_NEIGHBOUR_CANDIDATES);
    for (let r = 0; r < rows.length; r += stride) this.candidates.push(r);
    this.K = Math.min(
      Math.max(5, Math.min(50, Math.round(Math.sqrt(rows.length) / 2))),
      this.candidates.length - 1,
    );
  }

  /** Row-major scores: the distance loop reads one row's p scores together. */
  private scoresOnce(): Float64Array {
    if (this.scores) return this.scores;
    const p = this.columns.length;
    const scores = new Float64Array(this.rows.length * p);
    this.columns.forEach((col, a) => {
      normalScores(col, this.rows).forEach((z, r) => {
        scores[r * p + a] = z;
      });
    });
    this.scores = scores;
    return scores;
  }

  /** The CDF of the row at position r of the fit's rows. */
  cdf(r: number): number[] {
    const { labels, rows, k, K } = this;
    const scores = this.scoresOnce();
    const p = this.columns.length;
    const bestD = new Float64Array(Math.max(K, 0));
    const bestL = new Int32Array(Math.max(K, 0));
    let found = 0;
    let worst = Number.POSITIVE_INFINITY;
    const base = r * p;
    for (const s of this.candidates) {
      if (s === r) continue;
      let d = 0;
      const other = s * p;
      // Stop summing once the distance cannot make the list.
      for (let a = 0; a < p && d < worst; a++) {
        const diff = scores[base + a] - scores[other + a];
        d += diff * diff;
      }
      if (d >= worst) continue;
      let q = found < K ? found++ : K - 1;
      for (; q > 0 && bestD[q - 1] > d; q--) {
        bestD[q] = bestD[q - 1];
        bestL[q] = bestL[q - 1];
      }
      bestD[q] = d;
      bestL[q] = labels[rows[s]];
      if (found === K) worst = bestD[K - 1];
    }
    if (found === 0) return ownClass(k, labels[rows[r]]);
    const counts = new Array<number>(k).fill(0);
    for (let q = 0; q < found; q++) counts[bestL[q]]++;
    let sum = 0;
    return counts.map((c) => {
      sum += c / found;
      return sum;
    });
  }
}

/** The class's rows by their combination of values of the `by` columns (keys: codes joined by commas). */
function groupBy(
  classRows: readonly number[],
  table: FeatureTable,
  by: readonly number[],
): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const i of classRows) {
    const key = by.map((j) => table.columns[j][i]).join(',');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  return groups;
}

function shareInLargeComponents(
  byClass: readonly number[][],
  table: FeatureTable,
  by: readonly number[],
): number {
  let large = 0;
  let all = 0;
  for (const classRows of byClass) {
    for (const g of groupBy(classRows, table, by).values()) {
      all += g.length;
      if (g.length >= MIN_COMPONENT_ROWS) large += g.length;
    }
  }
  return all ? large / all : 0;
}

/** The column's values at `rows`, in a new array (a plain loop: Float64Array.from with a map is slow). */
function valuesOf(col: ArrayLike<number>, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = col[rows[r]];
  return out;
}

export function marginalOf(col: ArrayLike<number>, rows: readonly number[]): Marginal {
  const sorted = valuesOf(col, rows).sort();
  const values: number[] = [];
  const cumulative: number[] = [];
  for (let r = 0; r < sorted.length; r++) {
    if (r > 0 && sorted[r] === sorted[r - 1]) cumulative[cumulative.length - 1] = r + 1;
    else {
      values.push(sorted[r]);
      cumulative.push(r + 1);
    }
  }
  return { values, cumulative };
}

/** The value at quantile u ∈ [0, 1): binary search for the first cumulative count above u·n. */
export function quantileOf(m: Marginal, u: number): number {
  return m.values[quantileIndex(m, u)];
}

/** The index of quantileOf's value. */
function quantileIndex(m: Marginal, u: number): number {
  const target = u * m.cumulative[m.cumulative.length - 1];
  let lo = 0;
  let hi = m.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The normal score of value x under a marginal: Φ⁻¹ of the centre of its share of the empirical CDF, as
 * normalScores gives a real value; a value between or beyond the real ones gets the share below it, kept
 * half a row inside either end.
 */
export function scoreOf(m: Marginal, x: number): number {
  const n = m.cumulative[m.cumulative.length - 1];
  // First distinct value ≥ x, and first one > x.
  let lo = 0;
  let hi = m.values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  const below = lo > 0 ? m.cumulative[lo - 1] : 0;
  const atOrBelow = lo < m.values.length && m.values[lo] === x ? m.cumulative[lo] : below;
  const u = Math.min(1 - 0.5 / n, Math.max(0.5 / n, (below + atOrBelow) / (2 * n)));
  return normalQuantile(u);
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

/**
 * Normal scores of one column over `rows`: Φ⁻¹ of the centre of each value's share of the empirical CDF
 * (tied values share one score), the inverse of what quantileOf does when sampling. A value's score
 * depends only on where its run of ties starts and ends in sorted order, so the values are sorted as
 * numbers (no index order) and each row finds its run by binary search.
 */
function normalScores(col: ArrayLike<number>, rows: readonly number[]): Float64Array {
  const n = rows.length;
  const sorted = valuesOf(col, rows);
  // NaN has no place in a numeric order: the comparison sort keeps the old behaviour for it.
  for (let r = 0; r < n; r++) if (Number.isNaN(sorted[r])) return normalScoresByComparison(col, rows);
  sorted.sort();
  const distinct = new Float64Array(n);
  const score = new Float64Array(n);
  let m = 0;
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && sorted[e] === sorted[s]) e++;
    distinct[m] = sorted[s];
    score[m++] = normalQuantile((s + e) / (2 * n));
    s = e;
  }
  const scores = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const x = col[rows[r]];
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (distinct[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    scores[r] = score[lo];
  }
  return scores;
}

function normalScoresByComparison(col: ArrayLike<number>, rows: readonly number[]): Float64Array {
  const n = rows.length;
  const order = rows.map((_, r) => r).sort((a, b) => col[rows[a]] - col[rows[b]] || a - b);
  const scores = new Float64Array(n);
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && col[rows[order[e]]] === col[rows[order[s]]]) e++;
    const z = normalQuantile((s + e) / (2 * n));
    for (let r = s; r < e; r++) scores[order[r]] = z;
    s = e;
  }
  return scores;
}

/**
 * Pearson correlation of n rows' normal scores, one array per column (p×p, row-major); a constant column
 * correlates with nothing.
 */
function scoreCorrelation(scores: readonly Float64Array[], n: number): number[] {
  const p = scores.length;
  const corr = new Array<number>(p * p).fill(0);
  for (let a = 0; a < p; a++) corr[a * p + a] = 1;
  if (n < 2) return corr;
  const norms = scores.map((s) => Math.sqrt(s.reduce((acc, z) => acc + z * z, 0)));
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < a; b++) {
      if (norms[a] === 0 || norms[b] === 0) continue;
      let dot = 0;
      for (let r = 0; r < n; r++) dot += scores[a][r] * scores[b][r];
      // Scores are centred by construction (symmetric around 0), so this is the correlation.
      corr[a * p + b] = corr[b * p + a] = dot / (norms[a] * norms[b]);
    }
  }
  return corr;
}

function poolCorrelations(corrs: readonly number[][], counts: readonly number[], p: number): number[] {
  const pooled = new Array<number>(p * p).fill(0);
  let total = 0;
  corrs.forEach((corr, c) => {
    const w = Math.max(0, counts[c] - 1);
    total += w;
    for (let q = 0; q < p * p; q++) pooled[q] += w * corr[q];
  });
  return total > 0 ? pooled.map((v) => v / total) : corrs[0].map((_, q) => (q % (p + 1) === 0 ? 1 : 0));
}

/** (n·own + λ·target) / (n + λ): a small group leans on the target correlation. */
function shrink(own: readonly number[], n: number, target: readonly number[], lambda: number): number[] {
  return own.map((v, q) => (n * v + lambda * target[q]) / (n + lambda));
}

function pooledSd(col: ArrayLike<number>, byClass: readonly number[][]): number {
  let scatter = 0;
  let dof = 0;
  for (const rows of byClass) {
    if (rows.length === 0) continue;
    let mean = 0;
    for (const i of rows) mean += col[i];
    mean /= rows.length;
    for (const i of rows) scatter += (col[i] - mean) ** 2;
    dof += rows.length - 1;
  }
  return dof > 0 ? Math.sqrt(scatter / dof) : 0;
}

/** Lower Cholesky factor of a symmetric matrix, adding jitter until it is positive definite. */
export function cholesky(a: readonly number[], p: number): number[] {
  const scale = Math.max(1e-12, ...Array.from({ length: p }, (_, i) => Math.abs(a[i * p + i])));
  for (let jitter = 0; jitter < 12; jitter++) {
    const l = choleskyWith(a, p, jitter === 0 ? 0 : scale * 1e-10 * 10 ** jitter);
    if (l) return l;
  }
  throw new GeneratorError('covariance is not positive definite even with jitter');
}

/** Lower Cholesky factor of a + eps·I, or null when that is not positive definite. */
function choleskyWith(a: readonly number[], p: number, eps: number): number[] | null {
  const l = new Array<number>(p * p).fill(0);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j] + (i === j ? eps : 0);
      for (let q = 0; q < j; q++) s -= l[i * p + q] * l[j * p + q];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * p + i] = Math.sqrt(s);
      } else l[i * p + j] = s / l[j * p + j];
    }
  }
  return l;
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
