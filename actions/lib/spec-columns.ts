// The spec's columns against the raw CSV's header: every `column` the spec names must be a real header.
// A missing one is named with the key that names it (features #3 (age).column), the closest header and
// the file's real headers, so a typo or a renamed export is fixed without opening the CSV.
import { parse } from 'csv-parse/sync';
import { PARSE_OPTIONS, parseError } from './csv-input.js';
import { nearestName } from './did-you-mean.js';
import type { DatasetSpec } from './spec.js';
import type { SpecPath } from './spec-check.js';

export interface ColumnProblem {
  /** Where the spec names the column, for a file:line:column. */
  path: SpecPath;
  message: string;
}

/** The columns the spec reads from its source, each with the key that names it. */
export function specColumns(spec: DatasetSpec): { column: string; path: SpecPath; key: string }[] {
  const out = spec.features.map((f, i) => ({
    column: f.column,
    // A feature without `column` reads the column of its name.
    path: ['features', i, 'column'] as SpecPath,
    key: `features #${i + 1} (${f.name}).column`,
  }));
  out.push({ column: spec.label.column, path: ['label', 'column'], key: 'label.column' });
  if (spec.primaryKey.column)
    out.push({ column: spec.primaryKey.column, path: ['primaryKey', 'column'], key: 'primaryKey.column' });
  if (spec.eventTime.column)
    out.push({ column: spec.eventTime.column, path: ['eventTime', 'column'], key: 'eventTime.column' });
  spec.source.dropColumns.forEach((c, i) => {
    out.push({ column: c, path: ['source', 'dropColumns', i], key: `source.dropColumns #${i + 1}` });
  });
  return out;
}

/**
 * One problem per spec column that is not in `header` (`dropped`: also source.dropColumns, which backfill
 * does not need), e.g. `features #1 (temp).column 'Temprature' (did you mean 'Temperature'?)`.
 */
export function missingColumns(
  spec: DatasetSpec,
  header: readonly string[],
  opts: { dropped?: boolean } = {},
): ColumnProblem[] {
  return specColumns(spec)
    .filter((c) => !header.includes(c.column) && (opts.dropped || c.path[0] !== 'source'))
    .map((c) => {
      const near = nearestName(c.column, header);
      return { path: c.path, message: `${c.key} '${c.column}'${near ? ` (did you mean '${near}'?)` : ''}` };
    });
}

/** "its columns: 'a', 'b'" — said once after the missing ones. */
export function headerList(header: readonly string[]): string {
  return `its columns: ${header.map((h) => `'${h}'`).join(', ')}`;
}

/** Header columns the spec does not mention: neither read nor listed in source.dropColumns. */
export function unmentionedColumns(spec: DatasetSpec, header: readonly string[]): string[] {
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
