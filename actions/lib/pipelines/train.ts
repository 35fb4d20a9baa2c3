// train: reads a feature group (optionally as of a revision), selects and fits a model, and registers it
// behind the champion/challenger gate. Skips when the training data and config equal the champion's.

import { createHash, type Hash } from 'node:crypto';
import { stableStringify } from '../core/json.js';
import { isoSeconds } from '../core/time.js';
import { CODE_VERSION } from '../core/version.js';
import type { PermutationImportance } from '../explain/permutation-importance.js';
import { FeatureGroup } from '../features/feature-group.js';
import { type FeatureTable, SOURCE_CODE, SOURCES, valueText } from '../features/feature-table.js';
import type { Workspace } from '../files/workspace.js';
import { RandomForest } from '../models/random-forest/random-forest.js';
import { RandomForestRegressor } from '../models/random-forest/random-forest-regressor.js';
import { regressionLabel, SchemaMismatchError, type ServingModel } from '../models/serving-model.js';
import { fileSourceAsOf } from '../platform/file-source.js';
import { headCommit, isInsideWorkTree } from '../platform/git.js';
import { modelCard, type RegressionGate } from '../registry/model-card.js';
import {
  type ClassificationHoldout,
  ModelRegistry,
  type ModelStatus,
  RANKING_METRICS,
  type RegistryEntry,
  type RegressionHoldout,
} from '../registry/model-registry.js';
import { computeImportance, IMPORTANCE_FIELD } from '../registry/version-importance.js';
import { continuousLabelWarning, withWarnings } from '../spec/label-shape.js';
import { type DatasetSpec, type LabelType, type Task, taskOf } from '../spec/spec.js';
import {
  classificationMetrics,
  type Metrics,
  type RegressionMetrics,
  regressionMetrics,
} from '../training/metrics.js';
import {
  algorithmsOf,
  type CvResult,
  type DuplicateCounts,
  defaultTraining,
  predictRows,
  predictValueRows,
  rowKeys,
  type SplitKind,
  type TrainingConfig,
  type TrainingData,
  TrainingError,
  type TrainingOutcome,
  targetMean,
  train,
} from '../training/training.js';
import { OptionError } from './options.js';

export interface TrainOptions {
  now: Date;
  algorithm?: string;
  /** Train even when data and config equal the champion's. */
  force?: boolean;
  /** Make the new model champion whatever the gate says. */
  promote?: boolean;
  /**
   * The new model may be this much worse on the gate's metric and still become champion (classification:
   * macro-F1; regression: the gate metric, in its units).
   */
  tolerance?: number;
  /** Regression: the metric the gate compares (default mae, lower is better). */
  gateMetric?: RegressionGateMetric;
  split?: SplitKind;
  seed?: number;
  folds?: number;
  includeSynthetic?: boolean;
  /** false: skip cross-validation and fit the default parameters (the spec's algorithm unless given). */
  search?: boolean;
  asOf?: string;
  progress?: (msg: string) => void;
  /** Called with each warning as it is found (the result lists them too). */
  warn?: (msg: string) => void;
}

export interface TrainResult {
  dataset: string;
  skipped?: string;
  entry?: RegistryEntry;
  outcome?: TrainingOutcome;
  previousChampion?: PreviousChampion | null;
  /** Things the user should know about the training data (a label that looks continuous). */
  warnings?: string[];
}

/** The metrics a regression gate can compare on. */
export const REGRESSION_GATE_METRICS = ['mae', 'rmse', 'r2'] as const;
export type RegressionGateMetric = (typeof REGRESSION_GATE_METRICS)[number];

/**
 * The gate's figures: the champion's and the new model's accuracy and macro-F1 on the `rows` holdout
 * rows the champion never saw.
 */
export interface ClassificationPreviousChampion {
  version: number;
  accuracy: number;
  macroF1: number;
  challengerAccuracy: number;
  challengerMacroF1: number;
  rows: number;
}

/** A regression gate's figures on the `rows` holdout rows the champion never saw; `metric` decided. */
export type RegressionPreviousChampion = RegressionGate & { metric: RegressionGateMetric };

