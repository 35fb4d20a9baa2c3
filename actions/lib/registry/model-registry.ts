// The model registry in git: models/<dataset>/index.json lists every version and names the champion;
// models/<dataset>/v<N>/ holds model.json (the served model), metrics.json and card.md (lineage).
// Versions are numbered automatically; nothing is ever overwritten.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { GitmlError } from '../core/gitml-error.js';
import { parseJsonText, stableStringify } from '../core/json.js';
import { restoreWithGit } from '../features/group-integrity.js';
import { type FileWrite, writeFilesAtomically } from '../files/atomic-write.js';
import { readInputFile } from '../files/input-file.js';
import { sha256Hex } from '../files/sha256.js';
import type { Workspace } from '../files/workspace.js';
import { ServingModel } from '../models/serving-model.js';

export const REGISTRY_FORMAT = 'gitml.registry';

export class RegistryError extends GitmlError {
  override name = 'RegistryError';
}
const registryError = (message: string) => new RegistryError(message);

export type ModelStatus = 'champion' | 'challenger' | 'retired';

/** A classifier's holdout figures. baselineAccuracy: the majority-class share (absent in entries registered before it was kept). */
export interface ClassificationHoldout {
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  rows: number;
  baselineAccuracy?: number;
}

/** A regressor's holdout figures; baselineMae: the MAE of predicting the training mean. */
export interface RegressionHoldout {
  rows: number;
  mae: number;
  rmse: number;
  r2: number;
  medianAbsoluteError: number;
  baselineMae: number;
  within: { tolerance: number; accuracy: number }[];
}

export function isRegressionHoldout(h: ClassificationHoldout | RegressionHoldout): h is RegressionHoldout {
  return 'mae' in h;
}

/** The metrics `models best` and the gate rank by, and which way is better. */
export const RANKING_METRICS = {
  accuracy: { task: 'classification', higherIsBetter: true },
  macroF1: { task: 'classification', higherIsBetter: true },
  weightedF1: { task: 'classification', higherIsBetter: true },
  mae: { task: 'regression', higherIsBetter: false },
  rmse: { task: 'regression', higherIsBetter: false },
  r2: { task: 'regression', higherIsBetter: true },
} as const;
export type RankingMetric = keyof typeof RANKING_METRICS;

