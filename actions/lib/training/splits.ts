// Train/holdout splits and cross-validation folds, seeded so every run and every machine agrees.
// Honest splits: rows with identical feature values form one group (contentKeys), and every split and
// every fold keeps a group on one side — a duplicate in the training part would let a model score its
// twin in the holdout by memory. Browser-safe.

import { percent } from '../core/format.js';
import { GitmlError } from '../core/gitml-error.js';

export class SplitError extends GitmlError {
  override name = 'SplitError';
}

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
function fmix32(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A seeded 32-bit hash of a whole number below 2^53 (both 32-bit halves are hashed). */
function seededHash(key: number, seed: number): number {
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296) >>> 0;
  return fmix32(fmix32(fmix32(seed >>> 0) ^ lo) ^ hi);
}

/**
 * The content key of each row in `rows`: a 53-bit hash of its feature values (the cleaned values the model
 * sees, in column order; the label is not part of it), written at the row's index. Rows with identical
 * features get the same key; two different rows share one with probability about n²/2^54 (a collision only
 * merges two groups, which keeps a split honest). 0 and −0 are the same value.
 */
export function contentKeys(
  columns: readonly ArrayLike<number>[],
  rows: readonly number[],
  size: number,
): Float64Array {
  const keys = new Float64Array(size);
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  for (const i of rows) {
    let a = 0x9e3779b9;
    let b = 0x85ebca6b;
    for (const col of columns) {
      f64[0] = col[i] === 0 ? 0 : col[i];
      a = fmix32(Math.imul(a ^ u32[0], 0xcc9e2d51) + u32[1]);
      b = fmix32(Math.imul(b ^ u32[1], 0x1b873593) + u32[0] + a);
    }
    keys[i] = (a & 0x1fffff) * 4294967296 + (b >>> 0);
  }
  return keys;
}

/** A group of rows with identical features: its rows and the label most of them carry (its stratum). */
export interface RowGroup {
  key: number;
  rows: number[];
  stratum: number;
  /** Rows per class. */
  counts: number[];
}

/** Groups `rows` by content key, in order of first appearance; each group's rows ascend. */
export function groupRows(
  keys: ArrayLike<number>,
  labels: ArrayLike<number> | null,
  rows: readonly number[],
  nClasses: number,
): RowGroup[] {
  const byKey = new Map<number, RowGroup>();
  const groups: RowGroup[] = [];
  for (const i of [...rows].sort((a, b) => a - b)) {
    let g = byKey.get(keys[i]);
    if (!g) {
      g = { key: keys[i], rows: [], stratum: 0, counts: new Array<number>(nClasses).fill(0) };
      byKey.set(keys[i], g);
      groups.push(g);
    }
    g.rows.push(i);
    g.counts[labels ? labels[i] : 0]++;
  }
  for (const g of groups) g.stratum = g.counts.indexOf(Math.max(...g.counts)); // ties: the first class
  return groups;
}

/** Duplicate rows (rows beyond the first of their group) among `rows`. */
export function duplicateRows(keys: ArrayLike<number>, rows: readonly number[]): number {
  return rows.length - new Set(Array.from(rows, (i) => keys[i])).size;
}

/** Rows of `test` whose features equal those of some row of `train` (0 for an honest split). */
export function overlapRows(
  keys: ArrayLike<number>,
  train: readonly number[],
  test: readonly number[],
): number {
  const seen = new Set(Array.from(train, (i) => keys[i]));
  return test.filter((i) => seen.has(keys[i])).length;
}

function needTwoGroups(groups: number, rows: number, what: string): void {
  if (groups < 2)
    throw new SplitError(
      `${what}: all ${rows} labelled rows have identical feature values (one group of duplicates); an honest split needs at least 2 distinct feature rows — add rows that differ`,
    );
}

const flatSorted = (gs: readonly RowGroup[]) => gs.flatMap((g) => g.rows).sort((a, b) => a - b);

/**
 * Group-aware stratified holdout. Groups are stratified by their majority label; within a stratum they
 * are taken in seeded-hash order of their content key while that brings the stratum's holdout rows
 * closer to round(n_c · testFraction). The hash order (not a shuffle of positions) keeps a group's side
 * stable as rows are added, so a champion and its challenger mostly share their holdout.
 */
