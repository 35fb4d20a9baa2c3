// Sharded training: Gaussian naive Bayes for a classifier, linear or ridge regression for a regressor.
// Regression works the same way with LinearRegression's sufficient statistics (row count, means and the
// centred XᵀX, Xᵀy, yᵀy of the training rows, merged exactly), fitted at the merge as the unsharded
// `train --algorithm linear-regression|ridge --no-search --split hash` fits (ridge's standardisation is
// applied to the merged statistics), with the holdout residuals' interval. Classification: map (`train --shard i/n`): a shard reads its months one
// partition at a time and writes the model's mergeable sufficient statistics — per-class counts, means
// and squared deviations of the training rows, plus the moments of each feature's correlation with the
// label — to a gitml.nb-partial file. Reduce (`train --merge`): the statistics of all n shards are merged
// into the model an unsharded `train --algorithm gaussian-nb --no-search --split hash` fits on the same
// rows (equal up to floating-point rounding), which is then registered exactly as that run would.
//
// Holdout under sharding: the hash split (a seeded hash of the row's content key, so identical feature
// rows share a side) tells every shard its own
// holdout rows without a global pass. Scoring the holdout needs the merged model, so the reduce reads
// the partitions once more, one at a time, to score the holdout rows with the new model and the
// champion and to compute the data hash; it also refuses partitions whose bytes changed since a shard
// read them. Memory of either step: one partition at a time plus the holdout's labels and ids.

import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { stableStringify } from '../../core/json.js';
import {
  type CorrelationMoments,
  correlationsOf,
  emptyMoments,
  mergeMoments,
  momentsOf,
} from '../../features/correlation-moments.js';
import { FeatureGroup } from '../../features/feature-group.js';
import {
  concatTables,
  type FeatureTable,
  SOURCE_CODE,
  SOURCES,
  takeRows,
  valueText,
} from '../../features/feature-table.js';
import {
  applyFeatureView,
  type FeatureViewJSON,
  labelScores,
  type ViewColumn,
} from '../../features/feature-view.js';
import { writeFilesAtomically } from '../../files/atomic-write.js';
import type { Workspace } from '../../files/workspace.js';
import { algorithm as algorithmByName } from '../../models/algorithms.js';
import { GaussianNB, type GaussianNBPartial } from '../../models/gaussian-nb.js';
import { LinearRegression } from '../../models/linear-regression.js';
import { emptyLinearStats, type LinearStats } from '../../models/linear-stats.js';
import { regressionAlgorithm } from '../../models/regressors.js';
import { regressionLabel, SchemaMismatchError, ServingModel } from '../../models/serving-model.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import { computeImportance } from '../../registry/version-importance.js';
import { type DatasetSpec, type FeatureSchema, type Task, taskOf } from '../../spec/spec.js';
import { classificationMetrics, regressionMetrics } from '../../training/metrics.js';
import { checkHashSplit, contentKeys, inHashHoldout } from '../../training/splits.js';
import {
  type CvResult,
  checkClassCounts,
  checkTargetSummary,
  predictRows,
  predictValueRows,
  residualInterval,
  rowKeys,
  type TrainingConfig,
  TrainingError,
  unscored,
  withSeed,
} from '../../training/training.js';
import { OptionError } from '../options.js';
import {
  checkLabelsUnchanged,
  checkSame,
  checkUnchanged,
  groupAssignment,
  type PartialHeader,
  partialFileName,
  partialRowsHeader,
  partitionsOf,
  readPartialSet,
  type Shard,
  ShardError,
  shardText,
} from './partial-files.js';
import {
  addChampionTrainingKeys,
  type ChampionCheck,
  championHoldout,
  checkChampionTask,
  configHashOf,
  gateCheck,
  isFreshForChampion,
  type RegressionGateMetric,
  registerFitted,
  regressionGateCheck,
  type TrainOptions,
  type TrainResult,
  trainingConfig,
  trainingData,
  unchangedSince,
  updateDataHash,
} from '../train.js';

export const NB_PARTIAL_FORMAT = 'gitml.nb-partial';
export const NB_PARTIAL_VERSION = 1;
const ALGORITHM = 'gaussian-nb';

