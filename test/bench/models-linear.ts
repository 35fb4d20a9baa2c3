// Linear, logistic and random-forest regression fits against scikit-learn, measured in one run with the
// peer kept running and the two sides alternating pair by pair (harness.ts timePairs):
//   linear regression fit, 1M rows × 12 vs LinearRegression().fit
//   logistic regression fit, 100k rows × 12, 3 classes vs LogisticRegression().fit (lbfgs, defaults)
//   random-forest regressor fit on wine quality (a number) vs RandomForestRegressor(100, n_jobs=1): fit
//   time and test MAE, each pair with its own seed on both sides (the MAE spread over seeds is the noise)
// Every matrix goes to python as raw float64 files in the scratch directory, so both sides fit the very
// same numbers.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LinearRegression } from '../../actions/lib/models/linear-regression.js';
import { LogisticRegression } from '../../actions/lib/models/logistic-regression.js';
import { createRng } from '../../actions/lib/models/random.js';
import { RandomForestRegressor } from '../../actions/lib/models/random-forest/random-forest-regressor.js';
import { type Matrix, matrix } from '../../actions/lib/models/types.js';
import { FOREST_FIXTURE, type ForestFixture, splitRows, wineCsvPath } from './forest.js';
import { type BenchContext, PeerSession, ratioOf, type Suite, timePairs } from './harness.js';

const SUITE = 'models-linear';
const FEATURES = 12;
const LINEAR_ROWS = 1_000_000;
const LOGISTIC_ROWS = 100_000;
const LOGISTIC_CLASSES = 3;

function normals(seed: number): () => number {
  const uniform = createRng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** y = 3 + Σ_j (j − 5.5) x_j / 4 + noise, x_j ~ N(j, 1 + j/4): columns of different scales and offsets. */
function linearData(rows: number): { X: Matrix; y: Float64Array } {
  const normal = normals(11);
  const data = new Float64Array(rows * FEATURES);
  for (let j = 0; j < FEATURES; j++) {
    for (let i = 0; i < rows; i++) data[j * rows + i] = j + (1 + j / 4) * normal();
  }
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 3 + normal();
    for (let j = 0; j < FEATURES; j++) s += ((j - 5.5) / 4) * data[j * rows + i];
    y[i] = s;
  }
  return { X: matrix(rows, FEATURES, data), y };
}

/** Three overlapping Gaussian classes with centres ~ N(0, 1) per feature and unit noise. */
function logisticData(rows: number): { X: Matrix; y: Int32Array } {
  const centreNormal = normals(42);
  const centres = Float64Array.from({ length: LOGISTIC_CLASSES * FEATURES }, () => centreNormal());
  const normal = normals(7);
  const uniform = createRng(8);
  const y = Int32Array.from({ length: rows }, () => Math.floor(uniform() * LOGISTIC_CLASSES));
  const data = new Float64Array(rows * FEATURES);
  for (let j = 0; j < FEATURES; j++) {
    for (let i = 0; i < rows; i++) data[j * rows + i] = centres[y[i] * FEATURES + j] + normal();
  }
  return { X: matrix(rows, FEATURES, data), y };
}

/**
 * Wine as the training feature view shows it to a forest: the categorical `type` one-hot (a 0/1 column per
 * category, in sorted order, first as in the spec), then the numeric columns in file order with blanks
 * filled by the column median of the file (the spec's `missing: median`); unscaled, as trees need no
 * standardising. The target: `quality` as a number. The file has no quoted fields.
 */
