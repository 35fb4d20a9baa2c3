// The training feature view, directly: Pearson r as scipy computes it, the label as numbers, which
// features a threshold keeps, the numeric scaling fitted on the training rows only, the one-hot columns,
// and applying the view to all rows or a subset in the column-major layout the models read.
import { describe, expect, it } from 'vitest';
import {
  applyFeatureView,
  type ColumnGetter,
  fitFeatureView,
  labelScores,
  pearson,
} from '../../actions/lib/features/feature-view.js';
import type { Category, FeatureSchema } from '../../actions/lib/spec/spec.js';

const all = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('pearson', () => {
  it('matches scipy.stats.pearsonr (0.7745966692414834 on the textbook five points)', () => {
    // /usr/bin/python3 -c "from scipy import stats; print(stats.pearsonr([1,2,3,4,5],[2,4,5,4,5]))"
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5], all(5))).toBeCloseTo(0.7745966692414834, 14);
    // stats.pearsonr([1,2,3,4],[0,2,1,2])
    expect(pearson([1, 2, 3, 4], [0, 2, 1, 2], all(4))).toBeCloseTo(0.6741998624632421, 14);
  });

  it('is ±1 on a line and 0 when either side is constant (not NaN)', () => {
    expect(pearson([1, 2, 3], [10, 20, 30], all(3))).toBeCloseTo(1, 14);
    expect(pearson([1, 2, 3], [3, 2, 1], all(3))).toBeCloseTo(-1, 14);
    expect(pearson([1, 2, 3], [5, 5, 5], all(3))).toBe(0);
    expect(pearson([7, 7, 7], [1, 2, 3], all(3))).toBe(0);
  });

  it('reads only the given rows', () => {
    // Rows 0–2 lie on a rising line; row 3 would turn it round.
    expect(pearson([1, 2, 3, 100], [1, 2, 3, -100], [0, 1, 2])).toBeCloseTo(1, 14);
  });
});

describe('labelScores', () => {
  const cats = (...values: string[]): Category[] => values.map((value) => ({ value, label: value }));

  it('numeric class values are their numbers (wine quality 3–9 keeps its order and gaps)', () => {
    expect(labelScores(cats('3', '5', '9'))).toEqual([3, 5, 9]);
  });

  it('otherwise the class codes', () => {
    expect(labelScores(cats('Setosa', 'Versicolor', 'Virginica'))).toEqual([0, 1, 2]);
    expect(labelScores(cats('1', 'two'))).toEqual([0, 1]);
  });
});

/** Four rows: `rise` follows the label, `noise` does not, `port` is a category. */
const schema: FeatureSchema[] = [
  { name: 'rise', title: 'Rise', type: 'numeric', range: [0, 100] },
  { name: 'noise', title: 'Noise', type: 'numeric', range: [0, 100] },
  {
    name: 'port',
    title: 'Port',
    type: 'categorical',
    categories: [
      { value: 'C', label: 'C' },
      { value: 'Q', label: 'Q' },
      { value: 'S', label: 'S' },
    ],
  },
];
const columns: Record<string, number[]> = {
  rise: [10, 20, 30, 40, 1000],
  noise: [5, 1, 1, 5, 3],
  port: [0, 2, 1, 2, 0],
};
const get: ColumnGetter = (f) => columns[f];
const classes: Category[] = [
  { value: 'no', label: 'No' },
  { value: 'yes', label: 'Yes' },
];
const labels = [0, 0, 1, 1, -1];
const train = [0, 1, 2, 3];