export interface NbPartial extends PartialHeader {
  format: typeof NB_PARTIAL_FORMAT;
  version: typeof NB_PARTIAL_VERSION;
  config: TrainingConfig & { includeSynthetic: boolean };
  configHash: string;
  /** Champion version when the shard ran; the merge refuses a different one. */
  champion: number | null;
  /** Eligible (labelled, chosen sources) rows per class, holdout included. */
  eligibleByClass: number[];
  /** Holdout rows among them. */
  test: number;
  /** GaussianNB.partial of the training rows (class-major arrays). */
  stats: { nClasses: number; nFeatures: number; counts: number[]; means: number[]; m2: number[] };
  /** Moments of each feature's correlation with the label over the training rows (schema order). */
  moments: CorrelationMoments;
}

export interface ShardTrainResult {
  dataset: string;
  shard: Shard;
  file: string;
  months: string[];
  eligible: number;
  test: number;
}

/** The regressors fitted from mergeable statistics. */
export const SHARDABLE_REGRESSORS = ['linear-regression', 'ridge'] as const;

/**
 * The algorithm a sharded run fits: gaussian-nb for a classifier; for a regressor the one asked for,
 * else the spec's when it can be sharded, else ridge.
 */
export function shardedAlgorithm(spec: DatasetSpec, asked: string | undefined): string {
  if (taskOf(spec.label) === 'classification') {
    if (asked !== undefined && asked !== ALGORITHM)
      throw new ShardError(
        `sharded training fits ${ALGORITHM} from mergeable statistics; '${asked}' cannot be sharded`,
      );
    return ALGORITHM;
  }
  const shardable: readonly string[] = SHARDABLE_REGRESSORS;
  if (asked !== undefined && !shardable.includes(asked))
    throw new ShardError(
      `sharded regression fits ${SHARDABLE_REGRESSORS.join(' or ')} from mergeable statistics; '${asked}' cannot be sharded`,
    );
  return asked ?? (shardable.includes(spec.model.algorithm) ? spec.model.algorithm : 'ridge');
}

/**
 * The training config of a sharded run: gaussian-nb (or linear/ridge regression), no search, hash split —
 * what the unsharded `train --algorithm A --no-search --split hash` uses, so both give the same configHash.
 */
export function shardedTrainingConfig(
  spec: DatasetSpec,
  opts: TrainOptions,
): TrainingConfig & { includeSynthetic: boolean } {
  const algorithm = shardedAlgorithm(spec, opts.algorithm);
  if (opts.split !== undefined && opts.split !== 'hash')
    throw new ShardError(
      `sharded training needs the hash split (a shard knows its holdout rows by their content); got '${opts.split}'`,
    );
  if (opts.asOf !== undefined)
    throw new OptionError(
      'as-of',
      (name) => `sharded training reads the working tree; ${name('as-of')} is not supported with shards`,
    );
  return trainingConfig(spec, { ...opts, algorithm, search: false, split: 'hash' });
}

/**
 * The feature view of naive Bayes on all features: numeric values as they are, categoricals one-hot
 * — what fitFeatureView gives with minAbsCorrelation 0 and no standardisation, with the correlations
 * supplied (merged from shards) instead of computed from rows in memory.
 */
export function nbView(
  schema: readonly FeatureSchema[],
  correlations: Record<string, number>,
): FeatureViewJSON {
  const columns: ViewColumn[] = [];
  for (const f of schema) {
    if (f.type === 'categorical')
      (f.categories ?? []).forEach((_, code) => {
        columns.push({ feature: f.name, code, center: 0, scale: 1 });
      });
    else columns.push({ feature: f.name, center: 0, scale: 1 });
  }
  return { features: schema.map((f) => ({ ...f })), correlations, minAbsCorrelation: 0, columns };
}

const round6 = (x: number) => Number(x.toFixed(6));

function emptyStats(nClasses: number, nFeatures: number): GaussianNBPartial {
  const z = () => new Float64Array(nClasses * nFeatures);
  return { nClasses, nFeatures, counts: new Float64Array(nClasses), means: z(), m2: z() };
}