export function wineRegression(csvText: string): { X: Matrix; y: Float64Array } {
  const lines = csvText.trim().split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const n = rows.length;
  const typeCol = header.indexOf('type');
  const qualityCol = header.indexOf('quality');
  if (typeCol < 0 || qualityCol < 0)
    throw new Error('wineRegression: the CSV needs "type" and "quality" columns');
  const types = [...new Set(rows.map((r) => r[typeCol]))].sort();
  const numeric = header.map((_, c) => c).filter((c) => c !== typeCol && c !== qualityCol);
  const p = types.length + numeric.length;
  const data = new Float64Array(n * p);
  types.forEach((t, j) => {
    rows.forEach((r, i) => {
      data[j * n + i] = r[typeCol] === t ? 1 : 0;
    });
  });
  numeric.forEach((c, k) => {
    const present = rows
      .map((r) => r[c])
      .filter((v) => v !== '')
      .map(Number)
      .sort((a, b) => a - b);
    const h = present.length >> 1;
    const median = present.length % 2 ? present[h] : (present[h - 1] + present[h]) / 2;
    const col = (types.length + k) * n;
    rows.forEach((r, i) => {
      data[col + i] = r[c] === '' ? median : Number(r[c]);
    });
  });
  return { X: matrix(n, p, data), y: Float64Array.from(rows, (r) => Number(r[qualityCol])) };
}

/** Rows `indices` of X and y, in that order. */
function takeRows(X: Matrix, y: Float64Array, indices: readonly number[]): { X: Matrix; y: Float64Array } {
  const m = indices.length;
  const data = new Float64Array(m * X.cols);
  for (let j = 0; j < X.cols; j++) {
    for (let k = 0; k < m; k++) data[j * m + k] = X.data[j * X.rows + indices[k]];
  }
  return { X: matrix(m, X.cols, data), y: Float64Array.from(indices, (i) => y[i]) };
}

function writeMatrix(ctx: BenchContext, name: string, X: Matrix, y: ArrayLike<number>): [string, string] {
  const xPath = path.join(ctx.tmpDir, `${name}-X.f64`);
  const yPath = path.join(ctx.tmpDir, `${name}-y.f64`);
  writeFileSync(xPath, new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength));
  const yData = Float64Array.from(y);
  writeFileSync(yPath, new Uint8Array(yData.buffer));
  return [xPath, yPath];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, sd };
}

function mae(predicted: Float64Array, truth: Float64Array): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += Math.abs(predicted[i] - truth[i]);
  return s / truth.length;
}

async function session(ctx: BenchContext, args: string[]): Promise<PeerSession | null> {
  return ctx.python ? PeerSession.start(ctx.python, 'linear.py', args) : null;
}

