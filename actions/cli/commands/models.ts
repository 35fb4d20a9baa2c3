// Model commands: train, evaluate, models (list | show | best), promote, predict.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../../lib/did-you-mean.js';
import { evaluate, type SplitPositions, seededSplits } from '../../lib/evaluation.js';
import { explainPrediction } from '../../lib/explain/explain-prediction.js';
import { FeatureGroup } from '../../lib/feature-group.js';
import { jsonSyntaxProblem } from '../../lib/json.js';
import type { RegistryEntry } from '../../lib/model-registry.js';
import { ModelRegistry } from '../../lib/model-registry.js';
import { ALGORITHMS } from '../../lib/models/algorithms.js';
import { FOLDS, SEED, SEEDS, TOLERANCE, VERSION } from '../../lib/option-bounds.js';
import { trainDataset, trainingConfig, trainingData } from '../../lib/pipelines/train.js';
import { mergeTrainShards, trainShard } from '../../lib/pipelines/train-shards.js';
import { predictionInput } from '../../lib/predict-input.js';
import { type Shard, shardText } from '../../lib/sharding.js';
import type { DatasetSpec } from '../../lib/spec.js';
import { SPLIT_KINDS, type SplitKind } from '../../lib/training.js';
import {
  asOfOpt,
  type Command,
  type CommandContext,
  DATASET_OPTION,
  EXIT,
  intOpt,
  numberOpt,
  perDataset,
  selectedDatasets,
  stringOpt,
  UsageError,
} from '../command.js';
import { refuse, shardMode } from './shard-options.js';

const dataset = DATASET_OPTION;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function splitOpt(v: string | undefined): SplitKind | undefined {
  if (v === undefined || (SPLIT_KINDS as readonly string[]).includes(v)) return v as SplitKind | undefined;
  throw new UsageError(`--split must be one of ${SPLIT_KINDS.join(', ')}, got '${v}'`);
}

/** --algorithm NAME, one of the algorithms (with a did-you-mean for a typo). */
function algorithmOpt(ctx: CommandContext): string | undefined {
  const v = stringOpt(ctx, 'algorithm');
  const names = ALGORITHMS.map((a) => a.name);
  if (v !== undefined && !names.includes(v))
    throw new UsageError(`--algorithm must be one of ${names.join(', ')}, got '${v}'${didYouMean(v, names)}`);
  return v;
}

/** The training options train and train --shard share, checked before any work. */
function trainOptions(ctx: CommandContext) {
  return {
    algorithm: algorithmOpt(ctx),
    split: splitOpt(stringOpt(ctx, 'split')),
    seed: intOpt(ctx, 'seed', SEED.min, SEED.max),
    folds: intOpt(ctx, 'folds', FOLDS.min, FOLDS.max),
    includeSynthetic: ctx.values['include-synthetic'] === true,
    asOf: asOfOpt(ctx),
  };
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train, cross-validate and register a model per dataset behind the champion/challenger gate',
  usage:
    'train [--dataset NAME|all] [--algorithm gaussian-nb|knn|random-forest|logistic-regression] [--force] [--promote] [--tolerance F1] [--split stratified|time|hash] [--seed N] [--folds K] [--include-synthetic] [--no-search] [--as-of REV|DATE]\n' +
    '       train --shard i/n --partials DIR [--dataset NAME|all] [--seed N] [--include-synthetic]   (gaussian-nb statistics of shard i of n)\n' +
    '       train --merge --partials DIR [--dataset NAME|all] [--force] [--promote] [--tolerance F1]   (merge all n shards, register as train --algorithm gaussian-nb --no-search --split hash would)',
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
    shard: { type: 'string' },
    partials: { type: 'string' },
    merge: { type: 'boolean' },
  },
  run(ctx) {
    const sharded = shardMode(ctx);
    const options = trainOptions(ctx);
    const tolerance = numberOpt(ctx, 'tolerance', TOLERANCE.min, TOLERANCE.max);
    return perDataset(ctx, selectedDatasets(ctx), (spec) => {
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
        tolerance,
        search: ctx.values['no-search'] !== true,
        progress: ctx.out,
        warn: (w) => (ctx.err ?? ctx.out)(`${spec.name}: warning: ${w}`),
      });
      if (r.skipped) ctx.out(`${spec.name}: skipped, ${r.skipped}`);
      else reportTrained(ctx, spec, r.entry!);
      return EXIT.ok;
    });
  },
};