/** Map: the statistics of one shard's months, written to `partials`/train-<dataset>-<i>-of-<n>.json. */
export function trainShard(
  ws: Workspace,
  spec: DatasetSpec,
  opts: TrainOptions & { shard: Shard; partials: string },
): ShardTrainResult {
  if (taskOf(spec.label) === 'regression') return trainLinearShard(ws, spec, opts);
  const config = shardedTrainingConfig(spec, opts);
  const index = new ModelRegistry(ws, spec.name).index(); // a corrupt index fails here, before any work
  const fg = FeatureGroup.open(ws, spec);
  const months = groupAssignment(fg, opts.shard.count)[opts.shard.index - 1];
  const schema = fg.meta.features;
  const names = schema.map((f) => f.name);
  const classes = fg.meta.label.classes;
  const scores = labelScores(classes);
  const view = nbView(schema, {});
  const eligibleByClass = new Array<number>(classes.length).fill(0);
  let stats = emptyStats(classes.length, view.columns.length);
  let moments = emptyMoments(schema.length);
  let test = 0;
  const partitions: { month: string; sha256: string }[] = [];
  const late = fg.lateLabels();
  for (const part of partitionsOf(fg, months, late)) {
    const t = part.table;
    partitions.push({ month: part.month, sha256: part.sha256 });
    const get = (name: string) => t.columns[names.indexOf(name)];
    const train: number[] = [];
    const keys = contentKeys(
      t.columns,
      Array.from({ length: t.rows }, (_, i) => i),
      t.rows,
    );
    for (let i = 0; i < t.rows; i++) {
      if (t.labels[i] < 0 || (!config.includeSynthetic && t.sources[i] === SOURCE_CODE.synthetic)) continue;
      eligibleByClass[t.labels[i]]++;
      for (let j = 0; j < schema.length; j++) {
        if (!Number.isFinite(t.columns[j][i]))
          throw new TrainingError(
            `${spec.name}: feature '${schema[j].name}' is ${t.columns[j][i]} in row id ${t.ids[i]} (${fg.partitionPaths(part.month).join(', ')}); training needs finite values`,
          );
      }
      if (inHashHoldout(keys[i], config.seed, config.testFraction)) test++;
      else train.push(i);
    }
    const y = Float64Array.from(t.labels, (c) => (c >= 0 ? scores[c] : 0));
    moments = mergeMoments(moments, momentsOf(names, get, y, train));
    const X = applyFeatureView(view, get, 0, train);
    const yc = Int32Array.from(train, (i) => t.labels[i]);
    stats = GaussianNB.mergePartials(stats, GaussianNB.partial(X, yc, classes.length));
    opts.progress?.(`  ${part.month}: ${t.rows} rows, ${train.length} training`);
  }
  const partial: NbPartial = {
    format: NB_PARTIAL_FORMAT,
    version: NB_PARTIAL_VERSION,
    ...partialRowsHeader(fg, spec.name, opts.shard, months, partitions),
    config,
    configHash: configHashOf(config),
    champion: index.champion,
    eligibleByClass,
    test,
    stats: {
      nClasses: stats.nClasses,
      nFeatures: stats.nFeatures,
      counts: Array.from(stats.counts),
      means: Array.from(stats.means),
      m2: Array.from(stats.m2),
    },
    moments,
  };
  mkdirSync(opts.partials, { recursive: true });
  const file = path.join(opts.partials, partialFileName('train', spec.name, opts.shard));
  writeFilesAtomically([{ path: file, content: stableStringify(partial) }]);
  return {
    dataset: spec.name,
    shard: opts.shard,
    file,
    months,
    eligible: eligibleByClass.reduce((s, c) => s + c, 0),
    test,
  };
}

export const LINEAR_PARTIAL_FORMAT = 'gitml.linear-partial';
export const LINEAR_PARTIAL_VERSION = 1;

export interface LinearPartial extends PartialHeader {
  format: typeof LINEAR_PARTIAL_FORMAT;
  version: typeof LINEAR_PARTIAL_VERSION;
  config: TrainingConfig & { includeSynthetic: boolean };
  configHash: string;
  /** Champion version when the shard ran; the merge refuses a different one. */
  champion: number | null;
  /** Eligible (labelled, chosen sources) rows, holdout included, and the smallest and largest label. */
  eligible: number;
  targetMin: number | null;
  targetMax: number | null;
  /** Holdout rows among them. */
  test: number;
  /** LinearRegression.stats of the training rows on the raw view (nbView: numeric as is, one-hot). */
  stats: { n: number; p: number; meanX: number[]; meanY: number; xx: number[]; xy: number[]; yy: number };
  /** Moments of each feature's correlation with the label value over the training rows (schema order). */
  moments: CorrelationMoments;
}