export type PreviousChampion = ClassificationPreviousChampion | RegressionPreviousChampion;

export function trainingConfig(
  spec: DatasetSpec,
  opts: TrainOptions,
): TrainingConfig & { includeSynthetic: boolean } {
  const task = taskOf(spec.label);
  // An algorithm of the other task, or an unknown one: fail before reading anything.
  if (opts.algorithm && !algorithmsOf(task).some((a) => a.name === opts.algorithm))
    throw new RangeError(
      `${spec.name}: '${opts.algorithm}' is not a ${task} algorithm ('${spec.label.name}' is ${spec.label.type}); use one of ${algorithmsOf(
        task,
      )
        .map((a) => a.name)
        .join(', ')}`,
    );
  const tolerance = opts.tolerance ?? 0;
  if (!(tolerance >= 0)) throw new OptionError('tolerance', 'must be ≥ 0');
  if (opts.gateMetric !== undefined && task !== 'regression')
    throw new RangeError(
      `${spec.name}: a gate metric is for a regression label; a classifier's gate compares macro-F1`,
    );
  if (task === 'regression' && opts.split === 'stratified')
    throw new OptionError(
      'split',
      (name) =>
        `${spec.name}: the stratified split needs classes, and '${spec.label.name}' is numeric; use ${name('split')} shuffle (the default), time or hash`,
    );
  const base = defaultTraining(task);
  const search = opts.search ?? true;
  const algorithm = opts.algorithm ?? (search ? undefined : spec.model.algorithm);
  return {
    ...base,
    ...(algorithm ? { algorithm } : {}),
    search,
    split: opts.split ?? base.split,
    seed: opts.seed ?? base.seed,
    folds: opts.folds ?? base.folds,
    includeSynthetic: opts.includeSynthetic ?? false,
  };
}

/** Training rows: labelled, and real unless synthetic rows are asked for. */
export function trainingData(fg: FeatureGroup, table: FeatureTable, includeSynthetic: boolean): TrainingData {
  const rows: number[] = [];
  for (let i = 0; i < table.rows; i++) {
    if (table.labels[i] >= 0 && (includeSynthetic || table.sources[i] !== SOURCE_CODE.synthetic))
      rows.push(i);
  }
  const index = new Map(fg.meta.features.map((f, j) => [f.name, j]));
  const common = {
    dataset: fg.spec.name,
    schema: fg.meta.features,
    get: (name: string) => table.columns[index.get(name)!],
    labels: table.labels,
    eventTimes: table.eventTimes,
    ids: table.ids,
    rows,
  };
  // The stored label's type (the group's, which may lag the spec's until the next ingest).
  const stored = fg.meta.label as typeof fg.meta.label & { type?: LabelType };
  if (taskOf({ type: stored.type }) !== 'regression')
    return { ...common, label: { name: stored.name, title: stored.title, classes: stored.classes } };
  return {
    ...common,
    task: 'regression',
    label: regressionLabel({ ...fg.spec.label, ...fg.meta.label }),
    targets: table.targets,
    tolerances: fg.spec.label.tolerances,
  };
}

/** sha256 of the training rows' ids, labels and feature values, in row order. */
export function dataHashOf(
  table: FeatureTable,
  rows: readonly number[],
  task: Task = 'classification',
): string {
  const hash = createHash('sha256');
  updateDataHash(hash, table, rows, task);
  return hash.digest('hex');
}

/** Rows hashed per block: a copy of the whole table just to hash it would double training's memory. */
const HASH_BLOCK_ROWS = 65_536;

/**
 * Feeds `rows` to a dataHashOf hash, a block at a time; partitions fed in month order give the group's
 * dataHash (sharded training relies on it).
 */
