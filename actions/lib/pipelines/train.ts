// train: reads a feature group (optionally as of a revision), selects and fits a model, and registers it
// behind the champion/challenger gate. Skips when the training data and config equal the champion's.
import { createHash } from 'node:crypto';
import { FeatureGroup, isoSeconds } from '../feature-group.js';
import { type FeatureTable, SOURCES, valueText } from '../feature-table.js';
import { fileSourceAsOf } from '../file-source.js';
import { headCommit, isInsideWorkTree } from '../git.js';
import { stableStringify } from '../json.js';
import { classificationMetrics } from '../metrics.js';
import { modelCard } from '../model-card.js';
import { ModelRegistry, type ModelStatus, type RegistryEntry } from '../model-registry.js';
import { algorithm as algorithmByName } from '../models/algorithms.js';
import { RandomForest } from '../models/random-forest.js';
import { SchemaMismatchError } from '../serving-model.js';
import type { DatasetSpec } from '../spec.js';
import {
  DEFAULT_TRAINING,
  predictRows,
  type TrainingConfig,
  type TrainingData,
  type TrainingOutcome,
  train,
} from '../training.js';
import { CODE_VERSION } from '../version.js';
import type { Workspace } from '../workspace.js';

export interface TrainOptions {
  now: Date;
  algorithm?: string;
  /** Train even when data and config equal the champion's. */
  force?: boolean;
  /** Make the new model champion whatever the gate says. */
  promote?: boolean;
  /** The new model may be this much worse in macro-F1 and still become champion. */
  tolerance?: number;
  split?: 'stratified' | 'time';
  seed?: number;
  folds?: number;
  includeSynthetic?: boolean;
  /** false: skip cross-validation and fit the default parameters (the spec's algorithm unless given). */
  search?: boolean;
  asOf?: string;
  progress?: (msg: string) => void;
}

export interface TrainResult {
  dataset: string;
  skipped?: string;
  entry?: RegistryEntry;
  outcome?: TrainingOutcome;
  previousChampion?: { version: number; accuracy: number; macroF1: number } | null;
}

export function trainingConfig(
  spec: DatasetSpec,
  opts: TrainOptions,
): TrainingConfig & { includeSynthetic: boolean } {
  if (opts.algorithm) algorithmByName(opts.algorithm); // unknown algorithm: fail before reading anything
  const tolerance = opts.tolerance ?? 0;
  if (!(tolerance >= 0)) throw new RangeError('--tolerance must be ≥ 0');
  const search = opts.search ?? true;
  const algorithm = opts.algorithm ?? (search ? undefined : spec.model.algorithm);
  return {
    ...DEFAULT_TRAINING,
    ...(algorithm ? { algorithm } : {}),
    search,
    split: opts.split ?? DEFAULT_TRAINING.split,
    seed: opts.seed ?? DEFAULT_TRAINING.seed,
    folds: opts.folds ?? DEFAULT_TRAINING.folds,
    includeSynthetic: opts.includeSynthetic ?? false,
  };
}

/** Training rows: labelled, and real unless synthetic rows are asked for. */
export function trainingData(fg: FeatureGroup, table: FeatureTable, includeSynthetic: boolean): TrainingData {
  const synthetic = SOURCES.indexOf('synthetic');
  const rows: number[] = [];
  for (let i = 0; i < table.rows; i++) {
    if (table.labels[i] >= 0 && (includeSynthetic || table.sources[i] !== synthetic)) rows.push(i);
  }
  const index = new Map(fg.meta.features.map((f, j) => [f.name, j]));
  return {
    dataset: fg.spec.name,
    schema: fg.meta.features,
    label: fg.meta.label,
    get: (name) => table.columns[index.get(name)!],
    labels: table.labels,
    eventTimes: table.eventTimes,
    rows,
  };
}

/** sha256 of the training rows' ids, labels and feature values, in row order. */
export function dataHashOf(table: FeatureTable, rows: readonly number[]): string {
  const p = table.columns.length;
  const buf = new Float64Array(rows.length * (p + 2));
  rows.forEach((i, r) => {
    const o = r * (p + 2);
    buf[o] = table.ids[i];
    buf[o + 1] = table.labels[i];
    for (let j = 0; j < p; j++) buf[o + 2 + j] = table.columns[j][i];
  });
  return createHash('sha256').update(new Uint8Array(buf.buffer)).digest('hex');
}

