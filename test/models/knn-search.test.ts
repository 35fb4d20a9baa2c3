// The two kNN searches (leaf-box index, tiled brute force with exact re-ranking) must return the same
// neighbours, distances and tie order on every shape, so choosing between them never changes a prediction.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KNearestNeighbors } from '../../actions/lib/models/knn.js';
import { dotModuleBytes, wasmDot } from '../../actions/lib/models/knn-dot-wasm.js';
import { BRUTE_FROM_COLS, chooseSearch } from '../../actions/lib/models/knn-search.js';
import { createRng } from '../../actions/lib/models/random.js';
import type { Matrix } from '../../actions/lib/models/types.js';
import { FIXTURE_NAMES, fixtureData, loadFixture } from '../fixtures/sklearn/fixtures.js';

/**
 * Column-major rows × cols: a quarter of the rows are copies of earlier ones (exact ties), values on a
 * coarse grid (many equal distances) around `offset` (large offsets stress the dot-product rounding bound).
 */
function wide(rows: number, cols: number, seed: number, offset = 0, grid = 4): Matrix {
  const u = createRng(seed);
  const rowMajor = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    if (i > 0 && u() < 0.25) {
      const from = Math.floor(u() * i);
      rowMajor.copyWithin(i * cols, from * cols, from * cols + cols);
      continue;
    }
    for (let j = 0; j < cols; j++) rowMajor[i * cols + j] = offset + Math.floor(u() * grid) / grid;
  }
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[j * rows + i] = rowMajor[i * cols + j];
  return { rows, cols, data };
}

/** Queries: some training rows verbatim (distance 0, tied copies), the rest fresh points of the same kind. */
function queriesFrom(train: Matrix, rows: number, seed: number, offset = 0): Matrix {
  const fresh = wide(rows, train.cols, seed, offset);
  for (let i = 0; i < rows; i += 3) {
    const t = (i * 7919) % train.rows;
    for (let j = 0; j < train.cols; j++) fresh.data[j * rows + i] = train.data[j * train.rows + t];
  }
  return fresh;
}

function expectSameSearch(model: KNearestNeighbors, queries: Matrix, label: string) {
  const index = model.kneighbors(queries, 'index');
  for (const method of ['brute', 'brute-scalar'] as const) {
    const brute = model.kneighbors(queries, method);
    expect(Array.from(brute.indices), `${label} ${method}`).toEqual(Array.from(index.indices));
    expect(Array.from(brute.distances), `${label} ${method}`).toEqual(Array.from(index.distances));
  }
}

describe('kNN brute force equals the leaf-box index', () => {
  for (const cols of [3, 12, 33, 64]) {
    for (const k of [1, 5, 17]) {
      it(`${cols} features, k = ${k}, duplicates and grid ties`, () => {
        const train = wide(600, cols, cols * 100 + k);
        const y = Int32Array.from({ length: train.rows }, (_, i) => i % 3);
        const model = new KNearestNeighbors({ k }).fit(train, y, 3);
        expectSameSearch(model, queriesFrom(train, 131, cols + k), `${cols} × k=${k}`);
      });
    }
  }

  it('stays exact far from the origin (the rounding bound widens the shortlist, the direct sum decides)', () => {
    const train = wide(500, 20, 5, 1e6, 1024);
    const y = Int32Array.from({ length: train.rows }, (_, i) => i % 2);
    const model = new KNearestNeighbors({ k: 5 }).fit(train, y, 2);
    expectSameSearch(model, queriesFrom(train, 70, 6, 1e6), 'offset 1e6');
  });

  it('keeps every tied row in the running when hundreds of rows are identical', () => {
    const train = wide(400, 16, 9);
    // Rows 100..399 all equal row 0: more ties than the shortlist starts with.
    for (let j = 0; j < 16; j++)
      for (let i = 100; i < 400; i++) train.data[j * 400 + i] = train.data[j * 400];
    const y = Int32Array.from({ length: 400 }, (_, i) => i % 4);
    for (const k of [3, 250]) {
      const model = new KNearestNeighbors({ k }).fit(train, y, 4);
      expectSameSearch(model, queriesFrom(train, 20, 10), `k=${k}`);
    }
  });

  it('handles rows without features when a brute force is asked for', () => {
    const model = new KNearestNeighbors({ k: 3 }).fit(
      { rows: 100, cols: 0, data: new Float64Array(0) },
      new Int32Array(100),
      1,
    );
    expectSameSearch(model, { rows: 5, cols: 0, data: new Float64Array(0) }, 'no features');
    expect(
      Array.from(model.kneighbors({ rows: 1, cols: 0, data: new Float64Array(0) }, 'brute').indices),
    ).toEqual([0, 1, 2]);
  });

  it('falls back to direct sums where squares would overflow', () => {
    const train = wide(200, 12, 11);
    for (let i = 0; i < train.data.length; i++) train.data[i] *= 1e160;
    const y = new Int32Array(200);
    const model = new KNearestNeighbors({ k: 4 }).fit(train, y, 1);
    expectSameSearch(model, queriesFrom(train, 30, 12), 'huge values');
  });

  for (const name of FIXTURE_NAMES) {
    it(`gives the same neighbours on the ${name} fixture`, () => {
      const d = fixtureData(loadFixture(name));
      for (const k of [1, 5, 9]) {
        const model = new KNearestNeighbors({ k }).fit(d.train, d.y, d.nClasses);
        expectSameSearch(model, d.test, `${name} k=${k}`);
      }
    });
  }

  it('gives the same neighbours for the committed iris champion (v3, knn)', () => {
    const saved = JSON.parse(readFileSync('models/iris/v3/model.json', 'utf8'));
    const model = KNearestNeighbors.load(saved.estimator);
    const { rows, cols, X } = saved.estimator as { rows: number; cols: number; X: number[] };
    // Its own rows (exact matches) and the midpoints of consecutive rows.
    const data = new Float64Array(2 * rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        data[j * 2 * rows + i] = X[i * cols + j];
        data[j * 2 * rows + rows + i] = (X[i * cols + j] + X[((i + 1) % rows) * cols + j]) / 2;
      }
    }
    expectSameSearch(model, { rows: 2 * rows, cols, data }, 'iris v3');
  });
});

describe('kNN SIMD kernel', () => {
  it('is valid WebAssembly and runs here (Node 20 has SIMD), with the scalar kernel as fallback', () => {
    expect(WebAssembly.validate(dotModuleBytes())).toBe(true);
    const kernel = wasmDot(1 << 16);
    expect(kernel).not.toBeNull();
    // 4 rows × 2 queries of 3 features (+ a zero lane): the dot products, exactly for small integers.
    const f = new Float64Array(kernel!.memory.buffer);
    f.set([1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 1, 0, 1, 0], 0);
    f.set([1, 1, 1, 0, 2, 0, -1, 0], 16);
    kernel!.dot(0, 4, 16 * 8, 2, 4, 24 * 8, 4);
    expect(Array.from(f.subarray(24, 32))).toEqual([6, 15, 24, 2, -1, 2, 5, 1]);
  });
});

describe('kNN search choice', () => {
  it('uses the index for few features and tiny sets, brute force for wide data', () => {
    expect(chooseSearch(10_000, BRUTE_FROM_COLS - 1)).toBe('index');
    expect(chooseSearch(10_000, 64)).toBe('brute');
    expect(chooseSearch(30, 64)).toBe('index');
  });
});