export function updateDataHash(
  hash: Hash,
  table: FeatureTable,
  rows: readonly number[],
  task: Task = 'classification',
): void {
  // Regression hashes the label value (labels[] is only 0/−1 there): a corrected value retrains.
  const label = task === 'regression' ? table.targets : table.labels;
  const p = table.columns.length;
  const buf = new Float64Array(Math.min(rows.length, HASH_BLOCK_ROWS) * (p + 2));
  for (let start = 0; start < rows.length; start += HASH_BLOCK_ROWS) {
    const len = Math.min(HASH_BLOCK_ROWS, rows.length - start);
    for (let r = 0; r < len; r++) {
      const i = rows[start + r];
      const o = r * (p + 2);
      buf[o] = table.ids[i];
      buf[o + 1] = label[i];
      for (let j = 0; j < p; j++) buf[o + 2 + j] = table.columns[j][i];
    }
    hash.update(new Uint8Array(buf.buffer, 0, len * (p + 2) * 8));
  }
}

export function configHashOf(config: TrainingConfig & { includeSynthetic: boolean }): string {
  return createHash('sha256').update(stableStringify(config)).digest('hex').slice(0, 16);
}

/**
 * Why training can be skipped: data and config equal the champion's (unless forced); else null. The way
 * out (option 'force') is the surface's to say: `--force` on the command line, input 'force' in the action.
 */
export function unchangedSince(
  champion: { entry: RegistryEntry } | null,
  dataHash: string,
  configHash: string,
  force: boolean | undefined,
): string | null {
  if (!champion || force) return null;
  if (champion.entry.dataHash !== dataHash || champion.entry.configHash !== configHash) return null;
  return `training data and config are unchanged since champion v${champion.entry.version}`;
}

export function trainDataset(ws: Workspace, spec: DatasetSpec, opts: TrainOptions): TrainResult {
  const config = trainingConfig(spec, opts);
  const registry = new ModelRegistry(ws, spec.name);
  const index = registry.index(); // a corrupt index fails here, before any work
  const files = fileSourceAsOf(ws.root, opts.asOf);
  const fg = FeatureGroup.open(ws, spec, { files });
  const table = fg.read();
  const data = trainingData(fg, table, config.includeSynthetic);
  const task = data.task ?? 'classification';
  if (task !== taskOf(spec.label))
    throw new TrainingError(
      `${spec.name}: the spec's label '${spec.label.name}' is ${spec.label.type} but the feature group stores it as ${task === 'regression' ? 'numeric' : 'categorical'}; run ingest to update the group's schema first`,
    );
  const warnings =
    task === 'regression'
      ? []
      : [continuousLabelWarning(fg.meta.label, data.labels, data.rows)].filter(
          (w): w is string => w !== null,
        );
  for (const w of warnings) opts.warn?.(w);
  const dataHash = dataHashOf(table, data.rows, task);
  const configHash = configHashOf(config);
  const champion = index.champion !== null ? registry.champion() : null;
  const skipped = unchangedSince(champion, dataHash, configHash, opts.force);
  if (skipped) return { dataset: spec.name, skipped, warnings };
  const outcome = train(data, config, opts.progress);

  // Champion/challenger gate: both models on the holdout rows neither has seen.
  let championCheck: ChampionCheck | null = null;
  if (champion) {
    try {
      checkChampionTask(champion, task);
      champion.model.checkSchema(fg.meta.features, `champion v${champion.entry.version}`);
      const held = championHoldout(registry, champion.entry.version);
      const keys = rowKeys(data);
      const trained = new Set<number>();
      if (held) addChampionTrainingKeys(trained, held, data.rows, table.ids, keys);
      const fresh = outcome.test.filter((i) => isFreshForChampion(held, trained, table.ids[i], keys[i]));
      const o = { holdoutRows: outcome.test.length, known: !!held };
      championCheck =
        task === 'regression'
          ? regressionGateCheck(
              Float64Array.from(fresh, (i) => table.targets[i]),
              predictValueRows(outcome.model, data, fresh),
              predictValueRows(champion.model, data, fresh),
              { ...o, tolerances: spec.label.tolerances, trainMean: targetMean(data, outcome.train) },
            )
          : gateCheck(
              Int32Array.from(fresh, (i) => data.labels[i]),
              predictRows(outcome.model, data, fresh),
              predictRows(champion.model, data, fresh),
              { ...o, classes: fg.meta.label.classes.map((c) => c.value) },
            );
    } catch (err) {
      if (!(err instanceof SchemaMismatchError)) throw err;
      championCheck = { mismatch: err };
    }
  }
  const bySource: Record<string, number> = {};
  for (const i of data.rows)
    bySource[SOURCES[table.sources[i]]] = (bySource[SOURCES[table.sources[i]]] ?? 0) + 1;
  const example: Record<string, string> = {};
  const first = outcome.test[0];
  for (const f of outcome.model.features) example[f.name] = valueText(f, data.get(f.name)[first]);
  const registered = registerFitted(
    { ws, spec, fg, registry, config, dataHash, configHash, champion, championCheck, opts, warnings },
    {
      model: outcome.model,
      holdout: outcome.holdout,
      cv: outcome.cv,
      chosen: outcome.chosen,
      trainRows: outcome.train.length,
      testIds: outcome.test.map((i) => table.ids[i]),
      example,
      eligible: data.rows.length,
      bySource,
      duplicates: outcome.duplicates,
      importance: computeImportance(outcome.model, fg.meta.features, table, outcome.test),
    },
  );
  return { dataset: spec.name, ...registered, outcome, warnings };
}