/** Map for a regressor: LinearRegression statistics of one shard's training rows. */
function trainLinearShard(
  ws: Workspace,
  spec: DatasetSpec,
  opts: TrainOptions & { shard: Shard; partials: string },
): ShardTrainResult {
  const config = shardedTrainingConfig(spec, opts);
  const index = new ModelRegistry(ws, spec.name).index(); // a corrupt index fails here, before any work
  const fg = FeatureGroup.open(ws, spec);
  const months = groupAssignment(fg, opts.shard.count)[opts.shard.index - 1];
  const schema = fg.meta.features;
  const names = schema.map((f) => f.name);
  const view = nbView(schema, {});
  let stats = emptyLinearStats(view.columns.length);
  let moments = emptyMoments(schema.length);
  let eligible = 0;
  let test = 0;
  let targetMin = Number.POSITIVE_INFINITY;
  let targetMax = Number.NEGATIVE_INFINITY;
  const partitions: { month: string; sha256: string }[] = [];
  for (const part of partitionsOf(fg, months, fg.lateLabels())) {
    const t = part.table;
    partitions.push({ month: part.month, sha256: part.sha256 });
    const get = (name: string) => t.columns[names.indexOf(name)];
    const data = trainingData(fg, t, config.includeSynthetic);
    const keys = rowKeys(data);
    const train: number[] = [];
    for (const i of data.rows) {
      eligible++;
      for (let j = 0; j < schema.length; j++) {
        if (!Number.isFinite(t.columns[j][i]))
          throw new TrainingError(
            `${spec.name}: feature '${schema[j].name}' is ${t.columns[j][i]} in row id ${t.ids[i]} (${fg.partitionPaths(part.month).join(', ')}); training needs finite values`,
          );
      }
      const y = t.targets[i];
      if (!Number.isFinite(y))
        throw new TrainingError(
          `${spec.name}: label '${spec.label.name}' is ${y} in row id ${t.ids[i]} (${fg.partitionPaths(part.month).join(', ')}); a regressor needs a number in every labelled row`,
        );
      targetMin = Math.min(targetMin, y);
      targetMax = Math.max(targetMax, y);
      if (inHashHoldout(keys[i], config.seed, config.testFraction)) test++;
      else train.push(i);
    }
    moments = mergeMoments(moments, momentsOf(names, get, t.targets, train));
    const X = applyFeatureView(view, get, 0, train);
    stats = LinearRegression.mergeStats(
      stats,
      LinearRegression.stats(
        X,
        Float64Array.from(train, (i) => t.targets[i]),
      ),
    );
    opts.progress?.(`  ${part.month}: ${t.rows} rows, ${train.length} training`);
  }
  const partial: LinearPartial = {
    format: LINEAR_PARTIAL_FORMAT,
    version: LINEAR_PARTIAL_VERSION,
    ...partialRowsHeader(fg, spec.name, opts.shard, months, partitions),
    config,
    configHash: configHashOf(config),
    champion: index.champion,
    eligible,
    targetMin: eligible > 0 ? targetMin : null,
    targetMax: eligible > 0 ? targetMax : null,
    test,
    stats: {
      n: stats.n,
      p: stats.p,
      meanX: Array.from(stats.meanX),
      meanY: stats.meanY,
      xx: Array.from(stats.xx),
      xy: Array.from(stats.xy),
      yy: stats.yy,
    },
    moments,
  };
  mkdirSync(opts.partials, { recursive: true });
  const file = path.join(opts.partials, partialFileName('train', spec.name, opts.shard));
  writeFilesAtomically([{ path: file, content: stableStringify(partial) }]);
  return { dataset: spec.name, shard: opts.shard, file, months, eligible, test };
}

/**
 * The linear model of merged statistics on the raw view (nbView's columns), fitted as fitCandidate
 * fits `algorithm` on all features: ridge standardises numeric columns by the training rows' mean and
 * (population) standard deviation, which scales the centred statistics — (x − m)/s has centred
 * products xx/(s_j s_k) and xy/s_j — so no second pass over the rows is needed.
 */
