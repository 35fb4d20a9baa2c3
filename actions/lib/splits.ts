// Train/holdout splits and cross-validation folds, seeded so every run and every machine agrees.
// Platform-neutral.
import { createRng } from './models/random.js';

export class SplitError extends Error {
  override name = 'SplitError';
}

function shuffle(idx: number[], rand: () => number): number[] {
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}

function byClass(labels: ArrayLike<number>, rows: readonly number[], nClasses: number): number[][] {
  const groups: number[][] = Array.from({ length: nClasses }, () => []);
  for (const i of rows) groups[labels[i]].push(i);
  return groups;
}

/**
 * Stratified split of `rows` (indices into labels): each class contributes round(n_c · testFraction)
 * rows to the test side, with the rounding remainder spread so the total is round(n · testFraction).
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  rows: readonly number[],
  nClasses: number,
  testFraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  const rand = createRng(seed);
  const groups = byClass(labels, rows, nClasses).map((g) => shuffle([...g], rand));
  const nTest = Math.round(rows.length * testFraction);
  if (nTest < 1 || rows.length - nTest < 1) {
    throw new SplitError(
      `too few rows for a ${Math.round(testFraction * 100)}% holdout: ${rows.length} labelled rows`,
    );
  }
  // Largest-remainder allocation keeps every class's share as exact as the total allows.
  const quota = groups.map((g) => g.length * testFraction);
  const take = quota.map(Math.floor);
  let left = nTest - take.reduce((s, x) => s + x, 0);
  const order = quota.map((q, c) => ({ c, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of order) {
    if (left <= 0) break;
    if (take[c] < groups[c].length) {
      take[c]++;
      left--;
    }
  }
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((g, c) => {
    // Element by element: spreading a 200k-row class into push() overflows the call stack.
    for (let i = 0; i < g.length; i++) (i < take[c] ? test : train).push(g[i]);
  });
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** The latest `testFraction` of rows by event time (ties by row order) are the holdout. */
export function timeSplit(
  eventTimes: ArrayLike<number>,
  rows: readonly number[],
  testFraction: number,
): { train: number[]; test: number[] } {
  const sorted = [...rows].sort((a, b) => eventTimes[a] - eventTimes[b] || a - b);
  const nTest = Math.round(rows.length * testFraction);
  if (nTest < 1 || rows.length - nTest < 1)
    throw new SplitError(`too few rows for a time-based holdout: ${rows.length} labelled rows`);
  return {
    train: sorted.slice(0, rows.length - nTest).sort((a, b) => a - b),
    test: sorted.slice(rows.length - nTest).sort((a, b) => a - b),
  };
}

/** Stratified k folds: class members are dealt round-robin after a seeded shuffle. */
export function stratifiedFolds(
  labels: ArrayLike<number>,
  rows: readonly number[],
  nClasses: number,
  k: number,
  seed: number,
): number[][] {
  if (rows.length < k) throw new SplitError(`too few rows for ${k}-fold cross-validation: ${rows.length}`);
  const rand = createRng(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const g of byClass(labels, rows, nClasses)) {
    for (const i of shuffle([...g], rand)) {
      folds[next].push(i);
      next = (next + 1) % k;
    }
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
function fmix32(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Whether row `id` is in the hash holdout: a seeded hash of the id alone decides, so a shard that sees
 * only some partitions knows its own holdout rows without a global pass, and a row keeps its side as
 * the group grows. Ids are whole numbers below 2^53 (both 32-bit halves are hashed).
 */
export function inHashHoldout(id: number, seed: number, testFraction: number): boolean {
  const lo = id >>> 0;
  const hi = Math.floor(id / 4294967296) >>> 0;
  const h = fmix32(fmix32(fmix32(seed >>> 0) ^ lo) ^ hi);
  return h < testFraction * 4294967296;
}

/**
 * Hash split: each row is in the holdout when inHashHoldout(its id) — about `testFraction` of rows,
 * not stratified and not an exact count, but independent of which other rows are read.
 */
export function hashSplit(
  ids: ArrayLike<number>,
  rows: readonly number[],
  testFraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (const i of rows) (inHashHoldout(ids[i], seed, testFraction) ? test : train).push(i);
  checkHashSplit(rows.length, test.length, testFraction);
  return { train, test };
}

/** The hash split needs at least one row on each side (shards check the merged counts with this). */
export function checkHashSplit(rows: number, test: number, testFraction: number): void {
  if (test < 1 || rows - test < 1) {
    throw new SplitError(
      `a ${Math.round(testFraction * 100)}% hash holdout of ${rows} labelled rows has ${test} test and ${rows - test} training rows; each side needs at least one`,
    );
  }
}