/** What registration records of a fitted model, however it was trained (whole or from shards). */
export interface FittedModel {
  model: ServingModel;
  holdout: Metrics | RegressionMetrics;
  cv: CvResult[];
  chosen: CvResult;
  trainRows: number;
  /** Ids of the holdout rows, in row order. */
  testIds: number[];
  /** The first holdout row's values as stored text: the model card's input example. */
  example: Record<string, string>;
  /** Eligible (labelled, chosen sources) rows. */
  eligible: number;
  bySource: Record<string, number>;
  duplicates: DuplicateCounts;
  /** Permutation importance on the holdout rows (absent when the rows are not in memory: shards). */
  importance?: PermutationImportance;
}

/**
 * The gate's comparison: champion and challenger on the holdout rows the champion never saw (`rows` of
 * `holdoutRows`; `known` false when the champion's holdout is not recorded and every row is used), or why
 * the champion cannot read the group.
 */
export type ChampionCheck =
  | { metrics: Metrics; challenger: Metrics; rows: number; holdoutRows: number; known: boolean }
  | {
      metrics: RegressionMetrics;
      challenger: RegressionMetrics;
      rows: number;
      holdoutRows: number;
      known: boolean;
    }
  | { mismatch: SchemaMismatchError };

/** A champion of the other task (the label changed type) cannot be compared: it is replaced. */
export function checkChampionTask(champion: { entry: RegistryEntry; model: ServingModel }, task: Task): void {
  if (champion.model.task !== task)
    throw new SchemaMismatchError(
      `champion v${champion.entry.version} is a ${champion.model.task} model and the label now makes a ${task} task`,
    );
}

/** The champion's holdout ids as a set (null when its metrics.json does not record them). */
export function championHoldout(registry: ModelRegistry, version: number): ReadonlySet<number> | null {
  const ids = registry.holdoutIds(version);
  return ids ? new Set(ids) : null;
}

/** Adds the content keys of the rows a champion may have trained on: every eligible row outside its holdout. */
export function addChampionTrainingKeys(
  into: Set<number>,
  held: ReadonlySet<number>,
  rows: readonly number[],
  ids: ArrayLike<number>,
  keys: ArrayLike<number>,
): void {
  for (const i of rows) if (!held.has(ids[i])) into.add(keys[i]);
}

/**
 * Whether the champion never saw a holdout row: it was in the champion's own holdout, and no row the
 * champion may have trained on has the same features. A champion trained on another split (or before
 * rows were added) would otherwise be scored on rows it remembers. Unknown holdout: every row counts.
 */
export function isFreshForChampion(
  held: ReadonlySet<number> | null,
  trained: ReadonlySet<number>,
  id: number,
  key: number,
): boolean {
  return !held || (held.has(id) && !trained.has(key));
}

