// Classification metrics, exact and JSON-ready: accuracy, per-class precision/recall/F1, macro and
// weighted averages, confusion matrix and the majority-class baseline. Browser-safe.
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
  /** Never set: a classifier's metrics are told from RegressionMetrics by its absence. */
  task?: undefined;
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

/** Regression metrics on a holdout, JSON-ready; the baseline predicts the training mean for every row. */
export interface RegressionMetrics {
  task: 'regression';
  rows: number;
  mae: number;
  rmse: number;
  r2: number;
  medianAbsoluteError: number;
  /** Share of rows with |predicted − actual| ≤ tolerance, per tolerance of the label (ascending). */
  within: { tolerance: number; accuracy: number }[];
  baselineMae: number;
  baselineRmse: number;
}

/** The middle value (the mean of the two middle ones for an even count), numpy's median. */
function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * scikit-learn's mean_absolute_error, root of mean_squared_error, r2_score (a constant truth scores 1
 * when predicted exactly, else 0, as force_finite does) and median_absolute_error; "within T" counts
 * |error| ≤ T with a relative slack of 1e-9, so a prediction of 6.5 for a 6 is within 0.5 despite
 * binary rounding.
 */
export function regressionMetrics(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  trainMean: number,
  tolerances: readonly number[],
): RegressionMetrics {
  const n = actual.length;
  if (predicted.length !== n)
    throw new RangeError(`regressionMetrics: ${n} actual values but ${predicted.length} predictions`);
  const abs = new Float64Array(n);
  let sumAbs = 0;
  let sumSq = 0;
  let mean = 0;
  let baseAbs = 0;
  let baseSq = 0;
  for (let i = 0; i < n; i++) {
    const d = predicted[i] - actual[i];
    abs[i] = Math.abs(d);
    sumAbs += abs[i];
    sumSq += d * d;
    mean += actual[i];
    const b = trainMean - actual[i];
    baseAbs += Math.abs(b);
    baseSq += b * b;
  }
  mean /= n;
  let ssTot = 0;
  for (let i = 0; i < n; i++) ssTot += (actual[i] - mean) ** 2;
  const r2 = ssTot === 0 ? (sumSq === 0 ? 1 : 0) : 1 - sumSq / ssTot;
  const within = [...tolerances]
    .sort((a, b) => a - b)
    .map((tolerance) => {
      const limit = tolerance * (1 + 1e-9);
      let ok = 0;
      for (let i = 0; i < n; i++) if (abs[i] <= limit) ok++;
      return { tolerance, accuracy: safeDiv(ok, n) };
    });
  return {
    task: 'regression',
    rows: n,
    mae: safeDiv(sumAbs, n),
    rmse: Math.sqrt(safeDiv(sumSq, n)),
    r2,
    medianAbsoluteError: n === 0 ? 0 : median(abs),
    within,
    baselineMae: safeDiv(baseAbs, n),
    baselineRmse: Math.sqrt(safeDiv(baseSq, n)),
  };
}
