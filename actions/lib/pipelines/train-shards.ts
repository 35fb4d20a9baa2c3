// Sharded training of Gaussian naive Bayes. Map (`train --shard i/n`): a shard reads its months one
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
import { writeFilesAtomically } from '../atomic-write.js';
import {
  type CorrelationMoments,
  correlationsOf,
  emptyMoments,
  mergeMoments,
  momentsOf,
} from '../correlation-moments.js';
import { FeatureGroup } from '../feature-group.js';
import { SOURCES, valueText } from '../feature-table.js';
import { applyFeatureView, type FeatureViewJSON, labelScores, type ViewColumn } from '../feature-view.js';
import { stableStringify } from '../json.js';
import { classificationMetrics } from '../metrics.js';
import { ModelRegistry } from '../model-registry.js';
import { algorithm as algorithmByName } from '../models/algorithms.js';
import { GaussianNB, type GaussianNBPartial } from '../models/gaussian-nb.js';
import { SchemaMismatchError, ServingModel } from '../serving-model.js';
import {
  checkLabelsUnchanged,
  checkSame,
  checkUnchanged,
  groupAssignment,
  labelsSha256,
  type PartialHeader,
  partialFileName,
  partitionsOf,
  readPartialSet,
  rowsHashOf,
  type Shard,
  ShardError,
  shardText,
} from '../sharding.js';
import type { DatasetSpec, FeatureSchema } from '../spec.js';
import { checkHashSplit, contentKeys, inHashHoldout } from '../splits.js';
import {
  type CvResult,
  checkClassCounts,
  predictRows,
  rowKeys,
  type TrainingConfig,
  TrainingError,
} from '../training.js';
import type { Workspace } from '../workspace.js';
import {
  addChampionTrainingKeys,
  type ChampionCheck,
  championHoldout,
  configHashOf,
  gateCheck,
  isFreshForChampion,
  registerFitted,
  type TrainOptions,
  type TrainResult,
  trainingConfig,
  trainingData,
  unchangedSince,
  updateDataHash,
} from './train.js';

export const NB_PARTIAL_FORMAT = 'gitml.nb-partial';
export const NB_PARTIAL_VERSION = 1;
const ALGORITHM = 'gaussian-nb';
const SYNTHETIC = SOURCES.indexOf('synthetic');

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

/**
 * The training config of a sharded run: gaussian-nb, no search, hash split — what the unsharded
 * `train --algorithm gaussian-nb --no-search --split hash` uses, so both give the same configHash.
 */
