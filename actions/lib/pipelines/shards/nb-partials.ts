// Sharded Gaussian naive Bayes: a shard's gitml.nb-partial (per-class counts, means and squared deviations
// of its training rows, and the moments of each feature's correlation with the label), and their merge
// into the model an unsharded `train --algorithm gaussian-nb --no-search --split hash` fits on the same rows.
import {
  type CorrelationMoments,
  emptyMoments,
  mergeMoments,
  momentsOf,
} from '../../features/correlation-moments.js';
import { FeatureGroup } from '../../features/feature-group.js';
import { SOURCE_CODE } from '../../features/feature-table.js';
import { applyFeatureView, labelScores } from '../../features/feature-view.js';
import type { Workspace } from '../../files/workspace.js';
import { algorithm as algorithmByName } from '../../models/algorithms.js';
import { GaussianNB, type GaussianNBPartial } from '../../models/gaussian-nb.js';
import { ServingModel } from '../../models/serving-model.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import type { DatasetSpec } from '../../spec/spec.js';
import { checkHashSplit, contentKeys, inHashHoldout } from '../../training/splits.js';
import { checkClassCounts, unscored } from '../../training/training.js';
import { configHashOf } from '../train.js';
import { checkSet, type MergedShards, round6Record } from './merged-shards.js';
import { partialRowsHeader, readPartialSet, writePartial } from './partial-files.js';
import { groupAssignment } from './plan.js';
import { partitionsOf } from './read-partitions.js';
import { ShardError } from './shard-error.js';
import {
  checkFiniteFeatures,
  nbView,
  SHARDED_CLASSIFIER,
  shardedTrainingConfig,
  type TrainPartialHeader,
} from './sharded-config.js';
import type { ShardTrainOptions, ShardTrainResult } from './train-shard.js';

export const NB_PARTIAL_FORMAT = 'gitml.nb-partial';
export const NB_PARTIAL_VERSION = 1;

export interface NbPartial extends TrainPartialHeader {
  format: typeof NB_PARTIAL_FORMAT;
  version: typeof NB_PARTIAL_VERSION;
  /** Eligible (labelled, chosen sources) rows per class, holdout included. */
  eligibleByClass: number[];
  /** Holdout rows among them. */
  test: number;
  /** GaussianNB.partial of the training rows (class-major arrays). */
  stats: { nClasses: number; nFeatures: number; counts: number[]; means: number[]; m2: number[] };
  /** Moments of each feature's correlation with the label over the training rows (schema order). */
  moments: CorrelationMoments;
}

function emptyStats(nClasses: number, nFeatures: number): GaussianNBPartial {
  const z = () => new Float64Array(nClasses * nFeatures);
  return { nClasses, nFeatures, counts: new Float64Array(nClasses), means: z(), m2: z() };
}

/** Map for a classifier: the Gaussian NB statistics of one shard's months, written to `partials`/train-<dataset>-<i>-of-<n>.json. */
export function trainNbShard(ws: Workspace, spec: DatasetSpec, opts: ShardTrainOptions): ShardTrainResult {
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
      checkFiniteFeatures(spec.name, fg, part.month, t, i);
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
  const file = writePartial(opts.partials, 'train', spec.name, opts.shard, partial);
  return {
    dataset: spec.name,
    shard: opts.shard,
    file,
    months,
    eligible: eligibleByClass.reduce((s, c) => s + c, 0),
    test,
  };
}

/** Merges Gaussian NB partials into the model. */
export function mergeNbPartials(
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
    {
      algorithm: SHARDED_CLASSIFIER,
      params: algorithmByName(SHARDED_CLASSIFIER).grid[0],
      minAbsCorrelation: 0,
    },
    'classification',
  );
  const estimator = GaussianNB.fromPartial(stats!, chosen.params as { varSmoothing?: number });
  const model = ServingModel.create(
    {
      dataset: spec.name,
      algorithm: SHARDED_CLASSIFIER,
      params: estimator.params(),
      label: { name: fg.meta.label.name, title: fg.meta.label.title, classes: fg.meta.label.classes },
      view: nbView(schema, round6Record(schema, moments)),
    },
    estimator,
  );
  return { task: 'classification', set, config, configHash, model, chosen, eligible, test };
}
