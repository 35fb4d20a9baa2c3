// Which features drifted, and whether the dataset did: one rule, used by the monitor, drawn by the drift
// chart and checked by the false-alarm simulation (test/monitoring/drift-simulation.test.ts). Browser-safe.
//
//   1. Each feature gets its test's p-value (exact KS for numeric features, chi-square for categorical
//      ones) and its PSI against the reference.
//   2. The p-values are adjusted across the features with Benjamini–Hochberg, so with many features the
//      expected share of false discoveries among the flagged ones stays at most `pValue` (a raw p < 0.05
//      on 30 features flags 1.5 of them on a stream that did not change at all).
//   3. A feature drifts when its adjusted p < `pValue` (the change is real, not noise of a small window)
//      AND its PSI > `psi` (the change is large enough to matter: on thousands of rows the tests flag
//      shifts nobody cares about). Each criterion guards the other's blind spot; no window-size switch.
//   4. The dataset drifts when at least one feature drifts. The smallest BH-adjusted p is the Simes test
//      of "no feature changed", so the dataset-level false alarm rate is at most `pValue`.

import { roundSignificant } from '../core/json.js';
import type { FeatureSchema } from '../spec/spec.js';
import {
  benjaminiHochberg,
  categoryCounts,
  chiSquareTest,
  ksTestSorted,
  numericPsiSorted,
  psiFromCounts,
  sortedPresent,
} from './drift.js';
import type { FeatureDrift, Thresholds } from './monitoring-types.js';

/** Drift numbers to 3 significant digits: the window moves a row a day, and more digits are only noise. */
export const round3 = (x: number) => roundSignificant(x, 3);

export type DriftRule = Pick<Thresholds, 'pValue' | 'psi'>;

/** Why a feature is (not) drifted, in the chart's and the table's words; the chart's legend order. */
export const DRIFT_STATUSES = ['drifted', 'not significant', 'small change', 'stable'] as const;
export type DriftStatus = (typeof DRIFT_STATUSES)[number];

/** The rule in words, for alerts, the chart and the report (one wording everywhere). */
export function driftRuleText(rule: DriftRule): string {
  return (
    `a feature drifts when its test's p-value, adjusted for the number of features (Benjamini–Hochberg), ` +
    `is below ${rule.pValue} and its PSI is above ${rule.psi}; dataset drift when any feature drifts`
  );
}

export function driftStatus(adjustedPValue: number, psi: number, rule: DriftRule): DriftStatus {
  const significant = adjustedPValue < rule.pValue;
  const large = psi > rule.psi;
  return significant && large
    ? 'drifted'
    : large
      ? 'not significant'
      : significant
        ? 'small change'
        : 'stable';
}

/**
 * Tests every feature's window column against its reference column (NaN = missing, left out; categorical
 * columns hold category codes) and applies the rule above.
 */
export function featureDrifts(
  schema: readonly FeatureSchema[],
  reference: readonly Float64Array[],
  window: readonly Float64Array[],
  rule: DriftRule,
): { features: FeatureDrift[]; share: number; datasetDrift: boolean } {
  const raw = schema.map((f, j) => {
    if (f.type === 'numeric') {
      const a = sortedReference(reference[j]);
      const b = sortedPresent(window[j]);
      return { test: 'ks' as const, ...ksTestSorted(a, b), psi: numericPsiSorted(a, b) };
    }
    const k = f.categories?.length ?? 0;
    const ca = categoryCounts(reference[j], k);
    const cb = categoryCounts(window[j], k);
    return { test: 'chi-square' as const, ...chiSquareTest(ca, cb), psi: psiFromCounts(ca, cb) };
  });
  const adjusted = benjaminiHochberg(raw.map((r) => r.pValue));
  const features: FeatureDrift[] = schema.map((f, j) => {
    // Decided on the rounded figures monitoring.json shows, so what it says and what it decided agree.
    const adjustedPValue = round3(adjusted[j]);
    const psi = round3(raw[j].psi);
    const status = driftStatus(adjustedPValue, psi, rule);
    return {
      feature: f.name,
      title: f.title,
      type: f.type,
      test: raw[j].test,
      statistic: round3(raw[j].statistic),
      pValue: round3(raw[j].pValue),
      adjustedPValue,
      psi,
      status,
      drifted: status === 'drifted',
    };
  });
  const drifted = features.filter((f) => f.drifted).length;
  return { features, share: features.length ? drifted / features.length : 0, datasetDrift: drifted > 0 };
}

/**
 * A reference column's present values, sorted once per column (so a column must not change once passed):
 * a simulation, or any caller comparing many windows, passes the same reference again and again, and
 * sorting thousands of rows would dominate the cost.
 */
const sortedReferences = new WeakMap<Float64Array, Float64Array>();
function sortedReference(column: Float64Array): Float64Array {
  let sorted = sortedReferences.get(column);
  if (!sorted) {
    sorted = sortedPresent(column);
    sortedReferences.set(column, sorted);
  }
  return sorted;
}
