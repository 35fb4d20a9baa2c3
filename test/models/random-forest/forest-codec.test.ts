// The forest codec against the ForestShape a model declares: a fitted forest's bytes decode back to the
// same arrays, the lazy walker adds the same leaf fractions as the decoded trees, and every field of the
// shape the bytes disagree with is named in the error.
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../../actions/lib/models/base64.js';
import { createRng } from '../../../actions/lib/models/random.js';
import { decodeTrees, encodeTrees } from '../../../actions/lib/models/random-forest/forest-codec.js';
import {
  type ForestShape,
  leafFractions,
  splitTable,
  usedSplits,
} from '../../../actions/lib/models/random-forest/forest-types.js';
import { EncodedTrees } from '../../../actions/lib/models/random-forest/lazy-walker.js';
import { RandomForest } from '../../../actions/lib/models/random-forest/random-forest.js';
import { matrix } from '../../../actions/lib/models/types.js';

const fail = (rule: string): never => {
  throw new Error(rule);
};

/** 200 rows × 4 features, 3 classes by the first two features, with noise so some leaves stay mixed. */
function data() {
  const rng = createRng(11);
  const n = 200;
  const X = matrix(
    n,
    4,
    Float64Array.from({ length: n * 4 }, () => Math.round(rng() * 100) / 10),
  );
  const y = Int32Array.from(
    { length: n },
    (_, i) => (X.data[i] + X.data[n + i] > 10 ? 1 : 0) + (rng() < 0.2 ? 1 : 0),
  );
  return { X, y };
}

const { X, y } = data();
const json = new RandomForest({ nTrees: 7, seed: 4, minSamplesLeaf: 3 }).fit(X, y, 3).toJSON() as unknown as {
  thresholds: number[][];
  trees: string;
  nodeCount: number;
};
const bytes = decodeBase64(json.trees)!;
const shape: ForestShape = {
  version: 2,
  nTrees: 7,
  nFeatures: 4,
  nClasses: 3,
  splits: splitTable(json.thresholds),
  nodeCount: json.nodeCount,
};

describe('forest codec with a ForestShape', () => {
  it('decodes to arrays that encode back to the same bytes', () => {
    const forest = decodeTrees(bytes, shape, fail);
    expect(forest.roots.length).toBe(7);
    expect(forest.split.length).toBe(json.nodeCount);
    expect(forest.mixedCounts.length).toBeGreaterThan(0);
    expect(forest.mixedProba).toEqual(leafFractions(forest.mixedCounts, 3));
    const used = usedSplits(forest);
    expect(used.tables).toEqual(json.thresholds);
    expect(encodeTrees(forest, used.index)).toEqual(bytes);
  });

  it('the lazy walker adds the leaf fractions the decoded model predicts', () => {
    const walked = new Float64Array(X.rows * 3);
    EncodedTrees.index(bytes, shape, fail).addLeafFractions(X, walked);
    const decoded = RandomForest.load(json).predictProba(X);
    expect(Array.from(walked, (v) => v / 7)).toEqual(Array.from(decoded));
  });

  it('names the field of the shape the bytes disagree with', () => {
    expect(() => decodeTrees(bytes, { ...shape, nTrees: 8 }, fail)).toThrow(
      'trees hold 7 trees, params say 8',
    );
    expect(() => decodeTrees(bytes, { ...shape, nTrees: 6 }, fail)).toThrow(
      /trees hold \d+ bytes after the last of 6 trees/,
    );
    expect(() => decodeTrees(bytes, { ...shape, nodeCount: json.nodeCount + 1 }, fail)).toThrow(
      `nodeCount is ${json.nodeCount + 1} but the trees hold ${json.nodeCount} nodes`,
    );
    expect(() => decodeTrees(bytes, { ...shape, nodeCount: json.nodeCount - 1 }, fail)).toThrow(
      `nodeCount is ${json.nodeCount - 1} but the trees hold more nodes`,
    );
    expect(() => EncodedTrees.index(bytes, { ...shape, nTrees: 8 }, fail)).toThrow(
      'trees hold 7 trees, params say 8',
    );
  });
});
