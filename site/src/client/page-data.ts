// The JSON contract between the site build (Node, site/src/build/site-build.ts) and the browser pages:
// what <dataset>/predictor.json holds. Types only, so the browser bundles pull in no Node code.

import type { ModelLabel } from '../../../actions/lib/models/serving-model.js';
import type { FeatureSchema } from '../../../actions/lib/spec/spec.js';

export const PREDICTOR_DATA_FORMAT = 'gitml.site.predictor';

/** Quartiles of the feature group the champion was trained from: the slider's range and the default. */
export interface FeatureRange {
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

export interface PredictorFeature extends FeatureSchema {
  /** Numeric features: the observed (training) range; absent when the statistics have no values. */
  observed?: FeatureRange;
  /** The form's starting value as text: the median (numeric) or the most frequent category. */
  initial: string;
  /**
   * Numeric features: the slider, on the decimals grid (every position a multiple of step, itself a power
   * of ten no finer than one unit of the last kept decimal, at most 100 positions), from the observed
   * minimum rounded down to the observed maximum rounded up.
   */
  slider?: { min: number; max: number; step: number };
  /** The spec's field group (a fieldset of the form); absent: the form's ungrouped fields. */
  group?: string;
  /**
   * A was-missing flag: derived from this feature's input (1 when it is left blank), never typed.
   */
  derivedFrom?: string;
  /** A blank input is allowed and means "unknown": the pipeline's recorded fill value stands for it. */
  fill?: string;
  /** Not read by the model: an input only because a flag the model reads is derived from it. */
  inputOnly?: boolean;
}

export interface ChampionInfo {
  version: number;
  algorithm: string;
  /** Human name of the algorithm, e.g. 'Random forest'. */
  algorithmTitle: string;
  /** Classification: the holdout accuracy. Null for a regression champion (which has errors instead). */
  holdoutAccuracy: number | null;
  holdoutRows: number;
  /** Regression: the holdout's errors in the label's unit and the mean baseline's MAE. */
  task?: 'regression';
  holdoutMae?: number;
  holdoutRmse?: number;
  holdoutBaselineMae?: number;
  createdAt: string;
  featureGroupVersion: number;
  /** kNN: how many nearest training examples the model consults (the explanation lists them). */
  neighbours?: number;
}

/**
 * Real labelled rows of the champion's holdout (rows it never trained on), columnar: values[i][j] is row
 * i's text for features[j]; actual[i] its class value, or for a regression label its number as stored.
 */
export interface Examples {
  ids: number[];
  actual: string[];
  values: string[][];
}

/** The label as the predictor page shows it: the model's own (classes, or unit, range and decimals). */
export type PredictorLabel = ModelLabel;

export interface PredictorData {
  format: typeof PREDICTOR_DATA_FORMAT;
  version: 1;
  dataset: string;
  title: string;
  description: string;
  /** Absent: classification. */
  task?: 'regression';
  /** A regression label has no classes: its unit, valid range and decimals say how to show a value. */
  label: PredictorLabel;
  /**
   * Regression: the smallest and largest labelled value of the feature group, and what the interval
   * means for this champion (its trees' spread, or its holdout errors).
   */
  regression?: { observed: [number, number] | null; interval: 'trees' | 'residuals' };
  /** Null: no champion yet, the page says so instead of showing a form. */
  champion: ChampionInfo | null;
  /** The features the champion reads, in its order, with their ranges and starting values. */
  features: PredictorFeature[];
  /** Features of the feature group the champion does not read (shown as a note). */
  unused: { name: string; title: string }[];
  examples: Examples;
}
