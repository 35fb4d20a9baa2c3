// Gaussian NB and kNN speed against scikit-learn (and ml-naivebayes when it is installed).
// Data: 7 Gaussian class centres ~ N(0, 1) in 12 features plus unit noise, seeded; the python peer
// draws data of the same shape with numpy and times only the same calls.
import { GaussianNB } from '../../actions/lib/models/gaussian-nb.js';
import { KNearestNeighbors } from '../../actions/lib/models/knn.js';
import type { Matrix } from '../../actions/lib/models/types.js';
import {
  type BenchContext,
  ratioOf,
  runPeer,
  type Suite,
  summarize,
  type Timing,
  timeIt,
} from './harness.js';

const SUITE = 'models-nb-knn';
const FEATURES = 12;
const CLASSES = 7;
/** Spread of the class centres relative to the unit noise: classes overlap, as in real data. */
const CENTRE_SCALE = 1;
const NB_ROWS = [10_000, 100_000, 1_000_000];
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

function synthetic(rows: number, seed: number): { X: Matrix; y: Int32Array } {
  const centreRng = seeded(42);
  const centres = Float64Array.from({ length: CLASSES * FEATURES }, () => CENTRE_SCALE * centreRng.normal());
  const { uniform, normal } = seeded(seed);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) y[i] = Math.floor(uniform() * CLASSES);
  const data = new Float64Array(rows * FEATURES);
  for (let j = 0; j < FEATURES; j++) {
    for (let i = 0; i < rows; i++) data[j * rows + i] = centres[y[i] * FEATURES + j] + normal();
  }
  return { X: { rows, cols: FEATURES, data }, y };
}

function peerTiming(samples: unknown, what: string): Timing {
  if (!Array.isArray(samples) || samples.length === 0 || !samples.every((s) => typeof s === 'number')) {
    throw new Error(`${SUITE}: the python peer returned no timings for ${what}`);
  }
  return summarize(samples);
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

export const suite: Suite = async (ctx) => {
  const peer = ctx.python
    ? runPeer(ctx.python, 'nb_knn.py', [
        '--repeats',
        String(ctx.repeats),
        '--nb-rows',
        NB_ROWS.join(','),
        '--knn',
        `${KNN_TRAIN},${KNN_TEST}`,
      ])
    : null;
  if (!peer) ctx.log(`${SUITE}: no python with scikit-learn; lines carry our timings only`);
  const MlGaussianNB = await mlNaiveBayes(ctx);

  for (const rows of NB_ROWS) {
    const { X, y } = synthetic(rows, rows);
    let predicted: Int32Array = new Int32Array(0);
    const ours = await timeIt(ctx.repeats, () => {
      predicted = new GaussianNB().fit(X, y, CLASSES).predict(X);
    });
    let hits = 0;
    for (let i = 0; i < rows; i++) if (predicted[i] === y[i]) hits++;
    const name = `gaussian-nb fit+predict ${rows} rows × ${FEATURES} features, ${CLASSES} classes`;
    const sk = peer
      ? peerTiming((peer.gnb as Record<string, unknown>)?.[String(rows)], `gnb ${rows}`)
      : undefined;
    ctx.add({
      suite: SUITE,
      name,
      ours,
      ...(sk ? { peerName: 'scikit-learn GaussianNB', peer: sk, ratio: ratioOf(ours, sk) } : {}),
      goal: '≤ 1.0× scikit-learn',
      extra: { trainAccuracy: (hits / rows).toFixed(3) },
    });
    if (MlGaussianNB && rows <= 100_000) {
      const Xa = toRowArrays(X);
      const ya = Array.from(y);
      const ml = await timeIt(ctx.repeats, () => {
        const m = new MlGaussianNB();
        m.train(Xa, ya);
        m.predict(Xa);
      });
      ctx.add({
        suite: SUITE,
        name,
        ours,
        peerName: 'ml-naivebayes GaussianNB',
        peer: ml,
        ratio: ratioOf(ours, ml),
      });
    }
  }

  const train = synthetic(KNN_TRAIN, 7);
  const test = synthetic(KNN_TEST, 8);
  // fit + predict for both sides: our leaf index is built on the first search, so it is timed too.
  const ours = await timeIt(ctx.repeats, () =>
    new KNearestNeighbors({ k: 5 }).fit(train.X, train.y, CLASSES).predict(test.X),
  );
  const fitted = new KNearestNeighbors({ k: 5 }).fit(train.X, train.y, CLASSES);
  const predictOnly = await timeIt(ctx.repeats, () => fitted.predict(test.X));
  const sk = peer ? peerTiming(peer.knn, 'knn') : undefined;
  ctx.add({
    suite: SUITE,
    name: `knn k=5 fit+predict ${KNN_TRAIN} train / ${KNN_TEST} test × ${FEATURES} features`,
    ours,
    ...(sk
      ? {
          peerName: "scikit-learn KNeighborsClassifier(algorithm='brute')",
          peer: sk,
          ratio: ratioOf(ours, sk),
        }
      : {}),
    goal: '≤ 3× scikit-learn brute force',
    extra: { oursPredictOnlyMs: predictOnly.median.toFixed(1) },
  });
};
