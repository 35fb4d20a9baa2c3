import { describe, expect, it } from 'vitest';
import { KNearestNeighbors, type KnnWeights } from '../../actions/lib/models/knn.js';
import { fromRows, type Matrix, ModelFormatError } from '../../actions/lib/models/types.js';
import { FIXTURE_NAMES, fixtureData, loadFixture } from '../fixtures/sklearn/fixtures.js';

/** Reference search: every distance, full sort by (squared distance summed in feature order, index). */
function naiveNeighbors(train: Matrix, test: Matrix, k: number): { indices: number[]; squared: number[] }[] {
  const out = [];
  for (let q = 0; q < test.rows; q++) {
    const all: [number, number][] = [];
    for (let t = 0; t < train.rows; t++) {
      let s = 0;
      for (let j = 0; j < train.cols; j++) {
        const d = train.data[j * train.rows + t] - test.data[j * test.rows + q];
        s += d * d;
      }
      all.push([s, t]);
    }
    all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    out.push({ indices: all.slice(0, k).map((a) => a[1]), squared: all.slice(0, k).map((a) => a[0]) });
  }
  return out;
}

const rowsOf = (flat: Float64Array, K: number) =>
  Array.from({ length: flat.length / K }, (_, i) => Array.from(flat.subarray(i * K, (i + 1) * K)));

describe('KNearestNeighbors matches scikit-learn', () => {
  for (const name of FIXTURE_NAMES) {
    for (const weights of ['uniform', 'distance'] as const) {
      it(`${name}, ${weights} weights`, () => {
        const f = loadFixture(name);
        const d = fixtureData(f);
        const ref = weights === 'uniform' ? f.knnUniform : f.knnDistance;
        const model = new KNearestNeighbors({ k: 5, weights }).fit(d.train, d.y, d.nClasses);
        const predicted = Array.from(model.predict(d.test));
        const proba = rowsOf(model.predictProba(d.test), d.nClasses);

        // Our rule, computed independently by numpy: exact probabilities, same argmax.
        expect(proba).toEqual(ref.exactProba);
        expect(predicted).toEqual(ref.exactProba.map((p) => p.indexOf(Math.max(...p))));

        // At an exact k-th place tie between classes scikit-learn's heap may keep another row than ours:
        // its prediction can differ there (listed rows only) and so can its probabilities.
        for (const row of ref.sklearnDiffersOnRows) expect(ref.kthTieRows).toContain(row);
        expect(ref.sklearnDiffersOnRows).toEqual(name === 'synthetic' && weights === 'uniform' ? [1, 7] : []);
        const ties = new Set(ref.kthTieRows);
        for (let i = 0; i < d.test.rows; i++) {
          if (!ref.sklearnDiffersOnRows.includes(i)) expect(predicted[i], `row ${i}`).toBe(ref.predict[i]);
          if (ties.has(i)) continue;
          if (weights === 'uniform') expect(proba[i], `row ${i}`).toEqual(ref.proba[i]);
          // scikit-learn's brute force computes |x|^2 - 2x.y + |y|^2, whose rounding near duplicates
          // shifts its distance weights by up to ~1e-6 on wine.
          else
            for (let c = 0; c < d.nClasses; c++)
              expect(Math.abs(proba[i][c] - ref.proba[i][c])).toBeLessThan(2e-6);
        }
      });
    }
  }

  it('the synthetic fixture really exercises k-th place ties and exact matches', () => {
    const f = loadFixture('synthetic');
    expect(f.knnUniform.kthTieRows.length).toBeGreaterThan(2);
    const d = fixtureData(f);
    // Test row 0 sits exactly on several training rows (three planted duplicates of classes 0, 1, 2 and
    // more): with distance weights those exact matches share all the weight, one vote each.
    const exact = f.trainX.flatMap((row, i) =>
      row.every((v, j) => v === f.testX[0][j]) ? [f.trainY[i]] : [],
    );
    expect(exact.length).toBeGreaterThanOrEqual(3);
    expect(exact.length).toBeLessThanOrEqual(5);
    const expected = [0, 1, 2].map((c) => exact.filter((y) => y === c).length / exact.length);
    const model = new KNearestNeighbors({ weights: 'distance' }).fit(d.train, d.y, d.nClasses);
    expect(Array.from(model.predictProba(fromRows([f.testX[0]])))).toEqual(expected);
  });
});