/** Both models' metrics on the fresh holdout rows. */
export function gateCheck(
  actual: Int32Array,
  challenger: Int32Array,
  champion: Int32Array,
  o: { classes: string[]; holdoutRows: number; known: boolean },
): ChampionCheck {
  return {
    metrics: classificationMetrics(actual, champion, o.classes),
    challenger: classificationMetrics(actual, challenger, o.classes),
    rows: actual.length,
    holdoutRows: o.holdoutRows,
    known: o.known,
  };
}

/** Both regression models' metrics on the fresh holdout rows. */
export function regressionGateCheck(
  actual: Float64Array,
  challenger: Float64Array,
  champion: Float64Array,
  o: { tolerances: readonly number[]; trainMean: number; holdoutRows: number; known: boolean },
): ChampionCheck {
  return {
    metrics: regressionMetrics(actual, champion, o.trainMean, o.tolerances),
    challenger: regressionMetrics(actual, challenger, o.trainMean, o.tolerances),
    rows: actual.length,
    holdoutRows: o.holdoutRows,
    known: o.known,
  };
}

const isRegression = (m: Metrics | RegressionMetrics): m is RegressionMetrics =>
  (m as RegressionMetrics).task === 'regression';

const GATE_TITLES: Record<RegressionGateMetric, string> = { mae: 'MAE', rmse: 'RMSE', r2: 'R²' };

/**
 * The gate's verdict: whether the challenger becomes champion, its figures and the decision's words.
 * Classification compares macro-F1 (higher is better); regression the declared metric (default MAE,
 * lower is better), with the tolerance in the metric's units either way.
 */
export function gateVerdict(
  check: Extract<ChampionCheck, { metrics: unknown }>,
  version: number,
  tol: number,
  gateMetric: RegressionGateMetric,
): { ok: boolean; previous: PreviousChampion; words: (where: string) => string } {
  const v = `champion v${version}`;
  const tolText = tol ? ` (tolerance ${tol})` : '';
  const m = check.metrics;
  const c = check.challenger;
  if (isRegression(m) && isRegression(c)) {
    const higher = RANKING_METRICS[gateMetric].higherIsBetter;
    const mv = m[gateMetric];
    const cv = c[gateMetric];
    const ok = higher ? cv + tol >= mv : cv - tol <= mv;
    const name = GATE_TITLES[gateMetric];
    const cmp = higher ? (ok ? '≥' : '<') : ok ? '≤' : '>';
    return {
      ok,
      previous: {
        task: 'regression',
        version,
        metric: gateMetric,
        mae: m.mae,
        rmse: m.rmse,
        r2: m.r2,
        challengerMae: c.mae,
        challengerRmse: c.rmse,
        challengerR2: c.r2,
        rows: check.rows,
      },
      words: (where) =>
        ok
          ? `${name} ${cv.toFixed(4)} ${cmp} ${v}'s ${mv.toFixed(4)} ${where}${tolText}: promoted.`
          : `Kept as challenger: ${name} ${cv.toFixed(4)} ${cmp} ${v}'s ${mv.toFixed(4)} ${where}${tolText}.`,
    };
  }
  const mc = m as Metrics;
  const cc = c as Metrics;
  const ok = cc.macro.f1 + tol >= mc.macro.f1;
  return {
    ok,
    previous: {
      version,
      accuracy: mc.accuracy,
      macroF1: mc.macro.f1,
      challengerAccuracy: cc.accuracy,
      challengerMacroF1: cc.macro.f1,
      rows: check.rows,
    },
    words: (where) =>
      ok
        ? `Macro-F1 ${cc.macro.f1.toFixed(4)} ≥ ${v}'s ${mc.macro.f1.toFixed(4)} ${where}${tolText}: promoted.`
        : `Kept as challenger: macro-F1 ${cc.macro.f1.toFixed(4)} < ${v}'s ${mc.macro.f1.toFixed(4)} ${where}${tolText}.`,
  };
}