export function linearModelFromStats(
  o: {
    dataset: string;
    schema: readonly FeatureSchema[];
    label: Parameters<typeof regressionLabel>[0];
    correlations: Record<string, number>;
    algorithm: string;
    params: Record<string, number | string | boolean>;
  },
  stats: LinearStats,
): ServingModel {
  const algo = regressionAlgorithm(o.algorithm);
  const base = nbView(o.schema, o.correlations);
  const { n, p } = stats;
  const scale = new Float64Array(p).fill(1);
  const columns = base.columns.map((c, j) => {
    if (!algo.standardize || c.code !== undefined) return c;
    const sd = Math.sqrt(stats.xx[j * p + j] / n);
    scale[j] = sd > 0 ? sd : 1;
    return { ...c, center: stats.meanX[j], scale: scale[j] };
  });
  const meanX = stats.meanX.map((m, j) => (m - columns[j].center) / scale[j]);
  const xx = stats.xx.map((v, at) => v / (scale[Math.floor(at / p)] * scale[at % p]));
  const xy = stats.xy.map((v, j) => v / scale[j]);
  const est = LinearRegression.fromStats(
    { ...stats, meanX, xx, xy },
    { alpha: (algo.create(o.params) as LinearRegression).alpha },
  );
  return ServingModel.create(
    {
      dataset: o.dataset,
      task: 'regression',
      algorithm: o.algorithm,
      params: est.params(),
      label: regressionLabel(o.label),
      view: { ...base, columns },
    },
    est,
  );
}

/** What a merge of either kind of partial hands to the scoring pass. */
interface MergedShards {
  task: Task;
  set: {
    partial: PartialHeader & { config: TrainingConfig & { includeSynthetic: boolean } };
    file: string;
  }[];
  config: TrainingConfig & { includeSynthetic: boolean };
  configHash: string;
  model: ServingModel;
  chosen: CvResult;
  eligible: number;
  test: number;
}

/** Checks shared by both kinds of partial set: one config, the same champion, labels.csv unchanged. */
function checkSet(
  set: {
    partial: PartialHeader & {
      configHash: string;
      champion: number | null;
      config: TrainingConfig & { includeSynthetic: boolean };
    };
    file: string;
  }[],
  fg: FeatureGroup,
  champion: number | null,
  dataset: string,
): { config: TrainingConfig & { includeSynthetic: boolean }; configHash: string } {
  checkSame(set, 'training config (configHash)', (p) => p.configHash);
  checkSame(set, 'champion version', (p) => p.champion, {
    value: champion,
    where: `the champion in models/${dataset}/index.json now`,
  });
  checkLabelsUnchanged(fg, set);
  const config = set[0].partial.config;
  const configHash = configHashOf(config);
  if (configHash !== set[0].partial.configHash)
    throw new ShardError(`${set[0].file}: configHash does not match its config (edited by hand?)`);
  return { config, configHash };
}

function round6Record(schema: readonly FeatureSchema[], moments: CorrelationMoments): Record<string, number> {
  const r = correlationsOf(moments);
  const correlations: Record<string, number> = {};
  schema.forEach((f, j) => {
    correlations[f.name] = round6(r[j]);
  });
  return correlations;
}

/** Merges Gaussian NB partials into the model. */
function mergeNbPartials(
  spec: DatasetSpec,
  fg: FeatureGroup,
  partials: string,
  champion: number | null,
): MergedShards {
  const set = readPartialSet<NbPartial>(partials, NB_PARTIAL_FORMAT, NB_PARTIAL_VERSION, spec.name, fg);
  const { config, configHash } = checkSet(set, fg, champion, spec.name);
  const classes = fg.meta.label.classes;
  const schema = fg.meta.features;
  const columns = nbView(schema, {}).columns.length;

  // Merge in shard order; the counts rules are checkTrainable's, on the summed counts.
  let stats: GaussianNBPartial | null = null;
  let moments = emptyMoments(schema.length);
  const eligibleByClass = new Array<number>(classes.length).fill(0);
  let test = 0;
  for (const { partial: p, file } of set) {
    const s: GaussianNBPartial = {
      nClasses: p.stats.nClasses,
      nFeatures: p.stats.nFeatures,
      counts: Float64Array.from(p.stats.counts),
      means: Float64Array.from(p.stats.means),
      m2: Float64Array.from(p.stats.m2),
    };
    const cells = classes.length * columns;
    if (
      s.nClasses !== classes.length ||
      s.nFeatures !== columns ||
      s.counts.length !== classes.length ||
      s.means.length !== cells ||
      s.m2.length !== cells ||
      p.moments.meanX.length !== schema.length ||
      p.eligibleByClass.length !== classes.length
    )
      throw new ShardError(
        `${file}: statistics are not ${classes.length} classes × ${columns} columns as the feature group's schema needs`,
      );
    stats = stats ? GaussianNB.mergePartials(stats, s) : s;
    moments = mergeMoments(moments, p.moments);
    p.eligibleByClass.forEach((c, k) => {
      eligibleByClass[k] += c;
    });
    test += p.test;
  }
  checkClassCounts(spec.name, classes, eligibleByClass, config);
  const eligible = eligibleByClass.reduce((s, c) => s + c, 0);
  checkHashSplit(eligible, test, config.testFraction);

  const chosen = unscored(
    { algorithm: ALGORITHM, params: algorithmByName(ALGORITHM).grid[0], minAbsCorrelation: 0 },
    'classification',
  );
  const estimator = GaussianNB.fromPartial(stats!, chosen.params as { varSmoothing?: number });
  const model = ServingModel.create(
    {
      dataset: spec.name,
      algorithm: ALGORITHM,
      params: estimator.params(),
      label: { name: fg.meta.label.name, title: fg.meta.label.title, classes: fg.meta.label.classes },
      view: nbView(schema, round6Record(schema, moments)),
    },
    estimator,
  );
  return { task: 'classification', set, config, configHash, model, chosen, eligible, test };
}

