import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../actions/lib/models/base64.js';
import { createRng } from '../../actions/lib/models/random.js';
import { RandomForest } from '../../actions/lib/models/random-forest/random-forest.js';
import { splitThreshold } from '../../actions/lib/models/random-forest/split-threshold.js';
import { fromRows, type Matrix, ModelFormatError } from '../../actions/lib/models/types.js';
import {
  accuracy,
  FOREST_FIXTURE,
  type ForestFixture,
  splitRows,
  takeRows,
  wineCsvPath,
  wineMatrix,
} from '../bench/forest.js';

function irisData(): { X: Matrix; y: Int32Array } {
  const file = existsSync('data/iris/source.csv') ? 'data/iris/source.csv' : '/work/shared/datasets/iris.csv';
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const cells = lines.map((l) => l.split(','));
  const classes = [...new Set(cells.map((c) => c[4]))].sort();
  return {
    X: fromRows(cells.map((c) => c.slice(0, 4).map(Number))),
    y: Int32Array.from(cells, (c) => classes.indexOf(c[4])),
  };
}

const iris = irisData();
// Every fifth row is a test row: 10 of each class, since the file lists the classes in blocks of 50.
const irisSplit = splitRows(
  iris.X.rows,
  Array.from({ length: 30 }, (_, k) => k * 5),
);
const irisTrain = takeRows(iris.X, iris.y, irisSplit.train);
const irisTest = takeRows(iris.X, iris.y, irisSplit.test);
const irisModel = new RandomForest({ seed: 1 }).fit(irisTrain.X, irisTrain.y, 3);
const irisJson = JSON.stringify(irisModel.toJSON());

// biome-ignore lint/suspicious/noExplicitAny: the corruption cases poke at arbitrary fields of the JSON
type Json = Record<string, any>;

/** A fresh, mutable copy of the Iris model's JSON. */
const goodJson = (): Json => JSON.parse(irisJson);

const bytesOf = (json: Json) => decodeBase64(json.trees)!;

describe('createRng', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it('gives uniform values in [0, 1) and uses the low 32 bits of the seed', () => {
    const rng = createRng(7);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const v = rng();
      expect(v >= 0 && v < 1).toBe(true);
      sum += v;
    }
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
    const wrapped = createRng(2 ** 32 + 5);
    const plain = createRng(5);
    expect([wrapped(), wrapped()]).toEqual([plain(), plain()]);
    expect(() => createRng(1.5)).toThrow(/seed must be an integer/);
  });
});

describe('splitThreshold', () => {
  it('picks a short decimal near the midpoint', () => {
    expect(splitThreshold(0.27, 0.3)).toBe(0.29); // the midpoint is 0.28500000000000003
    expect(splitThreshold(1, 2)).toBe(1.5);
    expect(splitThreshold(-2, -1)).toBe(-1.5);
    expect(splitThreshold(-1, 1)).toBe(0);
    expect(splitThreshold(0.99402, 0.99408)).toBe(0.99405);
    expect(splitThreshold(1e300, 2e300)).toBe(1.5e300);
  });

  it('always separates a from b, even for adjacent doubles', () => {
    expect(splitThreshold(1, 1 + 2 ** -52)).toBe(1);
    const rng = createRng(3);
    for (let i = 0; i < 20000; i++) {
      const scale = 10 ** Math.floor(rng() * 40 - 20);
      const a = (rng() - 0.5) * scale;
      const b = a + rng() * scale * 10 ** -Math.floor(rng() * 12) + Number.MIN_VALUE;
      if (!(b > a)) continue;
      const t = splitThreshold(a, b);
      expect(t >= a && t < b, `${a} | ${b} -> ${t}`).toBe(true);
    }
  });
});

