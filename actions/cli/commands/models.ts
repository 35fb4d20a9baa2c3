// Model commands: train, evaluate, models (list | show | best), promote, predict.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../../lib/core/did-you-mean.js';
import { percent, points } from '../../lib/core/format.js';
import { jsonSyntaxProblem } from '../../lib/core/json.js';
import { explainPrediction } from '../../lib/explain/explain-prediction.js';
import { FeatureGroup } from '../../lib/features/feature-group.js';
import { type SelectedDataset, specOf } from '../../lib/files/workspace.js';
import { ALGORITHMS } from '../../lib/models/algorithms.js';
import { predictionInput } from '../../lib/models/predict-input.js';
import { REGRESSION_ALGORITHMS } from '../../lib/models/regressors.js';
import { formatPredictedValue } from '../../lib/monitoring/predicted-value.js';
import {
  choice,
  FOLDS,
  gateMetricFor,
  retrainHint,
  SEED,
  SEEDS,
  tolerance,
  toleranceFor,
  VERSION,
} from '../../lib/pipelines/options.js';
import { mergeTrainShards } from '../../lib/pipelines/shards/merge-train.js';
import { type Shard, shardText } from '../../lib/pipelines/shards/plan.js';
import { trainShard } from '../../lib/pipelines/shards/train-shard.js';
import {
  REGRESSION_GATE_METRICS,
  type RegressionGateMetric,
  trainDataset,
  trainingConfig,
  trainingData,
} from '../../lib/pipelines/train.js';
import {
  isRegressionHoldout,
  ModelRegistry,
  RANKING_METRICS,
  type RankingMetric,
  type RegistryEntry,
} from '../../lib/registry/model-registry.js';
import { type DatasetSpec, featureSchema, taskOf } from '../../lib/spec/spec.js';
import {
  type BreakDown,
  type EvaluationRow,
  evaluate,
  meanRegressionMetrics,
  type SplitPositions,
  seededSplits,
} from '../../lib/training/evaluation.js';
import type { RegressionMetrics } from '../../lib/training/metrics.js';
import { algorithmsOf, SPLIT_KINDS } from '../../lib/training/training.js';
import {
  asOfOpt,
  type Command,
  type CommandContext,
  DATASET_OPTION,
  EXIT,
  intOpt,
  perDataset,
  selectedDatasets,
  stringOpt,
  UsageError,
} from '../command.js';
import { refuse, shardMode } from './shard-options.js';

const dataset = DATASET_OPTION;

/**
 * --algorithm NAME, one of the classifiers or regressors (with a did-you-mean for a typo); whether it fits
 * a dataset's task is checked per dataset.
 */
function algorithmOpt(ctx: CommandContext, specs: readonly SelectedDataset[]): string | undefined {
  const v = stringOpt(ctx, 'algorithm');
  const tasks = new Set(specs.flatMap((s) => (s.spec ? [taskOf(s.spec.label)] : [])));
  const classifiers = ALGORITHMS.map((a) => a.name);
  const regressors = REGRESSION_ALGORITHMS.map((a) => a.name);
  // The selected datasets' tasks decide the list (both when they mix, or none loads).
  const only = tasks.size === 1 ? [...tasks][0] : null;
  const names =
    only === 'classification'
      ? classifiers
      : only === 'regression'
        ? regressors
        : [...classifiers, ...regressors];
  const listed = only
    ? names.join(', ')
    : `${classifiers.join(', ')} (classification) or ${regressors.join(', ')} (regression)`;
  if (v !== undefined && !names.includes(v))
    throw new UsageError(`--algorithm must be one of ${listed}, got '${v}'${didYouMean(v, names)}`);
  return v;
}

/** The training options train and train --shard share, checked before any work. */
function trainOptions(ctx: CommandContext, specs: readonly SelectedDataset[]) {
  return {
    algorithm: algorithmOpt(ctx, specs),
    split: choice('split', stringOpt(ctx, 'split'), SPLIT_KINDS),
    seed: intOpt(ctx, 'seed', SEED),
    folds: intOpt(ctx, 'folds', FOLDS),
    includeSynthetic: ctx.values['include-synthetic'] === true,
    asOf: asOfOpt(ctx),
  };
}