/** Merges linear-regression partials into the model (without its interval: the holdout gives it). */
function mergeLinearPartials(
  spec: DatasetSpec,
  fg: FeatureGroup,
  partials: string,
  champion: number | null,
): MergedShards {
  const set = readPartialSet<LinearPartial>(
    partials,
    LINEAR_PARTIAL_FORMAT,
    LINEAR_PARTIAL_VERSION,
    spec.name,
    fg,
  );
  const { config, configHash } = checkSet(set, fg, champion, spec.name);
  const schema = fg.meta.features;
  const p = nbView(schema, {}).columns.length;
  let stats = emptyLinearStats(p);
  let moments = emptyMoments(schema.length);
  let eligible = 0;
  let test = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const { partial: q, file } of set) {
    const s = q.stats;
    if (
      s.p !== p ||
      s.meanX.length !== p ||
      s.xx.length !== p * p ||
      s.xy.length !== p ||
      q.moments.meanX.length !== schema.length
    )
      throw new ShardError(`${file}: statistics are not ${p} columns as the feature group's schema needs`);
    stats = LinearRegression.mergeStats(stats, {
      n: s.n,
      p: s.p,
      meanX: Float64Array.from(s.meanX),
      meanY: s.meanY,
      xx: Float64Array.from(s.xx),
      xy: Float64Array.from(s.xy),
      yy: s.yy,
    });
    moments = mergeMoments(moments, q.moments);
    eligible += q.eligible;
    test += q.test;
    if (q.targetMin !== null) min = Math.min(min, q.targetMin);
    if (q.targetMax !== null) max = Math.max(max, q.targetMax);
  }
  checkTargetSummary(spec.name, spec.label.name, { rows: eligible, min, max }, config);
  checkHashSplit(eligible, test, config.testFraction);
  const algorithm = config.algorithm ?? 'ridge';
  const chosen = unscored(
    {
      algorithm,
      params: withSeed(algorithm, regressionAlgorithm(algorithm).grid[0], config.seed),
      minAbsCorrelation: 0,
    },
    'regression',
  );
  const model = linearModelFromStats(
    {
      dataset: spec.name,
      schema,
      label: { ...spec.label, ...fg.meta.label },
      correlations: round6Record(schema, moments),
      algorithm,
      params: chosen.params,
    },
    stats,
  );
  return { task: 'regression', set, config, configHash, model, chosen, eligible, test };
}

/**
 * Reduce: merges a complete set of partials into the model, scores the holdout, and registers it
 * behind the champion/challenger gate. Refuses (writing nothing) a missing or duplicated shard,
 * partials of another n, feature-group version, champion or config, and data changed since.
 */
