import { describe, expect, it } from 'vitest';
import { GaussianNB, type GaussianNBPartial } from '../../actions/lib/models/gaussian-nb.js';
import { fromRows, type Matrix, ModelFormatError } from '../../actions/lib/models/types.js';
import { FIXTURE_NAMES, fixtureData, loadFixture } from '../fixtures/sklearn/fixtures.js';

/** Largest |a - b| / max(|a|, |b|, floor) over two equally long sequences. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 0): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(Math.abs(a[i]), Math.abs(b[i]), floor);
    if (scale > 0) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  }
  return worst;
}

interface NBJson {
  nClasses: number;
  nFeatures: number;
  classCounts: number[];
  priors: number[];
  means: number[][];
  variances: number[][];
  epsilon: number;
  params: { varSmoothing: number };
}

const asJson = (m: GaussianNB) => m.toJSON() as unknown as NBJson;

/** Rows [from, to) of a column-major matrix. */
function sliceRows(X: Matrix, from: number, to: number): Matrix {
  const n = to - from;
  const data = new Float64Array(n * X.cols);
  for (let j = 0; j < X.cols; j++) data.set(X.data.subarray(j * X.rows + from, j * X.rows + to), j * n);
  return { rows: n, cols: X.cols, data };
}

describe('GaussianNB matches scikit-learn', () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}: identical predictions, probabilities within 1e-9, same parameters`, () => {
      const f = loadFixture(name);
      const d = fixtureData(f);
      const model = new GaussianNB().fit(d.train, d.y, d.nClasses);
      expect(Array.from(model.predict(d.test))).toEqual(f.gnb.predict);

      const proba = model.predictProba(d.test);
      const K = d.nClasses;
      // scikit-learn's own log-sum-exp is off on the synthetic rows whose log-likelihoods are ~1e20
      // (row 5 gets [1, 1, 1]); there ours must still sum to 1 and agree with its normalised row.
      expect(f.gnb.probaSumNot1).toEqual(name === 'synthetic' ? [5, 7] : []);
      let worst = 0;
      for (let i = 0; i < d.test.rows; i++) {
        const ref = f.gnb.proba[i];
        const refSum = f.gnb.probaSumNot1.includes(i) ? ref.reduce((s, v) => s + v, 0) : 1;
        let sum = 0;
        for (let c = 0; c < K; c++) {
          sum += proba[i * K + c];
          worst = Math.max(worst, Math.abs(proba[i * K + c] - ref[c] / refSum));
        }
        expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
      }
      expect(worst).toBeLessThan(1e-9);

      const json = asJson(model);
      expect(maxRelDiff(json.priors, f.gnb.priors)).toBeLessThan(1e-12);
      expect(maxRelDiff(json.means.flat(), f.gnb.means.flat())).toBeLessThan(1e-12);
      expect(maxRelDiff(json.variances.flat(), f.gnb.variances.flat())).toBeLessThan(1e-12);
      expect(maxRelDiff([json.epsilon], [f.gnb.epsilon])).toBeLessThan(1e-12);
    });
  }
});

describe('GaussianNB JSON', () => {
  const f = loadFixture('wine');
  const d = fixtureData(f);
  const model = new GaussianNB({ varSmoothing: 1e-8 }).fit(d.train, d.y, d.nClasses);

  it('round-trips exactly through JSON text', () => {
    const text = JSON.stringify(model.toJSON());
    const loaded = GaussianNB.load(JSON.parse(text));
    expect(loaded.predictProba(d.test)).toEqual(model.predictProba(d.test));
    expect(loaded.predict(d.test)).toEqual(model.predict(d.test));
    expect(JSON.stringify(loaded.toJSON())).toBe(text);
    expect(loaded.params()).toEqual({ varSmoothing: 1e-8 });
  });

  it('is deterministic: the same data gives byte-identical JSON', () => {
    const again = new GaussianNB({ varSmoothing: 1e-8 }).fit(d.train, d.y, d.nClasses);
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(model.toJSON()));
  });

  const good = () => JSON.parse(JSON.stringify(model.toJSON())) as Record<string, unknown> & NBJson;
  const corruptions: [string, (j: ReturnType<typeof good>) => unknown, RegExp][] = [
    [
      'a foreign format',
      (j) => ({ ...j, format: 'sklearn.pickle' }),
      /"format" must be "gitml\.gaussian-nb"/,
    ],
    ['another version', (j) => ({ ...j, version: 2 }), /"version" must be 1/],
    ['not an object', () => [1, 2, 3], /expected a JSON object, got an array of 3/],
    ['null', () => null, /expected a JSON object, got null/],
    [
      'NaN in means',
      (j) => {
        j.means[2][3] = Number.NaN;
        return j;
      },
      /means\[2\]\[3\] must be a finite number, got NaN/,
    ],
    [
      'a short variance row',
      (j) => {
        j.variances[1].pop();
        return j;
      },
      /variances\[1\] must be an array of 12 numbers, got an array of 11/,
    ],
    [
      'a zero variance',
      (j) => {
        j.variances[0][0] = 0;
        return j;
      },
      /variances\[0\]\[0\] must be a finite number > 0, got 0/,
    ],
    [
      'a missing priors array',
      (j) => ({ ...j, priors: undefined }),
      /"priors" must be an array of 7 numbers/,
    ],
    [
      'too few priors',
      (j) => ({ ...j, priors: j.priors.slice(1) }),
      /"priors" must be an array of 7 numbers/,
    ],
    [
      'priors not summing to 1',
      (j) => ({ ...j, priors: j.priors.map((p) => p / 2) }),
      /priors must sum to 1/,
    ],
    [
      'a string epsilon',
      (j) => ({ ...j, epsilon: '1e-9' }),
      /"epsilon" must be a finite number > 0, got "1e-9"/,
    ],
    ['missing params', (j) => ({ ...j, params: undefined }), /"params": expected a JSON object/],
    [
      'a fractional class count',
      (j) => ({ ...j, classCounts: j.classCounts.map((c) => c + 0.5) }),
      /integer/,
    ],
    ['a negative nFeatures', (j) => ({ ...j, nFeatures: -1 }), /"nFeatures" must be an integer >= 0/],
  ];
  for (const [label, corrupt, message] of corruptions) {
    it(`load rejects ${label}`, () => {
      const bad = corrupt(good());
      expect(() => GaussianNB.load(bad)).toThrow(ModelFormatError);
      expect(() => GaussianNB.load(bad)).toThrow(message);
    });
  }
});

describe('GaussianNB partial statistics', () => {
  const f = loadFixture('wine');
  const d = fixtureData(f);
  const fitted = asJson(new GaussianNB().fit(d.train, d.y, d.nClasses));
  const expected = new GaussianNB().fit(d.train, d.y, d.nClasses).predict(d.test);

  /** Uneven cut points: part sizes grow like 1, 2, 3, … so no two parts are alike. */
  function cuts(n: number, parts: number): number[] {
    const weights = Array.from({ length: parts }, (_, i) => i + 1);
    const total = weights.reduce((s, w) => s + w, 0);
    const out = [0];
    let acc = 0;
    for (const w of weights) {
      acc += w;
      out.push(Math.round((n * acc) / total));
    }
    return out;
  }

  function compare(partial: GaussianNBPartial) {
    const model = GaussianNB.fromPartial(partial);
    const json = asJson(model);
    expect(json.classCounts).toEqual(fitted.classCounts);
    expect(maxRelDiff(json.priors, fitted.priors)).toBeLessThan(1e-12);
    expect(maxRelDiff(json.means.flat(), fitted.means.flat())).toBeLessThan(1e-12);
    expect(maxRelDiff(json.variances.flat(), fitted.variances.flat())).toBeLessThan(1e-12);
    expect(maxRelDiff([json.epsilon], [fitted.epsilon])).toBeLessThan(1e-12);
    expect(model.predict(d.test)).toEqual(expected);
  }

  for (const parts of [1, 2, 3, 7]) {
    it(`merging ${parts} uneven shards equals fitting everything`, () => {
      const at = cuts(d.train.rows, parts);
      const shards = at.slice(1).map((to, s) => {
        const from = at[s];
        return GaussianNB.partial(sliceRows(d.train, from, to), d.y.slice(from, to), d.nClasses);
      });
      compare(shards.reduce((a, b) => GaussianNB.mergePartials(a, b)));
      // merge order must not matter beyond rounding
      compare(shards.reduceRight((a, b) => GaussianNB.mergePartials(b, a)));
    });
  }

  it('merges shards that each miss whole classes', () => {
    // sort rows by class so most of the 7 shards hold one or two classes only
    const order = Array.from(d.y.keys()).sort((a, b) => d.y[a] - d.y[b] || a - b);
    const rows = order.map((i) => f.trainX[i]);
    const labels = Int32Array.from(order, (i) => d.y[i]);
    const sorted = fromRows(rows);
    const at = cuts(sorted.rows, 7);
    const shards = at
      .slice(1)
      .map((to, s) => GaussianNB.partial(sliceRows(sorted, at[s], to), labels.slice(at[s], to), d.nClasses));
    expect(shards.some((s) => s.counts.some((c) => c === 0))).toBe(true);
    compare(shards.reduce((a, b) => GaussianNB.mergePartials(a, b)));
  });

  it('fit is exactly fromPartial(partial)', () => {
    const viaPartial = GaussianNB.fromPartial(GaussianNB.partial(d.train, d.y, d.nClasses));
    expect(JSON.stringify(viaPartial.toJSON())).toBe(JSON.stringify(fitted));
  });

  it('refuses to merge partials of different shapes', () => {
    const a = GaussianNB.partial(fromRows([[1, 2]]), Int32Array.of(0), 2);
    const b = GaussianNB.partial(fromRows([[1, 2]]), Int32Array.of(0), 3);
    expect(() => GaussianNB.mergePartials(a, b)).toThrow(/shapes differ \(2 classes × 2 features vs 3 × 2\)/);
  });
});

describe('GaussianNB edge cases', () => {
  it('keeps zero-variance features finite through epsilon', () => {
    const X = fromRows([
      [1, 5],
      [2, 5],
      [3, 5],
      [7, 5],
      [8, 5],
      [9, 5],
    ]);
    const model = new GaussianNB().fit(X, Int32Array.of(0, 0, 0, 1, 1, 1), 2);
    const json = asJson(model);
    expect(json.variances[0][1]).toBe(json.epsilon);
    expect(json.epsilon).toBeGreaterThan(0);
    const proba = model.predictProba(
      fromRows([
        [2, 5],
        [8, 6],
        [5, 5.5],
      ]),
    );
    for (const p of proba) expect(Number.isFinite(p)).toBe(true);
    expect(
      Array.from(
        model.predict(
          fromRows([
            [2, 5],
            [8, 6],
          ]),
        ),
      ),
    ).toEqual([0, 1]);
  });

  it('when every feature is constant, falls back to epsilon = varSmoothing and lets priors decide', () => {
    const X = fromRows([[4], [4], [4]]);
    const model = new GaussianNB().fit(X, Int32Array.of(1, 0, 1), 2);
    expect(asJson(model).epsilon).toBe(1e-9);
    expect(Array.from(model.predictProba(fromRows([[4]])))).toEqual([1 / 3, 2 / 3]);
    // 6 away on a variance of 1e-9: log-likelihoods near −1.8e10 keep only ~1e-6 of the log odds 0
    const far = model.predictProba(fromRows([[10]]));
    expect(far[0]).toBeCloseTo(1 / 3, 5);
    expect(far[0] + far[1]).toBeCloseTo(1, 12);
    expect(Array.from(model.predict(fromRows([[4]])))).toEqual([1]);
    // 1e6 away the log-likelihoods (~ −5e20) swamp the log-prior gap: still a valid distribution
    const lost = model.predictProba(fromRows([[-1e6]]));
    expect(lost.every(Number.isFinite)).toBe(true);
    expect(lost[0] + lost[1]).toBeCloseTo(1, 12);
  });

  it('scores far-out rows in log space: no underflow to 0/0', () => {
    const X = fromRows([
      [-1, -1],
      [1, 1],
      [-1, 9],
      [1, 11],
    ]);
    const model = new GaussianNB().fit(X, Int32Array.of(0, 0, 1, 1), 2);
    // Both classes share feature 0, and feature 1 = 5 is halfway: an exact tie at likelihood e^-5e9.
    const tie = model.predictProba(fromRows([[1e5, 5]]));
    expect(Array.from(tie)).toEqual([0.5, 0.5]);
    // feature 1 = 6: log odds (36 − 16) / (2σ²) in favour of class 1, whatever feature 0 is
    const { variances } = asJson(model);
    const logOdds = 20 / (2 * variances[0][1]);
    const far = model.predictProba(fromRows([[1e5, 6]]));
    expect(far[1]).toBeCloseTo(1 / (1 + Math.exp(-logOdds)), 5);
    expect(far[0] + far[1]).toBeCloseTo(1, 12);
    expect(far[0]).toBeGreaterThan(0);
  });

  it('falls back to the priors when every class likelihood overflows', () => {
    const model = new GaussianNB().fit(fromRows([[0], [1], [2], [5]]), Int32Array.of(0, 1, 1, 1), 2);
    const X = fromRows([[1e300], [Number.POSITIVE_INFINITY]]);
    expect(Array.from(model.predictProba(X))).toEqual([0.25, 0.75, 0.25, 0.75]);
    expect(Array.from(model.predict(X))).toEqual([1, 1]);
  });

  it('gives an empty class probability 0 and leaves the others as if it did not exist', () => {
    const f = loadFixture('iris');
    const d = fixtureData(f);
    // classes 0, 1, 2 become 0, 1, 3 of four; class 2 has no rows
    const spread = d.y.map((c) => (c === 2 ? 3 : c));
    const four = new GaussianNB().fit(d.train, spread, 4);
    const three = new GaussianNB().fit(d.train, d.y, 3);
    const p4 = four.predictProba(d.test);
    const p3 = three.predictProba(d.test);
    for (let i = 0; i < d.test.rows; i++) {
      expect([p4[i * 4], p4[i * 4 + 1], p4[i * 4 + 2], p4[i * 4 + 3]]).toEqual([
        p3[i * 3],
        p3[i * 3 + 1],
        0,
        p3[i * 3 + 2],
      ]);
    }
    expect(Array.from(four.predict(d.test))).toEqual(
      Array.from(three.predict(d.test), (c) => (c === 2 ? 3 : c)),
    );
    const json = asJson(four);
    expect(json.priors[2]).toBe(0);
    expect(GaussianNB.load(JSON.parse(JSON.stringify(json))).predictProba(d.test)).toEqual(p4);
  });

  it('rejects bad input with messages naming the problem', () => {
    const X = fromRows([[1], [2]]);
    expect(() => new GaussianNB({ varSmoothing: 0 })).toThrow(
      /varSmoothing must be a finite number > 0, got 0/,
    );
    expect(() => new GaussianNB().fit(X, Int32Array.of(0, 2), 2)).toThrow(
      /y\[1\] = 2 is not a class index in 0\.\.1/,
    );
    expect(() => new GaussianNB().fit(X, Int32Array.of(0), 2)).toThrow(/y has 1 labels but X has 2 rows/);
    expect(() => new GaussianNB().fit(fromRows([[1], [Number.NaN]]), Int32Array.of(0, 1), 2)).toThrow(
      /X has NaN at row 1, feature 0/,
    );
    expect(() => new GaussianNB().predict(X)).toThrow(/not fitted/);
    const model = new GaussianNB().fit(X, Int32Array.of(0, 1), 2);
    expect(() => model.predict(fromRows([[1, 2]]))).toThrow(/X has 2 features, the model was fitted on 1/);
    expect(() => model.predictProba(fromRows([[Number.NaN]]))).toThrow(/row 0 of X has a NaN feature value/);
  });
});