/** A ranking metric's holdout value of an entry; null when the entry is of the other task. */
export function holdoutValue(entry: RegistryEntry, metric: RankingMetric): number | null {
  const h = entry.holdout as unknown as Record<string, unknown>;
  const v = h[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export interface RegistryEntry {
  version: number;
  /** 'regression'; absent for classification (existing index bytes never change). */
  task?: 'regression';
  algorithm: string;
  status: ModelStatus;
  createdAt: string;
  featureGroupVersion: number;
  dataHash: string;
  configHash: string;
  holdout: ClassificationHoldout | RegressionHoldout;
  /** Why the gate kept it as a challenger, or how it became champion. */
  decision: string;
  /**
   * sha256 of model.json as registered; loading refuses a file that differs. Entries registered before
   * it was recorded get it at the registry's next write.
   */
  modelSha256?: string;
}

export interface RegistryIndex {
  format: typeof REGISTRY_FORMAT;
  formatVersion: 1;
  dataset: string;
  champion: number | null;
  versions: RegistryEntry[];
}

/**
 * Models decoded in this process, by the sha256 of their file's bytes: the daily's infer and monitor load
 * the same champion, and decoding a forest is most of loading it. Keyed by content, so an edited file is
 * decoded afresh; a model is never changed after loading. The few most recent are kept.
 */
const decodedModels = new Map<string, ServingModel>();
const DECODED_MODELS_KEPT = 8;

function rememberModel(sha: string, model: ServingModel): void {
  decodedModels.set(sha, model);
  if (decodedModels.size > DECODED_MODELS_KEPT) decodedModels.delete(decodedModels.keys().next().value!);
}

/** The champion version of each result's dataset (null: none yet), as the actions report it after a run. */
export function championVersions(
  ws: Workspace,
  results: readonly { dataset: string }[],
): Record<string, number | null> {
  return Object.fromEntries(
    results.map((r) => [r.dataset, new ModelRegistry(ws, r.dataset).index().champion]),
  );
}

export class ModelRegistry {
  constructor(
    readonly ws: Workspace,
    readonly dataset: string,
  ) {}

  get dir(): string {
    return path.join(this.ws.modelsDir, this.dataset);
  }
  get indexPath(): string {
    return path.join(this.dir, 'index.json');
  }
  versionDir(version: number): string {
    return path.join(this.dir, `v${version}`);
  }

  /** The index, or an empty one when the dataset has no models yet. A corrupt index is an error. */
  index(): RegistryIndex {
    if (!existsSync(this.indexPath))
      return {
        format: REGISTRY_FORMAT,
        formatVersion: 1,
        dataset: this.dataset,
        champion: null,
        versions: [],
      };
    const where = this.ws.rel(this.indexPath);
    const text = readInputFile(this.ws.root, this.indexPath).toString('utf8'); // never through a link
    const raw = parseJsonText(text, where, 'registry index', registryError) as RegistryIndex;
    const bad = (rule: string) => new RegistryError(`${where}: corrupt registry index, ${rule}`);
    if (typeof raw !== 'object' || raw === null || raw.format !== REGISTRY_FORMAT)
      throw bad(`format must be '${REGISTRY_FORMAT}'`);
    if (raw.dataset !== this.dataset) throw bad(`dataset '${raw.dataset}' is not '${this.dataset}'`);
    if (!Array.isArray(raw.versions)) throw bad("'versions' must be a list");
    raw.versions.forEach((v, i) => {
      if (!Number.isInteger(v?.version) || v.version !== i + 1)
        throw bad(`entry ${i + 1} must have version ${i + 1}`);
      if (!['champion', 'challenger', 'retired'].includes(v.status))
        throw bad(`v${v.version} has unknown status '${v.status}'`);
      if (v.modelSha256 !== undefined && !/^[0-9a-f]{64}$/.test(String(v.modelSha256)))
        throw bad(`v${v.version} has a modelSha256 that is not a sha256`);
    });
    if (
      raw.champion !== null &&
      !raw.versions.some((v) => v.version === raw.champion && v.status === 'champion')
    ) {
      throw bad(`champion v${raw.champion} is not a listed champion version`);
    }
    return raw;
  }

  entry(version: number): RegistryEntry {
    const e = this.index().versions.find((v) => v.version === version);
    if (!e) throw new RegistryError(`${this.dataset}: model v${version} does not exist`);
    return e;
  }

  modelPath(version: number): string {
    return path.join(this.versionDir(version), 'model.json');
  }

  /** Loads a version's model (validated, and checked against the sha256 the registry recorded). */
  load(version: number): ServingModel {
    const file = this.modelPath(version);
    const where = this.ws.rel(file);
    if (!existsSync(file)) throw new RegistryError(`${where}: missing`);
    const bytes = readInputFile(this.ws.root, file);
    const sha = sha256Hex(bytes);
    const recorded = this.index().versions.find((v) => v.version === version)?.modelSha256;
    if (recorded !== undefined && sha !== recorded)
      throw new RegistryError(
        `${where}: content does not match ${this.ws.rel(this.indexPath)} (sha256 differs): the model file was edited by hand; ${restoreWithGit(where)}`,
      );
    let model = decodedModels.get(sha);
    if (model === undefined) {
      const raw = parseJsonText(bytes.toString('utf8'), where, 'model file', registryError);
      model = ServingModel.load(raw, where);
      rememberModel(sha, model);
    }
    if (model.json.dataset !== this.dataset)
      throw new RegistryError(`${where}: is a model of '${model.json.dataset}', not '${this.dataset}'`);
    return model;
  }

  /** A version's metrics.json, or null when it is missing or unreadable (callers then go without). */
  private metricsOf(version: number): Record<string, unknown> | null {
    const file = path.join(this.versionDir(version), 'metrics.json');
    if (!existsSync(file)) return null;
    try {
      const parsed = JSON.parse(readInputFile(this.ws.root, file).toString('utf8'));
      return typeof parsed === 'object' && parsed !== null ? parsed : null;
    } catch {
      return null;
    }
  }

  /**
   * The ids of a version's holdout rows (metrics.json's split.testIds): the rows it never trained on.
   * null when the file is missing or does not list them (the gate then cannot tell which rows are fresh).
   */
  holdoutIds(version: number): number[] | null {
    const ids = (this.metricsOf(version)?.split as { testIds?: unknown } | undefined)?.testIds;
    return Array.isArray(ids) && ids.every((x) => Number.isInteger(x)) ? ids : null;
  }

  /**
   * The baseline of a version's holdout. Classification: the majority-class share, recorded in the index
   * since it was kept, read from metrics.json for versions registered before; null when neither has it.
   * Regression: the MAE of predicting the training mean.
   */
  holdoutBaseline(entry: RegistryEntry): number | null {
    if (isRegressionHoldout(entry.holdout)) return entry.holdout.baselineMae;
    if (entry.holdout.baselineAccuracy !== undefined) return entry.holdout.baselineAccuracy;
    const b = (this.metricsOf(entry.version)?.holdout as { baselineAccuracy?: unknown } | undefined)
      ?.baselineAccuracy;
    return typeof b === 'number' && Number.isFinite(b) ? b : null;
  }

  champion(): { entry: RegistryEntry; model: ServingModel } | null {
    const idx = this.index();
    if (idx.champion === null) return null;
    return { entry: this.entry(idx.champion), model: this.load(idx.champion) };
  }

  requireChampion(): { entry: RegistryEntry; model: ServingModel } {
    const c = this.champion();
    if (!c)
      throw new RegistryError(
        `${this.dataset}: no champion model in models/${this.dataset}/ — run train first`,
      );
    return c;
  }

  /** Writes a new version and the updated index in one atomic batch. */
  register(
    entry: Omit<RegistryEntry, 'version'>,
    files: { model: ServingModel; metrics: unknown; card: (version: number) => string },
  ): RegistryEntry {
    const idx = this.index();
    const version = idx.versions.length + 1;
    const modelText = stableStringify(files.model.toJSON());
    const full: RegistryEntry = { version, ...entry, modelSha256: sha256Hex(modelText) };
    const versions = this.withModelHashes(idx.versions).map((v) =>
      full.status === 'champion' && v.status === 'champion' ? { ...v, status: 'retired' as const } : v,
    );
    versions.push(full);
    const next: RegistryIndex = {
      ...idx,
      versions,
      champion: full.status === 'champion' ? version : idx.champion,
    };
    const dir = this.versionDir(version);
    const writes: FileWrite[] = [
      { path: path.join(dir, 'model.json'), content: modelText },
      { path: path.join(dir, 'metrics.json'), content: stableStringify(files.metrics) },
      { path: path.join(dir, 'card.md'), content: files.card(version) },
      { path: this.indexPath, content: stableStringify(next) },
    ];
    writeFilesAtomically(writes);
    return full;
  }

  /** Makes a version the champion (forced: no gate), retiring the previous one. */
  promote(version: number, reason: string): RegistryEntry {
    const idx = this.index();
    const target = idx.versions.find((v) => v.version === version);
    if (!target)
      throw new RegistryError(
        `${this.dataset}: model v${version} does not exist (versions: ${idx.versions.map((v) => `v${v.version}`).join(', ') || 'none'})`,
      );
    this.load(version); // refuse to promote a corrupt model file
    if (idx.champion === version) return target;
    const versions = this.withModelHashes(idx.versions).map((v) =>
      v.version === version
        ? { ...v, status: 'champion' as const, decision: reason }
        : v.status === 'champion'
          ? { ...v, status: 'retired' as const }
          : v,
    );
    writeFilesAtomically([
      { path: this.indexPath, content: stableStringify({ ...idx, versions, champion: version }) },
    ]);
    return versions.find((v) => v.version === version)!;
  }

  /**
   * Entries registered before model hashes were recorded get the sha256 of their model.json if it loads
   * as a valid model: the upgrade happens at the registry's next write.
   */
  private withModelHashes(versions: RegistryEntry[]): RegistryEntry[] {
    return versions.map((v) => {
      if (v.modelSha256 !== undefined || !existsSync(this.modelPath(v.version))) return v;
      try {
        this.load(v.version);
      } catch {
        return v; // a broken file is not blessed with a hash; loading it keeps failing with its own error
      }
      return { ...v, modelSha256: sha256Hex(readInputFile(this.ws.root, this.modelPath(v.version))) };
    });
  }

  /** Records the missing model hashes now (the one-off upgrade of a registry written before them). */
  recordModelHashes(): number {
    const idx = this.index();
    const versions = this.withModelHashes(idx.versions);
    const added = versions.filter((v, i) => v !== idx.versions[i]).length;
    if (added > 0)
      writeFilesAtomically([{ path: this.indexPath, content: stableStringify({ ...idx, versions }) }]);
    return added;
  }

  /**
   * The version with the best holdout value of a metric (higher, or lower for MAE and RMSE; ties: the
   * newest), among the versions that have it; null when none has.
   */
  best(metric: RankingMetric): RegistryEntry | null {
    const higher = RANKING_METRICS[metric].higherIsBetter;
    let best: { entry: RegistryEntry; value: number } | null = null;
    for (const entry of this.index().versions) {
      const value = holdoutValue(entry, metric);
      if (value === null) continue;
      if (!best || (higher ? value >= best.value : value <= best.value)) best = { entry, value };
    }
    return best?.entry ?? null;
  }
}
