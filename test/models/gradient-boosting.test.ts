import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALGORITHMS, algorithm, loadEstimator } from '../../actions/lib/models/algorithms.js';
import { binEdges, HistGradientBoosting } from '../../actions/lib/models/gradient-boosting.js';
import { fromRows, type Matrix, ModelFormatError } from '../../actions/lib/models/types.js';
import { cli, expectCliOk, makeWorkspace, read } from '../helpers/workspace.js';

interface BoostingCase {
  name: string;
  X: number[][];
  y: number[];
  nClasses: number;
  XTest: number[][];
  predict: number[];
  proba: number[][];
  binEdges: number[][];
  nIter: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(path.join(here, '../fixtures/sklearn/boosting.json'), 'utf8')) as {
  cases: BoostingCase[];
};
const caseNamed = (name: string) => fixture.cases.find((c) => c.name === name)!;

function column(X: Matrix, j: number): Float64Array {
  return X.data.subarray(j * X.rows, (j + 1) * X.rows);
}

/** The binary case, fitted once: the JSON tests below edit copies of its JSON. */
const binary = caseNamed('binary');
const fitted = new HistGradientBoosting().fit(fromRows(binary.X), Int32Array.from(binary.y), 2);
const json = () => JSON.parse(JSON.stringify(fitted.toJSON())) as Record<string, unknown>;