describe('KNearestNeighbors search is exact', () => {
  it('finds the same neighbours as a full sort on wine (12 features, many duplicates)', () => {
    const d = fixtureData(loadFixture('wine'));
    const test = { rows: 200, cols: d.test.cols, data: new Float64Array(200 * d.test.cols) };
    for (let j = 0; j < d.test.cols; j++)
      test.data.set(d.test.data.subarray(j * d.test.rows, j * d.test.rows + 200), j * 200);
    const model = new KNearestNeighbors({ k: 7 }).fit(d.train, d.y, d.nClasses);
    const got = model.kneighbors(test);
    const want = naiveNeighbors(d.train, test, 7);
    for (let q = 0; q < test.rows; q++) {
      expect(Array.from(got.indices.subarray(q * 7, q * 7 + 7))).toEqual(want[q].indices);
      expect(Array.from(got.distances.subarray(q * 7, q * 7 + 7))).toEqual(want[q].squared.map(Math.sqrt));
    }
  });

  it('breaks ties on an integer grid by lower training index', () => {
    // 3 features on {0, 1, 2}: 27 distinct points, each repeated 10 times in scrambled order
    const rows: number[][] = [];
    for (let i = 0; i < 270; i++) {
      const code = (i * 11) % 27;
      rows.push([code % 3, Math.floor(code / 3) % 3, Math.floor(code / 9)]);
    }
    const train = fromRows(rows);
    const y = Int32Array.from(rows, (_, i) => i % 4);
    const queries = fromRows([
      [1, 1, 1],
      [0.5, 0.5, 0.5],
      [3, 3, 3],
      [1, 0, 2],
      [-1, 1, 1],
    ]);
    for (const k of [1, 5, 13, 64]) {
      const got = new KNearestNeighbors({ k }).fit(train, y, 4).kneighbors(queries);
      const want = naiveNeighbors(train, queries, k);
      for (let q = 0; q < queries.rows; q++) {
        expect(Array.from(got.indices.subarray(q * k, (q + 1) * k)), `k=${k} query ${q}`).toEqual(
          want[q].indices,
        );
      }
    }
  });

  it('votes tie to the lowest class index', () => {
    // two rows of class 2 and two of class 1 at equal distance: 2-2 vote
    const model = new KNearestNeighbors({ k: 4 }).fit(
      fromRows([[1], [-1], [2], [-2]]),
      Int32Array.of(2, 2, 1, 1),
      3,
    );
    expect(Array.from(model.predict(fromRows([[0]])))).toEqual([1]);
    expect(Array.from(model.predictProba(fromRows([[0]])))).toEqual([0, 0.5, 0.5]);
  });
});

describe('KNearestNeighbors JSON', () => {
  const d = fixtureData(loadFixture('titanic'));
  const model = new KNearestNeighbors({ k: 3, weights: 'distance' }).fit(d.train, d.y, d.nClasses);

  it('round-trips exactly through JSON text', () => {
    const text = JSON.stringify(model.toJSON());
    const loaded = KNearestNeighbors.load(JSON.parse(text));
    expect(loaded.predictProba(d.test)).toEqual(model.predictProba(d.test));
    expect(loaded.predict(d.test)).toEqual(model.predict(d.test));
    expect(JSON.stringify(loaded.toJSON())).toBe(text);
    expect(loaded.params()).toEqual({ k: 3, weights: 'distance' });
  });

  it('is deterministic: the same data gives byte-identical JSON', () => {
    const again = new KNearestNeighbors({ k: 3, weights: 'distance' }).fit(d.train, d.y, d.nClasses);
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(model.toJSON()));
  });

  type Json = Record<string, unknown> & { X: unknown[]; y: unknown[]; rows: number };
  const good = () => JSON.parse(JSON.stringify(model.toJSON())) as Json;
  const corruptions: [string, (j: Json) => unknown, RegExp][] = [
    ['a foreign format', (j) => ({ ...j, format: 'gitml.gaussian-nb' }), /"format" must be "gitml\.knn"/],
    ['another version', (j) => ({ ...j, version: '1' }), /"version" must be 1 .*got "1"/],
    ['a string', () => 'model', /expected a JSON object, got "model"/],
    [
      'NaN in X',
      (j) => {
        j.X[10] = Number.NaN;
        return j;
      },
      /X\[10\] must be a finite number, got NaN/,
    ],
    [
      'null in X (what JSON makes of NaN)',
      (j) => ({ ...j, X: j.X.map((v, i) => (i === 3 ? null : v)) }),
      /X\[3\] .*got null/,
    ],
    [
      'a short X',
      (j) => ({ ...j, X: j.X.slice(1) }),
      /"X" must be an array of 4984 numbers, got an array of 4983/,
    ],
    [
      'a label outside the classes',
      (j) => ({ ...j, y: j.y.map((v, i) => (i === 0 ? 2 : v)) }),
      /y\[0\] must be an integer >= 0 <= 1, got 2/,
    ],
    [
      'unknown weights',
      (j) => ({ ...j, weights: 'gaussian' }),
      /"weights" must be one of "uniform", "distance", got "gaussian"/,
    ],
    ['k = 0', (j) => ({ ...j, k: 0 }), /"k" must be an integer >= 1, got 0/],
    [
      'fewer rows than k',
      (j) => ({ ...j, k: j.rows + 1 }),
      /k = 713 needs at least 713 training rows, got rows = 712/,
    ],
  ];
  for (const [label, corrupt, message] of corruptions) {
    it(`load rejects ${label}`, () => {
      const bad = corrupt(good());
      expect(() => KNearestNeighbors.load(bad)).toThrow(ModelFormatError);
      expect(() => KNearestNeighbors.load(bad)).toThrow(message);
    });
  }
});

