// Dataset specs: the one place that knows a dataset. A spec is YAML on disk (data/<name>/dataset.yml);
// this module validates the parsed object and derives the feature-group schema from it.
// Browser-safe: the browser predictor receives the same spec as JSON.

import { didYouMean } from '../core/did-you-mean.js';
import { GitmlError } from '../core/gitml-error.js';
import { isIsoInstant, parseCalendarDate } from '../core/time.js';
import { ALGORITHMS } from '../models/algorithms.js';
import { REGRESSION_ALGORITHMS } from '../models/regressors.js';
import { CSV_DELIMITERS, type SourceFormat } from './source-format.js';
import { checkSpecText, formatProblem, type SpecProblem } from './spec-check.js';
import { MAX_ROWS_PER_DAY, META_COLUMNS } from './spec-shape.js';

export { MAX_ROWS_PER_DAY, META_COLUMNS };

export type FeatureType = 'numeric' | 'categorical';

export interface Category {
  value: string;
  label: string;
}

/** A feature as stored in the feature group and shown in the UI. */
export interface FeatureSchema {
  name: string;
  title: string;
  type: FeatureType;
  unit?: string;
  /** Numeric: inclusive valid range; values outside are quarantined. */
  range?: [number, number];
  /** Numeric: decimals kept when writing generated values. */
  decimals?: number;
  /** Categorical: allowed values with human labels, in code order. */
  categories?: Category[];
}

export type MissingRule = 'reject' | 'median' | 'mode';

export interface FeatureSpec extends FeatureSchema {
  /** Column in the raw source (defaults to name). */
  column: string;
  missing: MissingRule;
  /** Name of a derived categorical feature that records whether the value was missing. */
  missingFlag?: string;
  /** The predictor's field group (a heading over related inputs, e.g. 'Mean values'); presentation only. */
  group?: string;
}

/** categorical: classification (the default); numeric: regression. */
export type LabelType = 'categorical' | 'numeric';
export type Task = 'classification' | 'regression';

export interface LabelSpec {
  column: string;
  name: string;
  title: string;
  type: LabelType;
  /** Categorical: the classes, at least two, in code order. Numeric: empty. */
  classes: Category[];
  /** Numeric: unit shown beside a value (e.g. 'points'). */
  unit?: string;
  /** Numeric: inclusive valid range; a label outside it is quarantined. */
  range?: [number, number];
  /** Numeric: decimals kept when writing generated or predicted values. */
  decimals?: number;
  /**
   * Numeric: the tolerances T of "accuracy within T" (the share of predictions within T of the actual);
   * default [0.5, 1] for a whole-number label (decimals 0), none otherwise. Categorical: empty.
   */
  tolerances: number[];
}

/** The task a label makes: a numeric label is regression, anything else classification. */
export function taskOf(label: { type?: LabelType }): Task {
  return label.type === 'numeric' ? 'regression' : 'classification';
}

export interface GeneratorSpec {
  rowsPerDay: number;
  /** Pseudo-count that pulls a class's covariance towards the pooled one (tiny classes). */
  shrinkage: number;
  /** Optional drift for demos: numeric means move by this many standard deviations per day after start. */
  drift?: { start: string; sdPerDay: number };
}

/** Where the raw file is and how to read it (csv-format.ts): the defaults are a plain comma CSV with a header. */
export interface SourceSpec extends SourceFormat {
  file: string;
  citation: string;
  dropColumns: string[];
}

export interface DatasetSpec {
  name: string;
  title: string;
  description: string;
  /** dropColumns: raw columns that are known but not features (identifiers, free text). */
  source: SourceSpec;
  /** Column of the raw file that identifies a row; absent: rows are numbered from 1 in source order. */
  primaryKey: { column?: string };
  eventTime: { column?: string; fixed?: string };
  label: LabelSpec;
  features: FeatureSpec[];
  generator: GeneratorSpec;
  model: { algorithm: string; params: Record<string, number | string | boolean> };
  /**
   * accuracyThreshold (classification): alert below this rolling 30-day accuracy (default: champion's
   * holdout − 0.15). maeMargin (regression): alert when the rolling 30-day MAE exceeds the champion's
   * holdout MAE by more than this, in the label's unit (default: 25% of the holdout MAE).
   */
  monitoring: { accuracyThreshold?: number; maeMargin?: number };
}

export class SpecError extends GitmlError {
  override name = 'SpecError';
  /** Every problem found (one for the errors thrown while building a checked spec). */
  readonly problems: readonly string[];
  constructor(message: string, problems?: readonly string[]) {
    super(message);
    this.problems = problems ?? [message];
  }
}

/**
 * A spec from its YAML text: checked strictly first (every problem at once, with file:line:column), then
 * built. `file` names the file in messages; `folder` is the dataset folder, which `name` must equal.
 */
