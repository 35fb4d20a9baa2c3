// kNN on wide data against scikit-learn's brute force (issue #17), fit + predict timed on both sides,
// alternating pair by pair with the peer kept running (harness.ts timePairs):
//   k=5, 10k train / 1k test × 12 and 100k / 10k × 12: 7 overlapping Gaussian classes (as models-nb-knn)
//   k=5, 10k / 1k × 64 digits-like: load_digits standardised, resampled with noise (written by the peer)
//   k=5, 10k / 1k × 64 Gaussian blobs: 10 centres uniform in [-10, 10]⁶⁴, unit noise
// Both sides read the very same float64 files; `agree` is the share of test rows where our class equals
// scikit-learn's (below 1 only where k-th place ties pick other rows: its heap order, our lower index).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KNearestNeighbors } from '../../actions/lib/models/knn.js';
import { chooseSearch } from '../../actions/lib/models/knn-search.js';
import { createRng } from '../../actions/lib/models/random.js';
import { type Matrix, matrix } from '../../actions/lib/models/types.js';
import { type BenchContext, PeerSession, ratioOf, runPeer, type Suite, timePairs } from './harness.js';

const SUITE = 'knn-wide';
const K = 5;

interface Case {
  name: string;
  goal: string;
  data: (ctx: BenchContext) => { train: Matrix; y: Int32Array; test: Matrix; classes: number } | null;
}

function normals(seed: number): () => number {
  const uniform = createRng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** rows × cols around `classes` centres drawn by `centre`, unit Gaussian noise; labels uniform. */
function blobs(rows: number, cols: number, classes: number, centre: () => number, seed: number) {
  const centres = Float64Array.from({ length: classes * cols }, centre);
  const uniform = createRng(seed);
  const normal = normals(seed + 1);
  const y = Int32Array.from({ length: rows }, () => Math.floor(uniform() * classes));
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) data[j * rows + i] = centres[y[i] * cols + j] + normal();
  }
  return { X: matrix(rows, cols, data), y };
}

function gaussianCase(train: number, test: number, cols: number, classes: number, spread: 'normal' | 'box') {
  const centre = () => {
    if (spread === 'normal') return normals(42);
    const u = createRng(42);
    return () => 20 * u() - 10;
  };
  const a = blobs(train, cols, classes, centre(), 7);
  const b = blobs(test, cols, classes, centre(), 8);
  return { train: a.X, y: a.y, test: b.X, classes };
}

function readF64(file: string): Float64Array {
  const bytes = readFileSync(file);
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

const CASES: Case[] = [
  {
    name: 'knn k=5 fit+predict 10000 train / 1000 test × 12, 7 Gaussian classes',
    goal: '≤ 1.0× scikit-learn brute force',
    data: () => gaussianCase(10_000, 1_000, 12, 7, 'normal'),
  },
  {
    name: 'knn k=5 fit+predict 100000 train / 10000 test × 12, 7 Gaussian classes',
    goal: '≤ 1.0× scikit-learn brute force',
    data: () => gaussianCase(100_000, 10_000, 12, 7, 'normal'),
  },
  {
    name: 'knn k=5 fit+predict 10000 train / 1000 test × 64, digits (scaled, resampled with noise)',
    goal: '≤ 2× scikit-learn brute force',
    data: (ctx) => {
      if (!ctx.python) return null;
      const info = runPeer(ctx.python, 'knn_wide.py', ['digits', ctx.tmpDir, '10000', '1000']);
      const cols = Number(info.cols);
      const trainX = readF64(path.join(ctx.tmpDir, 'digits-train-X.f64'));
      const testX = readF64(path.join(ctx.tmpDir, 'digits-test-X.f64'));
      const y = Int32Array.from(readF64(path.join(ctx.tmpDir, 'digits-train-y.f64')));
      return {
        train: matrix(trainX.length / cols, cols, trainX),
        y,
        test: matrix(testX.length / cols, cols, testX),
        classes: 10,
      };
    },
  },
  {
    name: 'knn k=5 fit+predict 10000 train / 1000 test × 64, 10 Gaussian blobs',
    goal: '≤ 2× scikit-learn brute force',
    data: () => gaussianCase(10_000, 1_000, 64, 10, 'box'),
  },
];

function write(ctx: BenchContext, name: string, data: ArrayLike<number>): string {
  const file = path.join(ctx.tmpDir, `knn-wide-${name}.f64`);
  const f = Float64Array.from(data);
  writeFileSync(file, new Uint8Array(f.buffer));
  return file;
}

export const suite: Suite = async (ctx) => {
  if (!ctx.python) ctx.log(`${SUITE}: no python with scikit-learn; lines carry our timings only`);
  for (const c of CASES) {
    const d = c.data(ctx);
    if (!d) {
      ctx.log(`${SUITE}: ${c.name}: needs scikit-learn's load_digits; skipped`);
      continue;
    }
    const peer = ctx.python
      ? await PeerSession.start(ctx.python, 'knn_wide.py', [
          'serve',
          write(ctx, 'train-X', d.train.data),
          write(ctx, 'train-y', d.y),
          write(ctx, 'test-X', d.test.data),
          String(d.train.cols),
        ])
      : null;
    let predicted: Int32Array = new Int32Array(0);
    const t = await timePairs(
      ctx.repeats,
      () => {
        predicted = new KNearestNeighbors({ k: K }).fit(d.train, d.y, d.classes).predict(d.test);
      },
      peer,
    );
    peer?.close();
    const theirs = t.answers.at(-1)?.predict as number[] | undefined;
    let same = 0;
    if (theirs) for (let i = 0; i < predicted.length; i++) same += +(predicted[i] === theirs[i]);
    ctx.add({
      suite: SUITE,
      name: c.name,
      ours: t.ours,
      ...(t.peer && {
        peerName: "scikit-learn KNeighborsClassifier(algorithm='brute')",
        peer: t.peer,
        ratio: ratioOf(t.ours, t.peer),
      }),
      goal: c.goal,
      extra: {
        search: chooseSearch(d.train.rows, d.train.cols),
        ...(theirs && { agree: (same / predicted.length).toFixed(4) }),
        ...(peer && { peerBlas: String(peer.info.blas) }),
      },
    });
  }
};