export interface RegistrationContext {
  ws: Workspace;
  spec: DatasetSpec;
  fg: FeatureGroup;
  registry: ModelRegistry;
  config: TrainingConfig & { includeSynthetic: boolean };
  dataHash: string;
  configHash: string;
  champion: { entry: RegistryEntry; model: ServingModel } | null;
  championCheck: ChampionCheck | null;
  opts: TrainOptions;
  /** Shown in the model card under its status line. */
  warnings?: readonly string[];
}

/** The champion/challenger gate and the registry write: model, metrics and card of a new version. */
export function registerFitted(
  ctx: RegistrationContext,
  fitted: FittedModel,
): { entry: RegistryEntry; previousChampion: TrainResult['previousChampion'] } {
  const { ws, spec, fg, config, dataHash, configHash, opts } = ctx;
  const { status, decision, previousChampion } = gateDecision(ctx);
  const git = isInsideWorkTree(ws.root) ? headCommit(ws.root) : null;
  const model = fitted.model;
  const testRows = fitted.testIds.length;
  const importances =
    model.estimator instanceof RandomForest || model.estimator instanceof RandomForestRegressor
      ? aggregateImportances(
          model.json.view.columns.map((c) => c.feature),
          model.estimator.featureImportances(),
        )
      : undefined;
  const regression = isRegression(fitted.holdout);
  const entry = ctx.registry.register(
    {
      ...(regression ? { task: 'regression' as const } : {}),
      algorithm: model.json.algorithm,
      status,
      createdAt: isoSeconds(opts.now),
      featureGroupVersion: fg.meta.version,
      dataHash,
      configHash,
      holdout: indexHoldout(fitted.holdout),
      decision,
    },
    {
      model,
      metrics: metricsRecord(spec, config, fitted, previousChampion, importances),
      card: (version) =>
        modelCard(
          {
            dataset: spec.name,
            version,
            algorithm: model.json.algorithm,
            params: model.json.params,
            trainedAt: isoSeconds(opts.now),
            codeVersion: `gitml ${CODE_VERSION}`,
            featureGroup: { version: fg.meta.version, path: fg.dir, asOf: fg.files.description },
            gitCommit: git,
            dataHash,
            configHash,
            rows: {
              eligible: fitted.eligible,
              train: fitted.trainRows,
              test: testRows,
              bySource: fitted.bySource,
              duplicateTrain: fitted.duplicates.trainRows,
              holdoutOverlap: fitted.duplicates.holdoutOverlap,
            },
            split: {
              kind: config.split,
              seed: config.seed,
              testFraction: config.testFraction,
              folds: config.folds,
            },
            status,
            decision: withWarnings(decision, ctx.warnings ?? []),
          },
          {
            holdout: fitted.holdout,
            cv: fitted.cv,
            chosen: fitted.chosen,
            correlations: model.json.view.correlations,
            features: model.features,
            classes: fg.meta.label.classes.map((c) => c.value),
            inputExample: fitted.example,
            importances,
            permutation: fitted.importance,
            champion: previousChampion,
            label: model.json.label,
            interval: intervalRecord(model),
          },
        ),
    },
  );
  return { entry, previousChampion };
}

/** The gate's outcome: the new version's status, the decision in words, and the champion it compared with. */
function gateDecision(ctx: RegistrationContext): {
  status: ModelStatus;
  decision: string;
  previousChampion: TrainResult['previousChampion'];
} {
  const { champion, championCheck, opts } = ctx;
  let previousChampion: TrainResult['previousChampion'] = null;
  let status: ModelStatus = 'champion';
  let decision = 'First model of this dataset.';
  if (champion && championCheck && 'metrics' in championCheck) {
    const v = `champion v${champion.entry.version}`;
    const where = championCheck.known
      ? `on the ${championCheck.rows} of ${championCheck.holdoutRows} holdout rows ${v} never saw`
      : `on the same holdout (${v}'s own holdout is not recorded, so it may have trained on some of these rows)`;
    if (championCheck.rows === 0) {
      decision = `None of the ${championCheck.holdoutRows} holdout rows is unseen by ${v} (it was trained on another split), so the gate cannot compare them honestly: replaced on the new model's honest holdout.`;
    } else {
      const verdict = gateVerdict(
        championCheck,
        champion.entry.version,
        opts.tolerance ?? 0,
        opts.gateMetric ?? 'mae',
      );
      previousChampion = verdict.previous;
      status = verdict.ok ? 'champion' : 'challenger';
      decision = verdict.words(where);
    }
  } else if (champion && championCheck && 'mismatch' in championCheck) {
    decision = `Champion v${champion.entry.version} cannot read this feature group (${championCheck.mismatch.message}): replaced.`;
  }
  if (opts.promote && status !== 'champion') {
    status = 'champion';
    decision = `Promoted by request (--promote). ${decision}`;
  }
  return { status, decision, previousChampion };
}

