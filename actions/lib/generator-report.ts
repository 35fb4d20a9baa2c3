// How far generated rows are from real ones (`gitml generate --report`, `npm run bench`):
//   two-sample AUC   a random forest trained to tell real rows (0) from generated ones (1), 5-fold
//                    stratified, mean fold AUC: 0.5 = indistinguishable
//   per feature      KS statistic (numeric) / total variation distance (categorical) real vs generated
//   correlation      Frobenius norm and largest entry of the difference of the Pearson correlation
//                    matrices (categorical features as their codes)
//   TRTG             the spec's algorithm (default parameters) trained on the real training split, scored
//                    on the honest holdout (splitRows: no feature row on both sides) and on
//                    2,000 generated rows; mean over 5 seeded splits
// The generator is the one `generate` uses: fitted on every real labelled row. Platform-neutral.

import { ksTest } from './drift.js';
import type { FeatureTable } from './feature-table.js';
import { fitGenerator, type GeneratedRow, type GeneratorModel, sampleRows } from './generator.js';
import { createRng } from './models/random.js';
import { RandomForest } from './models/random-forest.js';
import { matrix } from './models/types.js';
import { type DatasetSpec, type FeatureSchema, featureSchema } from './spec.js';
import { contentKeys, stratifiedFolds } from './splits.js';
import {
  accuracyOn,
  candidatesOf,
  DEFAULT_TRAINING,
  describe,
  fitCandidate,
  splitRows,
  type TrainingData,
} from './training.js';

/** Generated rows the real-trained model is scored on (at least; more when the real sample is larger). */
const TRTG_ROWS = 2000;
const TRTG_SPLITS = 5;

export interface GeneratorReportOptions {
  /** Seed of the samples, the folds and the forests (default 42). */
  seed?: number;
  /** Real and generated rows compared: this many of each, or every real row if fewer (default 2,000). */
  sample?: number;
  /** Trees of the two-sample forest (default 100). */
  trees?: number;
  /** Folds of the two-sample test (default 5). */
  folds?: number;
  /** Seeded splits the accuracy comparison averages (default 5). */
  splits?: number;
}

export interface GeneratorReport {
  dataset: string;
  /** Real labelled rows the generator was fitted on. */
  realRows: number;
  /** Rows compared on each side. */
  sample: number;
  twoSample: { auc: number; foldAuc: number[]; folds: number; trees: number };
  features: { name: string; type: FeatureSchema['type']; statistic: number }[];
  correlation: { frobenius: number; maxAbs: number };
  trtg: {
    model: string;
    /** Mean accuracy on the honest holdouts: real rows no training row duplicates. */
    holdout: number;
    /** Mean honest holdout size. */
    holdoutRows: number;
    /** Accuracy of the same model on the generated rows. */
    generated: number;
    generatedRows: number;
    /** Seeded splits averaged (splitRows with seeds 42, 43, …): one small holdout is too noisy. */
    splits: number;
  };
}

export function generatorReport(
  spec: DatasetSpec,
  table: FeatureTable,
  isReal: (i: number) => boolean,
  opts: GeneratorReportOptions = {},
): GeneratorReport {
  const seed = opts.seed ?? 42;
  const trees = opts.trees ?? 100;
  const folds = opts.folds ?? 5;
  const schema = featureSchema(spec);
  const model = fitGenerator(spec, table, isReal);
  const real: number[] = [];
  for (let i = 0; i < table.rows; i++) if (isReal(i) && table.labels[i] >= 0) real.push(i);
  const n = Math.min(opts.sample ?? 2000, real.length);
  const realSample = shuffled(real, createRng(seed)).slice(0, n);
  // One seeded draw: its first n rows face the real sample, all of them (at least TRTG_ROWS) the model.
  const drawn = sampleRows(model, Math.max(n, TRTG_ROWS), seed);
  const generated = generatedTable(schema, model, drawn.slice(0, n));

  const realColumns = schema.map((_, j) => Float64Array.from(realSample, (i) => table.columns[j][i]));
  const twoSample = twoSampleAuc(realColumns, generated.columns, { seed, trees, folds });
  const features = schema.map((f, j) => ({
    name: f.name,
    type: f.type,
    statistic:
      f.type === 'numeric'
        ? ksTest(realColumns[j], generated.columns[j]).statistic
        : totalVariation(realColumns[j], generated.columns[j], f.categories!.length),
  }));
  const difference = correlationMatrix(realColumns).map(
    (r, q) => r - correlationMatrix(generated.columns)[q],
  );
  return {
    dataset: spec.name,
    realRows: real.length,
    sample: n,
    twoSample,
    features,
    correlation: {
      frobenius: Math.sqrt(difference.reduce((s, d) => s + d * d, 0)),
      maxAbs: difference.reduce((m, d) => Math.max(m, Math.abs(d)), 0),
    },
    trtg: trainOnRealTestOnGenerated(
      spec,
      schema,
      table,
      real,
      generatedTable(schema, model, drawn),
      opts.splits ?? TRTG_SPLITS,
    ),
  };
}

function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Generated rows as typed columns (category codes for categorical features), read back from their text. */
function generatedTable(
  schema: readonly FeatureSchema[],
  model: GeneratorModel,
  rows: readonly GeneratedRow[],
): { columns: Float64Array[]; labels: Int32Array } {
  const columns = schema.map((f) =>
    Float64Array.from(rows, (r) =>
      f.type === 'numeric'
        ? Number(r.values[f.name])
        : f.categories!.findIndex((c) => c.value === r.values[f.name]),
    ),
  );
  return { columns, labels: Int32Array.from(rows, (r) => model.classes.indexOf(r.label)) };
}

