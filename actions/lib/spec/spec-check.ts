// Strict checking of a dataset.yml text: every problem at once, each with its file:line:column, the key
// as the user writes it (label.classes, features #3 (age).range) and a "did you mean" for a misspelt key.
// The structure comes from SPEC_SHAPE (the same description the JSON Schema is generated from); the
// rules a schema cannot say (min ≤ max, names used twice, real calendar days) are checked after it.
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { didYouMean, nearestName } from '../core/did-you-mean.js';
import { parseCalendarDate } from '../core/time.js';
import { ALGORITHMS } from '../models/algorithms.js';
import { REGRESSION_ALGORITHMS } from '../models/regressors.js';
import { algorithmsFor, META_COLUMNS, type ObjectShape, type Shape, SPEC_SHAPE } from './spec-shape.js';

export type SpecPath = readonly (string | number)[];

export interface SpecProblem {
  path: SpecPath;
  /** 1-based; absent when the text is not at hand (a spec given as an object). */
  line?: number;
  column?: number;
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a spec's text. `folder`: the dataset folder's name, which `name` must equal. Returns the parsed
 * value (undefined when the YAML itself is broken) and every problem, in file order.
 */
export function checkSpecText(
  text: string,
  opts: { folder?: string } = {},
): {
  raw: unknown;
  problems: SpecProblem[];
  locate: (path: SpecPath) => { line: number; column: number } | null;
} {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const { line, col } = lines.linePos(e.pos[0]);
      return { path: [], line, column: col, message: `not valid YAML: ${e.message.split('\n')[0]}` };
    });
    return { raw: undefined, problems, locate: () => null };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return {
      raw: undefined,
      problems: [{ path: [], line: 1, column: 1, message: `not valid YAML: ${(err as Error).message}` }],
      locate: () => null,
    };
  }
  const locate = (path: SpecPath) => positionOf(doc.contents, path, doc, lines);
  const problems = checkSpecValue(raw, opts).map((p) => ({ ...p, ...locate(p.path) }));
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { raw, problems, locate };
}

/** Checks a parsed spec (no positions): the structure, then the rules between keys. */
export function checkSpecValue(raw: unknown, opts: { folder?: string } = {}): SpecProblem[] {
  const problems: SpecProblem[] = [];
  walk(SPEC_SHAPE, raw, [], raw, problems);
  if (isObj(raw)) crossChecks(raw, opts, problems);
  return problems;
}

/** "file:line:column: message", or "file: message" without a position. */
export function formatProblem(file: string, p: SpecProblem): string {
  return `${file}${p.line ? `:${p.line}:${p.column}` : ''}: ${p.message}`;
}

/** A path as the user writes it: `label.classes #2.value`, `features #3 (age).range`. */
export function displayPath(path: SpecPath, root: unknown): string {
  let out = '';
  let node: unknown = root;
  for (const seg of path) {
    if (typeof seg === 'number') {
      const item = Array.isArray(node) ? node[seg] : undefined;
      const name = isObj(item) && typeof item.name === 'string' ? ` (${item.name})` : '';
      out += ` #${seg + 1}${name}`;
    } else {
      out += out === '' ? seg : `.${seg}`;
    }
    node = isObj(node) ? node[seg as string] : Array.isArray(node) ? node[seg as number] : undefined;
  }
  return out === '' ? 'the spec' : out.trim();
}

// ——— structure ———

function walk(shape: Shape, v: unknown, path: SpecPath, root: unknown, out: SpecProblem[]): void {
  if (shape.kind === 'object') {
    walkObject(shape, v, path, root, out);
    return;
  }
  const problem = valueProblem(shape, v, root);
  if (problem) out.push({ path, message: `${displayPath(path, root)}: ${problem}` });
  if (shape.kind === 'list' && Array.isArray(v))
    v.forEach((item, i) => {
      walk(shape.items, item, [...path, i], root, out);
    });
}