describe('KNearestNeighbors edge cases', () => {
  it('refuses k larger than the training set, and bad parameters', () => {
    const X = fromRows([[1], [2], [3]]);
    expect(() => new KNearestNeighbors({ k: 5 }).fit(X, Int32Array.of(0, 1, 0), 2)).toThrow(
      /k = 5 needs at least 5 training rows, got 3/,
    );
    expect(() => new KNearestNeighbors({ k: 2.5 })).toThrow(/k must be an integer >= 1, got 2\.5/);
    expect(() => new KNearestNeighbors({ weights: 'cosine' as KnnWeights })).toThrow(
      /weights must be 'uniform' or 'distance'/,
    );
    expect(() => new KNearestNeighbors({ k: 3 }).fit(X, Int32Array.of(0, 5, 0), 2)).toThrow(
      /y\[1\] = 5 is not a class index/,
    );
  });

  it('uses exactly k = rows neighbours when the training set is that small', () => {
    const model = new KNearestNeighbors({ k: 3 }).fit(fromRows([[1], [2], [3]]), Int32Array.of(0, 1, 1), 2);
    expect(Array.from(model.predictProba(fromRows([[100]])))).toEqual([1 / 3, 2 / 3]);
  });

  it('gives classes without training rows probability 0', () => {
    const model = new KNearestNeighbors({ k: 2, weights: 'distance' }).fit(
      fromRows([[0], [1], [5]]),
      Int32Array.of(0, 2, 2),
      4,
    );
    const proba = model.predictProba(fromRows([[0.25], [3]]));
    expect(proba[1]).toBe(0);
    expect(proba[3]).toBe(0);
    expect(proba[0]).toBeCloseTo(0.75, 12);
    expect(Array.from(proba.subarray(4))).toEqual([0, 0, 1, 0]);
  });

  it('rejects bad queries with messages naming the problem', () => {
    expect(() => new KNearestNeighbors().predict(fromRows([[1]]))).toThrow(/not fitted/);
    const model = new KNearestNeighbors({ k: 1 }).fit(fromRows([[1, 2]]), Int32Array.of(0), 1);
    expect(() => model.predict(fromRows([[1]]))).toThrow(/X has 1 features, the model was fitted on 2/);
    expect(() => model.predict(fromRows([[1, Number.NaN]]))).toThrow(/X has NaN at row 0, feature 1/);
    expect(() =>
      new KNearestNeighbors({ k: 1 }).fit(fromRows([[Number.POSITIVE_INFINITY]]), Int32Array.of(0), 1),
    ).toThrow(/fit: X has Infinity at row 0, feature 0/);
  });
});

describe('KNearestNeighbors degenerate shapes', () => {
  it('handles rows without features (every distance 0) and more rows than a leaf holds', () => {
    const n = 150;
    const X: Matrix = { rows: n, cols: 0, data: new Float64Array(0) };
    const y = Int32Array.from({ length: n }, (_, i) => (i < 3 ? 2 : i % 2));
    const model = new KNearestNeighbors({ k: 3 }).fit(X, y, 3);
    // all tie at distance 0: the three lowest training indices win, all of class 2
    expect(Array.from(model.kneighbors({ rows: 1, cols: 0, data: new Float64Array(0) }).indices)).toEqual([
      0, 1, 2,
    ]);
    expect(Array.from(model.predict({ rows: 2, cols: 0, data: new Float64Array(0) }))).toEqual([2, 2]);
  });

  it('handles many identical training rows', () => {
    const n = 300;
    const X = fromRows(Array.from({ length: n }, () => [1, 2, 3, 4, 5]));
    const y = Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const model = new KNearestNeighbors({ k: 4 }).fit(X, y, 2);
    expect(Array.from(model.kneighbors(fromRows([[0, 0, 0, 0, 0]])).indices)).toEqual([0, 1, 2, 3]);
  });
});