/** --tolerance: a share from 0 to 1 unless a regression dataset is selected (its units are the label's). */
function toleranceOpt(
  ctx: CommandContext,
  specs: readonly (SelectedDataset | DatasetSpec)[],
): number | undefined {
  const regression = specs.some((s) => {
    const spec = 'features' in s ? s : s.spec;
    return spec !== undefined && taskOf(spec.label) === 'regression';
  });
  return tolerance(stringOpt(ctx, 'tolerance'), regression);
}

/** --metric for train's regression gate: mae (default), rmse or r2. */
function gateMetricOpt(ctx: CommandContext): RegressionGateMetric | undefined {
  return choice('metric', stringOpt(ctx, 'metric'), REGRESSION_GATE_METRICS);
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train, cross-validate and register a model per dataset behind the champion/challenger gate',
  usage:
    `train [--dataset NAME|all] [--algorithm ${ALGORITHMS.map((a) => a.name).join('|')} (classification) | ${REGRESSION_ALGORITHMS.map((a) => a.name).join('|')} (regression)] [--force] [--promote] [--tolerance T] [--metric mae|rmse|r2 (regression gate, default mae)] [--split stratified|shuffle|time|hash] [--seed N] [--folds K] [--include-synthetic] [--no-search] [--as-of REV|DATE]\n` +
    '       train --shard i/n --partials DIR [--dataset NAME|all] [--algorithm linear-regression|ridge (regression)] [--seed N] [--include-synthetic]   (gaussian-nb, or linear/ridge regression, statistics of shard i of n)\n' +
    '       train --merge --partials DIR [--dataset NAME|all] [--force] [--promote] [--tolerance T] [--metric mae|rmse|r2]   (merge all n shards, register as train --algorithm A --no-search --split hash would)',
  options: {
    ...dataset,
    algorithm: { type: 'string' },
    force: { type: 'boolean' },
    promote: { type: 'boolean' },
    tolerance: { type: 'string' },
    split: { type: 'string' },
    seed: { type: 'string' },
    folds: { type: 'string' },
    'include-synthetic': { type: 'boolean' },
    'no-search': { type: 'boolean' },
    'as-of': { type: 'string' },
    metric: { type: 'string' },
    shard: { type: 'string' },
    partials: { type: 'string' },
    merge: { type: 'boolean' },
  },
  run(ctx) {
    const sharded = shardMode(ctx);
    const specs = selectedDatasets(ctx);
    const options = trainOptions(ctx, specs);
    const tolerance = toleranceOpt(ctx, specs);
    const gateMetric = gateMetricOpt(ctx);
    return perDataset(ctx, specs, (spec) => {
      if (sharded) {
        runShardedTrain(ctx, spec, sharded.shard, sharded.partials);
        return EXIT.ok;
      }
      ctx.out(`${spec.name}: training…`);
      const r = trainDataset(ctx.ws, spec, {
        ...options,
        now: ctx.now,
        force: ctx.values.force === true,
        promote: ctx.values.promote === true,
        tolerance: toleranceFor(spec, tolerance),
        gateMetric: gateMetricFor('metric', spec, gateMetric),
        search: ctx.values['no-search'] !== true,
        progress: ctx.out,
        warn: (w) => (ctx.err ?? ctx.out)(`${spec.name}: warning: ${w}`),
      });
      if (r.skipped) ctx.out(`${spec.name}: skipped, ${r.skipped} ${retrainHint('cli')}`);
      else reportTrained(ctx, spec, r.entry!);
      return EXIT.ok;
    });
  },
};

/** An entry's holdout in one phrase: accuracy and macro-F1, or MAE, RMSE and R² with the label's unit. */
export function holdoutPhrase(e: RegistryEntry, unit?: string): string {
  const h = e.holdout;
  if (!isRegressionHoldout(h))
    return `holdout accuracy ${percent(h.accuracy)}, macro-F1 ${h.macroF1.toFixed(4)}`;
  const u = unit ? ` ${unit}` : '';
  return `holdout MAE ${h.mae.toFixed(4)}${u} (mean baseline ${h.baselineMae.toFixed(4)}), RMSE ${h.rmse.toFixed(4)}, R² ${h.r2.toFixed(4)}`;
}

function reportTrained(ctx: CommandContext, spec: DatasetSpec, e: RegistryEntry): void {
  ctx.out(
    `${spec.name}: v${e.version} ${e.algorithm} — ${holdoutPhrase(e, spec.label.unit)} → ${e.status}. ${e.decision}`,
  );
}

