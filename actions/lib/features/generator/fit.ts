// The daily feature pipeline's generator: synthetic rows from a model fitted to the real rows
// (backfill and ingest, never synthetic ones, so it does not feed on itself). The model is fitted at
// generate time from the stored rows; nothing of it is persisted, so every feature group generates.
//   components   one per (class, combination of conditioned categorical values), weighted by frequency:
//                was-missing flags always (a flagged row holds exactly the fill value), other categorical
//                features while the components stay large (wine type; sparse ones would replay rows)
//   copula       per component, a Gaussian copula over the numeric features and the categorical features
//                not conditioned on: empirical quantile marginals that return real values (the real grid,
//                no mass at a clip bound), correlation of the rows' normal scores, shrunk towards the
//                class's and the class's towards the pooled one for small groups
//   kernel       a row starts at a random real row of the component (its anchor) in normal-score space
//                and moves by correlated noise of bandwidth BANDWIDTH, so the joint shape (wine density
//                against sugar and alcohol) survives where one Gaussian copula would blur it
//   label        the anchor's class with probability OWN_LABEL, otherwise the class of one of the
//                anchor's nearest real rows: generated rows are as ambiguous as real ones, not easier
//                for a model that memorised the anchors
//   regression   a numeric label is not conditioned on: all rows form one class, and the label is one more
//                copula column (its own empirical marginal, its normal-score correlation with every
//                feature), so the kernel moves it together with the features; written on the label's
//                decimals grid inside its range. A label of few values (grades 3–9) is read as a
//                rounded latent normal score: its correlations are scaled up to the latent ones, and an
//                anchor's label score is drawn given its features inside its grade's CDF share — with
//                the grade's one shared score the kernel would narrow the grades' spread (sd 0.81 for
//                0.86 on wine) and weaken their ties to the features (alcohol r 0.40 for 0.45). Under
//                drift the label follows the drifted features through the copula: its score moves by
//                the regression of its score on theirs
// Values are written with the spec's decimals. Pure: no I/O.
// The fit is this file; the model's shape is model.ts, the sampler sampler.ts, the marginals and normal
// scores marginals.ts, the correlations correlation.ts, the neighbour labels neighbour-labels.ts.

import type { DatasetSpec } from '../../spec/spec.js';
import { featureSchema, taskOf } from '../../spec/spec.js';
import type { FeatureTable } from '../feature-table.js';
import {
  jitteredCholesky,
  lastOnOthers,
  latentLabelCorrelation,
  poolCorrelations,
  scoreCorrelation,
  shrink,
} from './correlation.js';
import { marginalOf, normalScores } from './marginals.js';
import { GeneratorError, type GeneratorModel } from './model.js';
import { labelCdfOf, NeighbourLabels } from './neighbour-labels.js';

/** The missing-flag category that means "the value was missing" (featureSchema writes '0' and '1'). */
const WAS_MISSING = '1';
/**
 * A categorical feature is conditioned on (splits the components) only while at least this share of the
 * rows stay in components of at least MIN_COMPONENT_ROWS rows; the others join the copula. Conditioning
 * keeps a categorical's exact joint with everything (wine type), but tiny components would replay their
 * few rows' values, and a model that memorised those rows would find the generated rows too easy.
 */
const MIN_COMPONENT_ROWS = 30;
const MIN_SHARE_IN_LARGE = 0.9;
/** Most anchors a generator keeps: fitting is O(anchors × candidates). */
const MAX_ANCHORS = 20_000;

export function fitGenerator(
  spec: DatasetSpec,
  table: FeatureTable,
  isReal: (i: number) => boolean,
): GeneratorModel {
  const schema = featureSchema(spec);
  const regression = taskOf(spec.label) === 'regression';
  // Regression: one class holding every labelled row (labels are 0 there), the label a copula column.
  const k = regression ? 1 : spec.label.classes.length;
  const rows: number[] = [];
  for (let i = 0; i < table.rows; i++) if (isReal(i) && table.labels[i] >= 0) rows.push(i);
  if (rows.length < 2)
    throw new GeneratorError(
      `generator for '${spec.name}': needs at least 2 labelled real rows, found ${rows.length}`,
    );
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (const i of rows) byClass[regression ? 0 : table.labels[i]].push(i);
  const fit: Fit = { spec, schema, table, rows, byClass, regression, k, conditioned: [] };
  fit.conditioned = conditionedColumns(fit);
  const { copula, columns, flagOf } = copulaColumns(fit);
  return {
    classes: regression ? [] : spec.label.classes.map((c) => c.value),
    prior: byClass.map((r) => r.length / rows.length),
    copula,
    categoricalNames: fit.conditioned.map((j) => schema[j].name),
    components: fitComponents(fit, columns, flagOf),
  };
}

