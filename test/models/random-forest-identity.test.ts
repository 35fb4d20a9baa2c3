// The forest growers' speed-ups (branch-free partition, lists of node-constant features left alone, small
// nodes sorting the searched features by presort rank, the classifier's per-value scan) must grow the very
// same trees: these SHA-256 hashes of toJSON were recorded with the growers as they were before (commit
// 7b28141), on a committed Wine fixture split, the committed Wine champion's params (models/wine/v3) refitted
// on the Wine matrix, the regressor fixture's config, and wide digit-like data with constant pixels.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../actions/lib/models/random.js';
import type { RandomForestParams } from '../../actions/lib/models/random-forest/params.js';
import { RandomForest } from '../../actions/lib/models/random-forest/random-forest.js';
import { RandomForestRegressor } from '../../actions/lib/models/random-forest/random-forest-regressor.js';
import { type Matrix, matrix } from '../../actions/lib/models/types.js';
import {
  FOREST_FIXTURE,
  type ForestFixture,
  splitRows,
  takeRows,
  wineCsvPath,
  wineMatrix,
} from '../bench/forest.js';

const hash = (json: unknown) => createHash('sha256').update(JSON.stringify(json)).digest('hex').slice(0, 16);

/** 8×8 "images" with values 0..16: a blank border (constant pixels) and class-dependent strokes. */
function digitLike(n: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const p = 64;
  const data = new Float64Array(n * p);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng() * 10);
    y[i] = c;
    for (let j = 0; j < p; j++) {
      const row = j >> 3;
      const col = j & 7;
      if (col === 0 || (row === 7 && col < 4)) continue; // always blank
      const ink = ((row * 3 + col * (c + 1)) % 10) / 10;
      data[j * n + i] = rng() < ink ? Math.floor(rng() * 17) : 0;
    }
  }
  return { X: matrix(n, p, data), y };
}

const wine = wineMatrix(readFileSync(wineCsvPath(), 'utf8'));
const fixture: ForestFixture = JSON.parse(readFileSync(FOREST_FIXTURE, 'utf8'));
const split0 = fixture.splits[0];
const train0 = takeRows(wine.X, wine.y, splitRows(wine.X.rows, split0.test).train);

describe('forest growers grow the same trees as before the speed-ups', () => {
  it('classifier: Wine fixture split, the Wine champion config, digit-like data', () => {
    const champion = JSON.parse(readFileSync('models/wine/v3/model.json', 'utf8'))
      .params as RandomForestParams;
    const digits = digitLike(700, 7);
    const got = {
      wineSplit0: hash(
        new RandomForest({ seed: split0.seed }).fit(train0.X, train0.y, wine.nClasses).toJSON(),
      ),
      wineChampion: hash(new RandomForest(champion).fit(wine.X, wine.y, wine.nClasses).toJSON()),
      digits: hash(new RandomForest({ nTrees: 30, seed: 3 }).fit(digits.X, digits.y, 10).toJSON()),
      digitsNoBootstrap: hash(
        new RandomForest({ nTrees: 10, seed: 4, bootstrap: false, maxFeatures: 0.5 })
          .fit(digits.X, digits.y, 10)
          .toJSON(),
      ),
      digitsShallow: hash(
        new RandomForest({ nTrees: 20, seed: 5, maxDepth: 6, minSamplesLeaf: 3, maxFeatures: 'log2' })
          .fit(digits.X, digits.y, 10)
          .toJSON(),
      ),
    };
    expect(got).toEqual({
      wineSplit0: 'f12ba05c0ba37f95',
      wineChampion: 'd27ee4525083bf1e',
      digits: 'bdd6a60a997d4732',
      digitsNoBootstrap: 'eecde9783b27c8c5',
      digitsShallow: '567fa7da252f9688',
    });
  }, 120_000);

  it('regressor: the fixture config on Wine quality, a continuous target on digit-like data', () => {
    const quality = Float64Array.from(train0.y, (c) => c + 3);
    const digits = digitLike(600, 11);
    // Not integer-valued: the sums depend on the order rows are added in, so a changed order would show.
    const target = Float64Array.from(
      { length: digits.X.rows },
      (_, i) => digits.y[i] * 0.37 + digits.X.data[20 * digits.X.rows + i] / 7,
    );
    const got = {
      wineSplit0: hash(new RandomForestRegressor({ seed: split0.seed }).fit(train0.X, quality).toJSON()),
      digits: hash(
        new RandomForestRegressor({ nTrees: 20, seed: 2, maxFeatures: 'sqrt' })
          .fit(digits.X, target)
          .toJSON(),
      ),
      digitsAll: hash(
        new RandomForestRegressor({ nTrees: 5, seed: 6, minSamplesLeaf: 2 }).fit(digits.X, target).toJSON(),
      ),
    };
    expect(got).toEqual({
      wineSplit0: 'fa04adcb4eab9655',
      digits: '089777cff6ad8fee',
      digitsAll: '09e23bddca02d8fd',
    });
  }, 120_000);
});