function runShardedTrain(
  ctx: CommandContext,
  spec: DatasetSpec,
  shard: Shard | null,
  partials: string,
): void {
  if (shard) {
    refuse(
      ctx,
      ['force', 'promote', 'tolerance', 'metric'],
      'the champion/challenger gate runs at --merge; give them there',
    );
    const r = trainShard(ctx.ws, spec, {
      ...trainOptions(ctx, [{ name: spec.name, spec }]),
      now: ctx.now,
      shard,
      partials,
    });
    ctx.out(
      `${spec.name}: shard ${shardText(shard)} read ${r.months.length} month(s)${r.months.length ? ` (${r.months.join(', ')})` : ''}: ${r.eligible} labelled rows, ${r.test} in the holdout → ${r.file}`,
    );
    return;
  }
  refuse(
    ctx,
    ['algorithm', 'split', 'seed', 'folds', 'include-synthetic', 'no-search', 'as-of'],
    'the training config comes from the partials; give it to the shards',
  );
  ctx.out(`${spec.name}: merging shards from ${partials}…`);
  const r = mergeTrainShards(ctx.ws, spec, {
    now: ctx.now,
    partials,
    force: ctx.values.force === true,
    promote: ctx.values.promote === true,
    tolerance: toleranceFor(spec, toleranceOpt(ctx, [spec])),
    gateMetric: gateMetricFor('metric', spec, gateMetricOpt(ctx)),
    progress: ctx.out,
  });
  if (r.skipped) ctx.out(`${spec.name}: skipped, ${r.skipped} ${retrainHint('cli')}`);
  else reportTrained(ctx, spec, r.entry!);
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary:
    'Mean holdout score over 5 seeded 80/20 splits that keep identical feature rows together (stratified accuracy for a classifier; shuffled, MAE/RMSE/R²/within-T for a regressor), per algorithm and for the pipeline; --peer runs scikit-learn on the same splits',
  usage:
    "evaluate [--dataset NAME|all] [--seeds N] [--algorithm NAME] [--by FEATURE] [--peer] [--json]\n       (--by: a regressor's figures per category of a categorical feature too, e.g. --by type)",
  options: {
    ...dataset,
    seeds: { type: 'string' },
    by: { type: 'string' },
    algorithm: { type: 'string' },
    peer: { type: 'boolean' },
    json: { type: 'boolean' },
    'no-pipeline': { type: 'boolean' },
  },
  run(ctx) {
    const seeds = Array.from({ length: intOpt(ctx, 'seeds', SEEDS) ?? 5 }, (_, i) => i);
    const specs = selectedDatasets(ctx).map(specOf);
    const familiesOf = familiesOption(ctx, specs);
    for (const spec of specs) familiesOf(spec);
    // Checked for every dataset before any work: a wrong --by stops the command at once.
    const breakDowns = new Map(specs.map((spec) => [spec.name, breakDownOption(ctx, spec)]));
    // Our honest splits first: scikit-learn gets the very same ones.
    const inputs: EvaluationInput[] = specs.map((spec) => {
      const fg = FeatureGroup.open(ctx.ws, spec);
      const data = trainingData(fg, fg.read(), false);
      return { spec, data, splits: seededSplits(data, seeds), by: breakDowns.get(spec.name) };
    });
    const peer = ctx.values.peer ? runPeer(ctx.ws.root, peerInput(inputs)) : null;
    const report: Record<string, unknown> = {};
    for (const input of inputs) {
      const { spec, data, splits } = input;
      const regression = data.task === 'regression';
      if (!ctx.values.json)
        ctx.out(
          `${spec.name}: ${data.rows.length} real labelled rows, ${splits.length} seeded ${regression ? 'shuffled' : 'stratified'} 80/20 splits that keep identical feature rows together${peer ? ` (${peer[spec.name].groups} distinct feature rows; scikit-learn on the same splits)` : ''}`,
        );
      const rows = evaluate(data, trainingConfig(spec, { now: ctx.now }), splits, {
        families: familiesOf(spec),
        pipeline: ctx.values['no-pipeline'] !== true,
        by: input.by,
        progress: ctx.values.json ? undefined : ctx.out,
      });
      const theirs = peer?.[spec.name];
      report[spec.name] = regression
        ? regressionReport(ctx, input, rows, theirs)
        : classificationReport(ctx, input, rows, theirs);
    }
    if (ctx.values.json) ctx.out(JSON.stringify(report, null, 2));
    return EXIT.ok;
  },
};

