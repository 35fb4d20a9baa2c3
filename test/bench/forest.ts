// Random forest bench: our RandomForest(100) against scikit-learn's RandomForestClassifier(100, n_jobs=1)
// on Wine Quality (training time, accuracy on the 5 fixture splits, prediction time, model size) and on
// 100k synthetic rows. The peer is kept running and every case alternates with it pair by pair
// (harness.ts timePairs). Paths are relative to the repository root (where benches and tests run).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRng } from '../../actions/lib/models/random.js';
import { RandomForest } from '../../actions/lib/models/random-forest/random-forest.js';
import { type Matrix, matrix } from '../../actions/lib/models/types.js';
import { type BenchContext, PeerSession, pairFields, type Suite, timeIt, timePairs } from './harness.js';

export const FOREST_FIXTURE = 'test/fixtures/sklearn/forest_wine.json';
/** Forest seeds per split are split seed + offset; keep equal to SEED_OFFSETS in peers/forest.py. */
const SEED_OFFSETS = [0, 100, 200];
const SYNTHETIC_ROWS = 100_000;
const SYNTHETIC_TREES = 20;

export interface ForestFixture {
  meanSklearnAccuracy: number;
  splits: { seed: number; sklearnAccuracy: number; test: number[] }[];
}

/** The raw Wine CSV: the repository's copy when present, else the shared one. */
export function wineCsvPath(): string {
  const inRepo = path.resolve('data/wine/source.csv');
  return existsSync(inRepo) ? inRepo : '/work/shared/datasets/wine.csv';
}

/**
 * Wine features as the sklearn fixture builds them: the 11 numeric columns in file order with missing
 * values filled by the column median over all rows (pandas' median), then red = 1 for type "red".
 * Label: quality minus the lowest quality. The file has no quoted fields.
 */
export function wineMatrix(csvText: string): { X: Matrix; y: Int32Array; nClasses: number } {
  const lines = csvText.trim().split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const n = rows.length;
  const typeCol = header.indexOf('type');
  const qualityCol = header.indexOf('quality');
  if (typeCol < 0 || qualityCol < 0)
    throw new Error('wineMatrix: the CSV needs "type" and "quality" columns');
  const numeric = header.map((_, c) => c).filter((c) => c !== typeCol && c !== qualityCol);
  const p = numeric.length + 1;
  const data = new Float64Array(n * p);
  numeric.forEach((c, j) => {
    const present = rows
      .map((r) => r[c])
      .filter((v) => v !== '')
      .map(Number)
      .sort((a, b) => a - b);
    const h = present.length >> 1;
    const median = present.length % 2 ? present[h] : (present[h - 1] + present[h]) / 2;
    rows.forEach((r, i) => {
      data[j * n + i] = r[c] === '' ? median : Number(r[c]);
    });
  });
  rows.forEach((r, i) => {
    data[numeric.length * n + i] = r[typeCol] === 'red' ? 1 : 0;
  });
  const quality = rows.map((r) => Number(r[qualityCol]));
  const lowest = Math.min(...quality);
  const y = Int32Array.from(quality, (q) => q - lowest);
  return { X: matrix(n, p, data), y, nClasses: Math.max(...y) + 1 };
}

/** Rows `indices` of X and y, in that order. */
export function takeRows(X: Matrix, y: Int32Array, indices: readonly number[]): { X: Matrix; y: Int32Array } {
  const m = indices.length;
  const data = new Float64Array(m * X.cols);
  for (let j = 0; j < X.cols; j++) {
    for (let k = 0; k < m; k++) data[j * m + k] = X.data[j * X.rows + indices[k]];
  }
  return { X: matrix(m, X.cols, data), y: Int32Array.from(indices, (i) => y[i]) };
}