export const suite: Suite = async (ctx) => {
  const sci = (x: number) => x.toExponential(1);

  // Linear regression at 1M rows.
  {
    const { X, y } = linearData(LINEAR_ROWS);
    const peer = await session(ctx, [
      'linear',
      ...writeMatrix(ctx, 'linear', X, y),
      String(LINEAR_ROWS),
      String(FEATURES),
    ]);
    let model = new LinearRegression();
    const t = await timePairs(
      ctx.repeats,
      () => {
        model = new LinearRegression().fit(X, y);
      },
      peer,
    );
    peer?.close();
    const last = t.answers.at(-1);
    ctx.add({
      suite: SUITE,
      name: `linear regression fit, ${LINEAR_ROWS} rows × ${FEATURES}`,
      ours: t.ours,
      ...(t.peer && {
        peerName: 'scikit-learn LinearRegression',
        peer: t.peer,
        ratio: ratioOf(t.ours, t.peer),
      }),
      goal: '≤ 1.0× scikit-learn',
      ...(last && {
        extra: {
          maxCoefDiff: sci(maxAbsDiff(model.coef, last.coef as number[])),
          peerBlas: String(peer!.info.blas),
        },
      }),
    });
  }

  // Logistic regression at 100k rows.
  {
    const { X, y } = logisticData(LOGISTIC_ROWS);
    const peer = await session(ctx, [
      'logistic',
      ...writeMatrix(ctx, 'logistic', X, y),
      String(LOGISTIC_ROWS),
      String(FEATURES),
    ]);
    let model = new LogisticRegression();
    const t = await timePairs(
      ctx.repeats,
      () => {
        model = new LogisticRegression().fit(X, y, LOGISTIC_CLASSES);
      },
      peer,
    );
    peer?.close();
    const last = t.answers.at(-1);
    const head = matrix(1000, FEATURES, new Float64Array(1000 * FEATURES));
    for (let j = 0; j < FEATURES; j++)
      head.data.set(X.data.subarray(j * LOGISTIC_ROWS, j * LOGISTIC_ROWS + 1000), j * 1000);
    ctx.add({
      suite: SUITE,
      name: `logistic regression fit (lbfgs, C=1), ${LOGISTIC_ROWS} rows × ${FEATURES}, ${LOGISTIC_CLASSES} classes`,
      ours: t.ours,
      ...(t.peer && {
        peerName: 'scikit-learn LogisticRegression()',
        peer: t.peer,
        ratio: ratioOf(t.ours, t.peer),
      }),
      goal: '≤ 1.0× scikit-learn',
      extra: {
        oursIterations: model.convergence.iterations,
        ...(last && {
          sklearnIterations: last.iterations as number,
          maxProbaDiff: sci(maxAbsDiff(model.predictProba(head), last.proba as number[])),
        }),
      },
    });
  }

  // Random-forest regressor on wine quality as a number (the forest fixture's split 0); pair i fits with
  // seed i on both sides, so the repeats also give each side's MAE spread over seeds.
  {
    const fixture: ForestFixture = JSON.parse(readFileSync(FOREST_FIXTURE, 'utf8'));
    const wine = wineRegression(readFileSync(wineCsvPath(), 'utf8'));
    const rows = splitRows(wine.X.rows, fixture.splits[0].test);
    const train = takeRows(wine.X, wine.y, rows.train);
    const test = takeRows(wine.X, wine.y, rows.test);
    const peer = await session(ctx, [
      'forest',
      ...writeMatrix(ctx, 'forest-train', train.X, train.y),
      ...writeMatrix(ctx, 'forest-test', test.X, test.y),
      String(train.X.cols),
    ]);
    let model = new RandomForestRegressor();
    const oursMae: number[] = [];
    const t = await timePairs(
      ctx.repeats,
      (i) => {
        model = new RandomForestRegressor({ seed: Math.max(0, i) }).fit(train.X, train.y);
        if (i >= 0) oursMae.push(mae(model.predict(test.X), test.y));
      },
      peer,
      (i) => ({ seed: Math.max(0, i) }),
    );
    peer?.close();
    const ours = meanSd(oursMae);
    const theirs = peer ? meanSd(t.answers.map((a) => a.mae as number)) : null;
    const f4 = (x: number) => x.toFixed(4);
    // The two means differ within noise when the gap is inside two standard errors of the difference.
    const noise = theirs && 2 * Math.sqrt((ours.sd ** 2 + theirs.sd ** 2) / oursMae.length);
    const last = t.answers.at(-1);
    ctx.add({
      suite: SUITE,
      name: `random-forest regressor fit RF(100), wine quality, ${train.X.rows} rows × ${train.X.cols}`,
      ours: t.ours,
      ...(t.peer && {
        peerName: 'scikit-learn RandomForestRegressor(100)',
        peer: t.peer,
        ratio: ratioOf(t.ours, t.peer),
      }),
      goal: '≤ 1.0× scikit-learn, MAE within noise',
      extra: {
        oursMae: `${f4(ours.mean)} ± ${f4(ours.sd)}`,
        nodes: model.nodeCount,
        jsonBytes: Buffer.byteLength(JSON.stringify(model.toJSON())),
        ...(theirs &&
          noise !== null &&
          last && {
            sklearnMae: `${f4(theirs.mean)} ± ${f4(theirs.sd)}`,
            maeGap: f4(ours.mean - theirs.mean),
            twoSe: f4(noise),
            sklearnNodes: last.nodes as number,
          }),
      },
    });
  }
};
