// Random forest on wide data (issue #17), ours beside scikit-learn RandomForestClassifier(100, n_jobs=1),
// the peer kept running and the two sides alternating pair by pair (harness.ts timePairs):
//   RF(100) fit on digits (load_digits, 1797 × 64, written by the peer; skipped without python),
//   RF(100) fit on 20k × 50 and 100k × 20 synthetic rows,
//   predictProba of 10k rows × 50 with a forest fitted on 20k × 50.
// The big fits run at most 3 pairs: each takes tens of seconds on a shared machine.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRng } from '../../actions/lib/models/random.js';
import { RandomForest } from '../../actions/lib/models/random-forest/random-forest.js';
import { type Matrix, matrix } from '../../actions/lib/models/types.js';
import { type BenchContext, PeerSession, ratioOf, runPeer, type Suite, timePairs } from './harness.js';

const SUITE = 'forest-wide';
const GOAL = '≤ 1.0× scikit-learn';

/**
 * Seeded synthetic task: `cols` features uniform on [0, 1) with 4 decimals; 4 classes from a nonlinear
 * score of the first 6 features plus noise, so trees grow deep as on real data.
 */
export function wideData(rows: number, cols: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(rng() * 10_000) / 10_000;
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const x = (j: number) => data[j * rows + i];
    const score = Math.sin(6 * x(0)) + x(1) * x(2) * 2 + (x(3) > 0.5 ? 0.8 : -0.3) + x(4) - x(5) ** 2;
    const noisy = score + (rng() - 0.5) * 0.8;
    y[i] = noisy < 0 ? 0 : noisy < 0.7 ? 1 : noisy < 1.4 ? 2 : 3;
  }
  return { X: matrix(rows, cols, data), y };
}

function writeMatrix(ctx: BenchContext, name: string, X: Matrix, y?: Int32Array): string[] {
  const xPath = path.join(ctx.tmpDir, `${name}-X.f64`);
  writeFileSync(xPath, new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength));
  if (!y) return [xPath];
  const yPath = path.join(ctx.tmpDir, `${name}-y.f64`);
  writeFileSync(yPath, new Uint8Array(Float64Array.from(y).buffer));
  return [xPath, yPath];
}

async function fitCase(
  ctx: BenchContext,
  name: string,
  X: Matrix,
  y: Int32Array,
  nClasses: number,
  repeats: number,
): Promise<void> {
  const files = writeMatrix(ctx, name, X, y);
  const peer = ctx.python
    ? await PeerSession.start(ctx.python, 'forest_wide.py', ['fit', ...files, String(X.rows), String(X.cols)])
    : null;
  let nodes = 0;
  const t = await timePairs(
    repeats,
    (i) => {
      nodes = new RandomForest({ seed: Math.max(0, i) }).fit(X, y, nClasses).nodeCount;
    },
    peer,
    (i) => ({ seed: Math.max(0, i) }),
  );
  peer?.close();
  const last = t.answers.at(-1);
  ctx.add({
    suite: SUITE,
    name: `RF(100) fit, ${name} ${X.rows} × ${X.cols}`,
    ours: t.ours,
    ...(t.peer && {
      peerName: 'scikit-learn RandomForestClassifier(100, n_jobs=1)',
      peer: t.peer,
      ratio: ratioOf(t.ours, t.peer),
    }),
    goal: GOAL,
    extra: { nodes, ...(last && { peerNodes: last.nodes as number }) },
  });
}

export const suite: Suite = async (ctx) => {
  if (ctx.python) {
    const xPath = path.join(ctx.tmpDir, 'digits-X.f64');
    const yPath = path.join(ctx.tmpDir, 'digits-y.f64');
    const shape = runPeer(ctx.python, 'forest_wide.py', ['digits', xPath, yPath]);
    const rows = shape.rows as number;
    const cols = shape.cols as number;
    const X = matrix(rows, cols, new Float64Array(new Uint8Array(readFileSync(xPath)).buffer));
    const y = Int32Array.from(new Float64Array(new Uint8Array(readFileSync(yPath)).buffer));
    await fitCase(ctx, 'digits', X, y, 10, ctx.repeats);
  } else {
    ctx.log('forest-wide: digits needs scikit-learn (load_digits); case skipped');
  }
  const big = Math.min(ctx.repeats, 3);
  const wide = wideData(20_000, 50, 11);
  await fitCase(ctx, 'synthetic', wide.X, wide.y, 4, big);
  const tall = wideData(100_000, 20, 12);
  await fitCase(ctx, 'synthetic', tall.X, tall.y, 4, big);

  // predictProba at 10k × 50: a forest fitted on the 20k × 50 rows, fresh test rows.
  const test = wideData(10_000, 50, 13);
  const model = new RandomForest({ seed: 0 }).fit(wide.X, wide.y, 4);
  const files = writeMatrix(ctx, 'wide', wide.X, wide.y);
  const [testPath] = writeMatrix(ctx, 'wide-test', test.X);
  const peer = ctx.python
    ? await PeerSession.start(ctx.python, 'forest_wide.py', [
        'predict',
        ...files,
        String(wide.X.rows),
        String(wide.X.cols),
        testPath,
        String(test.X.rows),
      ])
    : null;
  const t = await timePairs(ctx.repeats, () => model.predictProba(test.X), peer);
  peer?.close();
  ctx.add({
    suite: SUITE,
    name: `RF(100) predictProba, ${test.X.rows} × ${test.X.cols} (fitted on ${wide.X.rows} × ${wide.X.cols})`,
    ours: t.ours,
    ...(t.peer && {
      peerName: 'scikit-learn RandomForestClassifier.predict_proba',
      peer: t.peer,
      ratio: ratioOf(t.ours, t.peer),
    }),
    goal: GOAL,
  });
};
