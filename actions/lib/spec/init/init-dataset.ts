// `gitml init FILE.csv`: reads a CSV from outside (streamed: a million rows keep memory bounded),
// infers a spec, and writes data/<name>/dataset.yml with a byte-for-byte copy of the file as
// data/<name>/source.csv — both or neither, and never over an existing dataset without --force.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { grouped } from '../../core/format.js';
import { utcDate } from '../../core/time.js';
import { parseOptionsOf } from '../../features/csv-format.js';
import { headerOf, InputError, recordOf } from '../../features/csv-input.js';
import { streamCsvRows } from '../../features/csv-stream.js';
import { writeFilesAtomically } from '../../files/atomic-write.js';
import { SPEC_FILE, type Workspace } from '../../files/workspace.js';
import type { SourceFormat } from '../source-format.js';
import { type DatasetSpec, parseSpec } from '../spec.js';
import { type ColumnPlan, inferColumns } from './infer-columns.js';
import { snakeName } from './naming.js';
import { ColumnProfile } from './profile.js';
import { delimiterName, SAMPLE_BYTES, type Sniffed, sniff } from './sniff.js';
import { specYaml } from './spec-yaml.js';
import { Utf8Check } from './utf8-check.js';

export interface InitOptions {
  /** The CSV, as the user named it (relative to the current directory). */
  file: string;
  name?: string;
  label?: string;
  key?: string;
  time?: string;
  title?: string;
  force?: boolean;
  noHeader?: boolean;
  now: Date;
  /** Progress lines for large files (stderr). */
  progress?: (line: string) => void;
}

export interface InitResult {
  name: string;
  specFile: string;
  sourceFile: string;
  rows: number;
  columns: number;
  format: SourceFormat;
  /** What was done to read the file (delimiter, decimal comma, skipped line…). */
  reading: string[];
  plan: ColumnPlan;
  /** An existing feature group that the new spec replaces (needs backfill --new-version). */
  staleGroup: boolean;
}

/** Files above this size print a progress line every tenth of the way. */
export const PROGRESS_MIN_BYTES = 8 << 20;
const NAME = /^[a-z][a-z0-9_]*$/;

export function initDataset(ws: Workspace, opts: InitOptions): InitResult {
  const abs = path.resolve(opts.file);
  const file = opts.file;
  const size = fileSize(abs, file);
  const name = opts.name ?? snakeName(path.basename(abs).replace(/\.[^.]*$/, ''));
  if (!NAME.test(name))
    throw new InputError(
      `dataset name '${name}' must be lower_snake_case (a letter, then letters, digits or _): pass --name`,
    );
  const dir = ws.datasetDir(name);
  const specFile = path.join(dir, SPEC_FILE);
  const sourceFile = path.join(dir, 'source.csv');
  const existing = [specFile, sourceFile].filter((f) => existsSync(f));
  if (existing.length && !opts.force)
    throw new InputError(
      `${existing.map((f) => ws.rel(f)).join(' and ')} already exist${existing.length === 1 ? 's' : ''}: pass --force to replace, or --name to add the file under another name`,
    );
  if (size === 0) throw new InputError(`${file}: the file is empty (a header row is required)`);

  const fd = openSync(abs, 'r');
  try {
    const sample = readSample(fd, size, file);
    const { sniffed, format, reading } = formatOf(sample, file, opts.noHeader);
    const profiles = profileFile(fd, file, size, format, sniffed.delimiter === ';', opts.progress);
    const rows = profiles[0].rows;
    if (rows === 0) throw new InputError(`${file}: has a header but no rows`);
    if (sniffed.sklearn && sniffed.sklearn.rows !== rows)
      reading.push(`The count line promised ${sniffed.sklearn.rows} rows; the file has ${rows}.`);
    readAsBlankOrComma(profiles, format, reading);
    const unique = uniqueness(fd, file, format, profiles);
    const plan = inferColumns(file, profiles, {
      label: opts.label,
      key: opts.key,
      time: opts.time,
      classNames: sniffed.sklearn?.classNames,
      now: opts.now,
      unique: (p) => unique(p),
    });

    const day = utcDate(opts.now);
    const yaml = specYaml({
      name,
      title: opts.title ?? capital(name.replace(/_/g, ' ')),
      description: `Predict ${plan.label.title} (${plan.label.type === 'numeric' ? 'a number: regression' : `${plan.label.classes.length} classes`}) from ${plan.features.length} feature${plan.features.length === 1 ? '' : 's'}.`,
      header: [
        `Written by gitml init from ${path.basename(abs)} (${rows} rows, ${profiles.length} columns) on ${day}.`,
        'Every decision is explained next to it: check them, edit freely, then run backfill.',
      ],
      format,
      formatWhy: reading.filter((l) => !l.startsWith('Comma-separated')),
      plan,
      fixedTime: `${day}T00:00:00Z`,
    });
    checkRoundTrip(parseSpec(parseYaml(yaml), ws.rel(specFile)), plan);
    const staleGroup = existsSync(path.join(dir, 'v1'));
    writeFilesAtomically([
      { path: specFile, content: yaml },
      ...(path.resolve(sourceFile) === abs ? [] : [{ path: sourceFile, copyFrom: abs }]),
    ]);
    return {
      name,
      specFile: ws.rel(specFile),
      sourceFile: ws.rel(sourceFile),
      rows,
      columns: profiles.length,
      format,
      reading,
      plan,
      staleGroup,
    };
  } finally {
    closeSync(fd);
  }
}