export function parseSpecText(text: string, file: string, folder?: string): DatasetSpec {
  const { raw, problems } = checkSpecText(text, { folder });
  if (problems.length > 0) throw specProblems(file, problems);
  return parseSpec(raw, file);
}

/** One SpecError for a list of problems: the first on the first line, all of them below. */
export function specProblems(file: string, problems: readonly SpecProblem[]): SpecError {
  const lines = problems.map((p) => formatProblem(file, p));
  const message =
    lines.length === 1
      ? lines[0]
      : `${file}: ${lines.length} problems (run gitml validate to list them again):\n${lines.map((l) => `  ${l}`).join('\n')}`;
  return new SpecError(message, lines);
}

const NAME = /^[a-z][a-z0-9_]*$/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Obj, key: string, where: string, fallback?: string): string {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || v.trim() === '')
    throw new SpecError(`${where}: '${key}' must be a non-empty string`);
  return v;
}

function num(o: Obj, key: string, where: string, fallback: number): number {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new SpecError(`${where}: '${key}' must be a finite number`);
  return v;
}

function categories(v: unknown, where: string): Category[] {
  if (!Array.isArray(v) || v.length < 1)
    throw new SpecError(`${where}: 'categories' must be a non-empty list`);
  const seen = new Set<string>();
  return v.map((c, i) => {
    const at = `${where} category ${i + 1}`;
    if (!isObj(c)) throw new SpecError(`${at}: must be { value, label }`);
    const value = String(c.value ?? '');
    if (value === '') throw new SpecError(`${at}: 'value' must be non-empty`);
    // Values are stored codes: no CSV quoting is ever needed for them (the label shows the pretty text).
    if (/[",\r\n]/.test(value))
      throw new SpecError(`${at}: value '${value}' must not contain a comma, quote or line break`);
    if (seen.has(value)) throw new SpecError(`${at}: value '${value}' is listed twice`);
    seen.add(value);
    return { value, label: typeof c.label === 'string' ? c.label : value };
  });
}

function feature(f: unknown, i: number, where: string): FeatureSpec {
  const at = `${where} feature ${i + 1}`;
  if (!isObj(f)) throw new SpecError(`${at}: must be a mapping`);
  const name = str(f, 'name', at);
  if (!NAME.test(name)) throw new SpecError(`${at}: name '${name}' must be lower_snake_case`);
  const type = f.type;
  if (type !== 'numeric' && type !== 'categorical') {
    throw new SpecError(`${at} '${name}': type must be 'numeric' or 'categorical'`);
  }
  const missing = (f.missing ?? 'reject') as MissingRule;
  if (!['reject', 'median', 'mode'].includes(missing)) {
    throw new SpecError(`${at} '${name}': missing must be reject, median or mode`);
  }
  const out: FeatureSpec = {
    name,
    column: str(f, 'column', at, name),
    title: str(f, 'title', at, name),
    type,
    missing,
  };
  if (typeof f.unit === 'string') out.unit = f.unit;
  if (f.group !== undefined) out.group = str(f, 'group', `${at} '${name}'`);
  if (typeof f.missingFlag === 'string') {
    if (!NAME.test(f.missingFlag))
      throw new SpecError(`${at} '${name}': missingFlag must be lower_snake_case`);
    out.missingFlag = f.missingFlag;
  }
  if (type === 'numeric') {
    if (missing === 'mode')
      throw new SpecError(`${at} '${name}': numeric features fill with median, not mode`);
    const r = f.range;
    if (
      !Array.isArray(r) ||
      r.length !== 2 ||
      !r.every((x) => typeof x === 'number' && Number.isFinite(x)) ||
      r[0] > r[1]
    ) {
      throw new SpecError(`${at} '${name}': range must be [min, max] with min ≤ max`);
    }
    out.range = [r[0], r[1]];
    const d = num(f, 'decimals', at, 6);
    if (!Number.isInteger(d) || d < 0 || d > 12)
      throw new SpecError(`${at} '${name}': decimals must be 0–12`);
    out.decimals = d;
  } else {
    if (missing === 'median')
      throw new SpecError(`${at} '${name}': categorical features fill with mode, not median`);
    out.categories = categories(f.categories, `${at} '${name}'`);
  }
  return out;
}

/** Validates a parsed spec object; `where` names the file in every error. */
export function parseSpec(raw: unknown, where: string): DatasetSpec {
  if (!isObj(raw)) throw new SpecError(`${where}: must be a YAML mapping`);
  const name = str(raw, 'name', where);
  if (!NAME.test(name)) throw new SpecError(`${where}: name '${name}' must be lower_snake_case`);
  const src = raw.source;
  if (!isObj(src)) throw new SpecError(`${where}: 'source' must be { file, citation }`);
  const pk = isObj(raw.primaryKey) ? raw.primaryKey : {};
  const et = raw.eventTime;
  if (!isObj(et) || (typeof et.column !== 'string') === (typeof et.fixed !== 'string')) {
    throw new SpecError(`${where}: eventTime must have exactly one of 'column' or 'fixed'`);
  }
  if (typeof et.fixed === 'string' && !isIsoInstant(et.fixed)) {
    throw new SpecError(
      `${where}: eventTime.fixed '${et.fixed}' must be UTC ISO-8601 like 2026-01-31T00:00:00Z`,
    );
  }
  const lab = raw.label;
  if (!isObj(lab)) throw new SpecError(`${where}: 'label' must be a mapping`);
  const labelName = str(lab, 'name', `${where} label`);
  if (!NAME.test(labelName))
    throw new SpecError(`${where} label: name '${labelName}' must be lower_snake_case`);
  const label = labelOf(lab, labelName, `${where} label`);
  if (!Array.isArray(raw.features) || raw.features.length === 0) {
    throw new SpecError(`${where}: 'features' must be a non-empty list`);
  }
  const features = raw.features.map((f, i) => feature(f, i, where));
  const names = new Set<string>(META_COLUMNS);
  for (const n of [
    ...features.flatMap((f) => [f.name, ...(f.missingFlag ? [f.missingFlag] : [])]),
    labelName,
  ]) {
    if (names.has(n)) throw new SpecError(`${where}: column name '${n}' is used twice or is reserved`);
    names.add(n);
  }
  const gen = isObj(raw.generator) ? raw.generator : {};
  const generator: GeneratorSpec = {
    rowsPerDay: num(gen, 'rowsPerDay', `${where} generator`, 1),
    shrinkage: num(gen, 'shrinkage', `${where} generator`, 10),
  };
  if (
    !Number.isInteger(generator.rowsPerDay) ||
    generator.rowsPerDay < 1 ||
    generator.rowsPerDay > MAX_ROWS_PER_DAY
  ) {
    throw new SpecError(
      `${where} generator: rowsPerDay must be a whole number from 1 to ${MAX_ROWS_PER_DAY}, got ${generator.rowsPerDay}`,
    );
  }
  if (isObj(gen.drift)) {
    const start = str(gen.drift, 'start', `${where} generator.drift`);
    try {
      parseCalendarDate(start, `${where} generator.drift: start`);
    } catch (err) {
      throw new SpecError((err as Error).message);
    }
    generator.drift = { start, sdPerDay: num(gen.drift, 'sdPerDay', `${where} generator.drift`, 0.05) };
  }
  const model = isObj(raw.model) ? raw.model : {};
  const regression = taskOf(label) === 'regression';
  const algorithm = str(model, 'algorithm', `${where} model`, regression ? 'ridge' : 'gaussian-nb');
  const algorithmNames = (regression ? REGRESSION_ALGORITHMS : ALGORITHMS).map((a) => a.name);
  if (!algorithmNames.includes(algorithm))
    throw new SpecError(
      `${where} model: algorithm '${algorithm}' is not one of ${algorithmNames.join(', ')}${didYouMean(algorithm, algorithmNames)}`,
    );
  const params = isObj(model.params) ? (model.params as Record<string, number | string | boolean>) : {};
  return {
    name,
    title: str(raw, 'title', where, name),
    description: str(raw, 'description', where, ''),
    source: {
      file: str(src, 'file', `${where} source`),
      citation: str(src, 'citation', `${where} source`, ''),
      dropColumns: Array.isArray(src.dropColumns) ? src.dropColumns.map(String) : [],
      ...sourceFormatOf(src, `${where} source`),
    },
    primaryKey: typeof pk.column === 'string' ? { column: pk.column } : {},
    eventTime: typeof et.column === 'string' ? { column: et.column } : { fixed: et.fixed as string },
    label,
    features,
    generator,
    model: { algorithm, params },
    monitoring: monitoringOf(raw.monitoring, `${where} monitoring`),
  };
}

/** The optional reading keys of `source` (written by `gitml init` for files that are not plain comma CSVs). */
function sourceFormatOf(src: Obj, where: string): SourceFormat {
  const out: SourceFormat = {};
  if (src.delimiter !== undefined) {
    if (typeof src.delimiter !== 'string' || !CSV_DELIMITERS.includes(src.delimiter))
      throw new SpecError(`${where}: delimiter must be one of ',' ';' '|' or a tab ("\\t")`);
    if (src.delimiter !== ',') out.delimiter = src.delimiter;
  }
  if (src.decimal !== undefined) {
    if (src.decimal !== '.' && src.decimal !== ',')
      throw new SpecError(`${where}: decimal must be '.' or ','`);
    if (src.decimal === ',') {
      if ((out.delimiter ?? ',') === ',')
        throw new SpecError(`${where}: decimal ',' needs a delimiter other than ','`);
      out.decimal = ',';
    }
  }
  if (src.skipLines !== undefined) {
    const n = src.skipLines;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 1000)
      throw new SpecError(`${where}: skipLines must be a whole number from 0 to 1000`);
    if (n > 0) out.skipLines = n;
  }
  if (src.columns !== undefined) {
    const c = src.columns;
    if (!Array.isArray(c) || c.length === 0 || !c.every((x) => typeof x === 'string' && x.trim() !== ''))
      throw new SpecError(
        `${where}: columns (the names of a file without a header row) must be a non-empty list of names`,
      );
    const dup = c.find((x, i) => c.indexOf(x) !== i);
    if (dup !== undefined) throw new SpecError(`${where}: columns lists '${dup}' twice`);
    out.columns = c as string[];
  }
  if (src.missingValues !== undefined) {
    const m = src.missingValues;
    if (!Array.isArray(m) || !m.every((x) => typeof x === 'string' && x.trim() !== ''))
      throw new SpecError(
        `${where}: missingValues (cell texts that mean a blank, like NA) must be a list of texts`,
      );
    if (m.length) out.missingValues = m as string[];
  }
  return out;
}

/** The label: a class list (classification) or a numeric value with its unit, range and decimals (regression). */
function labelOf(lab: Obj, name: string, where: string): LabelSpec {
  const common = { column: str(lab, 'column', where), name, title: str(lab, 'title', where, name) };
  const type = lab.type ?? 'categorical';
  if (type !== 'categorical' && type !== 'numeric')
    throw new SpecError(`${where}: type must be 'categorical' (classification) or 'numeric' (regression)`);
  if (type === 'categorical') {
    const classes = categories(lab.classes, where);
    if (classes.length < 2) throw new SpecError(`${where}: at least two classes are needed`);
    return { ...common, type, classes, tolerances: [] };
  }
  if (lab.classes !== undefined)
    throw new SpecError(
      `${where}: a numeric label (regression) has no classes: remove 'classes', or set type: categorical`,
    );
  const out: LabelSpec = { ...common, type, classes: [], tolerances: [] };
  if (lab.unit !== undefined) out.unit = str(lab, 'unit', where);
  if (lab.range !== undefined) {
    const r = lab.range;
    if (
      !Array.isArray(r) ||
      r.length !== 2 ||
      !r.every((x) => typeof x === 'number' && Number.isFinite(x)) ||
      r[0] >= r[1]
    )
      throw new SpecError(`${where}: range must be [low, high] with low < high`);
    out.range = [r[0], r[1]];
  }
  if (lab.decimals !== undefined) {
    const d = lab.decimals;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 12)
      throw new SpecError(`${where}: decimals must be a whole number from 0 to 12`);
    out.decimals = d;
  }
  if (lab.tolerances !== undefined) {
    const t = lab.tolerances;
    if (!Array.isArray(t) || !t.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0))
      throw new SpecError(`${where}: tolerances must be a list of positive numbers`);
    out.tolerances = [...new Set(t as number[])].sort((a, b) => a - b);
  } else if (out.decimals === 0) {
    out.tolerances = [0.5, 1];
  }
  return out;
}