/** Classifier two-sample test: mean out-of-fold AUC of a forest telling real (0) from generated (1). */
export function twoSampleAuc(
  real: readonly Float64Array[],
  generated: readonly Float64Array[],
  opts: { seed: number; trees: number; folds: number },
): GeneratorReport['twoSample'] {
  const nr = real[0]?.length ?? 0;
  const n = nr + (generated[0]?.length ?? 0);
  const value = (j: number, i: number) => (i < nr ? real[j][i] : generated[j][i - nr]);
  const side = Int32Array.from({ length: n }, (_, i) => (i < nr ? 0 : 1));
  const all = Array.from({ length: n }, (_, i) => i);
  // A generated row identical to a real one stays in the real row's fold: no classifier can tell them apart.
  const combined = real.map((_, j) => Float64Array.from({ length: n }, (_, i) => value(j, i)));
  const foldRows = stratifiedFolds(side, contentKeys(combined, all, n), all, 2, opts.folds, opts.seed);
  const foldAuc = foldRows.map((test, f) => {
    const fit = foldRows.flatMap((rows, g) => (g === f ? [] : rows));
    const X = (rows: number[]) =>
      matrix(
        rows.length,
        real.length,
        Float64Array.from({ length: rows.length * real.length }, (_, q) =>
          value(Math.floor(q / rows.length), rows[q % rows.length]),
        ),
      );
    const forest = new RandomForest({ nTrees: opts.trees, seed: opts.seed + f }).fit(
      X(fit),
      Int32Array.from(fit, (i) => side[i]),
      2,
    );
    const proba = forest.predictProba(X(test));
    return rocAuc(
      Float64Array.from(test, (_, r) => proba[r * 2 + 1]),
      Int32Array.from(test, (i) => side[i]),
    );
  });
  return {
    auc: foldAuc.reduce((s, a) => s + a, 0) / foldAuc.length,
    foldAuc,
    folds: opts.folds,
    trees: opts.trees,
  };
}

/** Area under the ROC curve of `score` for positives (1) against negatives (0); tied scores count ½. */
export function rocAuc(score: ArrayLike<number>, positive: ArrayLike<number>): number {
  const order = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let rankSum = 0;
  let pos = 0;
  for (let s = 0; s < order.length; ) {
    let e = s + 1;
    while (e < order.length && score[order[e]] === score[order[s]]) e++;
    const midRank = (s + 1 + e) / 2;
    for (let r = s; r < e; r++) {
      if (positive[order[r]] === 1) {
        rankSum += midRank;
        pos++;
      }
    }
    s = e;
  }
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Half the L1 distance between the category shares of two code columns. */
function totalVariation(a: Float64Array, b: Float64Array, k: number): number {
  const share = (x: Float64Array) => {
    const counts = new Array<number>(k).fill(0);
    for (const v of x) counts[v]++;
    return counts.map((c) => c / Math.max(1, x.length));
  };
  const sa = share(a);
  const sb = share(b);
  return sa.reduce((s, v, c) => s + Math.abs(v - sb[c]), 0) / 2;
}

/** Pearson correlation matrix (row-major); a constant column correlates 0 with the others. */
export function correlationMatrix(columns: readonly Float64Array[]): number[] {
  const p = columns.length;
  const centred = columns.map((col) => {
    const mean = col.reduce((s, v) => s + v, 0) / Math.max(1, col.length);
    return col.map((v) => v - mean);
  });
  const norms = centred.map((c) => Math.sqrt(c.reduce((s, v) => s + v * v, 0)));
  const corr = new Array<number>(p * p).fill(0);
  for (let a = 0; a < p; a++) {
    corr[a * p + a] = 1;
    for (let b = 0; b < a; b++) {
      if (norms[a] === 0 || norms[b] === 0) continue;
      let dot = 0;
      for (let i = 0; i < centred[a].length; i++) dot += centred[a][i] * centred[b][i];
      corr[a * p + b] = corr[b * p + a] = dot / (norms[a] * norms[b]);
    }
  }
  return corr;
}

function trainOnRealTestOnGenerated(
  spec: DatasetSpec,
  schema: readonly FeatureSchema[],
  table: FeatureTable,
  real: number[],
  generated: { columns: Float64Array[]; labels: Int32Array },
  splits: number,
): GeneratorReport['trtg'] {
  const index = new Map(schema.map((f, j) => [f.name, j]));
  const label = { name: spec.label.name, title: spec.label.title, classes: spec.label.classes };
  const data: TrainingData = {
    dataset: spec.name,
    schema,
    label,
    get: (name) => table.columns[index.get(name)!],
    labels: table.labels,
    eventTimes: table.eventTimes,
    ids: table.ids,
    rows: real,
  };
  const config = { ...DEFAULT_TRAINING, algorithm: spec.model.algorithm, selection: [0] };
  const candidate = candidatesOf(config)[0];
  const generatedData: TrainingData = {
    ...data,
    get: (name) => generated.columns[index.get(name)!],
    labels: generated.labels,
    eventTimes: new Float64Array(generated.labels.length),
    ids: undefined,
    rows: Array.from({ length: generated.labels.length }, (_, i) => i),
  };
  const out = { holdout: 0, holdoutRows: 0, generated: 0 };
  for (let s = 0; s < splits; s++) {
    // splitRows keeps rows with identical features on one side, so the holdout measures skill, not memory.
    const { train, test } = splitRows(data, config, config.seed + s);
    const fitted = fitCandidate(data, candidate, train);
    out.holdout += accuracyOn(fitted, data, test) / splits;
    out.holdoutRows += test.length / splits;
    out.generated += accuracyOn(fitted, generatedData, generatedData.rows) / splits;
  }
  return { model: describe(candidate), splits: splits, generatedRows: generated.labels.length, ...out };
}