/** The holdout figures the registry index keeps for a version (the full metrics are in metrics.json). */
function indexHoldout(h: FittedModel['holdout']): ClassificationHoldout | RegressionHoldout {
  return isRegression(h)
    ? {
        rows: h.rows,
        mae: h.mae,
        rmse: h.rmse,
        r2: h.r2,
        medianAbsoluteError: h.medianAbsoluteError,
        baselineMae: h.baselineMae,
        within: h.within,
      }
    : {
        accuracy: h.accuracy,
        macroF1: h.macro.f1,
        weightedF1: h.weighted.f1,
        rows: h.rows,
        baselineAccuracy: h.baselineAccuracy,
      };
}

/** A version's metrics.json: holdout, cross-validation, correlations, importances and the split. */
function metricsRecord(
  spec: DatasetSpec,
  config: RegistrationContext['config'],
  fitted: FittedModel,
  previousChampion: TrainResult['previousChampion'],
  importances: Record<string, number> | undefined,
) {
  const model = fitted.model;
  const regression = isRegression(fitted.holdout);
  return {
    dataset: spec.name,
    ...(regression ? { task: 'regression', interval: intervalRecord(model) } : {}),
    algorithm: model.json.algorithm,
    params: model.json.params,
    holdout: fitted.holdout,
    previousChampion,
    crossValidation: fitted.cv.map((c) => ({
      algorithm: c.algorithm,
      params: c.params,
      minAbsCorrelation: c.minAbsCorrelation,
      ...(regression
        ? { meanMae: c.meanMae, foldMae: c.foldMae }
        : { meanAccuracy: c.meanAccuracy, foldAccuracy: c.foldAccuracy }),
      ...(c.modelBytes !== undefined ? { modelBytes: c.modelBytes } : {}),
    })),
    correlations: model.json.view.correlations,
    ...(importances ? { featureImportances: importances } : {}),
    ...(fitted.importance ? { [IMPORTANCE_FIELD]: fitted.importance } : {}),
    split: {
      kind: config.split,
      seed: config.seed,
      testFraction: config.testFraction,
      train: fitted.trainRows,
      test: fitted.testIds.length,
      testIds: fitted.testIds,
      duplicateTrainRows: fitted.duplicates.trainRows,
      holdoutOverlap: fitted.duplicates.holdoutOverlap,
    },
  };
}

/** How a regression model's interval is made, for metrics.json and the card. */
export function intervalRecord(model: ServingModel): IntervalRecord | undefined {
  if (model.task !== 'regression') return undefined;
  if (model.estimator instanceof RandomForestRegressor) return { kind: 'trees', quantiles: [0.1, 0.9] };
  return model.json.interval
    ? { kind: 'residuals', quantiles: [0.1, 0.9], ...model.json.interval }
    : undefined;
}

/** trees: per row, the 10th–90th percentile of the forest's trees; residuals: the holdout residuals' ones. */
export type IntervalRecord =
  | { kind: 'trees'; quantiles: number[] }
  | { kind: 'residuals'; quantiles: number[]; low: number; high: number };

function aggregateImportances(features: string[], values: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  features.forEach((f, j) => {
    out[f] = (out[f] ?? 0) + values[j];
  });
  for (const k of Object.keys(out)) out[k] = Number(out[k].toFixed(6));
  return out;
}
