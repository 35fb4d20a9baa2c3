// Deterministic JSON: sorted object keys, two-space indent, trailing newline — so git diffs show only real change.
// Browser-safe.

export function stableStringify(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/**
 * Like stableStringify, but an array of objects or arrays has one element per line (a daily point, a
 * prediction, a feature's drift, a matrix row): a day's commit adds or changes a few lines instead of
 * many, and the file is a third of the size.
 */
export function stableStringifyRows(value: unknown): string {
  return `${layout(sortKeys(value), '')}\n`;
}

function layout(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return JSON.stringify(value);
    return `[\n${value.map((v) => inner + JSON.stringify(v)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const body = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${layout(v, inner)}`);
  return `{\n${body.join(',\n')}\n${indent}}`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>);
  }
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
      return sortKeys((obj as { toJSON: () => unknown }).toJSON());
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj).sort()) {
      if (obj[k] !== undefined) out[k] = sortKeys(obj[k]);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError(`stableStringify: ${value} cannot be written as JSON`);
  }
  return value;
}

/** Rounds to `digits` significant digits (stats files), keeping exact integers as they are. */
export function roundSignificant(x: number, digits = 6): number {
  if (!Number.isFinite(x) || x === 0 || Number.isInteger(x)) return x;
  return Number(x.toPrecision(digits));
}

/** Writes a number with at most `decimals` decimals, shortest form (7 not 7.00). */
export function formatNumber(x: number, decimals?: number): string {
  if (decimals === undefined) return String(x);
  const r = Number(x.toFixed(decimals));
  return String(Object.is(r, -0) ? 0 : r);
}

/**
 * What is wrong with JSON text that did not parse, in words for a message that names the file: empty,
 * cut short (a truncated write or copy), or the parser's own reason (which names the position).
 */
export function jsonSyntaxProblem(err: unknown, text: string): string {
  if (text.trim() === '') return 'the file is empty';
  const message = err instanceof Error ? err.message : String(err);
  // The parser stopped where the text stops: inside a string or a number ("Unterminated …"), or
  // after a value that should have been followed by more ("Expected ',' … at position <end>").
  const at = /at position (\d+)/.exec(message);
  const atEnd = at !== null && Number(at[1]) >= text.trimEnd().length;
  if (/Unexpected end of JSON|Unterminated|end of data/i.test(message) || atEnd)
    return `it ends too early, after ${text.length} character${text.length === 1 ? '' : 's'} (truncated)`;
  return `not valid JSON: ${message}`;
}

/** How a reader turns a message into its own domain's error (a RegistryError, a FeatureGroupError…). */
export type ErrorOf = (message: string) => Error;

/**
 * JSON text that must parse: the value, or an error naming the file, what it holds, the problem and the
 * way out — `<file>: corrupt <what>, <problem>; restore it with git (git checkout -- <file>)`.
 */
export function parseJsonText(text: string, file: string, what: string, errorOf: ErrorOf): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw errorOf(
      `${file}: corrupt ${what}, ${jsonSyntaxProblem(err, text)}; restore it with git (git checkout -- ${file})`,
    );
  }
}

/** Like parseJsonText, for a file that holds one JSON object. */
export function parseJsonObject(
  text: string,
  file: string,
  what: string,
  errorOf: ErrorOf,
): Record<string, unknown> {
  const value = parseJsonText(text, file, what, errorOf);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw errorOf(`${file}: corrupt ${what}, expected a JSON object`);
  return value as Record<string, unknown>;
}