export function shardedTrainingConfig(
  spec: DatasetSpec,
  opts: TrainOptions,
): TrainingConfig & { includeSynthetic: boolean } {
  if (opts.algorithm !== undefined && opts.algorithm !== ALGORITHM)
    throw new ShardError(
      `sharded training fits ${ALGORITHM} from mergeable statistics; '${opts.algorithm}' cannot be sharded`,
    );
  if (opts.split !== undefined && opts.split !== 'hash')
    throw new ShardError(
      `sharded training needs the hash split (a shard knows its holdout rows by their content); got '${opts.split}'`,
    );
  if (opts.asOf !== undefined)
    throw new ShardError('sharded training reads the working tree; --as-of is not supported with shards');
  return trainingConfig(spec, { ...opts, algorithm: ALGORITHM, search: false, split: 'hash' });
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
      if (t.labels[i] < 0 || (!config.includeSynthetic && t.sources[i] === SYNTHETIC)) continue;
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
  const labels = labelsSha256(fg);
  const partial: NbPartial = {
    format: NB_PARTIAL_FORMAT,
    version: NB_PARTIAL_VERSION,
    dataset: spec.name,
    shard: opts.shard.index,
    shards: opts.shard.count,
    featureGroupVersion: fg.meta.version,
    months,
    partitions,
    labelsSha256: labels,
    rowsHash: rowsHashOf(partitions, labels),
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

/**
 * Reduce: merges a complete set of partials into the model, scores the holdout, and registers it
 * behind the champion/challenger gate. Refuses (writing nothing) a missing or duplicated shard,
 * partials of another n, feature-group version, champion or config, and data changed since.
 */
export function mergeTrainShards(
  ws: Workspace,
  spec: DatasetSpec,
  opts: Pick<TrainOptions, 'now' | 'force' | 'promote' | 'tolerance' | 'progress'> & { partials: string },
): TrainResult {
  const registry = new ModelRegistry(ws, spec.name);
  const index = registry.index();
  const fg = FeatureGroup.open(ws, spec);
  const set = readPartialSet<NbPartial>(opts.partials, NB_PARTIAL_FORMAT, NB_PARTIAL_VERSION, spec.name, fg);
  checkSame(set, 'training config (configHash)', (p) => p.configHash);
  checkSame(set, 'champion version', (p) => p.champion, {
    value: index.champion,
    where: `the champion in models/${spec.name}/index.json now`,
  });
  checkLabelsUnchanged(fg, set);
  const config = set[0].partial.config;
  const configHash = configHashOf(config);
  if (configHash !== set[0].partial.configHash)
    throw new ShardError(`${set[0].file}: configHash does not match its config (edited by hand?)`);
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

  const r = correlationsOf(moments);
  const correlations: Record<string, number> = {};
  schema.forEach((f, j) => {
    correlations[f.name] = round6(r[j]);
  });
  const chosen: CvResult = {
    algorithm: ALGORITHM,
    params: algorithmByName(ALGORITHM).grid[0],
    minAbsCorrelation: 0,
    meanAccuracy: Number.NaN,
    foldAccuracy: [],
  };
  const estimator = GaussianNB.fromPartial(stats!, chosen.params as { varSmoothing?: number });
  const model = ServingModel.create(
    {
      dataset: spec.name,
      algorithm: ALGORITHM,
      params: estimator.params(),
      label: fg.meta.label,
      view: nbView(schema, correlations),
    },
    estimator,
  );

  // One more pass, a partition at a time: the data hash, and the holdout scored by both models.
  const champion = index.champion !== null ? registry.champion() : null;
  let mismatch: SchemaMismatchError | null = null;
  if (champion) {
    try {
      champion.model.checkSchema(schema, `champion v${champion.entry.version}`);
    } catch (err) {
      if (!(err instanceof SchemaMismatchError)) throw err;
      mismatch = err;
    }
  }
  const ownerOf = new Map(set.flatMap((o) => o.partial.months.map((m) => [m, o] as const)));
  const hash = createHash('sha256');
  const actual = new Int32Array(test);
  const predicted = new Int32Array(test);
  const championPredicted = new Int32Array(test);
  const testIds: number[] = [];
  const testKeys: number[] = [];
  // Distinct training feature rows (the card's duplicate count) and the rows the champion may have trained
  // on (the gate compares on holdout rows it never saw): a set of 53-bit keys, 8 bytes and a slot a row.
  const trainKeys = new Set<number>();
  let trainSeen = 0;
  const held = champion && !mismatch ? championHoldout(registry, champion.entry.version) : null;
  const championTrained = new Set<number>();
  const bySource: Record<string, number> = {};
  const example: Record<string, string> = {};
  for (const part of partitionsOf(fg, fg.months(), fg.lateLabels())) {
    checkUnchanged(fg, ownerOf.get(part.month)!, part.month, part.sha256);
    const t = part.table;
    const data = trainingData(fg, t, config.includeSynthetic);
    updateDataHash(hash, t, data.rows);
    for (const i of data.rows) bySource[SOURCES[t.sources[i]]] = (bySource[SOURCES[t.sources[i]]] ?? 0) + 1;
    const keys = rowKeys(data);
    const rows = data.rows.filter((i) => inHashHoldout(keys[i], config.seed, config.testFraction));
    for (const i of data.rows) {
      if (inHashHoldout(keys[i], config.seed, config.testFraction)) continue;
      trainKeys.add(keys[i]);
      trainSeen++;
    }
    if (held) addChampionTrainingKeys(championTrained, held, data.rows, t.ids, keys);
    if (rows.length === 0) continue;
    if (testIds.length === 0)
      for (const f of model.features) example[f.name] = valueText(f, data.get(f.name)[rows[0]]);
    const at = testIds.length;
    if (at + rows.length > test)
      throw new ShardError(
        `${fg.dir}: more holdout rows than the shards counted (${test}); run the shards again`,
      );
    predicted.set(predictRows(model, data, rows), at);
    if (champion && !mismatch) championPredicted.set(predictRows(champion.model, data, rows), at);
    rows.forEach((i, k) => {
      actual[at + k] = t.labels[i];
      testIds.push(t.ids[i]);
      testKeys.push(keys[i]);
    });
    opts.progress?.(`  ${part.month}: ${rows.length} holdout rows scored`);
  }
  if (testIds.length !== test)
    throw new ShardError(
      `${fg.dir}: ${testIds.length} holdout rows, the shards counted ${test}; run the shards again`,
    );
  const dataHash = hash.digest('hex');
  const skipped = unchangedSince(champion, dataHash, configHash, opts.force);
  if (skipped) return { dataset: spec.name, skipped };

  const values = classes.map((c) => c.value);
  const fresh = testIds.flatMap((id, r) =>
    isFreshForChampion(held, championTrained, id, testKeys[r]) ? [r] : [],
  );
  const pick = (a: Int32Array) => Int32Array.from(fresh, (r) => a[r]);
  const championCheck: ChampionCheck | null = !champion
    ? null
    : mismatch
      ? { mismatch }
      : gateCheck(pick(actual), pick(predicted), pick(championPredicted), {
          classes: values,
          holdoutRows: test,
          known: held !== null,
        });

  const registered = registerFitted(
    {
      ws,
      spec,
      fg,
      registry,
      config,
      dataHash,
      configHash,
      champion,
      championCheck,
      opts: { ...opts, split: 'hash' },
    },
    {
      model,
      holdout: classificationMetrics(actual, predicted, values),
      cv: [],
      chosen,
      trainRows: eligible - test,
      testIds,
      example,
      eligible,
      bySource,
      duplicates: {
        trainRows: trainSeen - trainKeys.size,
        holdoutOverlap: testKeys.filter((k) => trainKeys.has(k)).length,
      },
    },
  );
  opts.progress?.(
    `  merged ${set.length} shard(s): ${set.map((o) => shardText({ index: o.partial.shard, count: o.partial.shards })).join(', ')}`,
  );
  return { dataset: spec.name, ...registered };
}
