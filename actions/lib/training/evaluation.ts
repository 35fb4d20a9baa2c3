// Repeated-split evaluation: the mean holdout score of each algorithm family (its default
// hyper-parameters) and of the pipeline's cross-validated choice, over seeded group-aware 80/20 splits
// (train's own splitRows, so identical feature rows never straddle a split; stratified by class for
// classification, shuffled for regression); scikit-learn gets the same splits for a side-by-side
// comparison (evaluate --peer). Classification scores accuracy; regression MAE (with the other
// regression metrics of each split alongside).
import { type RegressionMetrics, regressionMetrics } from './metrics.js';
import {
  accuracyOn,
  algorithmsOf,
  bestCv,
  type Candidate,
  crossValidate,
  defaultTraining,
  describe,
  fitCandidate,
  predictValueRows,
  splitRows,
  type TrainingConfig,
  type TrainingData,
  targetMean,
  targetsOf,
  taskOfData,
  withSeed,
} from './training.js';

export interface EvaluationRow {
  name: string;
  candidate: Candidate;
  /** What `scores` hold: accuracy (higher is better) or MAE (lower is better). */
  metric: 'accuracy' | 'mae';
  /** One score per split. */
  scores: number[];
  mean: number;
  /** Regression: every metric of each split. */
  regression?: RegressionMetrics[];
  /** Regression with opts.by: every metric of each split on the test rows of each category. */
  byCategory?: Record<string, RegressionMetrics[]>;
}

/** A categorical feature to break regression figures down by (e.g. a wine's type). */
export interface BreakDown {
  feature: string;
  /** The feature's category values, in code order. */
  categories: readonly string[];
}

/** Test rows per split, as positions into data.rows. */
export type SplitPositions = number[][];

/** The holdout of train's default split (80/20, group-aware) for each seed. */
export function seededSplits(data: TrainingData, seeds: number[]): SplitPositions {
  const pos = new Map(data.rows.map((r, p) => [r, p]));
  const config = { ...defaultTraining(taskOfData(data)), testFraction: 0.2 };
  return seeds.map((seed) => splitRows(data, config, seed).test.map((r) => pos.get(r)!));
}

/** The mean over splits of each regression metric (within: per tolerance). */
export function meanRegressionMetrics(ms: readonly RegressionMetrics[]): RegressionMetrics {
  const avg = (f: (m: RegressionMetrics) => number) => ms.reduce((s, m) => s + f(m), 0) / ms.length;
  return {
    task: 'regression',
    rows: avg((m) => m.rows),
    mae: avg((m) => m.mae),
    rmse: avg((m) => m.rmse),
    r2: avg((m) => m.r2),
    medianAbsoluteError: avg((m) => m.medianAbsoluteError),
    within: ms[0].within.map((w, k) => ({
      tolerance: w.tolerance,
      accuracy: avg((m) => m.within[k].accuracy),
    })),
    baselineMae: avg((m) => m.baselineMae),
    baselineRmse: avg((m) => m.baselineRmse),
  };
}

export function evaluate(
  data: TrainingData,
  config: TrainingConfig,
  splits: SplitPositions,
  opts: { families: string[]; pipeline: boolean; by?: BreakDown; progress?: (m: string) => void },
): EvaluationRow[] {
  const task = taskOfData(data);
  const regression = task === 'regression';
  const metric = regression ? ('mae' as const) : ('accuracy' as const);
  const run = (c: Candidate) => {
    const scores: number[] = [];
    const perSplit: RegressionMetrics[] = [];
    const by = opts.by;
    const codes = by ? data.get(by.feature) : undefined;
    const byCategory: Record<string, RegressionMetrics[]> = {};
    for (const c of by?.categories ?? []) byCategory[c] = [];
    splits.forEach((testPos, s) => {
      const testSet = new Set(testPos.map((p) => data.rows[p]));
      const train = data.rows.filter((r) => !testSet.has(r));
      const test = [...testSet].sort((a, b) => a - b);
      const cand = { ...c, params: withSeed(c.algorithm, c.params, s) };
      const model = fitCandidate(data, cand, train);
      if (!regression) {
        scores.push(accuracyOn(model, data, test));
        return;
      }
      const y = targetsOf(data);
      const predicted = predictValueRows(model, data, test);
      const mean = targetMean(data, train);
      const metricsOf = (at: readonly number[]) =>
        regressionMetrics(
          Float64Array.from(at, (k) => y[test[k]]),
          Float64Array.from(at, (k) => predicted[k]),
          mean,
          data.tolerances ?? [],
        );
      const m = metricsOf(test.map((_, k) => k));
      perSplit.push(m);
      scores.push(m.mae);
      if (!by || !codes) return;
      by.categories.forEach((c, code) => {
        const at = test.flatMap((r, k) => (codes[r] === code ? [k] : []));
        if (at.length > 0) byCategory[c].push(metricsOf(at));
      });
    });
    return {
      scores,
      ...(regression ? { regression: perSplit } : {}),
      ...(regression && by ? { byCategory } : {}),
    };
  };
  const rows: EvaluationRow[] = [];
  const show = (x: number) => `${regression ? 'MAE ' : ''}${x.toFixed(4)}`;
  for (const name of opts.families) {
    const a = algorithmsOf(task).find((x) => x.name === name)!;
    const candidate: Candidate = { algorithm: name, params: a.grid[0], minAbsCorrelation: 0 };
    const r = run(candidate);
    rows.push({ name, candidate, metric, ...r, mean: mean(r.scores) });
    opts.progress?.(`  ${name}: ${show(mean(r.scores))}`);
  }
  if (opts.pipeline) {
    // The pipeline's choice: cross-validation on the first split's training rows, then every split.
    const firstTest = new Set(splits[0].map((p) => data.rows[p]));
    const cv = crossValidate(
      data,
      config,
      data.rows.filter((r) => !firstTest.has(r)),
      opts.progress,
    );
    const chosen = bestCv(cv);
    const candidate: Candidate = {
      algorithm: chosen.algorithm,
      params: chosen.params,
      minAbsCorrelation: chosen.minAbsCorrelation,
    };
    const r = run(candidate);
    rows.push({ name: `pipeline: ${describe(candidate)}`, candidate, metric, ...r, mean: mean(r.scores) });
  }
  return rows;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
