// Permutation feature importance on held-out rows, as scikit-learn's permutation_importance computes it:
// per feature, n_repeats times, shuffle the feature's values across the rows and record how much the
// score drops (baseline − permuted). Like scikit-learn, every feature sees the same seeded sequence of
// shuffles, and each repeat shuffles the already shuffled column again. A categorical feature's one-hot
// columns move together (one row permutation for all of them), so importance is per dataset feature.
// The shuffle is our own seeded Fisher–Yates (mulberry32), so results are reproducible byte for byte in
// Node and the browser. Browser-safe.
import type { FeatureViewJSON } from '../features/feature-view.js';
import { createRng } from '../models/random.js';
import { argmax, type Matrix } from '../models/types.js';
import { columnFeatures } from './feature-columns.js';

export interface PermutationImportanceOptions {
  /** Shuffles per feature (scikit-learn's n_repeats, default 5). */
  nRepeats?: number;
  /** Seed of the shuffles (default 0). */
  seed?: number;
}

export type Scoring = 'accuracy' | 'neg-mean-absolute-error';

export interface FeatureImportance {
  name: string;
  title: string;
  /** Mean over repeats of baseline − permuted score. */
  mean: number;
  /** Population standard deviation over repeats (numpy's default, as scikit-learn reports it). */
  sd: number;
  /** baseline − permuted score, one per repeat. */
  importances: number[];
}

export interface PermutationImportance {
  scoring: Scoring;
  rows: number;
  nRepeats: number;
  seed: number;
  /** Score of the unshuffled rows. */
  baseline: number;
  /** Largest mean first (ties in feature order). */
  features: FeatureImportance[];
}

/** A score of predictions for rows X, higher is better. */
export interface Scorer {
  scoring: Scoring;
  score(X: Matrix): number;
}

/** Accuracy of a classifier's most probable class (ties: lowest class index). */
export function accuracyScorer(
  predictProba: (X: Matrix) => Float64Array,
  nClasses: number,
  labels: ArrayLike<number>,
): Scorer {
  return {
    scoring: 'accuracy',
    score(X) {
      const p = predictProba(X);
      let right = 0;
      for (let i = 0; i < X.rows; i++) if (argmax(p, i * nClasses, nClasses) === labels[i]) right++;
      return right / X.rows;
    },
  };
}

/** Negative mean absolute error of a regressor (higher is better, as scikit-learn's scorer). */
export function negativeMaeScorer(predict: (X: Matrix) => Float64Array, targets: ArrayLike<number>): Scorer {
  return {
    scoring: 'neg-mean-absolute-error',
    score(X) {
      const y = predict(X);
      let sum = 0;
      for (let i = 0; i < X.rows; i++) sum += Math.abs(targets[i] - y[i]);
      return -(sum / X.rows);
    },
  };
}

/** The seeded shuffles: each repeat shuffles `order` in place, from the last position down (Fisher–Yates). */
export function shuffleSequence(rows: number, nRepeats: number, seed: number): Int32Array[] {
  const rng = createRng(seed);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const out: Int32Array[] = [];
  for (let r = 0; r < nRepeats; r++) {
    for (let i = rows - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    out.push(Int32Array.from(order));
  }
  return out;
}

/** X: the held-out rows in the model's view columns. */
export function permutationImportance(
  view: FeatureViewJSON,
  X: Matrix,
  scorer: Scorer,
  options: PermutationImportanceOptions = {},
): PermutationImportance {
  const nRepeats = options.nRepeats ?? 5;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(nRepeats) && nRepeats >= 1))
    throw new RangeError(`permutation importance: nRepeats must be an integer >= 1, got ${nRepeats}`);
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`permutation importance: seed must be an integer, got ${seed}`);
  if (X.rows < 2)
    throw new RangeError(`permutation importance: needs at least 2 held-out rows, got ${X.rows}`);
  if (X.cols !== view.columns.length)
    throw new RangeError(
      `permutation importance: X has ${X.cols} columns, the view has ${view.columns.length}`,
    );
  const n = X.rows;
  const baseline = scorer.score(X);
  const shuffles = shuffleSequence(n, nRepeats, seed);
  const owner = columnFeatures(view);
  const work = new Float64Array(X.data);
  const permuted: Matrix = { rows: n, cols: X.cols, data: work };
  const scratch = new Float64Array(n);
  const features = view.features.map((f, i) => {
    const cols: number[] = [];
    owner.forEach((o, j) => {
      if (o === i) cols.push(j);
    });
    const importances: number[] = [];
    for (const order of shuffles) {
      for (const j of cols) {
        const col = work.subarray(j * n, (j + 1) * n);
        for (let r = 0; r < n; r++) scratch[r] = col[order[r]];
        col.set(scratch);
      }
      importances.push(baseline - scorer.score(permuted));
    }
    for (const j of cols) work.set(X.data.subarray(j * n, (j + 1) * n), j * n); // restore for the next feature
    const mean = importances.reduce((a, b) => a + b, 0) / nRepeats;
    const sd = Math.sqrt(importances.reduce((a, b) => a + (b - mean) ** 2, 0) / nRepeats);
    return { name: f.name, title: f.title, mean, sd, importances };
  });
  const ranked = features
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.mean - a.f.mean || a.i - b.i)
    .map(({ f }) => f);
  return { scoring: scorer.scoring, rows: n, nRepeats, seed, baseline, features: ranked };
}