/** What is wrong with a value of a scalar or list shape (its items aside), or null. */
function valueProblem(shape: Exclude<Shape, ObjectShape>, v: unknown, root: unknown): string | null {
  switch (shape.kind) {
    case 'text':
      if (typeof v !== 'string')
        return `must be ${shape.patternRule ?? 'text'}, got ${kindOf(v)}${quoteHint(v)}`;
      if (shape.pattern && !new RegExp(shape.pattern).test(v))
        return `'${v}' is not ${shape.patternRule ?? `like ${shape.pattern}`}`;
      return null;
    case 'code':
      return (typeof v === 'string' ? v !== '' : typeof v === 'number' && Number.isFinite(v))
        ? null
        : `must be non-empty text or a number, got ${kindOf(v)}`;
    case 'choice': {
      if (typeof v === 'string' && shape.unsupported?.[v]) return shape.unsupported[v];
      if (typeof v === 'string' && shape.values.includes(v)) return null;
      const values = shape.fitting?.(root) ?? shape.values;
      const allowed = values.length === 1 ? `'${values[0]}'` : `one of ${values.join(', ')}`;
      return typeof v === 'string'
        ? `'${v}' is not ${allowed}${didYouMean(v, values)}`
        : `must be ${allowed}, got ${kindOf(v)}`;
    }
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return `must be a number, got ${kindOf(v)}`;
      const { minimum: min, maximum: max } = shape;
      const bounds =
        min !== undefined && max !== undefined
          ? ` from ${min} to ${max}`
          : min !== undefined
            ? ` ≥ ${min}`
            : max !== undefined
              ? ` ≤ ${max}`
              : '';
      const bad =
        (shape.integer && !Number.isInteger(v)) ||
        (min !== undefined && v < min) ||
        (max !== undefined && v > max);
      return bad ? `must be ${shape.integer ? 'a whole number' : 'a number'}${bounds}, got ${v}` : null;
    }
    case 'boolean':
      return typeof v === 'boolean' ? null : `must be true or false, got ${kindOf(v)}`;
    case 'list': {
      if (!Array.isArray(v)) return `must be a list, got ${kindOf(v)}`;
      const { minItems: min, maxItems: max } = shape;
      if (min !== undefined && min === max && v.length !== min)
        return `must have exactly ${min} items, got ${v.length}`;
      if (min !== undefined && v.length < min)
        return `must have at least ${min} item${min > 1 ? 's' : ''}, got ${v.length}`;
      if (max !== undefined && v.length > max) return `must have at most ${max} items, got ${v.length}`;
      return null;
    }
  }
}

/** The keys an object may have given its variant (e.g. a numeric feature), and which are required. */
export function effectiveObject(
  shape: ObjectShape,
  v: unknown,
): {
  fields: Record<string, Shape>;
  required: string[];
  forbidden: Map<string, string>;
} {
  // An absent key selects the case of its default (model.algorithm: gaussian-nb).
  const key = shape.variants?.key;
  const value = key !== undefined && isObj(v) ? (v[key] ?? shape.fields[key]?.default) : undefined;
  const variant = shape.variants && value !== undefined ? shape.variants.cases[String(value)] : undefined;
  const forbidden = new Map<string, string>();
  if (shape.variants && variant) {
    const { cases } = shape.variants;
    for (const f of variant.forbidden ?? []) {
      const where = Object.entries(cases)
        .filter(([, c]) => !c.forbidden?.includes(f))
        .map(([value]) => value);
      forbidden.set(
        f,
        variant.forbiddenWhy?.[f] ??
          `'${f}' applies only when ${key} is ${where.join(' or ')} (here ${key} is ${String(value)})`,
      );
    }
  }
  return {
    fields: { ...shape.fields, ...variant?.fields },
    required: [...(shape.required ?? []), ...(variant?.required ?? [])],
    forbidden,
  };
}

