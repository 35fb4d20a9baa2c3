import { describe, expect, it } from 'vitest';
import { ALGORITHMS, loadEstimator } from '../../actions/lib/models/algorithms.js';
import { LogisticRegression } from '../../actions/lib/models/logistic-regression.js';
import { ServingModel } from '../../actions/lib/models/serving-model.js';
import { fromRows, ModelFormatError } from '../../actions/lib/models/types.js';
import { DEFAULT_TRAINING } from '../../actions/lib/training/training.js';
import { splitRows, takeRows } from '../bench/forest.js';
import { loadFixture } from '../fixtures/sklearn/fixtures.js';
import { breastCancerFixture, logisticFixture, standardize } from '../fixtures/sklearn/linear-fixtures.js';
import { cli, makeWorkspace, read } from '../helpers/workspace.js';

const fixture = logisticFixture();

function maxAbsDiff(ours: ArrayLike<number>, reference: readonly number[]): number {
  expect(ours.length).toBe(reference.length);
  let worst = 0;
  for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(ours[i] - reference[i]));
  return worst;
}

function standardized(name: 'iris' | 'titanic' | 'wine') {
  const f = loadFixture(name);
  const [train, test] = standardize(fromRows(f.trainX), fromRows(f.testX));
  return { train, test, y: Int32Array.from(f.trainY), nClasses: f.classes.length };
}

