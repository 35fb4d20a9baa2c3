// The spec's columns against the raw CSV's header: every `column` the spec names must be a real header.
// A missing one is named with the key that names it (features #3 (age).column), the closest header and
// the file's real headers, so a typo or a renamed export is fixed without opening the CSV.
import { parse } from 'csv-parse/sync';
import { nearestName } from '../core/did-you-mean.js';
import { PARSE_OPTIONS, parseError } from '../features/csv-input.js';
import type { SpecPath } from './spec-check.js';

export interface ColumnProblem {
  /** Where the spec names the column, for a file:line:column. */
  path: SpecPath;
  message: string;
  /** The closest header, when one is close enough to be the intended one. */
  near?: string;
}

/**
 * The columns a spec names, each with the key that names it. Lenient: it takes a parsed spec or the raw
 * YAML value of one that has other problems (validate still checks the columns it can read).
 */
export function specColumns(spec: unknown): { column: string; path: SpecPath; key: string }[] {
  const o = obj(spec);
  const out: { column: string; path: SpecPath; key: string }[] = [];
  const features = Array.isArray(o.features) ? o.features : [];
  features.forEach((raw, i) => {
    const f = obj(raw);
    // A feature without `column` reads the column of its name.
    const column = typeof f.column === 'string' ? f.column : f.name;
    if (typeof column === 'string')
      out.push({
        column,
        path: ['features', i, 'column'],
        key: `features #${i + 1} (${String(f.name)}).column`,
      });
  });
  const named = (key: string, column: unknown) => {
    const [a, b] = key.split('.');
    if (typeof column === 'string') out.push({ column, path: [a, b], key });
  };
  named('label.column', obj(o.label).column);
  named('primaryKey.column', obj(o.primaryKey).column);
  named('eventTime.column', obj(o.eventTime).column);
  const dropped = obj(o.source).dropColumns;
  (Array.isArray(dropped) ? dropped : []).forEach((c, i) => {
    if (typeof c === 'string')
      out.push({ column: c, path: ['source', 'dropColumns', i], key: `source.dropColumns #${i + 1}` });
  });
  return out;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * One problem per spec column that is not in `header` (`dropped`: also source.dropColumns, which backfill
 * does not need), e.g. `features #1 (temp).column 'Temprature' (did you mean 'Temperature'?)`.
 */
export function missingColumns(
  spec: unknown,
  header: readonly string[],
  opts: { dropped?: boolean } = {},
): ColumnProblem[] {
  return specColumns(spec)
    .filter((c) => !header.includes(c.column) && (opts.dropped || c.path[0] !== 'source'))
    .map((c) => {
      const near = nearestName(c.column, header);
      return {
        path: c.path,
        message: `${c.key} '${c.column}'${near ? ` (did you mean '${near}'?)` : ''}`,
        ...(near ? { near } : {}),
      };
    });
}

/** "its columns: 'a', 'b'" — said once after the missing ones. */
export function headerList(header: readonly string[]): string {
  return `its columns: ${header.map((h) => `'${h}'`).join(', ')}`;
}

/** Header columns the spec does not mention: neither read nor listed in source.dropColumns. */
export function unmentionedColumns(spec: unknown, header: readonly string[]): string[] {
  const named = new Set(specColumns(spec).map((c) => c.column));
  return header.filter((h) => !named.has(h));
}

/** The header row of CSV text (trimmed names), without parsing the rows below it. */
export function csvHeader(text: string, file: string): string[] {
  let rows: string[][];
  try {
    rows = parse(text, { ...PARSE_OPTIONS, info: false, to_line: 1 }) as string[][];
  } catch (err) {
    throw parseError(err, file);
  }
  return (rows[0] ?? []).map((h) => h.trim());
}