describe('HistGradientBoosting matches scikit-learn', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: the same bin edges, identical predictions, probabilities within 1e-12`, () => {
      const X = fromRows(c.X);
      for (let j = 0; j < X.cols; j++) expect(Array.from(binEdges(column(X, j), 255))).toEqual(c.binEdges[j]);
      const model = new HistGradientBoosting().fit(X, Int32Array.from(c.y), c.nClasses);
      expect(model.treeCount).toBe(c.nIter * (c.nClasses === 2 ? 1 : c.nClasses));
      const test = fromRows(c.XTest);
      expect(Array.from(model.predict(test))).toEqual(c.predict);
      const proba = model.predictProba(test);
      let worst = 0;
      c.proba.forEach((row, i) => {
        for (let k = 0; k < row.length; k++)
          worst = Math.max(worst, Math.abs(row[k] - proba[i * c.nClasses + k]));
      });
      expect(worst).toBeLessThan(1e-12);
    });
  }

  it('a root that cannot split (fewer than 2 × minSamplesLeaf rows) predicts the class shares', () => {
    const X = fromRows(Array.from({ length: 30 }, (_, i) => [i]));
    const y = Int32Array.from({ length: 30 }, (_, i) => (i < 10 ? 1 : 0));
    const proba = new HistGradientBoosting().fit(X, y, 2).predictProba(fromRows([[0], [29]]));
    for (const p of [proba[1], proba[3]]) expect(p).toBeCloseTo(1 / 3, 12);
  });
});

describe('HistGradientBoosting is deterministic and saves exactly', () => {
  it('fitting twice gives the same JSON', () => {
    const again = new HistGradientBoosting().fit(fromRows(binary.X), Int32Array.from(binary.y), 2);
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(fitted.toJSON()));
  });

  it('save → load gives the same probabilities bit for bit and the same JSON, also through loadEstimator', () => {
    for (const c of [binary, caseNamed('multiclass'), caseNamed('quantile')]) {
      const model = new HistGradientBoosting().fit(fromRows(c.X), Int32Array.from(c.y), c.nClasses);
      const saved = JSON.parse(JSON.stringify(model.toJSON()));
      const loaded = loadEstimator(saved);
      expect(loaded).toBeInstanceOf(HistGradientBoosting);
      const test = fromRows(c.XTest);
      expect(Array.from(loaded.predictProba(test))).toEqual(Array.from(model.predictProba(test)));
      expect(JSON.stringify(loaded.toJSON())).toBe(JSON.stringify(model.toJSON()));
      expect(loaded.params()).toEqual(model.params());
    }
  });

  it('classes absent from training get probability 0 (3 declared, 2 present: a binary model)', () => {
    const y = Int32Array.from(binary.y, (c) => c * 2);
    const model = new HistGradientBoosting().fit(fromRows(binary.X), y, 3);
    expect(model.nClasses).toBe(3);
    expect(model.treeCount).toBe(100);
    const test = fromRows(binary.XTest);
    const proba = model.predictProba(test);
    for (let i = 0; i < test.rows; i++) {
      expect(proba[i * 3 + 1]).toBe(0);
      expect(proba[i * 3] + proba[i * 3 + 2]).toBeCloseTo(1, 12);
    }
    expect(Array.from(model.predict(test))).toEqual(binary.predict.map((c) => c * 2));
    const loaded = HistGradientBoosting.load(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(loaded.predictProba(test))).toEqual(Array.from(proba));
  });
});

describe('HistGradientBoosting.load rejects corrupt JSON with a message that names the field', () => {
  const base64Of = (bytes: number[]) => Buffer.from(bytes).toString('base64');
  const nodeBytes = () => Array.from(Buffer.from(json().nodes as string, 'base64'));
  const cases: [string, (j: Record<string, unknown>) => unknown, RegExp][] = [
    ['not an object', () => [1, 2], /expected a JSON object, got an array of 2/],
    [
      'another format',
      (j) => ({ ...j, format: 'gitml.knn' }),
      /"format" must be "gitml.hist-gradient-boosting"/,
    ],
    ['a future version', (j) => ({ ...j, version: 9 }), /"version" must be 1 .*got 9/],
    [
      'a bad learning rate',
      (j) => ({ ...j, params: { ...(j.params as object), learningRate: -1 } }),
      /params: learningRate must be a finite number > 0, got -1/,
    ],
    ['nClasses 1', (j) => ({ ...j, nClasses: 1 }), /"nClasses" must be an integer >= 2, got 1/],
    ['classes descending', (j) => ({ ...j, classes: [1, 0] }), /"classes" must be strictly ascending/],
    [
      'a class out of range',
      (j) => ({ ...j, classes: [0, 2] }),
      /classes\[1\] must be an integer >= 0 <= 1, got 2/,
    ],
    [
      'a short baseline',
      (j) => ({ ...j, baseline: [] }),
      /"baseline" must be an array of 1 numbers, got an array of 0/,
    ],
    [
      'unsorted bin edges',
      (j) => ({ ...j, binEdges: (j.binEdges as number[][]).map((e, k) => (k === 1 ? [...e].reverse() : e)) }),
      /binEdges\[1\] must be strictly ascending \(entry 1\)/,
    ],
    ['nodes not base64', (j) => ({ ...j, nodes: 'not base64!' }), /"nodes" is not valid base64/],
    [
      'truncated nodes',
      (j) => ({ ...j, nodes: base64Of(nodeBytes().slice(0, -3)) }),
      /"nodes" ends inside tree 99 of 100/,
    ],
    [
      'bytes after the last tree',
      (j) => ({ ...j, nodes: base64Of([...nodeBytes(), 0]) }),
      /"nodes" holds 1 bytes after the last of 100 trees/,
    ],
    [
      'a split on a feature that does not exist',
      (j) => ({ ...j, nodes: base64Of([9, ...nodeBytes().slice(1)]) }),
      /a node of tree 0 splits on feature 8, but there are 3 features/,
    ],
    [
      'a split bin beyond the edges',
      (j) => {
        const b = nodeBytes();
        b[1] = 200;
        return { ...j, nodes: base64Of(b) };
      },
      /a node of tree 0 splits feature \d at bin 200, but binEdges\[\d\] has 7/,
    ],
    [
      'a NaN leaf value',
      (j) => {
        const v = Buffer.from(j.leafValues as string, 'base64');
        v.writeDoubleLE(Number.NaN, 16);
        return { ...j, leafValues: v.toString('base64') };
      },
      /leaf value 2 is NaN; leaf values must be finite/,
    ],
    [
      'a missing leaf value',
      (j) => ({
        ...j,
        leafValues: Buffer.from(j.leafValues as string, 'base64')
          .subarray(8)
          .toString('base64'),
      }),
      /"leafValues" holds \d+ values, the trees have more leaves/,
    ],
    [
      'iterations beyond maxIter',
      (j) => ({ ...j, iterations: 101 }),
      /"iterations" must be an integer >= 0 <= 100, got 101/,
    ],
  ];
  for (const [what, edit, message] of cases) {
    it(what, () => {
      const bad = edit(json());
      expect(() => HistGradientBoosting.load(bad)).toThrow(ModelFormatError);
      expect(() => HistGradientBoosting.load(bad)).toThrow(message);
    });
  }

  it('loadEstimator names the formats it knows', () => {
    expect(() => loadEstimator({ format: 'gitml.xgboost' })).toThrow(/gitml.hist-gradient-boosting/);
  });
});

describe('HistGradientBoosting refuses bad input with a clear error', () => {
  const X = fromRows([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  it('training rows of a single class', () => {
    expect(() => new HistGradientBoosting().fit(X, Int32Array.of(1, 1, 1), 2)).toThrow(
      'HistGradientBoosting.fit: every training row is of class 1; boosting needs rows of at least two classes',
    );
  });
  it('NaN or infinite features when fitting, NaN when predicting', () => {
    const nan = fromRows([
      [1, 2],
      [3, Number.NaN],
      [5, 6],
    ]);
    expect(() => new HistGradientBoosting().fit(nan, Int32Array.of(0, 1, 0), 2)).toThrow(
      /feature 1 of row 1 is NaN; values must be finite \(impute missing values first\)/,
    );
    const inf = fromRows([[1], [Number.POSITIVE_INFINITY]]);
    expect(() => new HistGradientBoosting().fit(inf, Int32Array.of(0, 1), 2)).toThrow(
      /feature 0 of row 1 is Infinity/,
    );
    expect(() => fitted.predict(fromRows([[1, Number.NaN, 3]]))).toThrow(
      /feature 1 of row 0 is NaN; impute missing values first/,
    );
  });
  it('labels out of range, mismatched lengths, wrong width, not fitted, bad parameters', () => {
    expect(() => new HistGradientBoosting().fit(X, Int32Array.of(0, 2, 1), 2)).toThrow(
      /label 2 of row 1 is outside 0..1/,
    );
    expect(() => new HistGradientBoosting().fit(X, Int32Array.of(0, 1), 2)).toThrow(
      /y has 2 labels but X has 3 rows/,
    );
    expect(() => fitted.predict(fromRows([[1, 2]]))).toThrow(/X has 2 features, the model was fitted on 3/);
    expect(() => new HistGradientBoosting().predict(X)).toThrow(/not fitted/);
    expect(() => new HistGradientBoosting({ maxIter: 0 })).toThrow(
      /maxIter must be an integer in 1..100000, got 0/,
    );
    expect(() => new HistGradientBoosting({ maxBins: 256 })).toThrow(
      /maxBins must be an integer in 2..255, got 256/,
    );
  });
});

describe('the registry', () => {
  it('lists hist-gradient-boosting on raw features, its default first, and creates it from the grid', () => {
    const a = algorithm('hist-gradient-boosting');
    expect(ALGORITHMS.map((x) => x.name)).toContain('hist-gradient-boosting');
    expect(a.standardize).toBe(false);
    expect(a.grid[0]).toEqual({ learningRate: 0.1, maxIter: 100 });
    for (const params of a.grid) {
      const model = a.create(params);
      expect(model).toBeInstanceOf(HistGradientBoosting);
      expect(model.params()).toMatchObject(params);
    }
  });
});

describe('the pipeline', () => {
  it('trains hist-gradient-boosting, saves it in the registry and predicts from the saved model', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    const r = await cli(ws, 'train', '--algorithm', 'hist-gradient-boosting', '--folds', '3');
    expectCliOk(r);
    expect(r.out).toMatch(/iris: v1 hist-gradient-boosting — holdout accuracy \d+\.\d%/);
    const model = JSON.parse(read(ws, 'models/iris/v1/model.json'));
    expect(model.estimator).toMatchObject({
      format: 'gitml.hist-gradient-boosting',
      nClasses: 3,
      iterations: 100,
    });
    const row = '{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}';
    const p = await cli(ws, 'predict', '-d', 'iris', row);
    expectCliOk(p);
    expect(p.out).toMatch(/setosa/i);
  });
});