/** One dataset's evaluation: its real labelled rows, the seeded splits and the --by break-down. */
interface EvaluationInput {
  spec: DatasetSpec;
  data: ReturnType<typeof trainingData>;
  splits: SplitPositions;
  by: BreakDown | undefined;
}

/** --algorithm for evaluate: the families a dataset is evaluated with (all of its task's, or the one given). */
function familiesOption(ctx: CommandContext, specs: readonly DatasetSpec[]): (spec: DatasetSpec) => string[] {
  const chosen = algorithmOpt(
    ctx,
    specs.map((spec) => ({ name: spec.name, spec })),
  );
  return (spec) => {
    const names = algorithmsOf(taskOf(spec.label)).map((a) => a.name);
    if (chosen === undefined) return names;
    if (!names.includes(chosen))
      throw new UsageError(
        `--algorithm ${chosen} does not fit ${spec.name} (a ${taskOf(spec.label)} dataset: ${names.join(', ')})`,
      );
    return [chosen];
  };
}

/** --by FEATURE: a categorical feature of a regression dataset, whose categories break the figures down. */
function breakDownOption(ctx: CommandContext, spec: DatasetSpec): BreakDown | undefined {
  const name = stringOpt(ctx, 'by');
  if (name === undefined) return undefined;
  if (taskOf(spec.label) !== 'regression')
    throw new UsageError(
      `--by ${name}: ${spec.name} is a classification dataset; --by breaks down a regressor's figures`,
    );
  const f = featureSchema(spec).find((x) => x.name === name);
  const categorical = featureSchema(spec)
    .filter((x) => x.type === 'categorical')
    .map((x) => x.name);
  if (f?.type !== 'categorical')
    throw new UsageError(
      `--by ${name}: not a categorical feature of ${spec.name}${categorical.length ? ` (its categorical features: ${categorical.join(', ')})` : ' (it has none)'}`,
    );
  return { feature: name, categories: (f.categories ?? []).map((c) => c.value) };
}

/** What the peer reads on stdin: per dataset its splits (classification) or splits, tolerances and --by. */
function peerInput(inputs: readonly EvaluationInput[]): PeerInput {
  return Object.fromEntries(
    inputs.map((x) => [
      x.spec.name,
      x.data.task === 'regression'
        ? { splits: x.splits, tolerances: x.data.tolerances ?? [], ...(x.by ? { by: x.by.feature } : {}) }
        : x.splits,
    ]),
  );
}

/** A regressor's figures: the --json entry, printed (ours and the peer's) unless --json. */
function regressionReport(
  ctx: CommandContext,
  { spec, data, by }: EvaluationInput,
  rows: EvaluationRow[],
  peer: PeerResult | undefined,
): unknown {
  const entry = {
    rows: data.rows.length,
    task: 'regression',
    results: rows.map((r) => ({
      name: r.name,
      mean: meanRegressionMetrics(r.regression!),
      splits: r.regression,
      ...(r.byCategory
        ? {
            byCategory: Object.fromEntries(
              Object.entries(r.byCategory).map(([c, ms]) => [c, meanRegressionMetrics(ms)]),
            ),
          }
        : {}),
    })),
    peer: peer?.regression,
    ...(peer?.regressionBy ? { peerByCategory: peer.regressionBy } : {}),
  };
  if (ctx.values.json) return entry;
  printRegression(ctx, rows, peer?.regression, spec.label.unit);
  for (const c of by?.categories ?? []) {
    const sub = rows.map((r) => ({ ...r, regression: r.byCategory?.[c] ?? [] }));
    if (sub[0].regression.length === 0) continue;
    ctx.out(
      `  ${by!.feature} = ${c} (${Math.round(meanRegressionMetrics(sub[0].regression).rows)} holdout rows per split):`,
    );
    const theirs = peer?.regressionBy
      ? Object.fromEntries(Object.entries(peer.regressionBy).map(([family, byC]) => [family, byC[c] ?? []]))
      : undefined;
    printRegression(ctx, sub, theirs, spec.label.unit);
  }
  return entry;
}

