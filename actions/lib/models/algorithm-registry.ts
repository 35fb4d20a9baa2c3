// The shape of an algorithm registry, shared by the classifiers (algorithms.ts) and the regressors
// (regressors.ts): an entry per trainable algorithm, lookup by name, loading serialised JSON by its format
// name, and the hyper-parameter readers of algorithms that exist in both registries. Browser-safe.
import type { KnnWeights } from './knn.js';
import type { MaxFeatures, RandomForestParams } from './random-forest/params.js';
import { ModelFormatError } from './types.js';

export type Params = Record<string, number | string | boolean>;

/** One trainable algorithm of a registry; E is what it builds (a Classifier or a Regressor). */
export interface Algorithm<E> {
  name: string;
  title: string;
  create(params: Params): E;
  /**
   * Distance-based and penalised linear algorithms need standardised numeric features (the penalty and
   * the distances would otherwise depend on the units); the others read raw units.
   */
  standardize: boolean;
  /** Candidate hyper-parameters that cross-validation weighs (first = default). */
  grid: Params[];
}

/** The entry called `name`; an unknown name is a RangeError that lists the known ones. */
export function findAlgorithm<E>(
  registry: readonly Algorithm<E>[],
  name: string,
  kind: string,
): Algorithm<E> {
  const a = registry.find((x) => x.name === name);
  if (!a)
    throw new RangeError(`unknown ${kind} '${name}' (known: ${registry.map((x) => x.name).join(', ')})`);
  return a;
}

/**
 * Loads JSON with the loader of its `format` field; a missing or foreign format is a ModelFormatError
 * that lists the known ones (`kind` names what was expected: "estimator", "regressor").
 */
export function loadByFormat<E>(
  json: unknown,
  loaders: Record<string, (json: unknown) => E>,
  kind: string,
): E {
  const format =
    typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined;
  if (typeof format === 'string' && Object.hasOwn(loaders, format)) return loaders[format](json);
  throw new ModelFormatError(
    `${kind} format ${JSON.stringify(format ?? null)} is not one of ${Object.keys(loaders).join(', ')}`,
  );
}

/** k-nearest-neighbour parameters (classifier and regressor alike). */
export function knnParams(p: Params): { k?: number; weights?: KnnWeights } {
  return { k: p.k as number | undefined, weights: p.weights as KnnWeights | undefined };
}

/** Random forest parameters (classifier and regressor alike). */
export function randomForestParams(p: Params): RandomForestParams {
  return {
    nTrees: p.nTrees as number | undefined,
    minSamplesLeaf: p.minSamplesLeaf as number | undefined,
    maxDepth: p.maxDepth as number | undefined,
    maxFeatures: p.maxFeatures as MaxFeatures | undefined,
    seed: p.seed as number | undefined,
  };
}