/** What every step of a fit reads: the spec, the real labelled rows (in table order) and their classes. */
interface Fit {
  spec: DatasetSpec;
  schema: ReturnType<typeof featureSchema>;
  table: FeatureTable;
  rows: number[];
  byClass: number[][];
  regression: boolean;
  k: number;
  /** The categorical features (schema positions) that split the components, was-missing flags first. */
  conditioned: number[];
}

/**
 * The categorical features the components are split by: was-missing flags always (a flagged row's value
 * is the fill value, exactly), others while the components stay large (MIN_SHARE_IN_LARGE).
 */
function conditionedColumns({ spec, schema, table, byClass }: Fit): number[] {
  const flags = new Set(spec.features.flatMap((f) => (f.missingFlag ? [f.missingFlag] : [])));
  const categorical = schema.map((f, j) => (f.type === 'categorical' ? j : -1)).filter((j) => j >= 0);
  const conditioned = categorical.filter((j) => flags.has(schema[j].name));
  for (const j of categorical) {
    if (flags.has(schema[j].name)) continue;
    if (shareInLargeComponents(byClass, table, [...conditioned, j]) >= MIN_SHARE_IN_LARGE)
      conditioned.push(j);
  }
  return conditioned;
}

/**
 * The copula's columns (numeric features, the categorical ones not conditioned on, the regression label),
 * their values and, per column, the conditioned categorical (by position) that flags it as filled in (-1).
 */
function copulaColumns(fit: Fit): {
  copula: GeneratorModel['copula'];
  columns: ArrayLike<number>[];
  flagOf: number[];
} {
  const { spec, schema, table, byClass, conditioned } = fit;
  const copulaIdx = [
    ...schema.map((f, j) => (f.type === 'numeric' ? j : -1)).filter((j) => j >= 0),
    ...schema
      .map((f, j) => (f.type === 'categorical' && !conditioned.includes(j) ? j : -1))
      .filter((j) => j >= 0),
  ];
  const columns: ArrayLike<number>[] = copulaIdx.map((j) => table.columns[j]);
  const flagOf = copulaIdx.map((j) => {
    const flag = spec.features.find((f) => f.name === schema[j].name)?.missingFlag;
    return flag === undefined ? -1 : conditioned.findIndex((c) => schema[c].name === flag);
  });
  const copula: GeneratorModel['copula'] = copulaIdx.map((j, a) => {
    const f = schema[j];
    return f.type === 'numeric'
      ? {
          name: f.name,
          type: f.type,
          decimals: f.decimals ?? 6,
          sd: pooledSd(columns[a], byClass),
          ...(f.range ? { range: f.range } : {}),
        }
      : { name: f.name, type: f.type, decimals: 0, sd: 0, categories: f.categories!.map((c) => c.value) };
  });
  if (fit.regression) {
    const label = spec.label;
    columns.push(table.targets);
    flagOf.push(-1);
    copula.push({
      name: label.name,
      type: 'numeric',
      role: 'label',
      decimals: label.decimals ?? 6,
      sd: pooledSd(table.targets, byClass),
      ...(label.range ? { range: label.range } : {}),
    });
  }
  return { copula, columns, flagOf };
}

/**
 * One component per (class, observed combination of the conditioned values), in key order: its
 * marginals, the shrunk correlation's Cholesky factor, its anchors and their label CDFs.
 */
