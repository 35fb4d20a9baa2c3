// Model selection and fitting on typed columns: seeded holdout split, k-fold cross-validation over
// algorithms × hyper-parameters × feature selection on the training split, final fit, holdout metrics.
// Both tasks: classification scores candidates by accuracy (higher is better), regression by MAE (lower
// is better) and gives its model a prediction interval. Browser-safe (the benchmark and the browser
// could run it too).

import { percent } from '../core/format.js';
import { GitmlError } from '../core/gitml-error.js';
import { quantile } from '../core/quantile.js';
import { applyFeatureView, type ColumnGetter, fitFeatureView } from '../features/feature-view.js';
import type { Algorithm } from '../models/algorithm-registry.js';
import { ALGORITHMS, algorithm as algorithmByName, type Params } from '../models/algorithms.js';
import { RandomForestRegressor } from '../models/random-forest/random-forest-regressor.js';
import { REGRESSION_ALGORITHMS, regressionAlgorithm } from '../models/regressors.js';
import {
  INTERVAL_QUANTILES,
  type ModelLabel,
  regressionLabel,
  ServingModel,
} from '../models/serving-model.js';
import type { Classifier, Regressor } from '../models/types.js';
import type { Category, FeatureSchema, Task } from '../spec/spec.js';
import { classificationMetrics, type Metrics, type RegressionMetrics, regressionMetrics } from './metrics.js';
import {
  contentKeys,
  duplicateRows,
  hashSplit,
  overlapRows,
  SplitError,
  shuffledFolds,
  shuffledSplit,
  stratifiedFolds,
  stratifiedSplit,
  timeSplit,
} from './splits.js';

export class TrainingError extends GitmlError {
  override name = 'TrainingError';
}

/** shuffle: group-aware, in seeded order, not stratified (regression's default: it has no classes). */
export const SPLIT_KINDS = ['stratified', 'shuffle', 'time', 'hash'] as const;
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

/** Regression's defaults: the regressors, and the shuffled split (there are no classes to stratify by). */
export const DEFAULT_REGRESSION_TRAINING: TrainingConfig = {
  ...DEFAULT_TRAINING,
  candidates: REGRESSION_ALGORITHMS.map((a) => a.name),
  split: 'shuffle',
};

export function defaultTraining(task: Task): TrainingConfig {
  return task === 'regression' ? DEFAULT_REGRESSION_TRAINING : DEFAULT_TRAINING;
}

/** The algorithm registry of a task. */
export function algorithmsOf(task: Task): readonly Algorithm<Classifier | Regressor>[] {
  return task === 'regression' ? REGRESSION_ALGORITHMS : ALGORITHMS;
}

/** The algorithm called `name` in the task's registry (a RangeError listing the known ones otherwise). */
export function algorithmFor(task: Task, name: string): Algorithm<Classifier | Regressor> {
  return task === 'regression' ? regressionAlgorithm(name) : algorithmByName(name);
}

export interface TrainingData {
  dataset: string;
  /** 'regression' reads `targets`; absent or 'classification' reads `labels` as class codes. */
  task?: Task;
  schema: readonly FeatureSchema[];
  /** Regression: classes empty, and the unit/range/decimals the model carries (ModelLabel). */
  label: ModelLabel;
  get: ColumnGetter;
  /** Class code per row, −1 unlabelled (regression: 0 labelled, −1 not). */
  labels: ArrayLike<number>;
  /** Regression: the label value per row (NaN unlabelled), indexed like the columns. */
  targets?: ArrayLike<number>;
  /** Regression: the tolerances T of "accuracy within T" in the holdout metrics. */
  tolerances?: readonly number[];
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
  /** Classification: mean fold accuracy. Regression: NaN (see meanMae). */
  meanAccuracy: number;
  foldAccuracy: number[];
  /** Regression: mean fold MAE (lower is better). */
  meanMae?: number;
  foldMae?: number[];
  /** Mean length of the fold models' JSON as the registry stores it: the size tie-break (bestCv). */
  modelBytes?: number;
}