/** A classifier's accuracy: the --json entry, printed (ours, the peer's and the difference) unless --json. */
function classificationReport(
  ctx: CommandContext,
  { data }: EvaluationInput,
  rows: EvaluationRow[],
  peer: PeerResult | undefined,
): unknown {
  const entry = {
    rows: data.rows.length,
    results: rows.map((r) => ({ name: r.name, mean: r.mean, accuracy: r.scores })),
    peer: peer?.accuracy,
  };
  if (ctx.values.json) return entry;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  ctx.out(`  ${'model'.padEnd(52)} ${'ours'.padStart(7)}${peer ? `  ${'sklearn'.padStart(7)}  diff` : ''}`);
  for (const r of rows) {
    const sk = peer?.accuracy?.[r.candidate.algorithm];
    const skMean = sk ? mean(sk) : undefined;
    ctx.out(
      `  ${r.name.padEnd(52)} ${r.mean.toFixed(4).padStart(7)}${skMean !== undefined && !r.name.startsWith('pipeline') ? `  ${skMean.toFixed(4).padStart(7)}  ${points(r.mean - skMean, 1, 'pt')}` : ''}`,
    );
  }
  for (const family of peer ? PEER_ONLY : []) {
    const sk = peer?.accuracy?.[family];
    if (sk && !rows.some((r) => r.candidate.algorithm === family))
      ctx.out(
        `  ${`(scikit-learn ${family}, for reference)`.padEnd(52)} ${''.padStart(7)}  ${mean(sk).toFixed(4).padStart(7)}`,
      );
  }
  return entry;
}

/** One split's regression metrics as the peer prints them (RegressionMetrics without the task tag). */
type PeerRegressionMetrics = Omit<RegressionMetrics, 'task'>;

/** Regression results, ours and (with --peer) scikit-learn's on the same splits, one line each. */
export function printRegression(
  ctx: CommandContext,
  rows: EvaluationRow[],
  peer: Record<string, PeerRegressionMetrics[]> | undefined,
  unit: string | undefined,
): void {
  const first = rows[0].regression![0];
  const tolerances = first.within.map((w) => w.tolerance);
  ctx.out(
    `  ${'model'.padEnd(44)} ${'by'.padEnd(7)} ${'MAE'.padStart(7)} ${'RMSE'.padStart(7)} ${'R²'.padStart(7)} ${'MedAE'.padStart(7)}${tolerances.map((t) => ` ${`≤${t}`.padStart(6)}`).join('')}${unit ? `   (${unit})` : ''}`,
  );
  const line = (name: string, by: string, m: RegressionMetrics) =>
    ctx.out(
      `  ${name.padEnd(44)} ${by.padEnd(7)} ${m.mae.toFixed(4).padStart(7)} ${m.rmse.toFixed(4).padStart(7)} ${m.r2.toFixed(4).padStart(7)} ${m.medianAbsoluteError.toFixed(4).padStart(7)}${m.within.map((w) => ` ${percent(w.accuracy).padStart(6)}`).join('')}`,
    );
  const ours = rows.map((r) => ({ r, mean: meanRegressionMetrics(r.regression!) }));
  const base = ours[0].mean;
  ctx.out(
    `  ${'predict the training mean (baseline)'.padEnd(44)} ${''.padEnd(7)} ${base.baselineMae.toFixed(4).padStart(7)} ${base.baselineRmse.toFixed(4).padStart(7)}`,
  );
  for (const { r, mean } of ours) {
    line(r.name, 'gitml', mean);
    const theirs = !r.name.startsWith('pipeline') ? peer?.[r.candidate.algorithm] : undefined;
    if (theirs?.length)
      line('', 'sklearn', meanRegressionMetrics(theirs.map((m) => ({ ...m, task: 'regression' }))));
  }
}

interface PeerResult {
  splits: number[][];
  /** Distinct feature rows, as pandas groups them. */
  groups: number;
  /** Classification: accuracy per family and split. */
  accuracy?: Record<string, number[]>;
  /** Regression: the metrics per family and split. */
  regression?: Record<string, PeerRegressionMetrics[]>;
  /** Regression with --by: the metrics per family, category and split. */
  regressionBy?: Record<string, Record<string, PeerRegressionMetrics[]>>;
}

/** scikit-learn families without a gitml algorithm of the same name, shown for reference. */
const PEER_ONLY = ['logistic-regression', 'hist-gradient-boosting'];

/**
 * Runs the scikit-learn peer on our splits: per dataset, the test positions of each split (classification)
 * or { splits, tolerances } (regression), on its stdin.
 */
