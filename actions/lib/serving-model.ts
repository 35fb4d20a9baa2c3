// A trained model as it is served: feature view + estimator + classes, in one named, versioned JSON
// (gitml.model v1). The same class runs in the CLI, the actions and the browser predictor.
// Platform-neutral.
import { checkValue } from './clean.js';
import { applyFeatureView, type FeatureViewJSON } from './feature-view.js';
import { loadEstimator } from './models/algorithms.js';
import { type Classifier, type EstimatorJSON, type Matrix, ModelFormatError } from './models/types.js';
import type { Category, FeatureSchema } from './spec.js';

export const MODEL_FORMAT = 'gitml.model';
export const MODEL_FORMAT_VERSION = 1;

export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  dataset: string;
  algorithm: string;
  params: Record<string, number | string | boolean>;
  label: { name: string; title: string; classes: Category[] };
  view: FeatureViewJSON;
  estimator: EstimatorJSON;
}

export class SchemaMismatchError extends Error {
  override name = 'SchemaMismatchError';
}

export interface Prediction {
  classIndex: number;
  probabilities: number[];
}

export class ServingModel {
  private constructor(
    readonly json: ModelJSON,
    readonly estimator: Classifier,
  ) {}

  static create(
    parts: Omit<ModelJSON, 'format' | 'version' | 'estimator'>,
    estimator: Classifier,
  ): ServingModel {
    return new ServingModel(
      { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, ...parts, estimator: estimator.toJSON() },
      estimator,
    );
  }

  /**
   * Validates a parsed model file; a corrupt or foreign file is a ModelFormatError naming `where`.
   * options.lazy is for a page that predicts a row at a time: a forest stays in its stored bytes and is
   * walked (RandomForestLoadOptions). The pipeline loads whole, which also checks every byte.
   */
  static load(raw: unknown, where = 'model', options: { lazy?: boolean } = {}): ServingModel {
    const bad = (rule: string) => new ModelFormatError(`${where}: ${rule}`);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('not a JSON object');
    const m = raw as Partial<ModelJSON>;
    if (m.format !== MODEL_FORMAT)
      throw bad(`format ${JSON.stringify(m.format ?? null)} is not '${MODEL_FORMAT}' (not a gitml model)`);
    if (m.version !== MODEL_FORMAT_VERSION)
      throw bad(`format version ${m.version} is not supported (expected ${MODEL_FORMAT_VERSION})`);
    if (typeof m.dataset !== 'string' || typeof m.algorithm !== 'string')
      throw bad('dataset and algorithm are required');
    if (!m.label || !Array.isArray(m.label.classes) || m.label.classes.length < 2)
      throw bad('label.classes must list at least two classes');
    const v = m.view;
    if (!v || !Array.isArray(v.features) || !Array.isArray(v.columns) || v.columns.length === 0)
      throw bad('view.features and view.columns are required');
    const names = new Set(v.features.map((f) => f.name));
    for (const c of v.columns) {
      if (!names.has(c.feature)) throw bad(`view column reads unknown feature '${c.feature}'`);
      if (!Number.isFinite(c.center) || !Number.isFinite(c.scale) || c.scale === 0)
        throw bad(`view column '${c.feature}' has invalid center/scale`);
    }
    let estimator: Classifier;
    try {
      estimator = loadEstimator(m.estimator, options);
    } catch (err) {
      throw bad(`estimator: ${(err as Error).message}`);
    }
    if (estimator.nClasses !== m.label.classes.length)
      throw bad(`estimator has ${estimator.nClasses} classes, label lists ${m.label.classes.length}`);
    return new ServingModel(m as ModelJSON, estimator);
  }

  get classes(): Category[] {
    return this.json.label.classes;
  }
  get features(): FeatureSchema[] {
    return this.json.view.features;
  }

  /**
   * Checks that a feature group's schema still has every feature this model reads, with the same type
   * and categories; throws naming the first feature that does not match.
   */
  checkSchema(schema: readonly FeatureSchema[], where: string): void {
    for (const f of this.features) {
      const g = schema.find((x) => x.name === f.name);
      if (!g)
        throw new SchemaMismatchError(
          `${where}: the model reads feature '${f.name}', which the feature group does not have`,
        );
      if (g.type !== f.type)
        throw new SchemaMismatchError(
          `${where}: feature '${f.name}' is ${g.type} in the feature group but ${f.type} in the model`,
        );
      const a = (g.categories ?? []).map((c) => c.value).join('|');
      const b = (f.categories ?? []).map((c) => c.value).join('|');
      if (a !== b)
        throw new SchemaMismatchError(
          `${where}: feature '${f.name}' has categories ${a} in the feature group but ${b} in the model`,
        );
    }
  }

  /** Matrix for rows of a feature table (columns in `schema` order, categorical as codes). */
  matrixFor(
    schema: readonly FeatureSchema[],
    columns: readonly ArrayLike<number>[],
    nRows: number,
    rows?: readonly number[],
  ): Matrix {
    const index = new Map(schema.map((f, j) => [f.name, j]));
    return applyFeatureView(this.json.view, (name) => columns[index.get(name)!], nRows, rows);
  }

  predictProba(X: Matrix): Float64Array {
    return this.estimator.predictProba(X);
  }

  /**
   * Predicts one input given as text or numbers by feature name (the browser form, the CLI).
   * Throws a RangeError naming the feature for a missing, non-numeric, out-of-range or unknown value.
   */
  predictOne(input: Record<string, string | number>): Prediction {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new RangeError('the input must be an object by feature name');
    const cols = this.features.map((f) => {
      const raw: unknown = input[f.name];
      if (raw !== undefined && raw !== null && typeof raw !== 'string' && typeof raw !== 'number')
        throw new RangeError(`'${f.name}' = ${JSON.stringify(raw)} is not a number or text`);
      const text = typeof raw === 'number' ? String(raw) : ((raw as string | null | undefined) ?? '').trim();
      // The same rules as every stored row (checkValue): a number, in the valid range, a known category.
      const reason = checkValue(f, text);
      if (reason) throw new RangeError(reason);
      if (f.type === 'categorical') return [(f.categories ?? []).findIndex((c) => c.value === text)];
      return [Number(text)];
    });
    const X = this.matrixFor(this.features, cols, 1);
    const p = this.predictProba(X);
    const probabilities = Array.from(p);
    let best = 0;
    for (let c = 1; c < probabilities.length; c++) if (probabilities[c] > probabilities[best]) best = c;
    return { classIndex: best, probabilities };
  }

  toJSON(): ModelJSON {
    return this.json;
  }
}
