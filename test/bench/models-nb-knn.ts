// Gaussian NB and kNN speed against scikit-learn (and ml-naivebayes when it is installed).
// Data: 7 Gaussian class centres ~ N(0, 1) in 12 features (200 for the wide case) plus unit noise, seeded; the python peer
// draws data of the same shape with numpy and times only the same calls, kept running so each case's fits
// alternate with ours pair by pair (harness.ts timePairs).
import { GaussianNB } from '../../actions/lib/models/gaussian-nb.js';
import { KNearestNeighbors } from '../../actions/lib/models/knn.js';
import type { Matrix } from '../../actions/lib/models/types.js';
import {
  type BenchContext,
  PeerSession,
  pairFields,
  peerOf,
  type Suite,
  timeIt,
  timePairs,
} from './harness.js';

const SUITE = 'models-nb-knn';
const FEATURES = 12;
const CLASSES = 7;
/** Spread of the class centres relative to the unit noise: classes overlap, as in real data. */
const CENTRE_SCALE = 1;
/** Gaussian NB cases: rows × features (issue 17's wide case: 100k × 200). */
const NB_CASES: readonly [rows: number, features: number][] = [
  [10_000, FEATURES],
  [100_000, FEATURES],
  [1_000_000, FEATURES],
  [100_000, 200],
];
const KNN_TRAIN = 10_000;
const KNN_TEST = 1_000;

/** mulberry32 uniforms and Box–Muller normals; seeded so every run sees the same data. */
function seeded(seed: number): { uniform: () => number; normal: () => number } {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

function synthetic(rows: number, seed: number, features = FEATURES): { X: Matrix; y: Int32Array } {
  const centreRng = seeded(42);
  const centres = Float64Array.from({ length: CLASSES * features }, () => CENTRE_SCALE * centreRng.normal());
  const { uniform, normal } = seeded(seed);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) y[i] = Math.floor(uniform() * CLASSES);
  const data = new Float64Array(rows * features);
  for (let j = 0; j < features; j++) {
    for (let i = 0; i < rows; i++) data[j * rows + i] = centres[y[i] * features + j] + normal();
  }
  return { X: { rows, cols: features, data }, y };
}

/** ml-naivebayes is optional: the suite names it when present and says it was skipped when not. */
async function mlNaiveBayes(
  ctx: BenchContext,
): Promise<(new () => { train(X: number[][], y: number[]): void; predict(X: number[][]): unknown }) | null> {
  const name = 'ml-naivebayes';
  try {
    const mod = (await import(name)) as { GaussianNB?: unknown };
    if (typeof mod.GaussianNB === 'function') return mod.GaussianNB as never;
    ctx.log(`${SUITE}: ${name} has no GaussianNB export; skipped`);
  } catch {
    ctx.log(`${SUITE}: ${name} is not installed; its peer line is skipped`);
  }
  return null;
}

function toRowArrays(X: Matrix): number[][] {
  return Array.from({ length: X.rows }, (_, i) =>
    Array.from({ length: X.cols }, (_, j) => X.data[j * X.rows + i]),
  );
}

async function sklearn(ctx: BenchContext, args: string[]): Promise<PeerSession | null> {
  return ctx.python ? PeerSession.start(ctx.python, 'nb_knn.py', args) : null;
}

export const suite: Suite = async (ctx) => {
  if (!ctx.python) ctx.log(`${SUITE}: no python with scikit-learn; lines carry our timings only`);
  const MlGaussianNB = await mlNaiveBayes(ctx);

  for (const [rows, features] of NB_CASES) {
    const { X, y } = synthetic(rows, rows, features);
    let predicted: Int32Array = new Int32Array(0);
    const fitPredict = () => {
      predicted = new GaussianNB().fit(X, y, CLASSES).predict(X);
    };
    const peer = await sklearn(ctx, ['gnb', String(rows), String(features)]);
    const t = await timePairs(ctx.repeats, fitPredict, peer);
    peer?.close();
    let hits = 0;
    for (let i = 0; i < rows; i++) if (predicted[i] === y[i]) hits++;
    const name = `gaussian-nb fit+predict ${rows} rows × ${features} features, ${CLASSES} classes`;
    ctx.add({
      suite: SUITE,
      name,
      ...pairFields(t, 'scikit-learn GaussianNB'),
      goal: '≤ 1.0× scikit-learn',
      extra: { trainAccuracy: (hits / rows).toFixed(3) },
    });
    if (MlGaussianNB && rows <= 100_000 && features === FEATURES) {
      const Xa = toRowArrays(X);
      const ya = Array.from(y);
      // ml-naivebayes runs in this process: each of its runs is timed here and paired like a peer's.
      const ml = peerOf(() => {
        const t0 = performance.now();
        const m = new MlGaussianNB();
        m.train(Xa, ya);
        m.predict(Xa);
        return { ms: performance.now() - t0 };
      });
      const tm = await timePairs(ctx.repeats, fitPredict, ml);
      ctx.add({ suite: SUITE, name, ...pairFields(tm, 'ml-naivebayes GaussianNB') });
    }
  }

  const train = synthetic(KNN_TRAIN, 7);
  const test = synthetic(KNN_TEST, 8);
  // fit + predict for both sides: our leaf index is built on the first search, so it is timed too.
  const peer = await sklearn(ctx, ['knn', String(KNN_TRAIN), String(KNN_TEST)]);
  const t = await timePairs(
    ctx.repeats,
    () => new KNearestNeighbors({ k: 5 }).fit(train.X, train.y, CLASSES).predict(test.X),
    peer,
  );
  peer?.close();
  const fitted = new KNearestNeighbors({ k: 5 }).fit(train.X, train.y, CLASSES);
  const predictOnly = await timeIt(ctx.repeats, () => fitted.predict(test.X));
  ctx.add({
    suite: SUITE,
    name: `knn k=5 fit+predict ${KNN_TRAIN} train / ${KNN_TEST} test × ${FEATURES} features`,
    ...pairFields(t, "scikit-learn KNeighborsClassifier(algorithm='brute')"),
    goal: '≤ 3× scikit-learn brute force',
    extra: { oursPredictOnlyMs: predictOnly.median.toFixed(1) },
  });
};
