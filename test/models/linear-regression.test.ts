import { describe, expect, it } from 'vitest';
import { LinearRegression } from '../../actions/lib/models/linear-regression.js';
import { emptyLinearStats, type LinearStats } from '../../actions/lib/models/linear-stats.js';
import { loadRegressor } from '../../actions/lib/models/regressors.js';
import { fromRows, type Matrix, ModelFormatError } from '../../actions/lib/models/types.js';
import { loadFixture } from '../fixtures/sklearn/fixtures.js';
import { type LinearReference, linearFixture } from '../fixtures/sklearn/linear-fixtures.js';

const fixture = linearFixture();

/** Largest difference relative to max(1, |reference|). */
function maxRelDiff(ours: ArrayLike<number>, reference: readonly number[]): number {
  expect(ours.length).toBe(reference.length);
  let worst = 0;
  for (let i = 0; i < reference.length; i++) {
    worst = Math.max(worst, Math.abs(ours[i] - reference[i]) / Math.max(1, Math.abs(reference[i])));
  }
  return worst;
}

function wineRegression(): { X: Matrix; y: Float64Array; test: Matrix } {
  const wine = loadFixture('wine');
  const quality = wine.classes.map(Number);
  return {
    X: fromRows(wine.trainX),
    y: Float64Array.from(wine.trainY, (c) => quality[c]),
    test: fromRows(wine.testX),
  };
}

const wine = wineRegression();

/** Rows [from, to) of a column-major matrix and target. */
function slice(X: Matrix, y: Float64Array, from: number, to: number): { X: Matrix; y: Float64Array } {
  const m = to - from;
  const data = new Float64Array(m * X.cols);
  for (let j = 0; j < X.cols; j++) data.set(X.data.subarray(j * X.rows + from, j * X.rows + to), j * m);
  return { X: { rows: m, cols: X.cols, data }, y: y.slice(from, to) };
}

function expectParity(model: LinearRegression, test: Matrix, ref: LinearReference, label: string) {
  expect(maxRelDiff(model.predict(test), ref.predict), `${label} predictions`).toBeLessThan(1e-9);
  expect(maxRelDiff(model.coef, ref.coef), `${label} coef`).toBeLessThan(1e-9);
  expect(
    Math.abs(model.intercept - ref.intercept) / Math.max(1, Math.abs(ref.intercept)),
    `${label} intercept`,
  ).toBeLessThan(1e-9);
}