function reportTrained(ctx: CommandContext, spec: DatasetSpec, e: RegistryEntry): void {
  ctx.out(
    `${spec.name}: v${e.version} ${e.algorithm} — holdout accuracy ${pct(e.holdout.accuracy)}, macro-F1 ${e.holdout.macroF1.toFixed(4)} → ${e.status}. ${e.decision}`,
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
      ['force', 'promote', 'tolerance'],
      'the champion/challenger gate runs at --merge; give them there',
    );
    const r = trainShard(ctx.ws, spec, { ...trainOptions(ctx), now: ctx.now, shard, partials });
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
    tolerance: numberOpt(ctx, 'tolerance', TOLERANCE.min, TOLERANCE.max),
    progress: ctx.out,
  });
  if (r.skipped) ctx.out(`${spec.name}: skipped, ${r.skipped}`);
  else reportTrained(ctx, spec, r.entry!);
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary:
    'Mean holdout accuracy over 5 seeded stratified 80/20 splits that keep identical feature rows together, per algorithm and for the pipeline; --peer runs scikit-learn on the same splits',
  usage: 'evaluate [--dataset NAME|all] [--seeds N] [--algorithm NAME] [--peer] [--json]',
  options: {
    ...dataset,
    seeds: { type: 'string' },
    algorithm: { type: 'string' },
    peer: { type: 'boolean' },
    json: { type: 'boolean' },
    'no-pipeline': { type: 'boolean' },
  },
  run(ctx) {
    const seeds = Array.from({ length: intOpt(ctx, 'seeds', SEEDS.min, SEEDS.max) ?? 5 }, (_, i) => i);
    const chosen = algorithmOpt(ctx);
    const families = chosen ? [chosen] : ALGORITHMS.map((a) => a.name);
    const specs = ctx.ws.selectDatasets(stringOpt(ctx, 'dataset')!);
    // Our honest splits first: scikit-learn gets the very same ones.
    const inputs = specs.map((spec) => {
      const fg = FeatureGroup.open(ctx.ws, spec);
      const data = trainingData(fg, fg.read(), false);
      return { spec, data, splits: seededSplits(data, seeds) };
    });
    const peer = ctx.values.peer
      ? runPeer(ctx.ws.root, Object.fromEntries(inputs.map((x) => [x.spec.name, x.splits])))
      : null;
    const report: Record<string, unknown> = {};
    for (const { spec, data, splits } of inputs) {
      if (!ctx.values.json)
        ctx.out(
          `${spec.name}: ${data.rows.length} real labelled rows, ${splits.length} seeded stratified 80/20 splits that keep identical feature rows together${peer ? ` (${peer[spec.name].groups} distinct feature rows; scikit-learn on the same splits)` : ''}`,
        );
      const rows = evaluate(data, trainingConfig(spec, { now: ctx.now }), splits, {
        families,
        pipeline: ctx.values['no-pipeline'] !== true,
        progress: ctx.values.json ? undefined : ctx.out,
      });
      report[spec.name] = {
        rows: data.rows.length,
        results: rows.map((r) => ({ name: r.name, mean: r.mean, accuracy: r.accuracy })),
        peer: peer?.[spec.name].accuracy,
      };
      if (ctx.values.json) continue;
      ctx.out(
        `  ${'model'.padEnd(52)} ${'ours'.padStart(7)}${peer ? `  ${'sklearn'.padStart(7)}  diff` : ''}`,
      );
      for (const r of rows) {
        const sk = peer?.[spec.name].accuracy[r.candidate.algorithm];
        const skMean = sk ? sk.reduce((s, x) => s + x, 0) / sk.length : undefined;
        ctx.out(
          `  ${r.name.padEnd(52)} ${r.mean.toFixed(4).padStart(7)}${skMean !== undefined && !r.name.startsWith('pipeline') ? `  ${skMean.toFixed(4).padStart(7)}  ${((r.mean - skMean) * 100).toFixed(1)} pt` : ''}`,
        );
      }
      if (peer) {
        for (const family of PEER_ONLY) {
          const sk = peer[spec.name].accuracy[family];
          if (sk && !rows.some((r) => r.candidate.algorithm === family))
            ctx.out(
              `  ${`(scikit-learn ${family}, for reference)`.padEnd(52)} ${''.padStart(7)}  ${(sk.reduce((s, x) => s + x, 0) / sk.length).toFixed(4).padStart(7)}`,
            );
        }
      }
    }
    if (ctx.values.json) ctx.out(JSON.stringify(report, null, 2));
    return EXIT.ok;
  },
};