type PeerInput = Record<
  string,
  SplitPositions | { splits: SplitPositions; tolerances: readonly number[]; by?: string }
>;

/** The peer script: part of the CLI (it is what --peer runs), beside its commands; never read from test/. */
const PEER_SCRIPT = 'actions/cli/peers/accuracy.py';

function runPeer(root: string, input: PeerInput): Record<string, PeerResult> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const script = [
    path.join(root, PEER_SCRIPT),
    path.join(here, '..', PEER_SCRIPT), // the bundle, dist/cli.js
    path.join(here, '../peers/accuracy.py'), // the source, actions/cli/commands/models.ts
  ].find(existsSync);
  if (!script) throw new Error(`--peer needs ${PEER_SCRIPT} (run from the repository)`);
  let out: string;
  try {
    out = execFileSync('/usr/bin/python3', [script, root, ...Object.keys(input)], {
      encoding: 'utf8',
      input: JSON.stringify(input),
      maxBuffer: 1 << 28,
      env: { ...process.env, OMP_NUM_THREADS: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    const last = stderr.split('\n').pop() || (err as Error).message.split('\n')[0];
    throw new Error(
      `--peer: ${script} failed (it needs /usr/bin/python3 with scikit-learn and pandas: apt-get install python3-sklearn python3-pandas): ${last}`,
    );
  }
  const result: Record<string, PeerResult> = JSON.parse(out.trim().split('\n').pop()!);
  for (const [name, given] of Object.entries(input)) {
    const ours = Array.isArray(given) ? given : given.splits;
    if (
      JSON.stringify(result[name]?.splits) !== JSON.stringify(ours.map((t) => [...t].sort((a, b) => a - b)))
    )
      throw new Error(`--peer: scikit-learn did not score ${name} on gitml's splits`);
  }
  return result;
}

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List the registry, show a version (model card), or find the best version by a metric',
  usage:
    'models list [--dataset NAME|all] | models show --dataset NAME [--version N] | models best --dataset NAME [--metric accuracy|macroF1|weightedF1 (classification, default macroF1) | mae|rmse|r2 (regression, default mae)]',
  options: { ...dataset, version: { type: 'string' }, metric: { type: 'string' } },
  run(ctx) {
    const sub = ctx.positionals[0] ?? 'list';
    if (sub === 'list') {
      return perDataset(ctx, selectedDatasets(ctx), (spec) => {
        const idx = new ModelRegistry(ctx.ws, spec.name).index();
        ctx.out(
          `${spec.name}: ${idx.versions.length} version(s), champion ${idx.champion ? `v${idx.champion}` : 'none'}`,
        );
        for (const v of idx.versions) {
          const h = v.holdout;
          const figures = isRegressionHoldout(h)
            ? `MAE ${h.mae.toFixed(4)}  RMSE ${h.rmse.toFixed(4)}  R² ${h.r2.toFixed(4)}`
            : `accuracy ${percent(h.accuracy).padStart(6)}  macro-F1 ${h.macroF1.toFixed(4)}`;
          ctx.out(
            `  v${v.version}  ${v.status.padEnd(10)} ${v.algorithm.padEnd(14)} ${figures}  ${v.createdAt}`,
          );
        }
        return EXIT.ok;
      });
    }
    const name = stringOpt(ctx, 'dataset');
    if (!name || name === 'all') throw new UsageError(`models ${sub} needs --dataset NAME`);
    const spec = ctx.ws.loadSpec(name);
    const reg = new ModelRegistry(ctx.ws, name);
    if (sub === 'show') {
      const v = intOpt(ctx, 'version', VERSION) ?? reg.index().champion;
      if (v === null || v === undefined) throw new Error(`${name}: no champion model — run train first`);
      reg.load(v);
      ctx.out(readFileSync(path.join(reg.versionDir(v), 'card.md'), 'utf8'));
      return EXIT.ok;
    }
    if (sub === 'best') {
      const task = taskOf(spec.label);
      const allowed = (Object.keys(RANKING_METRICS) as RankingMetric[]).filter(
        (m) => RANKING_METRICS[m].task === task,
      );
      const metric = (stringOpt(ctx, 'metric') ??
        (task === 'regression' ? 'mae' : 'macroF1')) as RankingMetric;
      if (!allowed.includes(metric))
        throw new UsageError(
          `--metric for ${name} (a ${task} dataset) must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, got '${metric}'`,
        );
      const b = reg.best(metric);
      if (!b) throw new Error(`${name}: no ${task} models with ${metric} yet`);
      const value = (b.holdout as unknown as Record<string, number>)[metric];
      ctx.out(
        `${name}: best by ${metric}${RANKING_METRICS[metric].higherIsBetter ? '' : ' (lower is better)'} is v${b.version} (${b.algorithm}, ${value.toFixed(4)}, ${b.status})`,
      );
      return EXIT.ok;
    }
    throw new UsageError(`models: unknown subcommand '${sub}' (list, show, best)`);
  },
};

export const promoteCommand: Command = {
  name: 'promote',
  summary: 'Make a model version the champion regardless of the gate',
  usage: 'promote --dataset NAME --version N',
  options: { dataset: { type: 'string', short: 'd' }, version: { type: 'string' } },
  run(ctx) {
    const name = stringOpt(ctx, 'dataset');
    const v = intOpt(ctx, 'version', VERSION);
    if (!name || name === 'all' || v === undefined)
      throw new UsageError('promote needs --dataset NAME and --version N');
    ctx.ws.loadSpec(name);
    const e = new ModelRegistry(ctx.ws, name).promote(
      v,
      `Promoted by hand at ${ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z')}.`,
    );
    ctx.out(`${name}: v${e.version} (${e.algorithm}) is the champion`);
    return EXIT.ok;
  },
};

export const predictCommand: Command = {
  name: 'predict',
  summary: "Predict one input with the champion: JSON by feature name (the model card's input example)",
  usage: 'predict --dataset NAME \'{"feature": value, …}\' [--version N] [--explain]',
  options: {
    dataset: { type: 'string', short: 'd' },
    version: { type: 'string' },
    explain: { type: 'boolean' },
  },
  run(ctx) {
    const name = stringOpt(ctx, 'dataset');
    if (!name || name === 'all') throw new UsageError('predict needs --dataset NAME');
    const spec = ctx.ws.loadSpec(name);
    const v = intOpt(ctx, 'version', VERSION);
    if (ctx.positionals.length !== 1)
      throw new UsageError(
        `predict needs one JSON object argument, e.g. '{"${spec.features[0].name}": …}'${ctx.positionals.length ? ` (got ${ctx.positionals.length}: quote the JSON)` : ''}`,
      );
    let raw: unknown;
    try {
      raw = JSON.parse(ctx.positionals[0]);
    } catch (err) {
      const problem = ctx.positionals[0].trim() === '' ? 'empty' : jsonSyntaxProblem(err, ctx.positionals[0]);
      throw new UsageError(
        `predict: the input is not a JSON object (${problem}), e.g. '{"${spec.features[0].name}": …}'`,
      );
    }
    // The spec's fills are the feature group's: a blank value is filled as ingest fills it.
    const fills = FeatureGroup.exists(ctx.ws, spec) ? FeatureGroup.open(ctx.ws, spec).meta.fill : {};
    const reg = new ModelRegistry(ctx.ws, name);
    const model = v !== undefined ? reg.load(v) : reg.requireChampion().model;
    const input = predictionInput(
      spec,
      fills,
      raw,
      model.features.map((f) => f.name),
    );
    const p = model.predictOne(input);
    if (model.task === 'regression') {
      const l = model.json.label;
      // As the prediction log keeps them (predicted-value.ts): the label's decimals + 2, shortest form.
      const round = (x: number | undefined) => (x === undefined ? x : Number(formatPredictedValue(x, l)));
      ctx.out(
        JSON.stringify({
          value: round(p.value),
          low: round(p.low),
          high: round(p.high),
          ...(l.unit ? { unit: l.unit } : {}),
          interval: '10th–90th percentile',
          ...(ctx.values.explain === true ? { explanation: explainPrediction(model, input) } : {}),
        }),
      );
      return EXIT.ok;
    }
    ctx.out(
      JSON.stringify({
        class: model.classes[p.classIndex].value,
        label: model.classes[p.classIndex].label,
        probabilities: Object.fromEntries(model.classes.map((c, i) => [c.value, p.probabilities[i]])),
        // --explain: why, with the numbers the predictor page shows (one implementation, explain/*).
        ...(ctx.values.explain === true ? { explanation: explainPrediction(model, input) } : {}),
      }),
    );
    return EXIT.ok;
  },
};
