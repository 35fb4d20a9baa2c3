// Sharded linear and ridge regression: a shard's gitml.linear-partial (LinearRegression's sufficient
// statistics — row count, means and the centred XᵀX, Xᵀy, yᵀy of its training rows — merged exactly), and
// the model fitted from the merged statistics as the unsharded `train --algorithm linear-regression|ridge
// --no-search --split hash` fits it (ridge's standardisation applied to the merged statistics).
import {
  type CorrelationMoments,
  emptyMoments,
  mergeMoments,
  momentsOf,
} from '../../features/correlation-moments.js';
import { FeatureGroup } from '../../features/feature-group.js';
import { applyFeatureView } from '../../features/feature-view.js';
import type { Workspace } from '../../files/workspace.js';
import { LinearRegression } from '../../models/linear-regression.js';
import { emptyLinearStats, type LinearStats } from '../../models/linear-stats.js';
import { regressionAlgorithm } from '../../models/regressors.js';
import { regressionLabel, ServingModel } from '../../models/serving-model.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import type { DatasetSpec, FeatureSchema } from '../../spec/spec.js';
import { checkHashSplit, inHashHoldout } from '../../training/splits.js';
import { checkTargetSummary, rowKeys, TrainingError, unscored, withSeed } from '../../training/training.js';
import { configHashOf, trainingData } from '../train.js';
import { checkSet, type MergedShards, round6Record } from './merged-shards.js';
import { partialRowsHeader, readPartialSet, writePartial } from './partial-files.js';
import { groupAssignment } from './plan.js';
import { partitionsOf } from './read-partitions.js';
import { ShardError } from './shard-error.js';
import {
  checkFiniteFeatures,
  nbView,
  shardedTrainingConfig,
  type TrainPartialHeader,
} from './sharded-config.js';
import type { ShardTrainOptions, ShardTrainResult } from './train-shard.js';

export const LINEAR_PARTIAL_FORMAT = 'gitml.linear-partial';
export const LINEAR_PARTIAL_VERSION = 1;

export interface LinearPartial extends TrainPartialHeader {
  format: typeof LINEAR_PARTIAL_FORMAT;
  version: typeof LINEAR_PARTIAL_VERSION;
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
export function trainLinearShard(
  ws: Workspace,
  spec: DatasetSpec,
  opts: ShardTrainOptions,
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
      checkFiniteFeatures(spec.name, fg, part.month, t, i);
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
  const file = writePartial(opts.partials, 'train', spec.name, opts.shard, partial);
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

/** Merges linear-regression partials into the model (without its interval: the holdout gives it). */
export function mergeLinearPartials(
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