export function mergeTrainShards(
  ws: Workspace,
  spec: DatasetSpec,
  opts: Pick<TrainOptions, 'now' | 'force' | 'promote' | 'tolerance' | 'progress'> & {
    partials: string;
    gateMetric?: RegressionGateMetric;
  },
): TrainResult {
  const registry = new ModelRegistry(ws, spec.name);
  const index = registry.index();
  const fg = FeatureGroup.open(ws, spec);
  const task = taskOf(spec.label);
  const merged =
    task === 'regression'
      ? mergeLinearPartials(spec, fg, opts.partials, index.champion)
      : mergeNbPartials(spec, fg, opts.partials, index.champion);
  const { set, config, configHash, chosen, test, eligible } = merged;

  // One more pass, a partition at a time: the data hash, and the holdout scored by both models.
  const champion = index.champion !== null ? registry.champion() : null;
  const mismatch = champion ? championMismatch(champion, task, fg.meta.features) : null;
  const held = champion && !mismatch ? championHoldout(registry, champion.entry.version) : null;
  const pass = scoreHoldoutPass(
    fg,
    merged,
    champion && !mismatch ? champion.model : null,
    held,
    opts.progress,
  );
  const skipped = unchangedSince(champion, pass.dataHash, configHash, opts.force);
  if (skipped) return { dataset: spec.name, skipped };

  const { model, holdout, championCheck } = gateMerged(spec, fg, merged.model, pass, {
    task,
    test,
    held,
    champion: champion !== null,
    mismatch,
  });
  const { testIds, testKeys, trainKeys } = pass;
  const registered = registerFitted(
    {
      ws,
      spec,
      fg,
      registry,
      config,
      dataHash: pass.dataHash,
      configHash,
      champion,
      championCheck,
      opts: { ...opts, split: 'hash' },
    },
    {
      model,
      holdout,
      cv: [],
      chosen,
      trainRows: eligible - test,
      testIds,
      example: pass.example,
      eligible,
      bySource: pass.bySource,
      duplicates: {
        trainRows: pass.trainSeen - trainKeys.size,
        holdoutOverlap: testKeys.filter((k) => trainKeys.has(k)).length,
      },
      importance: computeImportance(
        model,
        fg.meta.features,
        concatTables(pass.holdoutParts, fg.meta.features.length),
        testIds.map((_, i) => i),
      ),
    },
  );
  opts.progress?.(
    `  merged ${set.length} shard(s): ${set.map((o) => shardText({ index: o.partial.shard, count: o.partial.shards })).join(', ')}`,
  );
  return { dataset: spec.name, ...registered };
}

/** Why the champion cannot score the merged holdout (another task or schema), or null when it can. */
function championMismatch(
  champion: NonNullable<ReturnType<ModelRegistry['champion']>>,
  task: Task,
  schema: FeatureGroup['meta']['features'],
): SchemaMismatchError | null {
  try {
    checkChampionTask(champion, task);
    champion.model.checkSchema(schema, `champion v${champion.entry.version}`);
    return null;
  } catch (err) {
    if (!(err instanceof SchemaMismatchError)) throw err;
    return err;
  }
}

/** What the scoring pass over the partitions gathers for the gate, the metrics and the model card. */
interface HoldoutPass {
  dataHash: string;
  /** Class codes or label values; both fit a Float64Array exactly. */
  actual: Float64Array;
  predicted: Float64Array;
  championPredicted: Float64Array;
  testIds: number[];
  testKeys: number[];
  /** The holdout rows themselves (a small share), for permutation importance as the unsharded run has it. */
  holdoutParts: FeatureTable[];
  /** Distinct training feature rows (the card's duplicate count), a set of 53-bit keys. */
  trainKeys: Set<number>;
  trainSeen: number;
  trainSum: number;
  /** The rows the champion may have trained on (the gate compares on holdout rows it never saw). */
  championTrained: Set<number>;
  bySource: Record<string, number>;
  example: Record<string, string>;
}

/**
 * The pass over every partition (each checked unchanged since its shard ran): the data hash, the holdout
 * scored by the merged model and by `championModel`, and the training rows' keys and counts.
 */
