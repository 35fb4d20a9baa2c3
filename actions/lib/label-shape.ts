// A classification label that looks continuous: more than MAX_NUMERIC_CLASSES distinct numeric values,
// or many classes with a single row. Trained anyway (the spec says classification), but never without a
// word: `train` warns with the figures on stderr, in the job summary and in the model card.
import type { Category } from './spec.js';

/** More distinct numeric label values than this look like a quantity, not a set of classes. */
export const MAX_NUMERIC_CLASSES = 20;
/** "Many single-row classes": at least this many, and at least SINGLETON_SHARE of the classes seen. */
export const MIN_SINGLETONS = 5;
export const SINGLETON_SHARE = 0.25;

/**
 * The warning for the labelled training rows (`codes[i]`: class index, < 0 unlabelled), or null when the
 * label looks like a few real classes.
 */
export function continuousLabelWarning(
  label: { name: string; classes: readonly Category[] },
  codes: ArrayLike<number>,
  rows: readonly number[],
): string | null {
  const counts = new Map<number, number>();
  for (const i of rows) if (codes[i] >= 0) counts.set(codes[i], (counts.get(codes[i]) ?? 0) + 1);
  const seen = [...counts.keys()].map((c) => label.classes[c].value);
  const numbers = seen.map(Number);
  const numeric = seen.length > 0 && seen.every((v, k) => v.trim() !== '' && Number.isFinite(numbers[k]));
  const singletons = [...counts.values()].filter((n) => n === 1).length;
  const manyNumbers = numeric && seen.length > MAX_NUMERIC_CLASSES;
  const manySingletons = singletons >= MIN_SINGLETONS && singletons >= SINGLETON_SHARE * seen.length;
  if (!manyNumbers && !manySingletons) return null;
  const labelled = [...counts.values()].reduce((a, b) => a + b, 0);
  const figures = [
    numeric
      ? `${seen.length} distinct numeric values (${Math.min(...numbers)} … ${Math.max(...numbers)})`
      : `${seen.length} distinct values`,
    `${singletons} of them on a single row`,
  ];
  return (
    `label '${label.name}' looks continuous: ${figures.join(', ')} among ${labelled} labelled rows; ` +
    `it is trained as ${seen.length} classes all the same. A quantity to predict is a regression task ` +
    `(not supported yet); a category needs fewer, larger classes (group the values in the source).`
  );
}

/** A text (the model card's status line) followed by each warning as a quoted paragraph. */
export function withWarnings(text: string, warnings: readonly string[]): string {
  return [text, ...warnings.map((w) => `> **Warning:** ${w}`)].join('\n\n');
}