function monitoringOf(v: unknown, where: string): DatasetSpec['monitoring'] {
  if (v === undefined) return {};
  if (!isObj(v)) throw new SpecError(`${where}: must be a mapping`);
  const out: DatasetSpec['monitoring'] = {};
  if (v.accuracyThreshold !== undefined) {
    const t = num(v, 'accuracyThreshold', where, 0);
    if (t < 0 || t > 1) throw new SpecError(`${where}: accuracyThreshold must be between 0 and 1`);
    out.accuracyThreshold = t;
  }
  if (v.maeMargin !== undefined) {
    const m = num(v, 'maeMargin', where, 0);
    if (m < 0) throw new SpecError(`${where}: maeMargin must be zero or more (in the label's unit)`);
    out.maeMargin = m;
  }
  return out;
}

/** The stored feature schema: spec features plus derived was-missing flags, in stored column order. */
export function featureSchema(spec: DatasetSpec): FeatureSchema[] {
  const out: FeatureSchema[] = [];
  for (const f of spec.features) {
    // The group is presentation, not schema: regrouping fields never changes a stored feature group.
    const { column: _c, missing: _m, missingFlag, group: _g, ...schema } = f;
    out.push(schema);
    if (missingFlag) {
      out.push({
        name: missingFlag,
        title: `${f.title} was unknown`,
        type: 'categorical',
        categories: [
          { value: '0', label: 'No' },
          { value: '1', label: 'Yes' },
        ],
      });
    }
  }
  return out;
}