function scoreHoldoutPass(
  fg: FeatureGroup,
  merged: MergedShards,
  championModel: ServingModel | null,
  held: ReadonlySet<number> | null,
  progress: ((line: string) => void) | undefined,
): HoldoutPass {
  const { task, set, config, test, model } = merged;
  const ownerOf = new Map(set.flatMap((o) => o.partial.months.map((m) => [m, o] as const)));
  const hash = createHash('sha256');
  const pass: Omit<HoldoutPass, 'dataHash'> = {
    actual: new Float64Array(test),
    predicted: new Float64Array(test),
    championPredicted: new Float64Array(test),
    testIds: [],
    testKeys: [],
    holdoutParts: [],
    // 8 bytes and a slot a row.
    trainKeys: new Set<number>(),
    trainSeen: 0,
    trainSum: 0,
    championTrained: new Set<number>(),
    bySource: {},
    example: {},
  };
  const { testIds, bySource } = pass;
  const predict = (m: ServingModel, data: ReturnType<typeof trainingData>, rows: number[]) =>
    task === 'regression' ? predictValueRows(m, data, rows) : predictRows(m, data, rows);
  for (const part of partitionsOf(fg, fg.months(), fg.lateLabels())) {
    checkUnchanged(fg, ownerOf.get(part.month)!, part.month, part.sha256);
    const t = part.table;
    const data = trainingData(fg, t, config.includeSynthetic);
    updateDataHash(hash, t, data.rows, task);
    for (const i of data.rows) bySource[SOURCES[t.sources[i]]] = (bySource[SOURCES[t.sources[i]]] ?? 0) + 1;
    const keys = rowKeys(data);
    const rows = data.rows.filter((i) => inHashHoldout(keys[i], config.seed, config.testFraction));
    for (const i of data.rows) {
      if (inHashHoldout(keys[i], config.seed, config.testFraction)) continue;
      pass.trainKeys.add(keys[i]);
      pass.trainSeen++;
      if (task === 'regression') pass.trainSum += t.targets[i];
    }
    if (held) addChampionTrainingKeys(pass.championTrained, held, data.rows, t.ids, keys);
    if (rows.length === 0) continue;
    if (testIds.length === 0)
      for (const f of model.features) pass.example[f.name] = valueText(f, data.get(f.name)[rows[0]]);
    const at = testIds.length;
    if (at + rows.length > test)
      throw new ShardError(
        `${fg.dir}: more holdout rows than the shards counted (${test}); run the shards again`,
      );
    pass.predicted.set(predict(model, data, rows), at);
    pass.holdoutParts.push(takeRows(t, rows));
    if (championModel) pass.championPredicted.set(predict(championModel, data, rows), at);
    rows.forEach((i, k) => {
      pass.actual[at + k] = task === 'regression' ? t.targets[i] : t.labels[i];
      testIds.push(t.ids[i]);
      pass.testKeys.push(keys[i]);
    });
    progress?.(`  ${part.month}: ${rows.length} holdout rows scored`);
  }
  if (testIds.length !== test)
    throw new ShardError(
      `${fg.dir}: ${testIds.length} holdout rows, the shards counted ${test}; run the shards again`,
    );
  return { ...pass, dataHash: hash.digest('hex') };
}

/**
 * The merged model's holdout metrics and the gate's comparison with the champion on the holdout rows it
 * never saw; a regressor gains its residual interval here.
 */
function gateMerged(
  spec: DatasetSpec,
  fg: FeatureGroup,
  model: ServingModel,
  pass: HoldoutPass,
  at: {
    task: Task;
    test: number;
    held: ReadonlySet<number> | null;
    champion: boolean;
    mismatch: SchemaMismatchError | null;
  },
): { model: ServingModel; holdout: FittedHoldout; championCheck: ChampionCheck | null } {
  const { task, test, held, champion, mismatch } = at;
  const { actual, predicted, championPredicted, testIds, testKeys } = pass;
  const fresh = testIds.flatMap((id, r) =>
    isFreshForChampion(held, pass.championTrained, id, testKeys[r]) ? [r] : [],
  );
  const trainMean = pass.trainSum / Math.max(pass.trainSeen, 1);
  const o = { holdoutRows: test, known: held !== null };
  let championCheck: ChampionCheck | null = null;
  if (task === 'regression') {
    const pick = (a: Float64Array) => Float64Array.from(fresh, (r) => a[r]);
    if (champion)
      championCheck = mismatch
        ? { mismatch }
        : regressionGateCheck(pick(actual), pick(predicted), pick(championPredicted), {
            ...o,
            tolerances: spec.label.tolerances,
            trainMean,
          });
    const holdout = regressionMetrics(actual, predicted, trainMean, spec.label.tolerances);
    const interval = residualInterval(model, actual, predicted);
    return { model: interval ? model.withInterval(interval) : model, holdout, championCheck };
  }
  const values = fg.meta.label.classes.map((c) => c.value);
  const pick = (a: Float64Array) => Int32Array.from(fresh, (r) => a[r]);
  if (champion)
    championCheck = mismatch
      ? { mismatch }
      : gateCheck(pick(actual), pick(predicted), pick(championPredicted), { ...o, classes: values });
  const holdout = classificationMetrics(Int32Array.from(actual), Int32Array.from(predicted), values);
  return { model, holdout, championCheck };
}

type FittedHoldout = ReturnType<typeof regressionMetrics> | ReturnType<typeof classificationMetrics>;
