// Model selection and fitting on typed columns: seeded holdout split, k-fold cross-validation over
// algorithms × hyper-parameters × feature selection on the training split, final fit, holdout metrics.
// Platform-neutral (the benchmark and the browser could run it too).
import { applyFeatureView, type ColumnGetter, fitFeatureView } from './feature-view.js';
import { classificationMetrics, type Metrics } from './metrics.js';
import { ALGORITHMS, algorithm as algorithmByName, type Params } from './models/algorithms.js';
import type { Classifier } from './models/types.js';
import { ServingModel } from './serving-model.js';
import type { Category, FeatureSchema } from './spec.js';
import {
  contentKeys,
  duplicateRows,
  hashSplit,
  overlapRows,
  SplitError,
  stratifiedFolds,
  stratifiedSplit,
  timeSplit,
} from './splits.js';

export class TrainingError extends Error {
  override name = 'TrainingError';
}

export const SPLIT_KINDS = ['stratified', 'time', 'hash'] as const;
export type SplitKind = (typeof SPLIT_KINDS)[number];

export interface TrainingConfig {
  /** Fix the algorithm (CV still picks its hyper-parameters); otherwise CV weighs every candidate. */
  algorithm?: string;
  candidates: string[];
  /** hash: a seeded hash of the row id picks the holdout, so shards can split without a global pass. */
  split: SplitKind;
  testFraction: number;
  seed: number;
  folds: number;
  /** Feature-selection thresholds CV weighs (0 = all features). */
  selection: number[];
  /** false: no cross-validation — fit the algorithm's default parameters on all features (large data). */
  search: boolean;
}

export const DEFAULT_TRAINING: TrainingConfig = {
  candidates: ALGORITHMS.map((a) => a.name),
  split: 'stratified',
  testFraction: 0.2,
  seed: 42,
  folds: 5,
  selection: [0, 0.15],
  search: true,
};

export interface TrainingData {
  dataset: string;
  schema: readonly FeatureSchema[];
  label: { name: string; title: string; classes: Category[] };
  get: ColumnGetter;
  labels: ArrayLike<number>;
  eventTimes: ArrayLike<number>;
  /** Row ids (the feature group's primary key). */
  ids?: ArrayLike<number>;
  /** Eligible rows (labelled, chosen sources), indices into the columns. */
  rows: number[];
}

export interface Candidate {
  algorithm: string;
  params: Params;
  minAbsCorrelation: number;
}

export interface CvResult extends Candidate {
  meanAccuracy: number;
  foldAccuracy: number[];
}

export interface TrainingOutcome {
  model: ServingModel;
  chosen: CvResult;
  cv: CvResult[];
  holdout: Metrics;
  train: number[];
  test: number[];
  duplicates: DuplicateCounts;
}

/** What the model card reports about identical feature rows. */
export interface DuplicateCounts {
  /** Training rows whose features equal an earlier training row's. */
  trainRows: number;
  /** Holdout rows whose features equal a training row's: 0 by construction of the splits. */
  holdoutOverlap: number;
}

export function duplicateCounts(
  data: TrainingData,
  train: readonly number[],
  test: readonly number[],
): DuplicateCounts {
  const keys = rowKeys(data);
  return { trainRows: duplicateRows(keys, train), holdoutOverlap: overlapRows(keys, train, test) };
}

export function checkTrainable(data: TrainingData, config: TrainingConfig): void {
  const counts = new Array<number>(data.label.classes.length).fill(0);
  for (const i of data.rows) counts[data.labels[i]]++;
  checkClassCounts(data.dataset, data.label.classes, counts, config);
  for (const f of data.schema) {
    const x = data.get(f.name);
    for (const i of data.rows) {
      if (!Number.isFinite(x[i]))
        throw new TrainingError(
          `${data.dataset}: feature '${f.name}' is ${x[i]} in row ${i + 1}; training needs finite values`,
        );
    }
  }
}

/** The row-count rules of checkTrainable, from eligible rows per class (shards sum theirs). */
export function checkClassCounts(
  dataset: string,
  classes: readonly Category[],
  counts: readonly number[],
  config: TrainingConfig,
): void {
  const rows = counts.reduce((s, c) => s + c, 0);
  if (rows === 0) throw new TrainingError(`${dataset}: the feature group has no labelled rows to train on`);
  const present = counts.filter((c) => c > 0).length;
  if (present < 2) {
    throw new TrainingError(
      `${dataset}: all ${rows} labelled rows are of one class ('${classes[counts.findIndex((c) => c > 0)].value}'); a classifier needs at least two`,
    );
  }
  const minRows = Math.max(config.folds * 2, Math.ceil(2 / config.testFraction));
  if (rows < minRows) {
    throw new TrainingError(
      `${dataset}: ${rows} labelled rows are too few for a ${Math.round(config.testFraction * 100)}% holdout and ${config.folds}-fold cross-validation (need at least ${minRows})`,
    );
  }
}

export function candidatesOf(config: TrainingConfig): Candidate[] {
  const names = config.algorithm ? [config.algorithm] : config.candidates;
  return names.flatMap((name) =>
    algorithmByName(name).grid.flatMap((params) =>
      config.selection.map((minAbsCorrelation) => ({
        algorithm: name,
        params: withSeed(name, params, config.seed),
        minAbsCorrelation,
      })),
    ),
  );
}

function withSeed(name: string, params: Params, seed: number): Params {
  return name === 'random-forest' ? { ...params, seed } : params;
}