export function stratifiedSplit(
  labels: ArrayLike<number> | null,
  keys: ArrayLike<number>,
  rows: readonly number[],
  nClasses: number,
  testFraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  const what = `a ${percent(testFraction, 0)} holdout`;
  const nTest = Math.round(rows.length * testFraction);
  if (nTest < 1 || rows.length - nTest < 1)
    throw new SplitError(`too few rows for ${what}: ${rows.length} labelled rows`);
  const groups = groupRows(keys, labels, rows, nClasses);
  needTwoGroups(groups.length, rows.length, what);
  const order = groups
    .map((g) => ({ g, h: seededHash(g.key, seed) }))
    .sort((a, b) => a.h - b.h || a.g.key - b.g.key)
    .map((x) => x.g);
  const strata: RowGroup[][] = Array.from({ length: nClasses }, () => []);
  for (const g of order) strata[g.stratum].push(g);
  const inTest = new Set<RowGroup>();
  for (const stratum of strata) {
    const quota = Math.round(stratum.reduce((s, g) => s + g.rows.length, 0) * testFraction);
    let taken = 0;
    for (const g of stratum) {
      if (Math.abs(taken + g.rows.length - quota) < Math.abs(taken - quota)) {
        inTest.add(g);
        taken += g.rows.length;
      }
    }
  }
  // Few large groups can leave a side empty: the first group in hash order then goes to the other side.
  if (inTest.size === 0) inTest.add(order[0]);
  if (inTest.size === groups.length) inTest.delete(order[0]);
  return {
    train: flatSorted(groups.filter((g) => !inTest.has(g))),
    test: flatSorted(groups.filter((g) => inTest.has(g))),
  };
}

/**
 * Group-aware shuffled holdout (regression: no classes to stratify by): the stratified split with one
 * stratum, so whole groups of identical feature rows are taken in seeded-hash order of their content key.
 */
export function shuffledSplit(
  keys: ArrayLike<number>,
  rows: readonly number[],
  testFraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  return stratifiedSplit(null, keys, rows, 1, testFraction, seed);
}

/**
 * Group k-fold in seeded order (regression): stratifiedFolds with one class, which balances the folds'
 * row counts; a group never spans two folds.
 */
export function shuffledFolds(
  keys: ArrayLike<number>,
  rows: readonly number[],
  k: number,
  seed: number,
): number[][] {
  return stratifiedFolds(null, keys, rows, 1, k, seed);
}

/**
 * The latest `testFraction` of rows by event time are the holdout, a group at a time: a group's time is
 * its earliest row's (when those features were first seen), ties by row order, and whole groups are taken
 * from the latest while that brings the holdout closer to round(n · testFraction). A later repeat of
 * features already seen in training therefore trains too: it could not have been new to the model.
 */
export function timeSplit(
  eventTimes: ArrayLike<number>,
  keys: ArrayLike<number>,
  rows: readonly number[],
  testFraction: number,
): { train: number[]; test: number[] } {
  const nTest = Math.round(rows.length * testFraction);
  if (nTest < 1 || rows.length - nTest < 1)
    throw new SplitError(`too few rows for a time-based holdout: ${rows.length} labelled rows`);
  const groups = groupRows(keys, null, rows, 1);
  needTwoGroups(groups.length, rows.length, 'a time-based holdout');
  const first = (g: RowGroup) =>
    g.rows.reduce((t, i) => Math.min(t, eventTimes[i]), Number.POSITIVE_INFINITY);
  const latestFirst = groups
    .map((g) => ({ g, t: first(g), i: g.rows[0] }))
    .sort((a, b) => b.t - a.t || b.i - a.i)
    .map((x) => x.g);
  const test: RowGroup[] = [];
  let taken = 0;
  for (const g of latestFirst) {
    if (taken > 0 && Math.abs(taken + g.rows.length - nTest) >= Math.abs(taken - nTest)) break;
    test.push(g);
    taken += g.rows.length;
  }
  if (test.length === groups.length) test.pop();
  const inTest = new Set(test);
  return {
    train: flatSorted(groups.filter((g) => !inTest.has(g))),
    test: flatSorted(test),
  };
}

/**
 * Stratified group k-fold, scikit-learn's StratifiedGroupKFold(shuffle=True) algorithm: groups in seeded
 * order, then by decreasing spread of their class counts (stable), each to the fold that keeps the
 * per-class shares across folds most even (mean over classes of the standard deviation of
 * fold count / class total), ties to the fold with fewer rows. A group never spans two folds.
 */