/** The file's size in bytes, or an InputError when it is missing or not a regular file. */
function fileSize(abs: string, file: string): number {
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw new InputError(`${file} is not a regular file`);
    return st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file}: file not found`);
  }
}

/** How to read the file, sniffed from its first lines: delimiter, count line, header; and what was done. */
function formatOf(
  sample: string,
  file: string,
  noHeader: boolean | undefined,
): { sniffed: Sniffed; format: SourceFormat; reading: string[] } {
  const sniffed = sniff(sample);
  const reading: string[] = [];
  const format: SourceFormat = {};
  if (sniffed.delimiter !== ',') format.delimiter = sniffed.delimiter;
  reading.push(`${capital(delimiterName(sniffed.delimiter))}-separated (sniffed from the first lines).`);
  if (sniffed.sklearn) {
    const s = sniffed.sklearn;
    format.skipLines = 1;
    reading.push(
      `Line 1 is scikit-learn's count line (${s.rows} rows, ${s.features} features${s.classNames.length ? `, classes ${s.classNames.join(', ')}` : ''}): skipped${s.classNames.length ? '; its class names label the classes' : ''}.`,
    );
    if (sniffed.firstRowNumeric)
      format.columns = [...Array.from({ length: s.features }, (_, i) => `x${i + 1}`), 'target'];
  } else if (noHeader) {
    format.columns = sniffed.firstRow.map((_, i) => `x${i + 1}`);
  } else if (sniffed.firstRowNumeric && sniffed.firstRow.length > 0) {
    throw new InputError(
      `${file} line 1: looks like data, not a header (every field is a number: ${sniffed.firstRow.slice(0, 4).join(', ')}${sniffed.firstRow.length > 4 ? ', …' : ''}); if the file has no header row, run again with --no-header (columns are then named x1, x2, …)`,
    );
  }
  const numericHeaders = format.columns ? [] : sniffed.firstRow.filter((h) => /^[+-]?[\d.,]+$/.test(h));
  if (numericHeaders.length)
    reading.push(
      `Header names ${numericHeaders.slice(0, 3).join(', ')} are numbers: if line 1 is data, run again with --no-header.`,
    );
  if (format.columns && !sniffed.sklearn)
    reading.push(
      `No header row (--no-header): the columns are named ${format.columns[0]}…${format.columns.at(-1)}.`,
    );

  return { sniffed, format, reading };
}

/** What the profiles found about reading the values: a decimal comma, missing-value tokens read as blank. */
function readAsBlankOrComma(profiles: ColumnProfile[], format: SourceFormat, reading: string[]): void {
  const comma = profiles.find((p) => p.decimalCommas > 0);
  if (comma?.firstDecimalComma) {
    format.decimal = ',';
    reading.push(
      `Numbers use a decimal comma (assumed with semicolons: '${comma.firstDecimalComma.value}' in '${comma.header}' line ${comma.firstDecimalComma.line} is read as ${comma.firstDecimalComma.value.replace(',', '.')}).`,
    );
  }
  const tokens = new Map<string, number>();
  for (const p of profiles) for (const [t, n] of p.missingTokens) tokens.set(t, (tokens.get(t) ?? 0) + n);
  if (tokens.size) {
    format.missingValues = [...tokens.keys()].sort();
    reading.push(
      `${format.missingValues.map((t) => `'${t}' (${tokens.get(t)} cells)`).join(', ')} read as blank${tokens.size > 1 ? 's' : ''}.`,
    );
  }
}