/** Fits one candidate on `train` rows; returns the serving model. */
export function fitCandidate(data: TrainingData, c: Candidate, train: readonly number[]): ServingModel {
  const algo = algorithmByName(c.algorithm);
  const view = fitFeatureView(data.schema, data.get, data.labels, data.label.classes, train, {
    minAbsCorrelation: c.minAbsCorrelation,
    standardize: algo.standardize,
  });
  const X = applyFeatureView(view, data.get, 0, train);
  const y = Int32Array.from(train, (i) => data.labels[i]);
  const est: Classifier = algo.create(c.params);
  est.fit(X, y, data.label.classes.length);
  return ServingModel.create(
    { dataset: data.dataset, algorithm: c.algorithm, params: est.params(), label: data.label, view },
    est,
  );
}

export function predictRows(model: ServingModel, data: TrainingData, rows: readonly number[]): Int32Array {
  const X = applyFeatureView(model.json.view, data.get, 0, rows);
  return model.estimator.predict(X);
}

export function accuracyOn(model: ServingModel, data: TrainingData, rows: readonly number[]): number {
  const pred = predictRows(model, data, rows);
  let ok = 0;
  rows.forEach((i, r) => {
    if (pred[r] === data.labels[i]) ok++;
  });
  return ok / rows.length;
}

const keysOf = new WeakMap<TrainingData, Float64Array>();

/** Content keys of the eligible rows (indexed like the columns): identical feature rows share one. */
export function rowKeys(data: TrainingData): Float64Array {
  let keys = keysOf.get(data);
  if (!keys) {
    const size = data.rows.reduce((m, i) => Math.max(m, i + 1), 0);
    keys = contentKeys(
      data.schema.map((f) => data.get(f.name)),
      data.rows,
      size,
    );
    keysOf.set(data, keys);
  }
  return keys;
}

/**
 * The holdout split of `config.split`, group-aware: rows with identical features are never on both sides
 * (stratified: groups stratified by label; time: a group sits at its earliest row; hash: the content key
 * is hashed, so duplicates share a side).
 */
export function splitRows(
  data: TrainingData,
  config: TrainingConfig,
  seed = config.seed,
): { train: number[]; test: number[] } {
  const keys = rowKeys(data);
  return naming(data, () => {
    if (config.split === 'time') return timeSplit(data.eventTimes, keys, data.rows, config.testFraction);
    if (config.split === 'hash') return hashSplit(keys, data.rows, config.testFraction, seed);
    return stratifiedSplit(
      data.labels,
      keys,
      data.rows,
      data.label.classes.length,
      config.testFraction,
      seed,
    );
  });
}

/** A split's error, prefixed with the dataset's name. */
function naming<T>(data: TrainingData, split: () => T): T {
  try {
    return split();
  } catch (err) {
    if (err instanceof SplitError) throw new TrainingError(`${data.dataset}: ${err.message}`);
    throw err;
  }
}

/** Group-aware stratified folds of `train` (rows with identical features share a fold). */
export function foldRows(data: TrainingData, config: TrainingConfig, train: readonly number[]): number[][] {
  return naming(data, () =>
    stratifiedFolds(data.labels, rowKeys(data), train, data.label.classes.length, config.folds, config.seed),
  );
}

/** Cross-validates every candidate on `train`; the best mean accuracy wins (ties: earlier candidate). */
export function crossValidate(
  data: TrainingData,
  config: TrainingConfig,
  train: number[],
  progress?: (msg: string) => void,
): CvResult[] {
  const folds = foldRows(data, config, train);
  const results: CvResult[] = [];
  const candidates = candidatesOf(config);
  for (const [n, c] of candidates.entries()) {
    const foldAccuracy = folds.map((test, f) => {
      const fit = folds.flatMap((rows, g) => (g === f ? [] : rows)).sort((a, b) => a - b);
      return accuracyOn(fitCandidate(data, c, fit), data, test);
    });
    const meanAccuracy = foldAccuracy.reduce((s, x) => s + x, 0) / foldAccuracy.length;
    results.push({ ...c, meanAccuracy, foldAccuracy });
    progress?.(`  cv ${n + 1}/${candidates.length} ${describe(c)}: ${meanAccuracy.toFixed(4)}`);
  }
  return results;
}

export function describe(c: Candidate): string {
  const params = Object.entries(c.params)
    .filter(([k]) => k !== 'seed')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${c.algorithm}${params ? ` ${params}` : ''}${c.minAbsCorrelation > 0 ? ` |r|≥${c.minAbsCorrelation}` : ''}`;
}

export function train(
  data: TrainingData,
  config: TrainingConfig,
  progress?: (msg: string) => void,
): TrainingOutcome {
  checkTrainable(data, config);
  const { train: trainRows, test } = splitRows(data, config);
  let cv: CvResult[] = [];
  let chosen: CvResult;
  if (config.search) {
    cv = crossValidate(data, config, trainRows, progress);
    chosen = cv.reduce((best, r) => (r.meanAccuracy > best.meanAccuracy ? r : best), cv[0]);
  } else {
    const name = config.algorithm ?? config.candidates[0];
    chosen = {
      algorithm: name,
      params: withSeed(name, algorithmByName(name).grid[0], config.seed),
      minAbsCorrelation: 0,
      meanAccuracy: Number.NaN,
      foldAccuracy: [],
    };
  }
  const model = fitCandidate(data, chosen, trainRows);
  const pred = predictRows(model, data, test);
  const actual = Int32Array.from(test, (i) => data.labels[i]);
  const holdout = classificationMetrics(
    actual,
    pred,
    data.label.classes.map((c) => c.value),
  );
  return {
    model,
    chosen,
    cv,
    holdout,
    train: trainRows,
    test,
    duplicates: duplicateCounts(data, trainRows, test),
  };
}
