// A registered model version's permutation feature importance on its honest holdout: the rows its
// metrics.json lists as never trained on. Training records it in metrics.json (`permutationImportance`);
// versions registered before that are computed by the site build with the same function and options, so
// both give the same figures for the same model and rows. Pure: no I/O.
import { holdoutImportance, type ScorableModel } from '../explain/holdout-importance.js';
import type { PermutationImportance } from '../explain/permutation-importance.js';
import type { FeatureTable } from '../features/feature-table.js';
import type { FeatureSchema } from '../spec/spec.js';

/** One setting for training and the site: scikit-learn's default n_repeats, a fixed seed. */
export const IMPORTANCE_OPTIONS = { nRepeats: 5, seed: 0 } as const;

/** The metrics.json field that holds a version's importance. */
export const IMPORTANCE_FIELD = 'permutationImportance';

/** Where a version's figures come from: written at training, or computed when the site was built. */
export type ImportanceSource = 'training' | 'site-build';

export interface VersionImportance {
  source: ImportanceSource;
  importance: PermutationImportance;
}

/** The table rows of the holdout ids, in table order; null when an id is not in this table. */
export function holdoutRowsOf(table: FeatureTable, ids: readonly number[]): number[] | null {
  const wanted = new Set(ids);
  const rows: number[] = [];
  for (let i = 0; i < table.rows; i++) if (wanted.has(table.ids[i])) rows.push(i);
  return rows.length === wanted.size ? rows : null;
}

/** Shuffling needs two labelled rows at least. */
export const MIN_IMPORTANCE_ROWS = 2;

/**
 * The importance of `model` on the table's holdout rows, as training writes it; undefined when fewer
 * than MIN_IMPORTANCE_ROWS of them are labelled (nothing to shuffle).
 */
export function computeImportance(
  model: ScorableModel,
  schema: readonly FeatureSchema[],
  table: FeatureTable,
  rows: readonly number[],
): PermutationImportance | undefined {
  if (rows.filter((i) => table.labels[i] >= 0).length < MIN_IMPORTANCE_ROWS) return undefined;
  return holdoutImportance(model, schema, table, rows, IMPORTANCE_OPTIONS);
}

/** A metrics.json `permutationImportance` read loosely: anything malformed is treated as absent. */
export function recordedImportance(metrics: unknown): PermutationImportance | null {
  const v = (metrics as Record<string, unknown> | null)?.[IMPORTANCE_FIELD] as
    | Partial<PermutationImportance>
    | undefined;
  if (!v || typeof v !== 'object') return null;
  const ok =
    (v.scoring === 'accuracy' || v.scoring === 'neg-mean-absolute-error') &&
    typeof v.baseline === 'number' &&
    typeof v.rows === 'number' &&
    typeof v.nRepeats === 'number' &&
    typeof v.seed === 'number' &&
    Array.isArray(v.features) &&
    v.features.every(
      (f) =>
        typeof f?.name === 'string' &&
        typeof f.title === 'string' &&
        typeof f.mean === 'number' &&
        typeof f.sd === 'number' &&
        Array.isArray(f.importances),
    );
  return ok ? (v as PermutationImportance) : null;
}
