// Classification metrics, exact and JSON-ready: accuracy, per-class precision/recall/F1, macro and
// weighted averages, confusion matrix and the majority-class baseline. Platform-neutral.
// Averages follow scikit-learn's precision_recall_fscore_support (labels=None, zero_division=0): the macro
// average is over the classes present in the truth or the predictions — a declared class absent from
// both would add a 0 that says nothing about the model.

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  rows: number;
  accuracy: number;
  baselineAccuracy: number;
  /** Mean over `macroClasses`: scikit-learn's convention. */
  macro: { precision: number; recall: number; f1: number };
  /** The classes the macro average is over: those present in the truth or the predictions. */
  macroClasses: string[];
  weighted: { precision: number; recall: number; f1: number };
  perClass: Record<string, ClassMetrics>;
  /** confusion[actual][predicted], in class order. */
  confusion: number[][];
}

const safeDiv = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function confusionMatrix(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  nClasses: number,
): number[][] {
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < actual.length; i++) m[actual[i]][predicted[i]]++;
  return m;
}

export function classificationMetrics(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: readonly string[],
): Metrics {
  const k = classes.length;
  const n = actual.length;
  const confusion = confusionMatrix(actual, predicted, k);
  let correct = 0;
  for (let c = 0; c < k; c++) correct += confusion[c][c];
  const perClass: Record<string, ClassMetrics> = {};
  const macro = { precision: 0, recall: 0, f1: 0 };
  const weighted = { precision: 0, recall: 0, f1: 0 };
  let maxSupport = 0;
  const macroClasses: string[] = [];
  classes.forEach((name, c) => {
    if (confusion[c].some((x) => x > 0) || confusion.some((row) => row[c] > 0)) macroClasses.push(name);
  });
  const m = macroClasses.length;
  classes.forEach((name, c) => {
    const support = confusion[c].reduce((s, x) => s + x, 0);
    const predictedCount = confusion.reduce((s, row) => s + row[c], 0);
    const tp = confusion[c][c];
    const precision = safeDiv(tp, predictedCount);
    const recall = safeDiv(tp, support);
    const f1 = safeDiv(2 * precision * recall, precision + recall);
    perClass[name] = { precision, recall, f1, support };
    if (support > 0 || predictedCount > 0) {
      macro.precision += precision;
      macro.recall += recall;
      macro.f1 += f1;
    }
    weighted.precision += safeDiv(precision * support, n);
    weighted.recall += safeDiv(recall * support, n);
    weighted.f1 += safeDiv(f1 * support, n);
    maxSupport = Math.max(maxSupport, support);
  });
  macro.precision = safeDiv(macro.precision, m);
  macro.recall = safeDiv(macro.recall, m);
  macro.f1 = safeDiv(macro.f1, m);
  return {
    rows: n,
    accuracy: safeDiv(correct, n),
    baselineAccuracy: safeDiv(maxSupport, n),
    macro,
    macroClasses,
    weighted,
    perClass,
    confusion,
  };
}