export interface TrainingOutcome {
  model: ServingModel;
  chosen: CvResult;
  cv: CvResult[];
  holdout: Metrics | RegressionMetrics;
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

export const taskOfData = (data: TrainingData): Task => data.task ?? 'classification';

/** The regression target, or a programming error when the data has none. */
export function targetsOf(data: TrainingData): ArrayLike<number> {
  if (!data.targets) throw new Error(`${data.dataset}: regression training data needs targets`);
  return data.targets;
}

export function checkTrainable(data: TrainingData, config: TrainingConfig): void {
  if (taskOfData(data) === 'regression') {
    const y = targetsOf(data);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const i of data.rows) {
      if (!Number.isFinite(y[i]))
        throw new TrainingError(
          `${data.dataset}: label '${data.label.name}' is ${y[i]} in row ${i + 1}; a regressor needs a number in every labelled row`,
        );
      min = Math.min(min, y[i]);
      max = Math.max(max, y[i]);
    }
    checkTargetSummary(data.dataset, data.label.name, { rows: data.rows.length, min, max }, config);
  } else {
    const counts = new Array<number>(data.label.classes.length).fill(0);
    for (const i of data.rows) counts[data.labels[i]]++;
    checkClassCounts(data.dataset, data.label.classes, counts, config);
  }
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

/** The rules of checkTrainable for a regression target, from its row count and range (shards merge theirs). */
export function checkTargetSummary(
  dataset: string,
  label: string,
  t: { rows: number; min: number; max: number },
  config: TrainingConfig,
): void {
  if (t.rows === 0) throw new TrainingError(`${dataset}: the feature group has no labelled rows to train on`);
  if (t.min === t.max)
    throw new TrainingError(
      `${dataset}: all ${t.rows} labelled rows have ${label} = ${t.min}; a regressor needs at least two different values — add rows with other values`,
    );
  checkRowCount(dataset, t.rows, config);
}

function checkRowCount(dataset: string, rows: number, config: TrainingConfig): void {
  const minRows = Math.max(config.folds * 2, Math.ceil(2 / config.testFraction));
  if (rows < minRows) {
    throw new TrainingError(
      `${dataset}: ${rows} labelled rows are too few for a ${percent(config.testFraction, 0)} holdout and ${config.folds}-fold cross-validation (need at least ${minRows})`,
    );
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
  checkRowCount(dataset, rows, config);
}

export function candidatesOf(config: TrainingConfig, task: Task = 'classification'): Candidate[] {
  const names = config.algorithm ? [config.algorithm] : config.candidates;
  return names.flatMap((name) =>
    algorithmFor(task, name).grid.flatMap((params) =>
      config.selection.map((minAbsCorrelation) => ({
        algorithm: name,
        params: withSeed(name, params, config.seed),
        minAbsCorrelation,
      })),
    ),
  );
}

/** The seeded algorithms get the run's seed (the forests). */
export function withSeed(name: string, params: Params, seed: number): Params {
  return name === 'random-forest' || name === 'random-forest-regressor' ? { ...params, seed } : params;
}

/** Fits one candidate on `train` rows; returns the serving model (regression: without an interval). */
export function fitCandidate(data: TrainingData, c: Candidate, train: readonly number[]): ServingModel {
  if (taskOfData(data) === 'regression') return fitRegressor(data, c, train);
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

function fitRegressor(data: TrainingData, c: Candidate, train: readonly number[]): ServingModel {
  const algo = regressionAlgorithm(c.algorithm);
  const target = targetsOf(data);
  const view = fitFeatureView(data.schema, data.get, data.labels, [], train, {
    minAbsCorrelation: c.minAbsCorrelation,
    standardize: algo.standardize,
    target,
  });
  const X = applyFeatureView(view, data.get, 0, train);
  const y = Float64Array.from(train, (i) => target[i]);
  const est = algo.create(c.params).fit(X, y);
  return ServingModel.create(
    {
      dataset: data.dataset,
      task: 'regression',
      algorithm: c.algorithm,
      params: est.params(),
      label: regressionLabel(data.label),
      view,
    },
    est,
  );
}

export function predictRows(model: ServingModel, data: TrainingData, rows: readonly number[]): Int32Array {
  const X = applyFeatureView(model.json.view, data.get, 0, rows);
  return model.classifier.predict(X);
}

/** A regression model's predicted values of `rows`. */
export function predictValueRows(
  model: ServingModel,
  data: TrainingData,
  rows: readonly number[],
): Float64Array {
  return model.regressor.predict(applyFeatureView(model.json.view, data.get, 0, rows));
}

/** Mean absolute error of a regression model on `rows`. */
export function maeOn(model: ServingModel, data: TrainingData, rows: readonly number[]): number {
  const pred = predictValueRows(model, data, rows);
  const y = targetsOf(data);
  let sum = 0;
  rows.forEach((i, r) => {
    sum += Math.abs(pred[r] - y[i]);
  });
  return sum / rows.length;
}

/** Mean of the targets of `rows` (the baseline a regressor must beat). */
export function targetMean(data: TrainingData, rows: readonly number[]): number {
  const y = targetsOf(data);
  let sum = 0;
  for (const i of rows) sum += y[i];
  return sum / rows.length;
}

/**
 * The residual interval of a regression model other than the forest (whose trees give one per row):
 * the 10th and 90th percentile of actual − predicted on the holdout.
 */
export function residualInterval(
  model: ServingModel,
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): { low: number; high: number } | null {
  if (model.estimator instanceof RandomForestRegressor || actual.length === 0) return null;
  const residuals = Float64Array.from({ length: actual.length }, (_, r) => actual[r] - predicted[r]);
  return {
    low: round12(quantile(residuals, INTERVAL_QUANTILES[0])),
    high: round12(quantile(residuals, INTERVAL_QUANTILES[1])),
  };
}

const round12 = (x: number) => Number(x.toPrecision(12));

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
    // Regression has no classes: its 'stratified' is the shuffled split.
    if (config.split === 'shuffle' || taskOfData(data) === 'regression')
      return shuffledSplit(keys, data.rows, config.testFraction, seed);
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

/**
 * Group-aware folds of `train` (rows with identical features share a fold): stratified by class for
 * classification, in seeded order for regression.
 */
export function foldRows(data: TrainingData, config: TrainingConfig, train: readonly number[]): number[][] {
  return naming(data, () =>
    taskOfData(data) === 'regression'
      ? shuffledFolds(rowKeys(data), train, config.folds, config.seed)
      : stratifiedFolds(
          data.labels,
          rowKeys(data),
          train,
          data.label.classes.length,
          config.folds,
          config.seed,
        ),
  );
}

/**
 * Cross-validates every candidate on `train`: mean fold accuracy for classification, mean fold MAE for
 * regression (bestCv picks the winner).
 */
export function crossValidate(
  data: TrainingData,
  config: TrainingConfig,
  train: number[],
  progress?: (msg: string) => void,
): CvResult[] {
  const folds = foldRows(data, config, train);
  const results: CvResult[] = [];
  const regression = taskOfData(data) === 'regression';
  const candidates = candidatesOf(config, taskOfData(data));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  for (const [n, c] of candidates.entries()) {
    const bytes: number[] = [];
    const scores = folds.map((test, f) => {
      const fit = folds.flatMap((rows, g) => (g === f ? [] : rows)).sort((a, b) => a - b);
      const model = fitCandidate(data, c, fit);
      bytes.push(JSON.stringify(model.toJSON()).length);
      return regression ? maeOn(model, data, test) : accuracyOn(model, data, test);
    });
    const modelBytes = Math.round(mean(bytes));
    if (regression) {
      results.push({
        ...c,
        meanAccuracy: Number.NaN,
        foldAccuracy: [],
        meanMae: mean(scores),
        foldMae: scores,
        modelBytes,
      });
      progress?.(`  cv ${n + 1}/${candidates.length} ${describe(c)}: MAE ${mean(scores).toFixed(4)}`);
    } else {
      results.push({ ...c, meanAccuracy: mean(scores), foldAccuracy: scores, modelBytes });
      progress?.(`  cv ${n + 1}/${candidates.length} ${describe(c)}: ${mean(scores).toFixed(4)}`);
    }
  }
  return results;
}

/** The best cross-validation score: highest mean accuracy, or lowest mean MAE (ties: earlier candidate). */
export function topCv(cv: readonly CvResult[]): CvResult {
  if (cv[0]?.meanMae !== undefined)
    return cv.reduce((best, r) => ((r.meanMae ?? Infinity) < (best.meanMae ?? Infinity) ? r : best), cv[0]);
  return cv.reduce((best, r) => (r.meanAccuracy > best.meanAccuracy ? r : best), cv[0]);
}

/** How much smaller a model must be than the top candidate's for the size tie-break to consider it. */
const SMALLER = 0.9;

/**
 * The chosen candidate: the best score (topCv), unless a model at least a tenth smaller, of the same
 * algorithm and feature selection, scores as well within noise — then the smallest such one (ties: earlier
 * candidate). "Within noise" is the one-standard-error rule (Breiman et al. 1984) on paired fold differences: the folds share
 * their rows, so the spread of the differences, not of the scores, is the noise. A page downloads the
 * model; on Wine the rule halves the forest at no measurable cost (reports/studies/wine-size.md).
 */
export function bestCv(cv: readonly CvResult[]): CvResult {
  const top = topCv(cv);
  let chosen = top;
  for (const r of cv) {
    if (r === top || r.algorithm !== top.algorithm || r.minAbsCorrelation !== top.minAbsCorrelation) continue;
    // At least a tenth smaller: models of one size (a linear model's digits) do not trade places.
    if (!((r.modelBytes ?? Infinity) <= SMALLER * (top.modelBytes ?? Number.NaN))) continue;
    if (!((r.modelBytes ?? Infinity) < (chosen.modelBytes ?? Infinity))) continue;
    if (withinOneSe(top, r)) chosen = r;
  }
  return chosen;
}

/** Whether r's mean paired fold difference from `top` is within one standard error of it. */
export function withinOneSe(top: CvResult, r: CvResult): boolean {
  const mae = top.foldMae !== undefined && top.meanMae !== undefined;
  const a = mae ? (top.foldMae ?? []) : top.foldAccuracy;
  const b = mae ? (r.foldMae ?? []) : r.foldAccuracy;
  if (a.length < 2 || a.length !== b.length) return false;
  // Signed so that a positive difference means r is worse.
  const d = a.map((x, f) => (mae ? b[f] - x : x - b[f]));
  const m = d.reduce((s, x) => s + x, 0) / d.length;
  const se = Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (d.length - 1) / d.length);
  return m <= se;
}

/** A candidate that was not cross-validated (no search, or a merge of shards). */
export function unscored(c: Candidate, task: Task): CvResult {
  return task === 'regression'
    ? { ...c, meanAccuracy: Number.NaN, foldAccuracy: [], meanMae: Number.NaN, foldMae: [] }
    : { ...c, meanAccuracy: Number.NaN, foldAccuracy: [] };
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
  const task = taskOfData(data);
  const { train: trainRows, test } = splitRows(data, config);
  let cv: CvResult[] = [];
  let chosen: CvResult;
  if (config.search) {
    cv = crossValidate(data, config, trainRows, progress);
    chosen = bestCv(cv);
  } else {
    const name = config.algorithm ?? config.candidates[0];
    chosen = unscored(
      {
        algorithm: name,
        params: withSeed(name, algorithmFor(task, name).grid[0], config.seed),
        minAbsCorrelation: 0,
      },
      task,
    );
  }
  const fitted = fitCandidate(data, chosen, trainRows);
  const duplicates = duplicateCounts(data, trainRows, test);
  if (task === 'regression') {
    const y = targetsOf(data);
    const predicted = predictValueRows(fitted, data, test);
    const actual = Float64Array.from(test, (i) => y[i]);
    const interval = residualInterval(fitted, actual, predicted);
    return {
      model: interval ? fitted.withInterval(interval) : fitted,
      chosen,
      cv,
      holdout: regressionMetrics(actual, predicted, targetMean(data, trainRows), data.tolerances ?? []),
      train: trainRows,
      test,
      duplicates,
    };
  }
  const model = fitted;
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
    duplicates,
  };
}
