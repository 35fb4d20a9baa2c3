// "did you mean …?" for a misspelt name: the known name nearest by edit distance, when it is near enough
// to be a typo (at most a third of the name's letters differ). Platform-neutral.

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
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