function walkObject(shape: ObjectShape, v: unknown, path: SpecPath, root: unknown, out: SpecProblem[]): void {
  const where = displayPath(path, root);
  const { fields, required, forbidden } = effectiveObject(shape, v);
  if (!isObj(v)) {
    out.push({
      path,
      message: `${where}: must be a mapping (${keyList(fields, required)}), got ${kindOf(v)}`,
    });
    return;
  }
  // A value we do not support yet (label.type: numeric) explains itself; the rest would only be noise.
  for (const [k, f] of Object.entries(fields)) {
    if (f.kind === 'choice' && typeof v[k] === 'string' && f.unsupported?.[v[k] as string]) {
      walk(f, v[k], [...path, k], root, out);
      return;
    }
  }
  const allowed = Object.fromEntries(Object.entries(fields).filter(([k]) => !forbidden.has(k)));
  const known = Object.keys(allowed);
  const suggested = new Set<string>();
  for (const k of Object.keys(v)) {
    const at = [...path, k];
    if (forbidden.has(k)) out.push({ path: at, message: `${displayPath(at, root)}: ${forbidden.get(k)}` });
    else if (!(k in fields)) {
      const near = nearestName(k, known);
      if (near && !(near in v)) suggested.add(near);
      // With a suggestion, that key's facts; without, every key this place may have.
      const help = near
        ? ` (did you mean '${near}'? ${keyFacts(near, fields[near], required)})`
        : `; the keys here: ${keyList(allowed, required)}`;
      out.push({ path: at, message: `${where} has an unknown key '${k}'${help}` });
    } else walk(fields[k], v[k], at, root, out);
  }
  for (const k of required) {
    // A misspelling of it was already reported with its suggestion: no second message.
    if (!(k in v) && !forbidden.has(k) && !suggested.has(k))
      out.push({
        path,
        message: `${where}: the required key '${k}' is missing (${fields[k]?.description ?? ''})`.replace(
          ' ()',
          '',
        ),
      });
  }
  if (shape.exactlyOne) {
    const present = shape.exactlyOne.filter((k) => k in v);
    const misspelt = shape.exactlyOne.some((k) => suggested.has(k));
    if (present.length > 1 || (present.length === 0 && !misspelt))
      out.push({
        path,
        message: `${where}: needs exactly one of ${shape.exactlyOne.map((k) => `'${k}'`).join(' or ')}${present.length ? `, not both` : ''}`,
      });
  }
}

/** `name (required), column (default: the name), …` — the keys a place may have. */
export function keyList(fields: Record<string, Shape>, required: readonly string[]): string {
  return Object.entries(fields)
    .map(([k, f]) => `${k} (${keyFacts(k, f, required)})`)
    .join(', ');
}

/** `required`, `default: 6`, or `optional`: what a user needs to know about one key. */
function keyFacts(key: string, f: Shape | undefined, required: readonly string[]): string {
  if (required.includes(key)) return 'required';
  const d = f?.defaultText ?? (f?.default !== undefined ? defaultText(f.default) : undefined);
  return d === undefined ? 'optional' : `default: ${d}`;
}

function defaultText(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v) && v.length === 0) return 'none';
  return JSON.stringify(v);
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

function quoteHint(v: unknown): string {
  return typeof v === 'number' || typeof v === 'boolean'
    ? ` (YAML read it as a ${typeof v}: put it in quotes, '${v}')`
    : '';
}

// ——— rules between keys ———