/** Train rows (ascending, the complement of the fixture's test rows) and test rows of one split. */
export function splitRows(n: number, test: readonly number[]): { train: number[]; test: number[] } {
  const inTest = new Uint8Array(n);
  for (const i of test) inTest[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < n; i++) if (!inTest[i]) train.push(i);
  return { train, test: [...test] };
}

export function accuracy(predicted: Int32Array, truth: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) hits++;
  return hits / truth.length;
}

/**
 * Seeded synthetic task: 12 features uniform on [0, 1) with 4 decimals, 4 classes from a nonlinear score of
 * the first four features plus noise, so fully grown trees must also memorise noise, as on real data.
 */
export function syntheticData(rows: number, seed: number): { X: Matrix; y: Int32Array } {
  const p = 12;
  const rng = createRng(seed);
  const data = new Float64Array(rows * p);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(rng() * 1e4) / 1e4;
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const x = (j: number) => data[j * rows + i];
    const bump = x(3) < 0.5 ? x(3) : 1 - x(3);
    const score = x(0) + x(1) * x(2) + bump + 0.3 * (rng() - 0.5);
    y[i] = score < 0.5 ? 0 : score < 0.9 ? 1 : score < 1.3 ? 2 : 3;
  }
  return { X: matrix(rows, p, data), y };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fixed = (x: number) => x.toFixed(4);