function fitComponents(
  fit: Fit,
  columns: readonly ArrayLike<number>[],
  flagOf: readonly number[],
): GeneratorModel['components'] {
  const { spec, schema, table, rows, byClass, regression, k, conditioned } = fit;
  const p = columns.length;
  const lambda = spec.generator.shrinkage;
  // Normal scores of each class's rows, reused by a class of one component (same rows, same order).
  const classScores = byClass.map((r) => columns.map((col) => normalScores(col, r)));
  const classCorr = byClass.map((r, c) => scoreCorrelation(classScores[c], r.length));
  const pooled = poolCorrelations(
    classCorr,
    byClass.map((r) => r.length),
    p,
  );
  const anchorPosition = anchorPositionsOf(rows, table.rows);
  // Regression draws no neighbour's label: the label moves with the kernel like any copula column.
  const neighbours = regression
    ? null
    : new NeighbourLabels(
        schema.map((_, j) => table.columns[j]),
        table.labels,
        rows,
        k,
      );
  const components: GeneratorModel['components'] = [];
  byClass.forEach((classRows, c) => {
    if (classRows.length === 0) return;
    const classTarget = shrink(classCorr[c], classRows.length, pooled, lambda);
    const groups = groupBy(classRows, table, conditioned);
    for (const [key, g] of [...groups.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
      const codes = key === '' ? [] : key.split(',').map(Number);
      const values = codes.map((code, q) => schema[conditioned[q]].categories![code].value);
      // groupBy splits the class's rows in order: a group as large as the class is the class.
      const scores =
        g.length === classRows.length ? classScores[c] : columns.map((col) => normalScores(col, g));
      const shrunk = shrink(scoreCorrelation(scores, g.length), g.length, classTarget, lambda);
      const corr = regression ? latentLabelCorrelation(shrunk, p, scores[p - 1]) : shrunk;
      // Anchors: every row, or an even subset of a huge group.
      const anchorPositions = g.map((_, r) => r).filter((r) => anchorPosition[g[r]] >= 0);
      if (anchorPositions.length === 0) anchorPositions.push(0);
      const chol = p ? jitteredCholesky(corr, p) : [];
      components.push({
        classIndex: c,
        weight: g.length / classRows.length,
        categorical: values,
        marginals: columns.map((col) => marginalOf(col, g)),
        chol,
        filled: flagOf.map((q) => q >= 0 && values[q] === WAS_MISSING),
        anchors: anchorPositions.map((r) => scores.map((s) => s[r])),
        labelCdf: labelCdfOf(
          neighbours,
          anchorPositions.map((r) => anchorPosition[g[r]]),
          k,
          c,
        ),
        ...(regression ? { labelSlope: lastOnOthers(chol, p), labelResidualSd: chol[p * p - 1] } : {}),
      });
    }
  });
  return components;
}

/** Table row → its position in `rows` when it is an anchor (every row, or an even subset), else -1. */
function anchorPositionsOf(rows: readonly number[], tableRows: number): Int32Array {
  const anchorStride = Math.ceil(rows.length / MAX_ANCHORS);
  const anchorPosition = new Int32Array(tableRows).fill(-1);
  rows.forEach((i, r) => {
    if (r % anchorStride === 0) anchorPosition[i] = r;
  });
  return anchorPosition;
}

/** The class's rows by their combination of values of the `by` columns (keys: codes joined by commas). */
function groupBy(
  classRows: readonly number[],
  table: FeatureTable,
  by: readonly number[],
): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const i of classRows) {
    const key = by.map((j) => table.columns[j][i]).join(',');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  return groups;
}

function shareInLargeComponents(
  byClass: readonly number[][],
  table: FeatureTable,
  by: readonly number[],
): number {
  let large = 0;
  let all = 0;
  for (const classRows of byClass) {
    for (const g of groupBy(classRows, table, by).values()) {
      all += g.length;
      if (g.length >= MIN_COMPONENT_ROWS) large += g.length;
    }
  }
  return all ? large / all : 0;
}

function pooledSd(col: ArrayLike<number>, byClass: readonly number[][]): number {
  let scatter = 0;
  let dof = 0;
  for (const rows of byClass) {
    if (rows.length === 0) continue;
    let mean = 0;
    for (const i of rows) mean += col[i];
    mean /= rows.length;
    for (const i of rows) scatter += (col[i] - mean) ** 2;
    dof += rows.length - 1;
  }
  return dof > 0 ? Math.sqrt(scatter / dof) : 0;
}