describe('LinearRegression (least squares and ridge) against scikit-learn', () => {
  it('equals LinearRegression and Ridge on wine quality as a number, to 1e-9', () => {
    expectParity(new LinearRegression().fit(wine.X, wine.y), wine.test, fixture.wine.linear, 'wine linear');
    for (const r of fixture.wine.ridge) {
      const model = new LinearRegression({ alpha: r.alpha }).fit(wine.X, wine.y);
      expect(model.algorithm).toBe('ridge');
      expectParity(model, wine.test, r, `wine ridge ${r.alpha}`);
    }
  });

  it('equals scikit-learn on constant, duplicate and dependent columns, wide data, one row and mixed scales', () => {
    const ranks: Record<string, number> = {};
    for (const c of fixture.cases) {
      const X = fromRows(c.trainX);
      const y = Float64Array.from(c.trainY);
      const test = fromRows(c.testX);
      const model = new LinearRegression().fit(X, y);
      ranks[c.name] = model.rank;
      // Where columns are dependent only the minimum-norm solution is lstsq's: coefficients must match too.
      expectParity(model, test, c.linear, `${c.name} linear`);
      for (const r of c.ridge)
        expectParity(
          new LinearRegression({ alpha: r.alpha }).fit(X, y),
          test,
          r,
          `${c.name} ridge ${r.alpha}`,
        );
    }
    // 6 columns: one constant, one duplicate, one a combination of two others; 15 columns on 8 rows.
    expect(ranks).toEqual({ 'rank-deficient': 3, wide: 7, 'one-row': 0, scales: 4 });
    const rankDeficient = fixture.cases.find((c) => c.name === 'rank-deficient')!;
    const model = new LinearRegression().fit(
      fromRows(rankDeficient.trainX),
      Float64Array.from(rankDeficient.trainY),
    );
    expect(model.coef[3]).toBe(0); // the constant column
  });

  it('fits from merged shard statistics exactly as from all rows (to 1e-9), in any grouping', () => {
    const whole = new LinearRegression({ alpha: 1 }).fit(wine.X, wine.y);
    const n = wine.X.rows;
    const cuts = [0, 1, 700, 701, 2500, n]; // uneven shards, including one-row shards
    const parts = cuts.slice(1).map((to, k) => {
      const s = slice(wine.X, wine.y, cuts[k], to);
      return LinearRegression.stats(s.X, s.y);
    });
    const leftToRight = parts.reduce((a, b) => LinearRegression.mergeStats(a, b));
    const pairwise = LinearRegression.mergeStats(
      LinearRegression.mergeStats(parts[0], LinearRegression.mergeStats(parts[1], parts[2])),
      LinearRegression.mergeStats(parts[3], LinearRegression.mergeStats(emptyLinearStats(12), parts[4])),
    );
    for (const merged of [leftToRight, pairwise]) {
      expect(merged.n).toBe(n);
      const sharded = LinearRegression.fromStats(merged, { alpha: 1 });
      expect(maxRelDiff(sharded.predict(wine.test), Array.from(whole.predict(wine.test)))).toBeLessThan(1e-9);
      expect(maxRelDiff(sharded.coef, Array.from(whole.coef))).toBeLessThan(1e-9);
      expect(
        maxRelDiff(sharded.predict(wine.test), fixture.wine.ridge.find((r) => r.alpha === 1)!.predict),
      ).toBeLessThan(1e-9);
    }
    // Plain least squares from shards too.
    const ols = LinearRegression.fromStats(leftToRight);
    expect(maxRelDiff(ols.predict(wine.test), fixture.wine.linear.predict)).toBeLessThan(1e-9);
  });

  it('refuses merging statistics of different widths and fitting from no rows', () => {
    const a: LinearStats = emptyLinearStats(3);
    expect(() => LinearRegression.mergeStats(a, emptyLinearStats(4))).toThrow(
      /feature counts differ \(3 vs 4\)/,
    );
    expect(() => LinearRegression.fromStats(a)).toThrow(/no training rows/);
  });

  it('round-trips through JSON with identical predictions and loads by format name', () => {
    const model = new LinearRegression({ alpha: 10 }).fit(wine.X, wine.y);
    const text = JSON.stringify(model.toJSON());
    const loaded = LinearRegression.load(JSON.parse(text));
    expect(loaded.predict(wine.test)).toStrictEqual(model.predict(wine.test));
    expect(JSON.stringify(loaded.toJSON())).toBe(text);
    expect(loaded.params()).toEqual({ alpha: 10 });
    const viaRegistry = loadRegressor(JSON.parse(text));
    expect(viaRegistry.algorithm).toBe('ridge');
    expect(viaRegistry.predict(wine.test)).toStrictEqual(model.predict(wine.test));
  });

  it('load rejects foreign and corrupt JSON with a message naming the field and the rule', () => {
    const good = () => JSON.parse(JSON.stringify(new LinearRegression().fit(wine.X, wine.y).toJSON()));
    const cases: [string, (j: Record<string, unknown>) => unknown, RegExp][] = [
      ['null', () => null, /expected a JSON object, got null/],
      ['other format', (j) => ({ ...j, format: 'gitml.knn' }), /"format" must be "gitml.linear-regression"/],
      ['future version', (j) => ({ ...j, version: 2 }), /"version" must be 1/],
      [
        'negative alpha',
        (j) => ({ ...j, params: { alpha: -1 } }),
        /"alpha" must be a finite number >= 0, got -1/,
      ],
      [
        'short coef',
        (j) => ({ ...j, coef: (j.coef as number[]).slice(1) }),
        /"coef" must be an array of 12 numbers/,
      ],
      [
        'NaN coef',
        (j) => ({ ...j, coef: (j.coef as number[]).map((v, i) => (i === 2 ? null : v)) }),
        /coef\[2\] must be a finite number, got null/,
      ],
      ['text intercept', (j) => ({ ...j, intercept: '3' }), /"intercept" must be a finite number/],
      ['rank above features', (j) => ({ ...j, rank: 13 }), /"rank" must be an integer >= 0 <= 12/],
      ['rank above rows', (j) => ({ ...j, nTrain: 3 }), /rank 12 is impossible with 3 training rows/],
    ];
    for (const [label, corrupt, message] of cases) {
      const attempt = () => LinearRegression.load(corrupt(good()));
      expect(attempt, label).toThrow(ModelFormatError);
      expect(attempt, label).toThrow(message);
    }
    expect(() => loadRegressor({ format: 'gitml.svm' })).toThrow(
      /regressor format "gitml.svm" is not one of/,
    );
  });

  it('rejects bad inputs with errors that name the problem', () => {
    const X = fromRows([
      [1, 2],
      [2, 1],
      [3, 5],
    ]);
    expect(() => new LinearRegression({ alpha: -0.5 })).toThrow(
      /alpha must be a finite number >= 0, got -0.5/,
    );
    expect(() => new LinearRegression({ alpha: Number.NaN })).toThrow(/alpha must be/);
    expect(() => new LinearRegression().fit(X, Float64Array.from([1, 2]))).toThrow(
      /y has 2 values but X has 3 rows/,
    );
    expect(() => new LinearRegression().fit(X, Float64Array.from([1, Number.NaN, 2]))).toThrow(
      /y\[1\] is NaN/,
    );
    expect(() =>
      new LinearRegression().fit(
        fromRows([
          [1, 2],
          [Number.NaN, 1],
        ]),
        Float64Array.from([1, 2]),
      ),
    ).toThrow(/X has NaN at row 1, feature 0/);
    expect(() => new LinearRegression().fit(fromRows([]), new Float64Array(0))).toThrow(/X has no rows/);
    expect(() => new LinearRegression().predict(X)).toThrow(/not fitted/);
    const model = new LinearRegression().fit(X, Float64Array.from([1, 2, 3]));
    expect(() => model.predict(fromRows([[1, 2, 3]]))).toThrow(/X has 3 features, the model was fitted on 2/);
    expect(() => model.predict(fromRows([[1, Number.POSITIVE_INFINITY]]))).toThrow(
      /X has Infinity at row 0, feature 1/,
    );
  });

  it('a constant target fits the constant; a constant feature gets coefficient 0', () => {
    const X = fromRows([
      [1, 7],
      [2, 7],
      [4, 7],
    ]);
    const flat = new LinearRegression().fit(X, Float64Array.from([5, 5, 5]));
    expect(Array.from(flat.coef)).toEqual([0, 0]);
    expect(flat.intercept).toBe(5);
    const line = new LinearRegression().fit(X, Float64Array.from([3, 5, 9]));
    expect(line.coef[1]).toBe(0);
    expect(line.coef[0]).toBeCloseTo(2, 12);
    expect(line.intercept).toBeCloseTo(1, 12);
    expect(line.rank).toBe(1);
  });
});
