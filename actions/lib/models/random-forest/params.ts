// A random forest's hyper-parameters, their defaults and checks, shared by the classifier and the regressor
// (which only changes the maxFeatures default), and the number of features a node examines. Browser-safe.

export type MaxFeatures = 'sqrt' | 'log2' | number;

export interface RandomForestParams {
  /** Number of trees (100). */
  nTrees?: number;
  /** Maximum depth of a tree; 0 means unlimited (0). */
  maxDepth?: number;
  /** Fewest training rows (distinct in-bag rows) a leaf may hold (1). */
  minSamplesLeaf?: number;
  /** Features tried per node: 'sqrt' or 'log2' of the feature count, or a fraction in (0, 1] ('sqrt'). */
  maxFeatures?: MaxFeatures;
  /** Seed of the generator behind bootstrap samples and feature draws (0). */
  seed?: number;
  /** Draw each tree's rows with replacement (true); false trains every tree on all rows. */
  bootstrap?: boolean;
}

export type ResolvedParams = Required<RandomForestParams>;

export function resolveParams(p: RandomForestParams): ResolvedParams {
  const nTrees = p.nTrees ?? 100;
  const maxDepth = p.maxDepth ?? 0;
  const minSamplesLeaf = p.minSamplesLeaf ?? 1;
  const maxFeatures = p.maxFeatures ?? 'sqrt';
  const seed = p.seed ?? 0;
  const bootstrap = p.bootstrap ?? true;
  if (!Number.isInteger(nTrees) || nTrees < 1)
    throw new RangeError(`nTrees must be an integer >= 1, got ${nTrees}`);
  if (!Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new RangeError(`maxDepth must be an integer >= 0 (0 = unlimited), got ${maxDepth}`);
  }
  if (!Number.isInteger(minSamplesLeaf) || minSamplesLeaf < 1) {
    throw new RangeError(`minSamplesLeaf must be an integer >= 1, got ${minSamplesLeaf}`);
  }
  if (
    maxFeatures !== 'sqrt' &&
    maxFeatures !== 'log2' &&
    !(typeof maxFeatures === 'number' && maxFeatures > 0 && maxFeatures <= 1)
  ) {
    throw new RangeError(
      `maxFeatures must be 'sqrt', 'log2' or a fraction in (0, 1], got ${JSON.stringify(maxFeatures)}`,
    );
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (typeof bootstrap !== 'boolean')
    throw new RangeError(`bootstrap must be true or false, got ${bootstrap}`);
  return { nTrees, maxDepth, minSamplesLeaf, maxFeatures, seed, bootstrap };
}

/** Features examined per node, as scikit-learn rounds them (never fewer than 1). */
export function featuresPerNode(maxFeatures: MaxFeatures, p: number): number {
  const raw = maxFeatures === 'sqrt' ? Math.sqrt(p) : maxFeatures === 'log2' ? Math.log2(p) : maxFeatures * p;
  return Math.min(p, Math.max(1, Math.floor(raw)));
}
