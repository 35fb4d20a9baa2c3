import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../../actions/lib/models/base64.js';
import { KnnRegressor } from '../../actions/lib/models/knn-regressor.js';
import { RandomForestRegressor } from '../../actions/lib/models/random-forest/random-forest-regressor.js';
import {
  loadRegressor,
  REGRESSION_ALGORITHMS,
  regressionAlgorithm,
} from '../../actions/lib/models/regressors.js';
import { fromRows, ModelFormatError } from '../../actions/lib/models/types.js';
import { splitRows, takeRows, wineCsvPath, wineMatrix } from '../bench/forest.js';
import { loadFixture } from '../fixtures/sklearn/fixtures.js';
import { linearFixture, standardize } from '../fixtures/sklearn/linear-fixtures.js';

interface ForestRegressorFixture {
  meanSklearnMae: number;
  meanSklearnR2: number;
  splits: { seed: number; sklearnMae: number; sklearnR2: number }[];
}

/** Wine with quality as a number, and the forest fixture's split test rows. */
function wineQuality() {
  const wine = wineMatrix(readFileSync(wineCsvPath(), 'utf8'));
  const lowest = 3;
  return { X: wine.X, quality: Float64Array.from(wine.y, (c) => c + lowest) };
}

function maeAndR2(predicted: Float64Array, truth: Float64Array): { mae: number; r2: number } {
  let abs = 0;
  let sq = 0;
  let mean = 0;
  for (let i = 0; i < truth.length; i++) mean += truth[i] / truth.length;
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    abs += Math.abs(predicted[i] - truth[i]);
    sq += (predicted[i] - truth[i]) ** 2;
    total += (truth[i] - mean) ** 2;
  }
  return { mae: abs / truth.length, r2: 1 - sq / total };
}

const small = fromRows(Array.from({ length: 60 }, (_, i) => [i % 10, Math.floor(i / 10), (i * 7) % 13]));
const smallY = Float64Array.from(
  { length: 60 },
  (_, i) => (i % 10) * 2 + Math.floor(i / 10) + ((i * 7) % 13) / 10,
);

