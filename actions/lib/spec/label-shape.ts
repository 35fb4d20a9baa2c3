// A label whose shape contradicts its task. A classification label that looks continuous: more than
// MAX_NUMERIC_CLASSES distinct numeric values, or many classes with a single row; a numeric label with
// two values or fewer (a yes/no outcome written as 0/1). Trained anyway (the spec says which task), but
// never without a word: `train` warns with the figures on stderr, in the job summary and in the model card.
// A constant numeric label is no task at all: refused where the rows are read (constantLabelProblem).
import type { Category, LabelType } from './spec.js';

/** More distinct numeric label values than this look like a quantity, not a set of classes. */
export const MAX_NUMERIC_CLASSES = 20;
/** "Many single-row classes": at least this many, and at least SINGLETON_SHARE of the classes seen. */
export const MIN_SINGLETONS = 5;
export const SINGLETON_SHARE = 0.25;
/** A numeric label with this many distinct values or fewer looks like classes written as numbers. */
export const MAX_FEW_VALUES = 2;

/**
 * The warning for the labelled training rows (`codes[i]`: class index, < 0 unlabelled), or null when the
 * label looks like a few real classes. A numeric label (regression): `targets[i]` its values, warned
 * about only when it has MAX_FEW_VALUES distinct values or fewer.
 */
export function continuousLabelWarning(
  label: { name: string; classes: readonly Category[]; type?: LabelType },
  codes: ArrayLike<number>,
  rows: readonly number[],
  targets?: ArrayLike<number>,
): string | null {
  if (label.type === 'numeric') return targets ? fewValuesWarning(label.name, codes, rows, targets) : null;
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
    `(set label.type: numeric in dataset.yml); a category needs fewer, larger classes (group the values in the source).`
  );
}

/** A numeric label with MAX_FEW_VALUES distinct values or fewer among the labelled rows, or null. */
function fewValuesWarning(
  name: string,
  codes: ArrayLike<number>,
  rows: readonly number[],
  targets: ArrayLike<number>,
): string | null {
  const values = new Set<number>();
  let labelled = 0;
  for (const i of rows)
    if (codes[i] >= 0) {
      values.add(targets[i]);
      labelled++;
    }
  // One value is refused where the rows are read (constantLabelProblem); none is train's own message.
  if (values.size < 2 || values.size > MAX_FEW_VALUES) return null;
  const shown = [...values].sort((a, b) => a - b).join(', ');
  return (
    `label '${name}' has only ${values.size} distinct values (${shown}) among ${labelled} labelled rows; ` +
    `it is trained as a quantity. An outcome of ${values.size} kinds is a classification task ` +
    `(set label.type: categorical and list the classes in dataset.yml).`
  );
}

/**
 * A numeric label with a single value over every labelled row: nothing to learn (the model would be the
 * constant and every metric against the mean baseline undefined). Null when it varies or has no rows.
 */
export function constantLabelProblem(name: string, values: readonly number[]): string | null {
  if (values.length === 0) return null;
  const first = values[0];
  if (values.some((v) => v !== first)) return null;
  return values.length === 1
    ? `label '${name}' is constant (the only row is ${first}): nothing to learn; a regression needs rows with different values`
    : `label '${name}' is constant (every row is ${first}): nothing to learn; a regression needs rows with different values (is label.column the right column?)`;
}

/** A text (the model card's status line) followed by each warning as a quoted paragraph. */
export function withWarnings(text: string, warnings: readonly string[]): string {
  return [text, ...warnings.map((w) => `> **Warning:** ${w}`)].join('\n\n');
}
