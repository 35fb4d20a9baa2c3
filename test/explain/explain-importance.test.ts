// Permutation feature importance against scikit-learn's permutation_importance run with our shuffles
// (test/fixtures/sklearn/explain_permutation.py), and one-hot columns moving together.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { holdoutImportance } from '../../actions/lib/explain/holdout-importance.js';
import {
  accuracyScorer,
  negativeMaeScorer,
  permutationImportance,
  shuffleSequence,
} from '../../actions/lib/explain/permutation-importance.js';
import type { FeatureViewJSON } from '../../actions/lib/features/feature-view.js';
import { GaussianNB } from '../../actions/lib/models/gaussian-nb.js';
import { KnnRegressor } from '../../actions/lib/models/knn-regressor.js';
import { RandomForestRegressor } from '../../actions/lib/models/random-forest/random-forest-regressor.js';
import { fromRows, type Matrix } from '../../actions/lib/models/types.js';
import {
  CLASSES,
  FEATURES,
  featureTableOf,
  makeTable,
  matrixOf,
  servedClassifier,
  servedRegressor,
} from './explain-data.js';

interface Reference {
  baseline: number;
  mean: number[];
  sd: number[];
  importances: number[][];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/sklearn/explain_permutation.json', import.meta.url), 'utf8'),
) as {
  seed: number;
  nRepeats: number;
  trainX: number[][];
  trainY: number[];
  trainTarget: number[];
  holdoutX: number[][];
  holdoutY: number[];
  holdoutTarget: number[];
  shuffles: number[][];
  gaussianNB: Reference;
  knnRegressor: Reference;
};

/** The fixture's four numeric features, passed through unchanged. */
const view: FeatureViewJSON = {
  features: ['a', 'b', 'c', 'd'].map((name) => ({
    name,
    title: name.toUpperCase(),
    type: 'numeric' as const,
  })),
  correlations: {},
  minAbsCorrelation: 0,
  columns: ['a', 'b', 'c', 'd'].map((feature) => ({ feature, center: 0, scale: 1 })),
};
const options = { nRepeats: fixture.nRepeats, seed: fixture.seed };

function expectMatches(ours: ReturnType<typeof permutationImportance>, ref: Reference) {
  expect(Math.abs(ours.baseline - ref.baseline)).toBeLessThan(1e-12);
  for (const f of ours.features) {
    const j = view.features.findIndex((v) => v.name === f.name);
    expect(Math.abs(f.mean - ref.mean[j])).toBeLessThan(1e-12);
    expect(Math.abs(f.sd - ref.sd[j])).toBeLessThan(1e-12);
    f.importances.forEach((v, r) => {
      expect(Math.abs(v - ref.importances[j][r])).toBeLessThan(1e-12);
    });
  }
}

describe('permutation importance equals scikit-learn given the same shuffles', () => {
  const holdout = fromRows(fixture.holdoutX);

  it('draws the shuffles the fixture recorded (the Python port of our generator is faithful)', () => {
    const ours = shuffleSequence(fixture.holdoutX.length, fixture.nRepeats, fixture.seed).map((s) =>
      Array.from(s),
    );
    expect(ours).toEqual(fixture.shuffles);
  });

  it('classifier, accuracy: Gaussian NB', () => {
    const nb = new GaussianNB().fit(fromRows(fixture.trainX), Int32Array.from(fixture.trainY), 3);
    const result = permutationImportance(
      view,
      holdout,
      accuracyScorer((X) => nb.predictProba(X), 3, fixture.holdoutY),
      options,
    );
    expect(result.scoring).toBe('accuracy');
    expect(result.rows).toBe(fixture.holdoutX.length);
    expectMatches(result, fixture.gaussianNB);
    // Ranked by mean importance: the noise feature 'd' last.
    expect(result.features.map((f) => f.name)).toEqual(['a', 'c', 'b', 'd']);
  });

  it('regressor, negative mean absolute error: kNN regressor', () => {
    const knn = new KnnRegressor({ k: 5 }).fit(
      fromRows(fixture.trainX),
      Float64Array.from(fixture.trainTarget),
    );
    const result = permutationImportance(
      view,
      holdout,
      negativeMaeScorer((X) => knn.predict(X), fixture.holdoutTarget),
      options,
    );
    expect(result.scoring).toBe('neg-mean-absolute-error');
    expectMatches(result, fixture.knnRegressor);
  });

  it('does not change the rows it was given', () => {
    const copy = Float64Array.from(holdout.data);
    const nb = new GaussianNB().fit(fromRows(fixture.trainX), Int32Array.from(fixture.trainY), 3);
    permutationImportance(
      view,
      holdout,
      accuracyScorer((X) => nb.predictProba(X), 3, fixture.holdoutY),
      options,
    );
    expect(holdout.data).toEqual(copy);
  });
});