describe('RandomForestRegressor', () => {
  it('matches scikit-learn RandomForestRegressor(100) on wine quality within noise (MAE, R², same 5 splits)', () => {
    const fixture: ForestRegressorFixture = JSON.parse(
      readFileSync('test/fixtures/sklearn/forest_regressor_wine.json', 'utf8'),
    );
    const classification = JSON.parse(readFileSync('test/fixtures/sklearn/forest_wine.json', 'utf8')) as {
      splits: { seed: number; test: number[] }[];
    };
    const { X, quality } = wineQuality();
    const y = Int32Array.from(quality);
    const results = classification.splits.map((s) => {
      const rows = splitRows(X.rows, s.test);
      const train = takeRows(X, y, rows.train);
      const test = takeRows(X, y, rows.test);
      const model = new RandomForestRegressor({ seed: s.seed }).fit(train.X, Float64Array.from(train.y));
      return maeAndR2(model.predict(test.X), Float64Array.from(test.y));
    });
    const mae = results.reduce((a, r) => a + r.mae, 0) / results.length;
    const r2 = results.reduce((a, r) => a + r.r2, 0) / results.length;
    // Forest seeds move the mean MAE by about ±0.003 and R² by ±0.005 on these splits.
    expect(mae).toBeLessThan(fixture.meanSklearnMae + 0.01);
    expect(r2).toBeGreaterThan(fixture.meanSklearnR2 - 0.015);
  }, 120_000);

  it('is deterministic per seed, round-trips through JSON and loads by format name', () => {
    const model = new RandomForestRegressor({ nTrees: 20, seed: 3 }).fit(small, smallY);
    const text = JSON.stringify(model.toJSON());
    expect(
      JSON.stringify(new RandomForestRegressor({ nTrees: 20, seed: 3 }).fit(small, smallY).toJSON()),
    ).toBe(text);
    expect(
      JSON.stringify(new RandomForestRegressor({ nTrees: 20, seed: 4 }).fit(small, smallY).toJSON()),
    ).not.toBe(text);
    const loaded = RandomForestRegressor.load(JSON.parse(text));
    expect(loaded.predict(small)).toStrictEqual(model.predict(small));
    expect(loaded.featureImportances()).toStrictEqual(model.featureImportances());
    expect(JSON.stringify(loaded.toJSON())).toBe(text);
    expect(loadRegressor(JSON.parse(text)).predict(small)).toStrictEqual(model.predict(small));
    expect(model.params()).toMatchObject({ nTrees: 20, maxFeatures: 1, minSamplesLeaf: 1, bootstrap: true });
  });

  it('fits the training rows closely without bootstrap, ranks informative features first', () => {
    const model = new RandomForestRegressor({ nTrees: 5, bootstrap: false }).fit(small, smallY);
    const predicted = model.predict(small);
    for (let i = 0; i < smallY.length; i++) expect(predicted[i]).toBeCloseTo(smallY[i], 12);
    const importance = model.featureImportances();
    expect(importance[0]).toBeGreaterThan(importance[1]);
    expect(importance.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('gives tree predictions whose mean is the prediction (for intervals)', () => {
    const model = new RandomForestRegressor({ nTrees: 7, seed: 1 }).fit(small, smallY);
    const perTree = model.treePredictions(small);
    const mean = model.predict(small);
    for (let i = 0; i < small.rows; i++) {
      let s = 0;
      for (let t = 0; t < 7; t++) s += perTree[t * small.rows + i];
      expect(s / 7).toBeCloseTo(mean[i], 12);
    }
  });

  it('a constant target gives one-leaf trees; a constant feature is never split on', () => {
    const X = fromRows(Array.from({ length: 30 }, (_, i) => [5, i]));
    const flat = new RandomForestRegressor({ nTrees: 4 }).fit(X, new Float64Array(30).fill(2.5));
    expect(flat.nodeCount).toBe(4);
    expect(Array.from(flat.predict(fromRows([[1, 1]])))).toEqual([2.5]);
    const model = new RandomForestRegressor({ nTrees: 4 }).fit(
      X,
      Float64Array.from({ length: 30 }, (_, i) => i * i),
    );
    expect(model.featureImportances()[0]).toBe(0);
  });

  it('rejects bad inputs and corrupt JSON with messages naming the problem', () => {
    const rf = new RandomForestRegressor({ nTrees: 2 });
    expect(() => rf.fit(small, smallY.subarray(1))).toThrow(/y has 59 values but X has 60 rows/);
    expect(() => rf.fit(fromRows([[1], [2]]), Float64Array.from([1, Number.NaN]))).toThrow(/y\[1\] is NaN/);
    expect(() => rf.fit(fromRows([[1], [Number.NaN]]), Float64Array.from([1, 2]))).toThrow(
      /X has NaN at row 1/,
    );
    expect(() => rf.fit(fromRows([]), new Float64Array(0))).toThrow(/X is empty/);
    expect(() => rf.predict(small)).toThrow(/not fitted/);
    expect(() => new RandomForestRegressor({ maxFeatures: 2 })).toThrow(/maxFeatures must be/);
    const good = () =>
      JSON.parse(JSON.stringify(new RandomForestRegressor({ nTrees: 3 }).fit(small, smallY).toJSON()));
    const cases: [string, (j: Record<string, unknown>) => unknown, RegExp][] = [
      ['null', () => null, /expected a JSON object/],
      ['classifier', (j) => ({ ...j, format: 'gitml.random-forest' }), /format is "gitml.random-forest"/],
      ['version', (j) => ({ ...j, version: 9 }), /version 9 is not supported/],
      ['params', (j) => ({ ...j, params: { nTrees: -1 } }), /params: nTrees must be/],
      [
        'more trees',
        (j) => ({ ...j, params: { ...(j.params as object), nTrees: 4 } }),
        /trees hold 3 trees, params say 4/,
      ],
      [
        'fewer trees',
        (j) => ({ ...j, params: { ...(j.params as object), nTrees: 2 } }),
        /bytes after the last of 2 trees/,
      ],
      [
        'node count',
        (j) => ({ ...j, nodeCount: (j.nodeCount as number) + 1 }),
        /nodeCount is \d+ but the trees hold \d+ nodes/,
      ],
      [
        'unsorted',
        (j) => ({ ...j, leafValues: [...(j.leafValues as number[])].reverse() }),
        /leafValues must be strictly ascending/,
      ],
      [
        'NaN threshold',
        (j) => ({ ...j, thresholds: [[null], [], []] }),
        /thresholds\[0\]\[0\] must be a finite number/,
      ],
      [
        'missing leaves',
        (j) => ({ ...j, leafValues: [] }),
        /leaf node \d+ uses value \d+, but leafValues has 0/,
      ],
      [
        'bad feature',
        (j) => ({ ...j, trees: encodeBase64(Uint8Array.from([9, 0, 0, 0, 0, 0])) }),
        /node 0 splits on feature 8, but there are 3 features/,
      ],
      ['not base64', (j) => ({ ...j, trees: '@@' }), /not valid base64/],
      [
        'importances',
        (j) => ({ ...j, featureImportances: [1] }),
        /featureImportances must be an array of 3 numbers/,
      ],
    ];
    for (const [label, corrupt, message] of cases) {
      const attempt = () => RandomForestRegressor.load(corrupt(good()));
      expect(attempt, label).toThrow(ModelFormatError);
      expect(attempt, label).toThrow(message);
    }
  });
});

describe('KnnRegressor', () => {
  const fixture = linearFixture();
  const wine = loadFixture('wine');
  const quality = wine.classes.map(Number);
  const [train, test] = standardize(fromRows(wine.trainX), fromRows(wine.testX));
  const y = Float64Array.from(wine.trainY, (c) => quality[c]);

  for (const weights of ['uniform', 'distance'] as const) {
    it(`${weights} weights: equals scikit-learn KNeighborsRegressor(5) on wine quality`, () => {
      const ref = fixture.wineKnn[weights];
      const predicted = new KnnRegressor({ k: 5, weights }).fit(train, y).predict(test);
      const ties = new Set(ref.kthTieRows);
      let worstExact = 0;
      let worstSklearn = 0;
      for (let i = 0; i < test.rows; i++) {
        worstExact = Math.max(worstExact, Math.abs(predicted[i] - ref.exact[i]));
        // Where the 5th and 6th neighbours tie, scikit-learn's heap picks its own; elsewhere it must agree.
        if (!ties.has(i)) worstSklearn = Math.max(worstSklearn, Math.abs(predicted[i] - ref.sklearn[i]));
      }
      expect(worstExact).toBeLessThan(1e-12);
      // scikit-learn's brute force computes distances as sqrt(|x|² − 2x·y + |y|²), whose rounding moves
      // its 1/d weights by up to ~1e-6 relative; `exact` is the same rule with direct distances.
      expect(worstSklearn).toBeLessThan(weights === 'uniform' ? 1e-12 : 1e-6);
      expect(ref.kthTieRows.length).toBeLessThan(test.rows / 4);
    });
  }

  it('gives exact matches all the weight under distance weighting, and round-trips through JSON', () => {
    const X = fromRows([[0], [1], [1], [3], [7]]);
    const model = new KnnRegressor({ k: 3, weights: 'distance' }).fit(
      X,
      Float64Array.from([10, 20, 40, 50, 90]),
    );
    expect(Array.from(model.predict(fromRows([[1]])))).toEqual([30]);
    const d = model.predict(fromRows([[2]]))[0];
    expect(d).toBeCloseTo((20 + 40 + 50) / 3, 12); // all three at distance 1
    const text = JSON.stringify(model.toJSON());
    const loaded = KnnRegressor.load(JSON.parse(text));
    expect(loaded.predict(fromRows([[2], [5]]))).toStrictEqual(model.predict(fromRows([[2], [5]])));
    expect(JSON.stringify(loaded.toJSON())).toBe(text);
    expect(loadRegressor(JSON.parse(text)).predict(fromRows([[6]]))).toStrictEqual(
      model.predict(fromRows([[6]])),
    );
  });

  it('rejects bad inputs and corrupt JSON with messages naming the problem', () => {
    expect(() => new KnnRegressor({ k: 0 })).toThrow(/k must be an integer >= 1, got 0/);
    expect(() => new KnnRegressor({ k: 3 }).fit(fromRows([[1], [2]]), Float64Array.from([1, 2]))).toThrow(
      /k = 3 needs at least 3 training rows, got 2/,
    );
    expect(() =>
      new KnnRegressor({ k: 1 }).fit(fromRows([[1], [2]]), Float64Array.from([1, Number.NaN])),
    ).toThrow(/y\[1\] is NaN/);
    expect(() => new KnnRegressor().predict(fromRows([[1]]))).toThrow(/not fitted/);
    const good = () =>
      JSON.parse(
        JSON.stringify(
          new KnnRegressor({ k: 2 }).fit(fromRows([[1], [2], [4]]), Float64Array.from([1, 2, 3])).toJSON(),
        ),
      );
    const cases: [string, (j: Record<string, unknown>) => unknown, RegExp][] = [
      ['format', (j) => ({ ...j, format: 'gitml.knn' }), /"format" must be "gitml.knn-regressor"/],
      ['weights', (j) => ({ ...j, weights: 'gaussian' }), /"weights" must be one of "uniform", "distance"/],
      ['too few rows', (j) => ({ ...j, k: 4 }), /k = 4 needs at least 4 training rows, got rows = 3/],
      ['y', (j) => ({ ...j, y: [1, 2, 'x'] }), /y\[2\] must be a finite number/],
      [
        'X',
        (j) => ({ ...j, X: [1, null, 3] }),
        /gitml.knn-regressor model: X\[1\] must be a finite number, got null/,
      ],
    ];
    for (const [label, corrupt, message] of cases) {
      const attempt = () => KnnRegressor.load(corrupt(good()));
      expect(attempt, label).toThrow(ModelFormatError);
      expect(attempt, label).toThrow(message);
    }
  });
});

describe('REGRESSION_ALGORITHMS', () => {
  it('creates every regressor from each grid point, fits and predicts', () => {
    for (const a of REGRESSION_ALGORITHMS) {
      expect(regressionAlgorithm(a.name)).toBe(a);
      for (const params of a.grid) {
        const model = a.create({ ...params, ...(a.name === 'random-forest-regressor' ? { nTrees: 3 } : {}) });
        const predicted = model.fit(small, smallY).predict(small);
        expect(predicted.every(Number.isFinite), `${a.name} ${JSON.stringify(params)}`).toBe(true);
      }
    }
    expect(() => regressionAlgorithm('svr')).toThrow(
      /unknown regression algorithm 'svr' \(known: linear-regression, ridge/,
    );
  });
});
