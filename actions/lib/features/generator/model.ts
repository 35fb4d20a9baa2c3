// The generator's model as the fit makes it and the sampler reads it, and the error both raise. Pure: no
// I/O.

import { GitmlError } from '../../core/gitml-error.js';
import type { Marginal } from './marginals.js';

export interface GeneratorModel {
  /** Classification: the classes. Regression: empty (the label is the copula's last column). */
  classes: string[];
  /** Share of each class's rows; regression: [1], one class of all rows. */
  prior: number[];
  /**
   * The copula's columns: every numeric feature, then the categorical features not conditioned on (their
   * category codes in spec order, as an ordinal latent variable), then, for regression, the label.
   */
  copula: {
    name: string;
    type: 'numeric' | 'categorical';
    /** The regression label's column (always the last): written as the row's label, never drifted. */
    role?: 'label';
    decimals: number;
    /** Pooled within-class standard deviation: the unit of drift (numeric only). */
    sd: number;
    /** The spec's valid range: drifted values are kept inside it. */
    range?: [number, number];
    /** Categorical: the category values, by code. */
    categories?: string[];
  }[];
  /** The categorical features each component fixes (was-missing flags first). */
  categoricalNames: string[];
  /** Mixture components: one per (class, observed combination of the conditioned categorical values). */
  components: {
    classIndex: number;
    /** Share of the class's rows. */
    weight: number;
    categorical: string[];
    /** One marginal per copula column, from the component's rows. */
    marginals: Marginal[];
    /** Lower Cholesky factor (row-major) of the normal-score correlation of the copula columns. */
    chol: number[];
    /**
     * Per copula column: its value was filled in (the component's was-missing flag is set), so it keeps
     * the fill value under drift too.
     */
    filled: boolean[];
    /** Normal scores (one per copula column) of the component's anchor rows. */
    anchors: number[][];
    /**
     * Per anchor: cumulative class probabilities over the anchor's nearest real rows (regression: none).
     * Computed on first use: a day's few rows draw a neighbour's class for a few anchors, and the search
     * costs O(anchors × candidates) — most of a fit when done for every anchor.
     */
    labelCdf: (anchor: number) => number[];
    /**
     * Regression: coefficients of the label's normal score on the other copula columns' scores (from the
     * component's correlation), so a drifted feature moves the label as the copula says.
     */
    labelSlope?: number[];
    /** Regression: standard deviation of the label's score given the other columns' scores. */
    labelResidualSd?: number;
  }[];
}

export class GeneratorError extends GitmlError {
  override name = 'GeneratorError';
}