export function stratifiedFolds(
  labels: ArrayLike<number> | null,
  keys: ArrayLike<number>,
  rows: readonly number[],
  nClasses: number,
  k: number,
  seed: number,
): number[][] {
  if (rows.length < k) throw new SplitError(`too few rows for ${k}-fold cross-validation: ${rows.length}`);
  const groups = groupRows(keys, labels, rows, nClasses);
  if (groups.length < k)
    throw new SplitError(
      `${k}-fold cross-validation needs at least ${k} distinct feature rows (identical rows stay in one fold); the ${rows.length} training rows have ${groups.length} — add rows that differ or lower --folds`,
    );
  const spread = (c: number[]) => {
    const m = c.reduce((s, x) => s + x, 0) / c.length;
    return Math.sqrt(c.reduce((s, x) => s + (x - m) ** 2, 0) / c.length);
  };
  const order = groups
    .map((g) => ({ g, h: seededHash(g.key, seed), s: spread(g.counts) }))
    .sort((a, b) => a.h - b.h || a.g.key - b.g.key)
    .sort((a, b) => b.s - a.s) // stable: the seeded order breaks ties, as sklearn's mergesort does
    .map((x) => x.g);
  const total = new Array<number>(nClasses).fill(0);
  for (const g of groups) for (let c = 0; c < nClasses; c++) total[c] += g.counts[c];
  const present = total.flatMap((t, c) => (t > 0 ? [c] : []));
  const perFold = Array.from({ length: k }, () => new Array<number>(nClasses).fill(0));
  const size = new Array<number>(k).fill(0);
  const folds: RowGroup[][] = Array.from({ length: k }, () => []);
  const share = new Float64Array(k);
  for (const g of order) {
    let best = -1;
    let bestEval = Number.POSITIVE_INFINITY;
    for (let f = 0; f < k; f++) {
      let sum = 0;
      for (const c of present) {
        let mean = 0;
        for (let q = 0; q < k; q++) {
          share[q] = (perFold[q][c] + (q === f ? g.counts[c] : 0)) / total[c];
          mean += share[q];
        }
        mean /= k;
        let v = 0;
        for (let q = 0; q < k; q++) v += (share[q] - mean) ** 2;
        sum += Math.sqrt(v / k);
      }
      const ev = sum / present.length;
      const close = Math.abs(ev - bestEval) <= 1e-8 + 1e-5 * Math.abs(bestEval);
      if (best < 0 || (ev < bestEval && !close) || (close && size[f] < size[best])) {
        best = f;
        bestEval = ev;
      }
    }
    folds[best].push(g);
    size[best] += g.rows.length;
    for (let c = 0; c < nClasses; c++) perFold[best][c] += g.counts[c];
  }
  const empty = size.indexOf(0);
  if (empty >= 0)
    throw new SplitError(
      `${k}-fold cross-validation left fold ${empty + 1} empty: ${groups.length} groups of identical rows cannot fill ${k} folds — lower --folds`,
    );
  return folds.map(flatSorted);
}

/**
 * Whether a row is in the hash holdout: a seeded hash of its content key alone decides, so a shard that
 * sees only some partitions knows its own holdout rows without a global pass, a row keeps its side as the
 * group grows, and identical rows share a side. Keys are whole numbers below 2^53.
 */
export function inHashHoldout(key: number, seed: number, testFraction: number): boolean {
  return seededHash(key, seed) < testFraction * 4294967296;
}

/**
 * Hash split: each row is in the holdout when inHashHoldout(its content key) — about `testFraction` of
 * rows, not stratified and not an exact count, but independent of which other rows are read.
 */
export function hashSplit(
  keys: ArrayLike<number>,
  rows: readonly number[],
  testFraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (const i of rows) (inHashHoldout(keys[i], seed, testFraction) ? test : train).push(i);
  checkHashSplit(rows.length, test.length, testFraction);
  return { train, test };
}

/** The hash split needs at least one row on each side (shards check the merged counts with this). */
export function checkHashSplit(rows: number, test: number, testFraction: number): void {
  if (test < 1 || rows - test < 1) {
    throw new SplitError(
      `a ${percent(testFraction, 0)} hash holdout of ${rows} labelled rows has ${test} test and ${rows - test} training rows; each side needs at least one`,
    );
  }
}
