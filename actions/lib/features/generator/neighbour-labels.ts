// The neighbour labels: a generated row takes the class of one of its anchor's nearest real rows (when
// it does not keep the anchor's own), so generated rows are as ambiguous as real ones. Pure: no I/O.

import { normalScores } from './marginals.js';

/** Most neighbour candidates a generator keeps: the search is O(anchors × candidates). */
const MAX_NEIGHBOUR_CANDIDATES = 2000;

/** Cumulative probabilities that put all mass on class c. */
function ownClass(k: number, c: number): number[] {
  return Array.from({ length: k }, (_, q) => (q >= c ? 1 : 0));
}

/**
 * An anchor's label CDF by its index in the component, memoised: its neighbours' classes (by its position
 * in the fit's rows), or all mass on the component's class for a component without anchor rows (-1).
 */
export function labelCdfOf(
  neighbours: NeighbourLabels | null,
  positions: readonly number[],
  k: number,
  c: number,
): (anchor: number) => number[] {
  const memo = new Map<number, number[]>();
  return (anchor) => {
    let cdf = memo.get(anchor);
    if (cdf === undefined) {
      const r = positions[anchor];
      cdf = neighbours && r >= 0 ? neighbours.cdf(r) : ownClass(k, c);
      memo.set(anchor, cdf);
    }
    return cdf;
  };
}

/**
 * For an anchor row, the cumulative class shares among its K nearest real rows (itself excluded) in the
 * normal scores of all features, K = √n / 2 within [5, 50]; candidates are an even subset of at most
 * MAX_NEIGHBOUR_CANDIDATES rows. The scores are computed on the first request.
 */
export class NeighbourLabels {
  private scores: Float64Array | null = null;
  private readonly candidates: number[] = [];
  private readonly K: number;

  constructor(
    private readonly columns: readonly ArrayLike<number>[],
    private readonly labels: ArrayLike<number>,
    private readonly rows: readonly number[],
    private readonly k: number,
  ) {
    const stride = Math.ceil(rows.length / MAX_NEIGHBOUR_CANDIDATES);
    for (let r = 0; r < rows.length; r += stride) this.candidates.push(r);
    this.K = Math.min(
      Math.max(5, Math.min(50, Math.round(Math.sqrt(rows.length) / 2))),
      this.candidates.length - 1,
    );
  }

  /** Row-major scores: the distance loop reads one row's p scores together. */
  private scoresOnce(): Float64Array {
    if (this.scores) return this.scores;
    const p = this.columns.length;
    const scores = new Float64Array(this.rows.length * p);
    this.columns.forEach((col, a) => {
      normalScores(col, this.rows).forEach((z, r) => {
        scores[r * p + a] = z;
      });
    });
    this.scores = scores;
    return scores;
  }

  /** The CDF of the row at position r of the fit's rows. */
  cdf(r: number): number[] {
    const { labels, rows, k, K } = this;
    const scores = this.scoresOnce();
    const p = this.columns.length;
    const bestD = new Float64Array(Math.max(K, 0));
    const bestL = new Int32Array(Math.max(K, 0));
    let found = 0;
    let worst = Number.POSITIVE_INFINITY;
    const base = r * p;
    for (const s of this.candidates) {
      if (s === r) continue;
      let d = 0;
      const other = s * p;
      // Stop summing once the distance cannot make the list.
      for (let a = 0; a < p && d < worst; a++) {
        const diff = scores[base + a] - scores[other + a];
        d += diff * diff;
      }
      if (d >= worst) continue;
      let q = found < K ? found++ : K - 1;
      for (; q > 0 && bestD[q - 1] > d; q--) {
        bestD[q] = bestD[q - 1];
        bestL[q] = bestL[q - 1];
      }
      bestD[q] = d;
      bestL[q] = labels[rows[s]];
      if (found === K) worst = bestD[K - 1];
    }
    if (found === 0) return ownClass(k, labels[rows[r]]);
    const counts = new Array<number>(k).fill(0);
    for (let q = 0; q < found; q++) counts[bestL[q]]++;
    let sum = 0;
    return counts.map((c) => {
      sum += c / found;
      return sum;
    });
  }
}
