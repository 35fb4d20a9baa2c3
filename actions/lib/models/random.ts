// Seeded pseudo-random numbers, so that training, splits and sampling are reproducible byte for byte.
// Browser-safe (bundled for the browser too): no Node imports.

/**
 * Returns a generator of uniform floats in [0, 1) with 32 bits of resolution (mulberry32).
 * The seed must be an integer; only its low 32 bits matter, so seeds equal modulo 2^32 give the same stream.
 * Fast and statistically fine for sampling and shuffling; not for cryptography.
 */
export function createRng(seed: number): () => number {
  if (!Number.isInteger(seed)) throw new RangeError(`createRng: seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