describe('a categorical feature is permuted as one', () => {
  it("moves its one-hot columns together: equal to permuting the feature's codes and re-applying the view", () => {
    const train = makeTable(200, 21);
    const hold = makeTable(60, 22);
    const model = servedClassifier(train, new GaussianNB(), false);
    const view = model.json.view;
    const scorer = accuracyScorer((X) => model.predictProba(X), CLASSES.length, hold.labels);
    const result = permutationImportance(view, matrixOf(view, hold), scorer, { nRepeats: 3, seed: 4 });
    const colour = result.features.find((f) => f.name === 'colour')!;
    // By hand: shuffle the raw code column cumulatively, rebuild the one-hot view, score.
    let codes = Float64Array.from(hold.columns[1]);
    const baseline = scorer.score(matrixOf(view, hold));
    const expected = shuffleSequence(hold.n, 3, 4).map((order) => {
      codes = Float64Array.from(order, (r) => codes[r]);
      const columns = hold.columns.map((c, j) => (j === 1 ? codes : c));
      const X: Matrix = matrixOf(view, { ...hold, columns });
      return baseline - scorer.score(X);
    });
    expect(colour.importances).toEqual(expected);
    expect(result.features.map((f) => f.name).sort()).toEqual(FEATURES.map((f) => f.name).sort());
  });

  it('refuses too few rows or a bad repeat count, naming the rule', () => {
    const one = fromRows([[1, 2, 3, 4]]);
    const scorer = { scoring: 'accuracy' as const, score: () => 1 };
    expect(() => permutationImportance(view, one, scorer)).toThrow(/at least 2 held-out rows/);
    expect(() => permutationImportance(view, fromRows(fixture.holdoutX), scorer, { nRepeats: 0 })).toThrow(
      /nRepeats must be an integer >= 1/,
    );
  });
});

describe('holdout importance of a served model', () => {
  const train = makeTable(200, 31);
  const hold = makeTable(80, 32);
  const table = featureTableOf(hold);
  const rows = Array.from({ length: 70 }, (_, i) => i + 5);

  it('classifier: accuracy on the labelled holdout rows (unlabelled ones skipped)', () => {
    const model = servedClassifier(train, new GaussianNB(), false);
    const labels = Int32Array.from(hold.labels);
    labels[10] = -1;
    labels[11] = -1;
    const result = holdoutImportance(model, FEATURES, { ...table, labels }, rows, { seed: 3 });
    const kept = rows.filter((i) => i !== 10 && i !== 11);
    const direct = permutationImportance(
      model.json.view,
      model.matrixFor(FEATURES, hold.columns, hold.n, kept),
      accuracyScorer(
        (X) => model.predictProba(X),
        CLASSES.length,
        kept.map((i) => hold.labels[i]),
      ),
      { seed: 3 },
    );
    expect(result).toEqual(direct);
    expect(result.rows).toBe(68);
    expect(result.scoring).toBe('accuracy');
  });

  it('regressor: negative MAE of the predicted values', () => {
    const model = servedRegressor(train, new RandomForestRegressor({ nTrees: 10, seed: 1 }), false);
    const forest = model.estimator;
    const result = holdoutImportance(model, FEATURES, table, rows, { nRepeats: 2 });
    const X = model.matrixFor(FEATURES, hold.columns, hold.n, rows);
    const direct = permutationImportance(
      model.view,
      X,
      negativeMaeScorer(
        (M) => Float64Array.from(forest.predict(M)),
        rows.map((i) => hold.targets[i]),
      ),
      { nRepeats: 2 },
    );
    expect(result).toEqual(direct);
    expect(result.scoring).toBe('neg-mean-absolute-error');
    expect(result.baseline).toBeLessThan(0);
  });
});