export function trainDataset(ws: Workspace, spec: DatasetSpec, opts: TrainOptions): TrainResult {
  const config = trainingConfig(spec, opts);
  const registry = new ModelRegistry(ws, spec.name);
  const index = registry.index(); // a corrupt index fails here, before any work
  const files = fileSourceAsOf(ws.root, opts.asOf);
  const fg = FeatureGroup.open(ws, spec, { files });
  const table = fg.read();
  const data = trainingData(fg, table, config.includeSynthetic);
  const dataHash = dataHashOf(table, data.rows);
  const configHash = createHash('sha256').update(stableStringify(config)).digest('hex').slice(0, 16);
  const champion = index.champion !== null ? registry.champion() : null;
  if (
    champion &&
    !opts.force &&
    champion.entry.dataHash === dataHash &&
    champion.entry.configHash === configHash
  ) {
    return {
      dataset: spec.name,
      skipped: `training data and config are unchanged since champion v${champion.entry.version} (use --force to retrain)`,
    };
  }
  const outcome = train(data, config, opts.progress);

  // Champion/challenger gate on the same holdout rows.
  let previousChampion: TrainResult['previousChampion'] = null;
  let status: ModelStatus = 'champion';
  let decision = 'First model of this dataset.';
  if (champion) {
    try {
      champion.model.checkSchema(fg.meta.features, `champion v${champion.entry.version}`);
      const pred = predictRows(champion.model, data, outcome.test);
      const m = classificationMetrics(
        Int32Array.from(outcome.test, (i) => data.labels[i]),
        pred,
        fg.meta.label.classes.map((c) => c.value),
      );
      previousChampion = { version: champion.entry.version, accuracy: m.accuracy, macroF1: m.macro.f1 };
      const tol = opts.tolerance ?? 0;
      const ok = outcome.holdout.macro.f1 + tol >= m.macro.f1;
      status = ok ? 'champion' : 'challenger';
      decision = ok
        ? `Macro-F1 ${outcome.holdout.macro.f1.toFixed(4)} ≥ champion v${champion.entry.version}'s ${m.macro.f1.toFixed(4)} on the same holdout${tol ? ` (tolerance ${tol})` : ''}: promoted.`
        : `Kept as challenger: macro-F1 ${outcome.holdout.macro.f1.toFixed(4)} < champion v${champion.entry.version}'s ${m.macro.f1.toFixed(4)} on the same holdout${tol ? ` (tolerance ${tol})` : ''}.`;
    } catch (err) {
      if (!(err instanceof SchemaMismatchError)) throw err;
      decision = `Champion v${champion.entry.version} cannot read this feature group (${err.message}): replaced.`;
    }
  }
  if (opts.promote && status !== 'champion') {
    status = 'champion';
    decision = `Promoted by request (--promote). ${decision}`;
  }

  const bySource: Record<string, number> = {};
  for (const i of data.rows)
    bySource[SOURCES[table.sources[i]]] = (bySource[SOURCES[table.sources[i]]] ?? 0) + 1;
  const git = isInsideWorkTree(ws.root) ? headCommit(ws.root) : null;
  const model = outcome.model;
  const importances =
    model.estimator instanceof RandomForest
      ? aggregateImportances(
          model.json.view.columns.map((c) => c.feature),
          model.estimator.featureImportances(),
        )
      : undefined;
  const example: Record<string, string> = {};
  const first = outcome.test[0];
  for (const f of model.features) example[f.name] = valueText(f, data.get(f.name)[first]);
  const entry = registry.register(
    {
      algorithm: model.json.algorithm,
      status,
      createdAt: isoSeconds(opts.now),
      featureGroupVersion: fg.meta.version,
      dataHash,
      configHash,
      holdout: {
        accuracy: outcome.holdout.accuracy,
        macroF1: outcome.holdout.macro.f1,
        weightedF1: outcome.holdout.weighted.f1,
        rows: outcome.holdout.rows,
      },
      decision,
    },
    {
      model,
      metrics: {
        dataset: spec.name,
        algorithm: model.json.algorithm,
        params: model.json.params,
        holdout: outcome.holdout,
        previousChampion,
        crossValidation: outcome.cv.map((c) => ({
          algorithm: c.algorithm,
          params: c.params,
          minAbsCorrelation: c.minAbsCorrelation,
          meanAccuracy: c.meanAccuracy,
          foldAccuracy: c.foldAccuracy,
        })),
        correlations: model.json.view.correlations,
        ...(importances ? { featureImportances: importances } : {}),
        split: {
          kind: config.split,
          seed: config.seed,
          testFraction: config.testFraction,
          train: outcome.train.length,
          test: outcome.test.length,
          testIds: outcome.test.map((i) => table.ids[i]),
        },
      },
      card: (version) =>
        modelCard(
          {
            dataset: spec.name,
            version,
            algorithm: model.json.algorithm,
            params: model.json.params,
            trainedAt: isoSeconds(opts.now),
            codeVersion: `gitml ${CODE_VERSION}`,
            featureGroup: { version: fg.meta.version, path: fg.dir, asOf: files.description },
            gitCommit: git,
            dataHash,
            configHash,
            rows: {
              eligible: data.rows.length,
              train: outcome.train.length,
              test: outcome.test.length,
              bySource,
            },
            split: {
              kind: config.split,
              seed: config.seed,
              testFraction: config.testFraction,
              folds: config.folds,
            },
            status,
            decision,
          },
          {
            holdout: outcome.holdout,
            cv: outcome.cv,
            chosen: outcome.chosen,
            correlations: model.json.view.correlations,
            features: model.features,
            classes: fg.meta.label.classes.map((c) => c.value),
            inputExample: example,
            importances,
            champion: previousChampion,
          },
        ),
    },
  );
  return { dataset: spec.name, entry, outcome, previousChampion };
}

function aggregateImportances(features: string[], values: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  features.forEach((f, j) => {
    out[f] = (out[f] ?? 0) + values[j];
  });
  for (const k of Object.keys(out)) out[k] = Number(out[k].toFixed(6));
  return out;
}