describe('base64', () => {
  it('matches Node for every padding case and rejects malformed text', () => {
    const rng = createRng(9);
    for (let len = 0; len < 20; len++) {
      const bytes = Uint8Array.from({ length: len }, () => Math.floor(rng() * 256));
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(decodeBase64(text)!)).toEqual(Array.from(bytes));
    }
    for (const bad of ['A', 'AB=C', 'A===', 'AB!D', 'AB==AB==', 'ABé=', 'AA A', 'AAA\n']) {
      expect(decodeBase64(bad), bad).toBeNull();
    }
    // Non-zero bits under the padding: a hand-edited string, refused as the browser's strict decoder does.
    for (const bad of ['AB==', 'AAB=']) expect(decodeBase64(bad), bad).toBeNull();
    expect(Array.from(decodeBase64('AQ==')!)).toEqual([1]);
  });
});

describe('RandomForest', () => {
  it('classifies Iris well and ranks the petal measurements first', () => {
    expect(accuracy(irisModel.predict(irisTest.X), irisTest.y)).toBeGreaterThanOrEqual(0.9);
    const proba = irisModel.predictProba(irisTest.X);
    for (let i = 0; i < irisTest.X.rows; i++) {
      const row = proba.subarray(i * 3, i * 3 + 3);
      expect(row[0] + row[1] + row[2]).toBeCloseTo(1, 12);
    }
    const importance = irisModel.featureImportances();
    expect(importance.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Math.min(importance[2], importance[3])).toBeGreaterThan(Math.max(importance[0], importance[1]));
  });

  it('writes byte-identical JSON for the same data and seed, different JSON for another seed', () => {
    const again = new RandomForest({ seed: 1 }).fit(irisTrain.X, irisTrain.y, 3);
    expect(JSON.stringify(again.toJSON())).toBe(irisJson);
    const other = new RandomForest({ seed: 2 }).fit(irisTrain.X, irisTrain.y, 3);
    expect(JSON.stringify(other.toJSON())).not.toBe(irisJson);
  });

  it('round-trips through JSON with identical probabilities, importances and bytes', () => {
    const loaded = RandomForest.load(JSON.parse(irisJson));
    expect(Array.from(loaded.predictProba(iris.X))).toStrictEqual(Array.from(irisModel.predictProba(iris.X)));
    expect(Array.from(loaded.featureImportances())).toStrictEqual(Array.from(irisModel.featureImportances()));
    expect(JSON.stringify(loaded.toJSON())).toBe(irisJson);
    expect(loaded.params()).toEqual(irisModel.params());
    expect(loaded.nodeCount).toBe(irisModel.nodeCount);
  });

  it('a lazy load predicts by walking the stored bytes, bit for bit as the decoded forest', () => {
    const lazy = RandomForest.load(JSON.parse(irisJson), { lazy: true });
    expect(lazy.nodeCount).toBe(irisModel.nodeCount);
    expect(lazy.nClasses).toBe(3);
    expect(lazy.nFeatures).toBe(4);
    expect(lazy.predictProba(iris.X)).toStrictEqual(irisModel.predictProba(iris.X));
    expect(lazy.predict(iris.X)).toStrictEqual(irisModel.predict(iris.X));
    // Writing it back decodes it (and so checks it fully) first.
    expect(JSON.stringify(lazy.toJSON())).toBe(irisJson);
    expect(lazy.featureImportances()).toStrictEqual(irisModel.featureImportances());
    expect(lazy.predictProba(iris.X)).toStrictEqual(irisModel.predictProba(iris.X));
  });

  it('loads version 1 files (no subtree lengths) and writes them back as version 2', () => {
    // Version 1 of the tree of the test below: the same nodes without the tree length, split tag K+1+0.
    const v1 = {
      format: 'gitml.random-forest',
      version: 1,
      params: { nTrees: 1 },
      nFeatures: 1,
      nClasses: 2,
      nodeCount: 5,
      featureImportances: [1],
      thresholds: [[0.5, 2.5]],
      trees: encodeBase64(Uint8Array.from([3, 0, 3, 1, 0, 1, 1])),
    };
    for (const lazy of [false, true]) {
      const model = RandomForest.load(v1, { lazy });
      expect(Array.from(model.predictProba(fromRows([[0.4], [0.7], [3]])))).toEqual([1, 0, 0, 1, 0, 1]);
      const written = model.toJSON() as unknown as { version: number; trees: string };
      expect(written.version).toBe(2);
      expect(Array.from(decodeBase64(written.trees)!)).toEqual([8, 3, 0, 4, 4, 1, 0, 1, 1]);
    }
  });

  it('reads a hand-written model in the documented byte format', () => {
    // One tree, 2 classes, 1 feature, 6 bytes long: split on feature 0 at thresholds[0][1] = 2.5 with a
    // leaf on the left (tag K+1+p+0 = 4, index 1, no length), left a pure leaf of class 0 (tag 0), right
    // a mixed leaf (tag K = 2) with counts 1 and 3.
    const json = {
      format: 'gitml.random-forest',
      version: 2,
      params: { nTrees: 1 },
      nFeatures: 1,
      nClasses: 2,
      nodeCount: 3,
      featureImportances: [1],
      thresholds: [[0.5, 2.5]],
      trees: encodeBase64(Uint8Array.from([6, 4, 1, 0, 2, 1, 3])),
    };
    for (const lazy of [false, true]) {
      const model = RandomForest.load(json, { lazy });
      expect(Array.from(model.predictProba(fromRows([[2.5], [2.6]])))).toEqual([1, 0, 0.25, 0.75]);
      expect(JSON.stringify(model.toJSON())).toContain('"thresholds":[[2.5]]');
    }
    // A split whose left child is a subtree: tag K+1+0 = 3, index 0, then the left subtree's length (4).
    // 8 bytes: root [3, 0, 4], left subtree [4, 1, 0, 1] (split at 2.5: class 0 | class 1), right leaf [1].
    const deeper = {
      ...json,
      nodeCount: 5,
      trees: encodeBase64(Uint8Array.from([8, 3, 0, 4, 4, 1, 0, 1, 1])),
    };
    for (const lazy of [false, true]) {
      const model = RandomForest.load(deeper, { lazy });
      expect(Array.from(model.predictProba(fromRows([[0.4], [0.7], [3]])))).toEqual([1, 0, 0, 1, 0, 1]);
    }
    // A wrong length: the full decode catches it; a lazy walk that jumps out of its tree fails too.
    const wrong = { ...deeper, trees: encodeBase64(Uint8Array.from([8, 3, 0, 5, 4, 1, 0, 1, 1])) };
    expect(() => RandomForest.load(wrong)).toThrow(
      /node 0 says its left subtree ends at byte 9, but it ends at byte 8/,
    );
    const lazyWrong = RandomForest.load(wrong, { lazy: true });
    expect(() => lazyWrong.predictProba(fromRows([[3]]))).toThrow(ModelFormatError);
    expect(() => lazyWrong.predictProba(fromRows([[3]]))).toThrow(/trees end in the middle of a node/);
    // The root claims a leaf on its left (tag K+1+p+0 = 4, no length), but a split follows.
    const notLeaf = { ...deeper, trees: encodeBase64(Uint8Array.from([7, 4, 0, 4, 1, 0, 1, 1])) };
    expect(() => RandomForest.load(notLeaf)).toThrow(/node 0 says its left child is a leaf, but it is not/);
  });

  it('load rejects foreign and corrupt JSON with a message naming the problem', () => {
    const cases: [string, (j: Json) => unknown, RegExp][] = [
      ['null', () => null, /expected a JSON object/],
      ['array', () => [], /expected a JSON object/],
      ['foreign format', (j) => ({ ...j, format: 'gitml.knn' }), /format is "gitml.knn"/],
      ['future version', (j) => ({ ...j, version: 3 }), /version 3 is not supported/],
      ['bad params', (j) => ({ ...j, params: { ...j.params, nTrees: 0 } }), /params: nTrees must be/],
      [
        'more trees promised',
        (j) => ({ ...j, params: { ...j.params, nTrees: 101 } }),
        /trees hold 100 trees/,
      ],
      [
        'fewer trees promised',
        (j) => ({ ...j, params: { ...j.params, nTrees: 99 } }),
        /bytes after the last/,
      ],
      ['no features', (j) => ({ ...j, nFeatures: 0 }), /nFeatures must be/],
      [
        'missing table',
        (j) => ({ ...j, thresholds: j.thresholds.slice(1) }),
        /thresholds must be an array of 4/,
      ],
      [
        'unsorted table',
        (j) => {
          j.thresholds[2] = [...j.thresholds[2]].reverse();
          return j;
        },
        /strictly ascending/,
      ],
      [
        'NaN threshold',
        (j) => {
          j.thresholds[2][0] = null;
          return j;
        },
        /thresholds\[2\]\[0\] must be a finite/,
      ],
      [
        'empty table',
        (j) => {
          j.thresholds[2] = [];
          return j;
        },
        /uses threshold \d+ of feature 2, but thresholds\[2\] has 0/,
      ],
      [
        'negative importance',
        (j) => {
          j.featureImportances[0] = -1;
          return j;
        },
        /featureImportances\[0\]/,
      ],
      ['not base64', (j) => ({ ...j, trees: '@@@@' }), /not valid base64/],
      ['trees not a string', (j) => ({ ...j, trees: [1, 2] }), /trees must be a base64 string/],
      [
        'truncated',
        (j) => ({ ...j, trees: encodeBase64(bytesOf(j).slice(0, -1)) }),
        /tree 99 is \d+ bytes, but only \d+ remain/,
      ],
      ['node count', (j) => ({ ...j, nodeCount: j.nodeCount + 1 }), /nodeCount is/],
      [
        'unknown feature',
        (j) => {
          const b = bytesOf(j);
          let tag = 0; // the first tree's root, after the tree's varint length
          while (b[tag] >= 0x80) tag++;
          b[tag + 1] = 3 + 1 + 2 * 4; // K + 1 + p + feature 4 of 4 (the left-is-a-leaf tags)
          return { ...j, trees: encodeBase64(b) };
        },
        /splits on feature 4, but there are 4 features/,
      ],
      [
        'endless varint',
        (j) => ({
          ...j,
          params: { nTrees: 1 },
          trees: encodeBase64(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 1])),
        }),
        /varint longer than 5 bytes/,
      ],
      [
        'empty leaf',
        (j) => ({ ...j, params: { nTrees: 1 }, trees: encodeBase64(Uint8Array.from([4, 3, 0, 0, 0])) }),
        /leaf node 0 has no samples/,
      ],
    ];
    for (const [label, corrupt, message] of cases) {
      const attempt = () => RandomForest.load(corrupt(goodJson()));
      expect(attempt, label).toThrow(ModelFormatError);
      expect(attempt, label).toThrow(message);
    }
  });

  it('skips a constant feature and stops at pure nodes', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [5, i % 2]);
    const y = Int32Array.from(rows, (r) => r[1]);
    const X = fromRows(rows);
    // maxFeatures 0.5 tries one feature per node: drawing the constant one first must not end the search,
    // and the pure children must not be split, so every tree is one split and two leaves.
    const model = new RandomForest({ nTrees: 20, bootstrap: false, maxFeatures: 0.5, seed: 5 }).fit(X, y, 2);
    expect(model.nodeCount).toBe(20 * 3);
    expect(Array.from(model.predict(X))).toEqual(Array.from(y));
    expect(Array.from(model.featureImportances())).toEqual([0, 1]);
  });

  it('makes a leaf of rows it cannot separate, predicting their class fractions', () => {
    const X = fromRows([[1], [1], [1], [1]]);
    const model = new RandomForest({ nTrees: 3, bootstrap: false }).fit(X, Int32Array.from([0, 0, 0, 1]), 2);
    expect(model.nodeCount).toBe(3);
    expect(Array.from(model.predictProba(fromRows([[0], [9]])))).toEqual([0.75, 0.25, 0.75, 0.25]);
    expect(Array.from(model.featureImportances())).toEqual([0]);
  });

  it('trains on single-class data: one-leaf trees that predict that class with probability 1', () => {
    const model = new RandomForest({ nTrees: 5 }).fit(
      irisTrain.X,
      new Int32Array(irisTrain.X.rows).fill(1),
      3,
    );
    expect(model.nodeCount).toBe(5);
    expect(Array.from(model.predictProba(fromRows([[5, 3, 1, 0.2]])))).toEqual([0, 1, 0]);
    expect(Array.from(model.featureImportances())).toEqual([0, 0, 0, 0]);
    expect(RandomForest.load(JSON.parse(JSON.stringify(model.toJSON()))).predict(irisTest.X)).toEqual(
      new Int32Array(irisTest.X.rows).fill(1),
    );
  });

  it('honours maxDepth and minSamplesLeaf', () => {
    const stumps = new RandomForest({ nTrees: 10, maxDepth: 1 }).fit(irisTrain.X, irisTrain.y, 3);
    expect(stumps.nodeCount).toBeLessThanOrEqual(30);
    expect(stumps.nodeCount).toBeGreaterThan(10);
    // With 120 rows and no bootstrap, leaves of >= 50 rows allow exactly one split per tree.
    const coarse = new RandomForest({ nTrees: 10, minSamplesLeaf: 50, bootstrap: false }).fit(
      irisTrain.X,
      irisTrain.y,
      3,
    );
    expect(coarse.nodeCount).toBe(30);
  });

  it('rejects bad parameters, inputs and use before fit', () => {
    expect(() => new RandomForest({ nTrees: 0 })).toThrow(/nTrees must be an integer >= 1/);
    expect(() => new RandomForest({ maxFeatures: 1.5 })).toThrow(/maxFeatures must be/);
    expect(() => new RandomForest({ maxDepth: -1 })).toThrow(/maxDepth/);
    expect(() => new RandomForest({ minSamplesLeaf: 0 })).toThrow(/minSamplesLeaf/);
    expect(() => new RandomForest().predict(irisTest.X)).toThrow(/not fitted/);
    const rf = new RandomForest({ nTrees: 2 });
    expect(() => rf.fit(irisTrain.X, irisTrain.y.subarray(1), 3)).toThrow(
      /y has 119 labels but X has 120 rows/,
    );
    expect(() => rf.fit(irisTrain.X, irisTrain.y, 2)).toThrow(/label 2 of row \d+ is outside 0..1/);
    expect(() => rf.fit(fromRows([[1], [Number.NaN]]), Int32Array.from([0, 1]), 2)).toThrow(/impute/);
    expect(() => irisModel.predict(fromRows([[1, 2, 3]]))).toThrow(
      /X has 3 features, the model was fitted on 4/,
    );
    expect(() => irisModel.predict(fromRows([[1, 2, Number.NaN, 4]]))).toThrow(/feature 2 of row 0 is NaN/);
    expect(new RandomForest().params()).toEqual({
      nTrees: 100,
      maxDepth: 0,
      minSamplesLeaf: 1,
      maxFeatures: 'sqrt',
      seed: 0,
      bootstrap: true,
    });
  });

  it('matches scikit-learn accuracy on the 5 Wine fixture splits within 1 point, in under 1 MB of JSON', () => {
    const fixture: ForestFixture = JSON.parse(readFileSync(FOREST_FIXTURE, 'utf8'));
    const wine = wineMatrix(readFileSync(wineCsvPath(), 'utf8'));
    expect(wine.X.rows).toBe(6497);
    expect(wine.nClasses).toBe(7);
    const ours: number[] = [];
    let bytes = 0;
    for (const s of fixture.splits) {
      const rows = splitRows(wine.X.rows, s.test);
      const train = takeRows(wine.X, wine.y, rows.train);
      const test = takeRows(wine.X, wine.y, rows.test);
      const model = new RandomForest({ seed: s.seed }).fit(train.X, train.y, wine.nClasses);
      ours.push(accuracy(model.predict(test.X), test.y));
      if (s.seed === 0) {
        const json = model.toJSON();
        bytes = JSON.stringify(json).length;
        // A page's lazy load walks the bytes: bit-identical probabilities on a full-size forest.
        const lazy = RandomForest.load(JSON.parse(JSON.stringify(json)), { lazy: true });
        expect(lazy.predictProba(test.X)).toStrictEqual(model.predictProba(test.X));
      }
    }
    const mean = ours.reduce((a, b) => a + b, 0) / ours.length;
    expect(mean).toBeGreaterThanOrEqual(fixture.meanSklearnAccuracy - 0.01);
    // The subtree lengths that let a page walk the bytes cost about a sixth of the stream.
    expect(bytes).toBeLessThan(800_000);
  });
});