describe('LogisticRegression against scikit-learn LogisticRegression(lbfgs)', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: probabilities within 1e-6 and identical predictions, for C = 1 and 0.1`, () => {
      const data = standardized(c.name);
      for (const ref of c.fits) {
        const model = new LogisticRegression({ C: ref.C }).fit(data.train, data.y, data.nClasses);
        expect(model.convergence.converged, `${c.name} C=${ref.C}`).toBe(true);
        expect(
          maxAbsDiff(model.predictProba(data.test), ref.proba.flat()),
          `${c.name} C=${ref.C}`,
        ).toBeLessThan(1e-6);
        expect(Array.from(model.predict(data.test))).toEqual(ref.predict);
        // Binary: one weight row (scikit-learn's coef_ shape); multinomial: one per class.
        const json = model.toJSON() as unknown as { coef: number[][]; intercept: number[] };
        expect(json.coef).toHaveLength(ref.coef.length);
        if (ref.coef.length === 1) {
          expect(maxAbsDiff(json.coef[0], ref.coef[0])).toBeLessThan(1e-5);
          expect(maxAbsDiff(json.intercept, ref.intercept)).toBeLessThan(1e-5);
        }
      }
    });
  }

  it('reaches at least scikit-learn’s accuracy on the breast-cancer splits (30 features, 2 classes)', () => {
    const bc = breastCancerFixture();
    const X = fromRows(bc.X);
    const y = Int32Array.from(bc.y);
    const ours = bc.splits.map((s) => {
      const rows = splitRows(X.rows, s.test);
      const train = takeRows(X, y, rows.train);
      const test = takeRows(X, y, rows.test);
      const [a, b] = standardize(train.X, test.X);
      const predicted = new LogisticRegression().fit(a, train.y, 2).predict(b);
      let hits = 0;
      for (let i = 0; i < predicted.length; i++) if (predicted[i] === test.y[i]) hits++;
      return hits / predicted.length;
    });
    const mean = ours.reduce((s, x) => s + x, 0) / ours.length;
    expect(mean).toBeGreaterThanOrEqual(bc.meanSklearnAccuracy);
    ours.forEach((acc, k) => {
      expect(acc, `split ${k}`).toBeGreaterThanOrEqual(bc.splits[k].sklearnAccuracy);
    });
    expect(bc.meanSklearnAccuracy).toBeGreaterThan(0.98);
  });

  it('on large data (warm start from a row sample) reaches the optimum of the small problem it repeats', () => {
    // Each row repeated t times with C / t is the same objective (sklearn's form: C Σ loss + ½‖W‖²), so
    // the big fit (past the warm-start size) must land where the small one (cold start) does.
    for (const name of ['iris', 'titanic'] as const) {
      const data = standardized(name);
      const { rows: n, cols: p } = data.train;
      const t = Math.ceil(40_000 / n);
      const big = new Float64Array(n * t * p);
      for (let j = 0; j < p; j++)
        for (let r = 0; r < t; r++) big.set(data.train.data.subarray(j * n, (j + 1) * n), j * n * t + r * n);
      const bigY = new Int32Array(n * t);
      for (let r = 0; r < t; r++) bigY.set(data.y, r * n);
      const small = new LogisticRegression().fit(data.train, data.y, data.nClasses);
      const large = new LogisticRegression({ C: 1 / t }).fit(
        { rows: n * t, cols: p, data: big },
        bigY,
        data.nClasses,
      );
      expect(large.convergence.converged, name).toBe(true);
      expect(
        maxAbsDiff(large.predictProba(data.test), Array.from(small.predictProba(data.test))),
        name,
      ).toBeLessThan(1e-7);
    }
  });

  it('joins the classification search: in ALGORITHMS with standardised features and a grid over C', () => {
    const algo = ALGORITHMS.find((a) => a.name === 'logistic-regression')!;
    expect(algo.standardize).toBe(true);
    expect(algo.grid.map((p) => p.C)).toEqual([1, 0.1, 10]);
    expect(DEFAULT_TRAINING.candidates).toContain('logistic-regression');
    expect(algo.create({ C: 0.1 }).params()).toMatchObject({ C: 0.1 });
  });

  it('trains through the pipeline, registers a model that serving (CLI, actions, browser) loads and predicts with', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    const r = await cli(ws, 'train', '--algorithm', 'logistic-regression', '--folds', '3');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/iris: v1 logistic-regression — holdout accuracy (9\d|100)\.\d%/);
    const model = ServingModel.load(
      JSON.parse(read(ws, 'models/iris/v1/model.json')),
      'models/iris/v1/model.json',
      {
        lazy: true,
      },
    );
    expect(model.json.algorithm).toBe('logistic-regression');
    // The view standardises every numeric feature, as a StandardScaler in front of the model would.
    expect(model.json.view.columns.every((c) => c.scale !== 1 || c.center !== 0)).toBe(true);
    const setosa = model.predictOne({
      sepal_length: 5.1,
      sepal_width: 3.5,
      petal_length: 1.4,
      petal_width: 0.2,
    });
    expect(model.classes[setosa.classIndex].value).toBe('Setosa');
    expect(setosa.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const p = await cli(
      ws,
      'predict',
      '--dataset',
      'iris',
      '{"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3}',
    );
    expect(p.code, p.err).toBe(0);
    expect(p.out).toMatch(/Virginica/);
  }, 120_000);

  it('round-trips through JSON (also via loadEstimator) with identical probabilities', () => {
    const data = standardized('iris');
    const model = new LogisticRegression().fit(data.train, data.y, 3);
    const text = JSON.stringify(model.toJSON());
    for (const loaded of [LogisticRegression.load(JSON.parse(text)), loadEstimator(JSON.parse(text))]) {
      expect(loaded.predictProba(data.test)).toStrictEqual(model.predictProba(data.test));
      expect(JSON.stringify(loaded.toJSON())).toBe(text);
      expect(loaded.nClasses).toBe(3);
    }
  });

  it('gives classes without training rows probability 0 and handles a single present class', () => {
    // Classes 0 and 2 present out of 4: a binary model over them, zeros elsewhere.
    const X = fromRows([[0], [1], [2], [3], [4], [5]]);
    const model = new LogisticRegression().fit(X, Int32Array.from([0, 0, 0, 2, 2, 2]), 4);
    const proba = model.predictProba(fromRows([[0], [5]]));
    expect(proba[1]).toBe(0);
    expect(proba[3]).toBe(0);
    expect(proba[0]).toBeGreaterThan(0.5);
    expect(proba[4 + 2]).toBeGreaterThan(0.5);
    expect(Array.from(model.predict(fromRows([[0], [5]])))).toEqual([0, 2]);
    const one = new LogisticRegression().fit(X, new Int32Array(6).fill(1), 3);
    expect(Array.from(one.predictProba(fromRows([[9]])))).toEqual([0, 1, 0]);
    const reloaded = LogisticRegression.load(JSON.parse(JSON.stringify(one.toJSON())));
    expect(Array.from(reloaded.predict(fromRows([[9], [-9]])))).toEqual([1, 1]);
  });

  it('stays finite on separable data and a constant feature', () => {
    const X = fromRows([
      [-2, 1],
      [-1, 1],
      [1, 1],
      [2, 1],
    ]);
    const model = new LogisticRegression().fit(X, Int32Array.from([0, 0, 1, 1]), 2);
    const json = model.toJSON() as unknown as { coef: number[][] };
    expect(Number.isFinite(json.coef[0][0])).toBe(true);
    expect(Math.abs(json.coef[0][1])).toBeLessThan(1e-9); // a constant column carries no signal under the penalty
    expect(Array.from(model.predict(X))).toEqual([0, 0, 1, 1]);
  });

  it('rejects bad parameters and inputs with errors that name the problem', () => {
    expect(() => new LogisticRegression({ C: 0 })).toThrow(/C must be a finite number > 0, got 0/);
    expect(() => new LogisticRegression({ tol: -1 })).toThrow(/tol must be/);
    expect(() => new LogisticRegression({ maxIter: 1.5 })).toThrow(/maxIter must be an integer >= 1/);
    const X = fromRows([[1], [2], [3]]);
    const model = new LogisticRegression();
    expect(() => model.fit(X, Int32Array.from([0, 1]), 2)).toThrow(/y has 2 labels but X has 3 rows/);
    expect(() => model.fit(X, Int32Array.from([0, 1, 2]), 2)).toThrow(
      /y\[2\] = 2 is not a class index in 0..1/,
    );
    expect(() => model.fit(fromRows([[1], [Number.NaN]]), Int32Array.from([0, 1]), 2)).toThrow(
      /X has NaN at row 1, feature 0/,
    );
    expect(() => model.fit(fromRows([]), new Int32Array(0), 2)).toThrow(/X has no rows/);
    expect(() => model.predict(X)).toThrow(/not fitted/);
    model.fit(X, Int32Array.from([0, 1, 1]), 2);
    expect(() => model.predict(fromRows([[1, 2]]))).toThrow(/X has 2 features, the model was fitted on 1/);
  });

  it('load rejects foreign and corrupt JSON with a message naming the field and the rule', () => {
    const data = standardized('iris');
    const text = JSON.stringify(new LogisticRegression().fit(data.train, data.y, 3).toJSON());
    const good = (): Record<string, unknown> => JSON.parse(text);
    const cases: [string, (j: Record<string, unknown>) => unknown, RegExp][] = [
      ['array', () => [], /expected a JSON object, got an array of 0/],
      [
        'other format',
        (j) => ({ ...j, format: 'gitml.random-forest' }),
        /"format" must be "gitml.logistic-regression"/,
      ],
      [
        'bad C',
        (j) => ({ ...j, params: { ...(j.params as object), C: 0 } }),
        /"C" must be a finite number > 0, got 0/,
      ],
      [
        'present out of range',
        (j) => ({ ...j, present: [0, 1, 3] }),
        /present\[2\] must be an integer >= 0 <= 2, got 3/,
      ],
      ['present unsorted', (j) => ({ ...j, present: [1, 0, 2] }), /"present" must be strictly ascending/],
      ['present empty', (j) => ({ ...j, present: [] }), /"present" must list 1 to 3 class indices/],
      [
        'coef rows',
        (j) => ({ ...j, coef: (j.coef as unknown[]).slice(1) }),
        /"coef" must be an array of 3 rows/,
      ],
      [
        'coef width',
        (j) => ({ ...j, coef: (j.coef as number[][]).map((r) => r.slice(1)) }),
        /coef\[0\] must be an array of 4 numbers/,
      ],
      [
        'NaN intercept',
        (j) => ({ ...j, intercept: [0, null, 0] }),
        /intercept\[1\] must be a finite number, got null/,
      ],
      ['converged', (j) => ({ ...j, converged: 'yes' }), /"converged" must be true or false/],
    ];
    for (const [label, corrupt, message] of cases) {
      const attempt = () => LogisticRegression.load(corrupt(good()));
      expect(attempt, label).toThrow(ModelFormatError);
      expect(attempt, label).toThrow(message);
    }
  });
});
