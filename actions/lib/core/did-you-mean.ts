// "did you mean …?" for a misspelt name: the known name nearest by edit distance, when it is near enough
// to be a typo (at most a third of the name's letters differ; two swapped letters count as one). Browser-safe.

/** Edits (insert, delete, replace, swap two neighbours) from a to b: `rnage` is one swap from `range`. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The nearest of `known` to `given` (case-insensitive), or null when none is close. */
export function nearestName(given: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(given.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(1, Math.floor(given.length / 3)) ? best : null;
}

/** " (did you mean 'x'?)" or '' — for the end of a message. */
export function didYouMean(given: string, known: readonly string[]): string {
  const near = nearestName(given, known);
  return near ? ` (did you mean '${near}'?)` : '';
}
