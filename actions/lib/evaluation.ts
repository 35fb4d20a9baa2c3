// Repeated-split evaluation: the mean holdout accuracy of each algorithm family (its default
// hyper-parameters) and of the pipeline's cross-validated choice, over seeded group-aware stratified
// 80/20 splits (train's own splitRows, so identical feature rows never straddle a split); scikit-learn
// gets the same splits for a side-by-side comparison (evaluate --peer).
import { ALGORITHMS } from './models/algorithms.js';
import {
  accuracyOn,
  type Candidate,
  crossValidate,
  DEFAULT_TRAINING,
  describe,
  fitCandidate,
  splitRows,
  type TrainingConfig,
  type TrainingData,
} from './training.js';

export interface EvaluationRow {
  name: string;
  candidate: Candidate;
  accuracy: number[];
  mean: number;
}

/** Test rows per split, as positions into data.rows. */
export type SplitPositions = number[][];

/** The holdout of train's stratified split (80/20, group-aware) for each seed. */
export function seededSplits(data: TrainingData, seeds: number[]): SplitPositions {
  const pos = new Map(data.rows.map((r, p) => [r, p]));
  const config = { ...DEFAULT_TRAINING, split: 'stratified' as const, testFraction: 0.2 };
  return seeds.map((seed) => splitRows(data, config, seed).test.map((r) => pos.get(r)!));
}

export function evaluate(
  data: TrainingData,
  config: TrainingConfig,
  splits: SplitPositions,
  opts: { families: string[]; pipeline: boolean; progress?: (m: string) => void },
): EvaluationRow[] {
  const run = (c: Candidate, seedFor: (s: number) => number) =>
    splits.map((testPos, s) => {
      const testSet = new Set(testPos.map((p) => data.rows[p]));
      const train = data.rows.filter((r) => !testSet.has(r));
      const test = [...testSet].sort((a, b) => a - b);
      const cand = c.algorithm === 'random-forest' ? { ...c, params: { ...c.params, seed: seedFor(s) } } : c;
      return accuracyOn(fitCandidate(data, cand, train), data, test);
    });
  const rows: EvaluationRow[] = [];
  for (const name of opts.families) {
    const a = ALGORITHMS.find((x) => x.name === name)!;
    const candidate: Candidate = { algorithm: name, params: a.grid[0], minAbsCorrelation: 0 };
    const accuracy = run(candidate, (s) => s);
    rows.push({ name, candidate, accuracy, mean: mean(accuracy) });
    opts.progress?.(`  ${name}: ${mean(accuracy).toFixed(4)}`);
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
    const chosen = cv.reduce((b, r) => (r.meanAccuracy > b.meanAccuracy ? r : b), cv[0]);
    const candidate: Candidate = {
      algorithm: chosen.algorithm,
      params: chosen.params,
      minAbsCorrelation: chosen.minAbsCorrelation,
    };
    const accuracy = run(candidate, (s) => s);
    rows.push({ name: `pipeline: ${describe(candidate)}`, candidate, accuracy, mean: mean(accuracy) });
  }
  return rows;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