describe('fitFeatureView', () => {
  it('standardises a numeric feature with the mean and population sd of the training rows only', () => {
    const view = fitFeatureView(schema, get, labels, classes, train, {
      minAbsCorrelation: 0,
      standardize: true,
    });
    // Row 4 (1000) is not a training row: mean 25, sd = numpy.std([10, 20, 30, 40]) = 11.180339887498949.
    const rise = view.columns.find((c) => c.feature === 'rise')!;
    expect(rise.center).toBe(25);
    expect(rise.scale).toBeCloseTo(11.180339887498949, 14);
  });

  it('a constant numeric feature gets scale 1, not a division by zero', () => {
    const flat = fitFeatureView(schema.slice(0, 1), () => [4, 4, 4, 4, 4], labels, classes, train, {
      minAbsCorrelation: 0,
      standardize: true,
    });
    expect(flat.columns).toEqual([{ feature: 'rise', center: 4, scale: 1 }]);
  });

  it('without standardising, numbers pass through (centre 0, scale 1)', () => {
    const view = fitFeatureView(schema, get, labels, classes, train, {
      minAbsCorrelation: 0,
      standardize: false,
    });
    expect(view.columns.filter((c) => c.code === undefined)).toEqual([
      { feature: 'rise', center: 0, scale: 1 },
      { feature: 'noise', center: 0, scale: 1 },
    ]);
  });

  it('a categorical feature is one 0/1 column per category, in category order', () => {
    const view = fitFeatureView(schema, get, labels, classes, train, {
      minAbsCorrelation: 0,
      standardize: true,
    });
    expect(view.columns.filter((c) => c.feature === 'port')).toEqual([
      { feature: 'port', code: 0, center: 0, scale: 1 },
      { feature: 'port', code: 1, center: 0, scale: 1 },
      { feature: 'port', code: 2, center: 0, scale: 1 },
    ]);
  });

  it('records every feature’s r with the label, rounded to 6 decimals, on the training rows', () => {
    const view = fitFeatureView(schema, get, labels, classes, train, {
      minAbsCorrelation: 0,
      standardize: true,
    });
    // scipy: pearsonr([10,20,30,40], [0,0,1,1]) = 0.894427190999916, pearsonr([5,1,1,5], …) = 0 and the port
    // codes pearsonr([0,2,1,2], …) = 0.30151134457776363 (a categorical correlates by its codes).
    expect(view.correlations).toEqual({ rise: 0.894427, noise: 0, port: 0.301511 });
  });

  it('keeps the features whose |r| reaches the threshold (the threshold itself included)', () => {
    const view = fitFeatureView(schema, get, labels, classes, train, {
      minAbsCorrelation: 0.301511,
      standardize: true,
    });
    expect(view.features.map((f) => f.name)).toEqual(['rise', 'port']);
    expect(view.minAbsCorrelation).toBe(0.301511);
    expect(new Set(view.columns.map((c) => c.feature))).toEqual(new Set(['rise', 'port']));
  });

  it('a threshold that would keep nothing keeps every feature (a model needs inputs)', () => {
    const view = fitFeatureView(schema, get, labels, classes, train, {
      minAbsCorrelation: 0.99,
      standardize: true,
    });
    expect(view.features.map((f) => f.name)).toEqual(['rise', 'noise', 'port']);
  });

  it('regression: correlations are with the numeric target, not the label codes', () => {
    const target = [4, 3, 2, 1, 0];
    const view = fitFeatureView(schema.slice(0, 1), get, [0, 0, 0, 0, 0], [], train, {
      minAbsCorrelation: 0,
      standardize: false,
      target,
    });
    expect(view.correlations.rise).toBe(-1);
  });

  it('the view holds copies of the schema entries, so editing it leaves the spec alone', () => {
    const view = fitFeatureView(schema, get, labels, classes, train, {
      minAbsCorrelation: 0,
      standardize: true,
    });
    expect(view.features).toEqual(schema);
    expect(view.features[0]).not.toBe(schema[0]);
  });
});

describe('applyFeatureView', () => {
  const view = fitFeatureView(schema, get, labels, classes, train, {
    minAbsCorrelation: 0,
    standardize: true,
  });
  const sd = Math.sqrt(125);

  it('writes one column after another (column-major), standardised numbers then one-hot codes', () => {
    const X = applyFeatureView(view, get, 5);
    expect([X.rows, X.cols]).toEqual([5, 5]);
    const col = (j: number) => [...X.data.subarray(j * 5, (j + 1) * 5)];
    expect(col(0).map((v, i) => v - (columns.rise[i] - 25) / sd)).toEqual([0, 0, 0, 0, 0]);
    expect(col(1)).toEqual(columns.noise.map((v) => (v - 3) / 2));
    expect(col(2)).toEqual([1, 0, 0, 0, 1]);
    expect(col(3)).toEqual([0, 0, 1, 0, 0]);
    expect(col(4)).toEqual([0, 1, 0, 1, 0]);
  });

  it('on a subset of rows, in the order given', () => {
    const X = applyFeatureView(view, get, 5, [3, 1]);
    expect([X.rows, X.cols]).toEqual([2, 5]);
    expect([...X.data]).toEqual([(40 - 25) / sd, (20 - 25) / sd, 1, -1, 0, 0, 0, 0, 1, 1]);
  });
});
