// Linear, logistic and random-forest regression fits against scikit-learn, measured in one run:
//   linear regression fit, 1M rows × 12 vs LinearRegression().fit
//   logistic regression fit, 100k rows × 12, 3 classes vs LogisticRegression().fit (lbfgs, defaults)
//   random-forest regressor fit on wine quality (a number) vs RandomForestRegressor(100, n_jobs=1)
// The synthetic matrices go to python as raw float64 files in the scratch directory, so both sides fit
// the very same numbers.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LinearRegression } from '../../actions/lib/models/linear-regression.js';
import { LogisticRegression } from '../../actions/lib/models/logistic-regression.js';
import { createRng } from '../../actions/lib/models/random.js';
import { RandomForestRegressor } from '../../actions/lib/models/random-forest-regressor.js';
import { type Matrix, matrix } from '../../actions/lib/models/types.js';
import {
  FOREST_FIXTURE,
  type ForestFixture,
  splitRows,
  takeRows,
  wineCsvPath,
  wineMatrix,
} from './forest.js';
import {
  type BenchContext,
  ratioOf,
  runPeer,
  type Suite,
  summarize,
  type Timing,
  timeIt,
} from './harness.js';

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

function writeMatrix(ctx: BenchContext, name: string, X: Matrix, y: ArrayLike<number>): [string, string] {
  const xPath = path.join(ctx.tmpDir, `${name}-X.f64`);
  const yPath = path.join(ctx.tmpDir, `${name}-y.f64`);
  writeFileSync(xPath, new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength));
  const yData = Float64Array.from(y);
  writeFileSync(yPath, new Uint8Array(yData.buffer));
  return [xPath, yPath];
}

function peerTiming(peer: Record<string, unknown> | null, what: string): Timing | null {
  if (!peer) return null;
  const samples = peer.fitMs;
  if (!Array.isArray(samples) || samples.length === 0)
    throw new Error(`${SUITE}: the python peer returned no timings for ${what}`);
  return summarize(samples as number[]);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

export const suite: Suite = async (ctx) => {
  const sci = (x: number) => x.toExponential(1);

  // Linear regression at 1M rows.
  {
    const { X, y } = linearData(LINEAR_ROWS);
    const peer = ctx.python
      ? runPeer(ctx.python, 'linear.py', [
          'linear',
          ...writeMatrix(ctx, 'linear', X, y),
          String(LINEAR_ROWS),
          String(FEATURES),
          String(ctx.repeats),
        ])
      : null;
    let model = new LinearRegression();
    const ours = await timeIt(ctx.repeats, () => {
      model = new LinearRegression().fit(X, y);
    });
    const sk = peerTiming(peer, 'linear');
    ctx.add({
      suite: SUITE,
      name: `linear regression fit, ${LINEAR_ROWS} rows × ${FEATURES}`,
      ours,
      ...(sk && { peerName: 'scikit-learn LinearRegression', peer: sk, ratio: ratioOf(ours, sk) }),
      goal: '≤ 1.0× scikit-learn',
      ...(peer && { extra: { maxCoefDiff: sci(maxAbsDiff(model.coef, peer.coef as number[])) } }),
    });
  }

  // Logistic regression at 100k rows.
  {
    const { X, y } = logisticData(LOGISTIC_ROWS);
    const peer = ctx.python
      ? runPeer(ctx.python, 'linear.py', [
          'logistic',
          ...writeMatrix(ctx, 'logistic', X, y),
          String(LOGISTIC_ROWS),
          String(FEATURES),
          String(ctx.repeats),
        ])
      : null;
    let model = new LogisticRegression();
    const ours = await timeIt(ctx.repeats, () => {
      model = new LogisticRegression().fit(X, y, LOGISTIC_CLASSES);
    });
    const sk = peerTiming(peer, 'logistic');
    const head = matrix(1000, FEATURES, new Float64Array(1000 * FEATURES));
    for (let j = 0; j < FEATURES; j++)
      head.data.set(X.data.subarray(j * LOGISTIC_ROWS, j * LOGISTIC_ROWS + 1000), j * 1000);
    ctx.add({
      suite: SUITE,
      name: `logistic regression fit (lbfgs, C=1), ${LOGISTIC_ROWS} rows × ${FEATURES}, ${LOGISTIC_CLASSES} classes`,
      ours,
      ...(sk && { peerName: 'scikit-learn LogisticRegression()', peer: sk, ratio: ratioOf(ours, sk) }),
      goal: '≤ 1.0× scikit-learn',
      extra: {
        oursIterations: model.convergence.iterations,
        ...(peer && {
          sklearnIterations: peer.iterations as number,
          maxProbaDiff: sci(maxAbsDiff(model.predictProba(head), peer.proba as number[])),
        }),
      },
    });
  }

  // Random-forest regressor on wine quality as a number (split 0 of the forest fixture).
  {
    const fixture: ForestFixture = JSON.parse(readFileSync(FOREST_FIXTURE, 'utf8'));
    const wine = wineMatrix(readFileSync(wineCsvPath(), 'utf8'));
    const quality = Int32Array.from(wine.y, (c) => c + 3);
    const rows = splitRows(wine.X.rows, fixture.splits[0].test);
    const train = takeRows(wine.X, quality, rows.train);
    const test = takeRows(wine.X, quality, rows.test);
    const repeats = Math.min(ctx.repeats, 3);
    const peer = ctx.python
      ? runPeer(ctx.python, 'linear.py', ['forest', wineCsvPath(), FOREST_FIXTURE, String(repeats)])
      : null;
    let model = new RandomForestRegressor();
    const yTrain = Float64Array.from(train.y);
    const ours = await timeIt(repeats, () => {
      model = new RandomForestRegressor({ seed: 0 }).fit(train.X, yTrain);
    });
    const predicted = model.predict(test.X);
    let abs = 0;
    let sq = 0;
    let mean = 0;
    for (let i = 0; i < test.y.length; i++) mean += test.y[i] / test.y.length;
    let total = 0;
    for (let i = 0; i < test.y.length; i++) {
      abs += Math.abs(predicted[i] - test.y[i]);
      sq += (predicted[i] - test.y[i]) ** 2;
      total += (test.y[i] - mean) ** 2;
    }
    const sk = peerTiming(peer, 'forest');
    ctx.add({
      suite: SUITE,
      name: `random-forest regressor fit RF(100), wine quality, ${train.X.rows} rows × ${train.X.cols}`,
      ours,
      ...(sk && { peerName: 'scikit-learn RandomForestRegressor(100)', peer: sk, ratio: ratioOf(ours, sk) }),
      goal: '≤ 1.0× scikit-learn',
      extra: {
        oursMae: (abs / test.y.length).toFixed(4),
        oursR2: (1 - sq / total).toFixed(4),
        nodes: model.nodeCount,
        jsonBytes: Buffer.byteLength(JSON.stringify(model.toJSON())),
        ...(peer && {
          sklearnMae: (peer.mae as number).toFixed(4),
          sklearnR2: (peer.r2 as number).toFixed(4),
          sklearnNodes: peer.nodes as number,
        }),
      },
    });
  }
};