/**
 * The written spec must load as every command will load it, and say what was decided (a value YAML
 * reads differently from how it was meant would slip through parseSpec): a failure here is init's own bug.
 */
function checkRoundTrip(spec: DatasetSpec, plan: ColumnPlan): void {
  const wanted = JSON.stringify([
    plan.label.header,
    plan.label.type,
    plan.label.range,
    plan.label.decimals,
    plan.label.classes,
    plan.features.map((f) => [f.header, f.name, f.title, f.range, f.categories]),
  ]);
  const read = JSON.stringify([
    spec.label.column,
    spec.label.type,
    spec.label.range,
    spec.label.decimals,
    spec.label.classes,
    spec.features.map((f) => [f.column, f.name, f.title, f.range, f.categories]),
  ]);
  if (read !== wanted) throw new Error(`init: the written spec reads back differently: ${read} ≠ ${wanted}`);
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The first 64 KB as text, cut at the last whole line when the file is longer; refuses non-UTF-8. */
function readSample(fd: number, size: number, file: string): string {
  const buf = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
  const n = readSync(fd, buf, 0, buf.length, 0);
  const check = new Utf8Check(file);
  const bytes = buf.subarray(0, n);
  check.chunk(n < size ? bytes.subarray(0, Math.max(0, n - 4)) : bytes);
  const text = bytes.toString('utf8');
  return n < size ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
}

/** Pass 1: every field of every row into its column's profile, with a progress line on big files. */
function profileFile(
  fd: number,
  file: string,
  size: number,
  format: SourceFormat,
  decimalComma: boolean,
  progress?: (line: string) => void,
): ColumnProfile[] {
  let header: string[] | null = format.columns ?? null;
  let profiles: ColumnProfile[] = header ? header.map((h, i) => new ColumnProfile(h, i, decimalComma)) : [];
  const check = new Utf8Check(file);
  let read = 0;
  let nextTenth = 1;
  let rows = 0;
  streamCsvRows(
    fd,
    file,
    parseOptionsOf(format),
    (row) => {
      if (!header) {
        header = headerOf(row, file);
        profiles = header.map((h, i) => new ColumnProfile(h, i, decimalComma));
        return;
      }
      const rec = recordOf(row, header, file);
      for (const p of profiles) p.add(rec.values[p.header], rec.line);
      rows++;
    },
    (chunk) => {
      check.chunk(chunk);
      read += chunk.length;
      if (progress && size >= PROGRESS_MIN_BYTES && read >= (size * nextTenth) / 10) {
        progress(`init: reading ${file}: ${Math.floor((100 * read) / size)}% (${grouped(rows)} rows)`);
        nextTenth = Math.floor((10 * read) / size) + 1;
      }
    },
    0,
  );
  if (!header) throw new InputError(`${file}: the file is empty (a header row is required)`);
  return profiles;
}

/**
 * Pass 2, only when needed: whether a whole-number column without blanks is unique. Counted values
 * answer it for up to 1000 distinct values, increasing order answers it without counting; otherwise a
 * bitmap over min..max (bounded: at most 64 M values, 8 MB) does.
 */
function uniqueness(
  fd: number,
  file: string,
  format: SourceFormat,
  profiles: ColumnProfile[],
): (p: ColumnProfile) => boolean {
  const answer = new Map<number, boolean>();
  const bitmaps = new Map<number, Uint8Array>();
  for (const p of profiles) {
    if (!p.allWhole || p.blanks) continue;
    if (!p.overflow) answer.set(p.index, p.distinctCount === p.filled);
    else if (p.increasing) answer.set(p.index, true);
    else if (p.max - p.min < 64 << 20) bitmaps.set(p.index, new Uint8Array(((p.max - p.min) >> 3) + 1));
    else answer.set(p.index, false);
  }
  if (bitmaps.size) {
    const seenTwice = new Set<number>();
    let header = format.columns ?? null;
    streamCsvRows(
      fd,
      file,
      parseOptionsOf(format),
      (row) => {
        if (!header) {
          header = row.record;
          return;
        }
        for (const [i, bits] of bitmaps) {
          const p = profiles[i];
          const k = Number(row.record[i].trim()) - p.min;
          if (bits[k >> 3] & (1 << (k & 7))) seenTwice.add(i);
          bits[k >> 3] |= 1 << (k & 7);
        }
      },
      undefined,
      0,
    );
    for (const i of bitmaps.keys()) answer.set(i, !seenTwice.has(i));
  }
  return (p) => answer.get(p.index) ?? false;
}
