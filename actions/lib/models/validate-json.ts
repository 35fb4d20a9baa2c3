// Checks for estimator `load(json)`: a model file may be corrupt, hand-edited or from another tool, so
// every field is verified before use and each failure names the model, the field and the rule broken.
import { ModelFormatError } from './types.js';

export type JsonObject = Record<string, unknown>;

/** Bounds a number must respect; all optional, checked after "finite". */
export interface NumberRule {
  min?: number;
  /** Strictly greater than this. */
  above?: number;
  max?: number;
  integer?: boolean;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function ruleText(rule: NumberRule): string {
  const parts = [rule.integer ? 'an integer' : 'a finite number'];
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return parts.join(' ');
}

function obeys(value: unknown, rule: NumberRule): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (rule.integer && !Number.isInteger(value)) return false;
  if (rule.min !== undefined && value < rule.min) return false;
  if (rule.above !== undefined && value <= rule.above) return false;
  if (rule.max !== undefined && value > rule.max) return false;
  return true;
}

export function readObject(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelFormatError(`${what}: expected a JSON object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

/** The object itself once its `format` and `version` are the expected ones. */
export function checkFormat(json: unknown, format: string, version: number): JsonObject {
  const obj = readObject(json, `${format} model`);
  if (obj.format !== format) {
    throw new ModelFormatError(`${format} model: "format" must be "${format}", got ${describe(obj.format)}`);
  }
  if (obj.version !== version) {
    throw new ModelFormatError(
      `${format} model: "version" must be ${version} (the only version this code reads), got ${describe(obj.version)}`,
    );
  }
  return obj;
}

export function readNumber(obj: JsonObject, key: string, what: string, rule: NumberRule = {}): number {
  const value = obj[key];
  if (!obeys(value, rule)) {
    throw new ModelFormatError(`${what}: "${key}" must be ${ruleText(rule)}, got ${describe(value)}`);
  }
  return value;
}

export function readInteger(obj: JsonObject, key: string, what: string, rule: NumberRule = {}): number {
  return readNumber(obj, key, what, { ...rule, integer: true });
}

export function readChoice<T extends string>(
  obj: JsonObject,
  key: string,
  what: string,
  allowed: readonly T[],
): T {
  const value = obj[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ModelFormatError(
      `${what}: "${key}" must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as T;
}

function readArray(obj: JsonObject, key: string, what: string, length: number): unknown[] {
  const value = obj[key];
  if (!Array.isArray(value) || value.length !== length) {
    throw new ModelFormatError(
      `${what}: "${key}" must be an array of ${length} numbers, got ${describe(value)}`,
    );
  }
  return value;
}

function fill(
  values: unknown[],
  out: Float64Array | Int32Array,
  at: number,
  label: string,
  what: string,
  rule: NumberRule,
) {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!obeys(v, rule)) {
      throw new ModelFormatError(`${what}: ${label}[${i}] must be ${ruleText(rule)}, got ${describe(v)}`);
    }
    out[at + i] = v;
  }
}

/** A flat array of exactly `length` numbers obeying `rule`. */
export function readNumbers(
  obj: JsonObject,
  key: string,
  what: string,
  length: number,
  rule: NumberRule = {},
): Float64Array {
  const out = new Float64Array(length);
  fill(readArray(obj, key, what, length), out, 0, key, what, rule);
  return out;
}

/** A flat array of exactly `length` integers obeying `rule`. */
export function readIntegers(
  obj: JsonObject,
  key: string,
  what: string,
  length: number,
  rule: NumberRule = {},
): Int32Array {
  const out = new Int32Array(length);
  fill(readArray(obj, key, what, length), out, 0, key, what, { ...rule, integer: true });
  return out;
}

/** An array of `rows` arrays of `cols` numbers each, returned flattened row-major. */
export function readNumberRows(
  obj: JsonObject,
  key: string,
  what: string,
  rows: number,
  cols: number,
  rule: NumberRule = {},
): Float64Array {
  const value = obj[key];
  if (!Array.isArray(value) || value.length !== rows) {
    throw new ModelFormatError(`${what}: "${key}" must be an array of ${rows} rows, got ${describe(value)}`);
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = value[r];
    const label = `${key}[${r}]`;
    if (!Array.isArray(row) || row.length !== cols) {
      throw new ModelFormatError(
        `${what}: ${label} must be an array of ${cols} numbers, got ${describe(row)}`,
      );
    }
    fill(row, out, r * cols, label, what, rule);
  }
  return out;
}