export const suite: Suite = async (ctx: BenchContext) => {
  const fixture: ForestFixture = JSON.parse(readFileSync(FOREST_FIXTURE, 'utf8'));
  const wine = wineMatrix(readFileSync(wineCsvPath(), 'utf8'));
  const K = wine.nClasses;
  const first = splitRows(wine.X.rows, fixture.splits[0].test);
  const train = takeRows(wine.X, wine.y, first.train);
  const test = takeRows(wine.X, wine.y, first.test);
  const peer = ctx.python
    ? await PeerSession.start(ctx.python, 'forest.py', ['wine', wineCsvPath(), FOREST_FIXTURE])
    : null;

  let model = new RandomForest({ seed: 0 });
  const trainTime = await timePairs(
    ctx.repeats,
    () => {
      model = new RandomForest({ seed: 0 }).fit(train.X, train.y, K);
    },
    peer,
    () => ({ op: 'train' }),
  );
  const info = peer ? await peer.fit({ op: 'info' }) : null;
  ctx.add({
    suite: 'forest',
    name: `wine train RF(100), ${train.X.rows} rows × ${train.X.cols}`,
    ...pairFields(trainTime, 'sklearn'),
    goal: '≤ 3× sklearn',
    extra: { nodes: model.nodeCount, ...(info && { sklearnNodes: info.nodes as number }) },
  });

  // Each side predicts with its last fitted forest (seed 0 on both).
  const predictTime = await timePairs(
    ctx.repeats,
    () => model.predictProba(test.X),
    peer,
    () => ({
      op: 'predict',
    }),
  );
  ctx.add({
    suite: 'forest',
    name: `wine predictProba RF(100), ${test.X.rows} rows`,
    ...pairFields(predictTime, 'sklearn'),
  });

  let json = '';
  const serialiseTime = await timeIt(ctx.repeats, () => {
    json = JSON.stringify(model.toJSON());
  });
  const loadTime = await timeIt(ctx.repeats, () => RandomForest.load(JSON.parse(json)));
  const trees = (JSON.parse(json) as { trees: string }).trees.length;
  ctx.add({
    suite: 'forest',
    name: 'wine model JSON, 100 trees (toJSON + stringify)',
    ours: serialiseTime,
    goal: 'well under 1 MB',
    extra: {
      bytes: Buffer.byteLength(json),
      treesBase64Bytes: trees,
      bytesPerNode: (Buffer.byteLength(json) / model.nodeCount).toFixed(2),
      loadMedianMs: loadTime.median.toFixed(1),
      ...(info && { sklearnPickleBytes: info.pickleBytes as number }),
    },
  });

  // Accuracy on the fixture's 5 splits, for several forest seeds per split: fit i of each side is split
  // i mod 5 with seed offset SEED_OFFSETS[i div 5], the two sides alternating fit by fit.
  const nSplits = fixture.splits.length;
  const ours: number[][] = SEED_OFFSETS.map(() => []);
  const combo = (i: number) => ({ split: i % nSplits, offset: SEED_OFFSETS[Math.floor(i / nSplits)] });
  const splitTime = await timePairs(
    SEED_OFFSETS.length * nSplits,
    (i) => {
      const { split, offset } = combo(i);
      const s = fixture.splits[split];
      const rows = splitRows(wine.X.rows, s.test);
      const a = takeRows(wine.X, wine.y, rows.train);
      const b = takeRows(wine.X, wine.y, rows.test);
      const forest = new RandomForest({ seed: s.seed + offset }).fit(a.X, a.y, K);
      ours[Math.floor(i / nSplits)].push(accuracy(forest.predict(b.X), b.y));
    },
    peer,
    (i) => ({ op: 'split', ...combo(i) }),
    false,
  );
  peer?.close();
  const theirs = peer
    ? SEED_OFFSETS.map((_, o) =>
        splitTime.answers.slice(o * nSplits, (o + 1) * nSplits).map((a) => a.accuracy as number),
      )
    : null;
  ctx.add({
    suite: 'forest',
    name: `wine accuracy, 5 stratified 80/20 splits × forest seeds +${SEED_OFFSETS.join('/+')} (train time per fit)`,
    ...pairFields(splitTime, 'sklearn'),
    goal: 'mean accuracy ≥ sklearn − 0.01 and ≥ 0.68',
    extra: {
      oursSeed0: fixed(mean(ours[0])),
      oursAllSeeds: fixed(mean(ours.flat())),
      oursPerSplitSeed0: ours[0].map(fixed).join('/'),
      fixtureSklearnSeed0: fixed(fixture.meanSklearnAccuracy),
      ...(theirs && {
        sklearnSeed0: fixed(mean(theirs[0])),
        sklearnAllSeeds: fixed(mean(theirs.flat())),
        sklearnPerSplitSeed0: theirs[0].map(fixed).join('/'),
      }),
    },
  });

  // 100k synthetic rows: the same data goes to python through a CSV in the scratch directory.
  const synth = syntheticData(SYNTHETIC_ROWS, 7);
  const repeats = Math.min(ctx.repeats, 3);
  let synthPeer: PeerSession | null = null;
  if (ctx.python) {
    const csv = path.join(ctx.tmpDir, 'forest-synthetic.csv');
    const { rows, cols, data } = synth.X;
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) {
      const values: number[] = [];
      for (let j = 0; j < cols; j++) values.push(data[j * rows + i]);
      values.push(synth.y[i]);
      lines.push(values.join(','));
    }
    writeFileSync(csv, `${lines.join('\n')}\n`);
    synthPeer = await PeerSession.start(ctx.python, 'forest.py', ['synthetic', csv, String(SYNTHETIC_TREES)]);
  }
  let synthModel = new RandomForest();
  const synthTime = await timePairs(
    repeats,
    () => {
      synthModel = new RandomForest({ nTrees: SYNTHETIC_TREES, seed: 0 }).fit(synth.X, synth.y, 4);
    },
    synthPeer,
    () => ({}),
    false,
  );
  synthPeer?.close();
  const synthLast = synthTime.answers.at(-1);
  ctx.add({
    suite: 'forest',
    name: `synthetic train RF(${SYNTHETIC_TREES}), ${SYNTHETIC_ROWS} rows × 12`,
    ...pairFields(synthTime, 'sklearn'),
    goal: '≤ 3× sklearn',
    extra: {
      nodes: synthModel.nodeCount,
      jsonBytes: Buffer.byteLength(JSON.stringify(synthModel.toJSON())),
      ...(synthLast && { sklearnNodes: synthLast.nodes as number }),
    },
  });
};