interface PeerResult {
  splits: number[][];
  /** Distinct feature rows, as pandas groups them. */
  groups: number;
  accuracy: Record<string, number[]>;
}

/** scikit-learn families without a gitml algorithm of the same name, shown for reference. */
const PEER_ONLY = ['logistic-regression', 'hist-gradient-boosting'];

/** Runs the scikit-learn peer on our splits (test positions per dataset, on its stdin). */
function runPeer(root: string, splits: Record<string, SplitPositions>): Record<string, PeerResult> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const script = [
    path.join(root, 'test/bench/peers/accuracy.py'),
    path.join(here, '../test/bench/peers/accuracy.py'),
  ].find(existsSync);
  if (!script) throw new Error('--peer needs test/bench/peers/accuracy.py (run from the repository)');
  let out: string;
  try {
    out = execFileSync('/usr/bin/python3', [script, root, ...Object.keys(splits)], {
      encoding: 'utf8',
      input: JSON.stringify(splits),
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
  for (const [name, ours] of Object.entries(splits)) {
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
    'models list [--dataset NAME|all] | models show --dataset NAME [--version N] | models best --dataset NAME [--metric accuracy|macroF1|weightedF1]',
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
          ctx.out(
            `  v${v.version}  ${v.status.padEnd(10)} ${v.algorithm.padEnd(14)} accuracy ${pct(v.holdout.accuracy).padStart(6)}  macro-F1 ${v.holdout.macroF1.toFixed(4)}  ${v.createdAt}`,
          );
        }
        return EXIT.ok;
      });
    }
    const name = stringOpt(ctx, 'dataset');
    if (!name || name === 'all') throw new UsageError(`models ${sub} needs --dataset NAME`);
    ctx.ws.loadSpec(name);
    const reg = new ModelRegistry(ctx.ws, name);
    if (sub === 'show') {
      const v = intOpt(ctx, 'version', VERSION.min, VERSION.max) ?? reg.index().champion;
      if (v === null || v === undefined) throw new Error(`${name}: no champion model — run train first`);
      reg.load(v);
      ctx.out(readFileSync(path.join(reg.versionDir(v), 'card.md'), 'utf8'));
      return EXIT.ok;
    }
    if (sub === 'best') {
      const metric = (stringOpt(ctx, 'metric') ?? 'macroF1') as 'accuracy' | 'macroF1' | 'weightedF1';
      if (!['accuracy', 'macroF1', 'weightedF1'].includes(metric))
        throw new UsageError(`--metric must be accuracy, macroF1 or weightedF1`);
      const b = reg.best(metric);
      if (!b) throw new Error(`${name}: no models yet`);
      ctx.out(
        `${name}: best by ${metric} is v${b.version} (${b.algorithm}, ${b.holdout[metric].toFixed(4)}, ${b.status})`,
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
    const v = intOpt(ctx, 'version', VERSION.min, VERSION.max);
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
    const v = intOpt(ctx, 'version', VERSION.min, VERSION.max);
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