function crossChecks(raw: Obj, opts: { folder?: string }, out: SpecProblem[]): void {
  const add = (path: SpecPath, message: string) =>
    out.push({ path, message: `${displayPath(path, raw)}: ${message}` });
  if (opts.folder !== undefined && typeof raw.name === 'string' && raw.name !== opts.folder)
    add(['name'], `'${raw.name}' must equal its folder's name '${opts.folder}'`);
  const et = raw.eventTime;
  if (isObj(et) && typeof et.fixed === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(et.fixed)) {
    const ok =
      !Number.isNaN(Date.parse(et.fixed)) &&
      new Date(et.fixed).toISOString().slice(0, 19) === et.fixed.slice(0, 19);
    if (!ok) add(['eventTime', 'fixed'], `'${et.fixed}' is not a real UTC instant`);
  }
  const gen = raw.generator;
  if (
    isObj(gen) &&
    isObj(gen.drift) &&
    typeof gen.drift.start === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(gen.drift.start)
  ) {
    try {
      parseCalendarDate(gen.drift.start, 'generator.drift.start');
    } catch (err) {
      out.push({ path: ['generator', 'drift', 'start'], message: (err as Error).message });
    }
  }
  // Stored column names: each once, none of the reserved ones.
  const names = new Map<string, SpecPath>();
  const claim = (name: unknown, path: SpecPath) => {
    if (typeof name !== 'string') return;
    if ((META_COLUMNS as readonly string[]).includes(name))
      add(path, `'${name}' is reserved (every feature group has ${META_COLUMNS.join(', ')})`);
    else if (names.has(name)) add(path, `'${name}' is already used by ${displayPath(names.get(name)!, raw)}`);
    else names.set(name, path);
  };
  const features = Array.isArray(raw.features) ? raw.features : [];
  features.forEach((f, i) => {
    if (!isObj(f)) return;
    claim(f.name, ['features', i, 'name']);
    claim(f.missingFlag, ['features', i, 'missingFlag']);
    const r = f.range;
    if (
      Array.isArray(r) &&
      r.length === 2 &&
      typeof r[0] === 'number' &&
      typeof r[1] === 'number' &&
      r[0] > r[1]
    )
      add(['features', i, 'range'], `[${r[0]}, ${r[1]}]: min must be ≤ max`);
    if (f.missingFlag !== undefined && f.missing !== undefined && f.missing === 'reject')
      add(
        ['features', i, 'missingFlag'],
        `a was-missing flag needs missing: median or mode (a blank value is rejected here)`,
      );
    codes(f.categories, ['features', i, 'categories'], raw, out);
  });
  if (isObj(raw.label)) {
    claim(raw.label.name, ['label', 'name']);
    codes(raw.label.classes, ['label', 'classes'], raw, out);
    const r = raw.label.range;
    if (
      Array.isArray(r) &&
      r.length === 2 &&
      typeof r[0] === 'number' &&
      typeof r[1] === 'number' &&
      r[0] >= r[1]
    )
      add(['label', 'range'], `[${r[0]}, ${r[1]}]: low must be < high`);
    const t = raw.label.tolerances;
    if (Array.isArray(t))
      t.forEach((x, i) => {
        if (x === 0) add(['label', 'tolerances', i], 'must be more than 0, got 0');
      });
  }
  algorithmForTask(raw, add);
}

/** model.algorithm must fit the label: a classifier for a categorical label, a regressor for a numeric one. */
function algorithmForTask(raw: Obj, add: (path: SpecPath, message: string) => void): void {
  const algorithm = isObj(raw.model) ? raw.model.algorithm : undefined;
  if (typeof algorithm !== 'string' || !isObj(raw.label)) return;
  // A label type that is neither is reported at label.type: no second guess here.
  if (raw.label.type !== undefined && raw.label.type !== 'numeric' && raw.label.type !== 'categorical')
    return;
  const numeric = raw.label.type === 'numeric';
  const fits = algorithmsFor(raw).map((a) => a.name);
  const other = [...ALGORITHMS, ...REGRESSION_ALGORITHMS].map((a) => a.name).filter((a) => !fits.includes(a));
  if (fits.includes(algorithm) || !other.includes(algorithm)) return;
  add(
    ['model', 'algorithm'],
    numeric
      ? `'${algorithm}' is a classifier, but label.type is numeric (regression): use one of ${fits.join(', ')}${didYouMean(`${algorithm}-regressor`, fits)}, or set label.type: categorical`
      : `'${algorithm}' is a regressor, but the label is categorical (classification): use one of ${fits.join(', ')}, or set label.type: numeric`,
  );
}

function codes(list: unknown, path: SpecPath, raw: Obj, out: SpecProblem[]): void {
  if (!Array.isArray(list)) return;
  const seen = new Map<string, number>();
  list.forEach((c, i) => {
    if (!isObj(c) || (typeof c.value !== 'string' && typeof c.value !== 'number')) return;
    const value = String(c.value);
    const at = [...path, i, 'value'];
    if (/[",\r\n]/.test(value))
      out.push({
        path: at,
        message: `${displayPath(at, raw)}: '${value}' must not contain a comma, quote or line break`,
      });
    else if (seen.has(value))
      out.push({
        path: at,
        message: `${displayPath(at, raw)}: '${value}' is listed twice (also #${seen.get(value)! + 1})`,
      });
    else seen.set(value, i);
  });
}

// ——— positions ———

/** Line and column of the node at `path`: the key itself when the path ends at a key of a mapping. */
function positionOf(
  root: unknown,
  path: SpecPath,
  doc: Document,
  lines: LineCounter,
): { line: number; column: number } | null {
  let node = root as Node | null;
  let at: Node | null = node;
  for (const seg of path) {
    if (isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      at = pair.key as Node;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      at = item;
      node = item;
    } else break;
  }
  const offset = at?.range?.[0];
  if (offset === undefined) return null;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}
