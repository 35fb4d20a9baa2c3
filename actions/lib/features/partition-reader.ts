// Columnar reader for feature-group partitions: bytes straight into typed columns, no row objects,
// no per-field strings on the numeric path. Partitions are written by us (csv-stringify), but a hand edit
// must still be caught: every value is checked against the schema and errors name file, line and rule.
// Pure: no I/O.

import { GitmlError, lineMessage } from '../core/gitml-error.js';
import { DAY_MS } from '../core/time.js';
import type { Category, FeatureSchema } from '../spec/spec.js';
import { emptyTable, type FeatureTable, SOURCES } from './feature-table.js';

export class PartitionError extends GitmlError {
  override name = 'PartitionError';
}

export interface PartitionLayout {
  features: readonly FeatureSchema[];
  labelName: string;
  /** Classification: the classes (a label is one of them). Regression: empty. */
  classes: readonly Category[];
  /** Regression: the label is a number, inside `range` when given; read into `targets`. */
  numericLabel?: { range?: readonly [number, number] };
}

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];
const decoder = new TextDecoder();

/** Column kinds, decided once per file so the inner loop is a switch on small integers. */
enum Kind {
  Id = 0,
  Time = 1,
  Source = 2,
  Numeric = 3,
  Category = 4,
  Label = 5,
  NumericLabel = 6,
}

export function headerOf(layout: PartitionLayout): string[] {
  return ['id', 'event_time', 'source', ...layout.features.map((f) => f.name), layout.labelName];
}

/** Data lines in a partition (after the header): sizes the typed columns before parsing. */
export function countRows(bytes: Uint8Array): number {
  const n = bytes.length;
  let pos = bytes.indexOf(LF);
  if (pos < 0) return 0;
  let lines = 0;
  for (;;) {
    const next = bytes.indexOf(LF, pos + 1);
    if (next < 0) break;
    if (next > pos + 1) lines++;
    pos = next;
  }
  if (n > pos + 1) lines++;
  return lines;
}

export function readPartition(bytes: Uint8Array, layout: PartitionLayout, file: string): FeatureTable {
  const t = emptyTable(layout.features.length, countRows(bytes));
  t.rows = readPartitionInto(bytes, layout, file, t, 0);
  return t;
}

/** One partition file and its bytes. */
export interface PartitionPiece {
  path: string;
  bytes: Uint8Array;
}

/** How a file's columns read, decided once per file so the inner loop is a switch on small integers. */
interface ColumnPlan {
  kinds: Kind[];
  /** Per column: the category (class) values as bytes, for a categorical column or the label. */
  cats: (Uint8Array[] | null)[];
  sourceBytes: Uint8Array[];
  /** Per feature: its valid range (±∞ without one). */
  lo: number[];
  hi: number[];
  labelLo: number;
  labelHi: number;
}

function columnPlan(layout: PartitionLayout): ColumnPlan {
  const kinds: Kind[] = [Kind.Id, Kind.Time, Kind.Source];
  const cats: (Uint8Array[] | null)[] = [null, null, null];
  const enc = new TextEncoder();
  for (const f of layout.features) {
    kinds.push(f.type === 'numeric' ? Kind.Numeric : Kind.Category);
    cats.push(f.type === 'categorical' ? (f.categories ?? []).map((c) => enc.encode(c.value)) : null);
  }
  kinds.push(layout.numericLabel ? Kind.NumericLabel : Kind.Label);
  cats.push(layout.classes.map((c) => enc.encode(c.value)));
  const [labelLo, labelHi] = layout.numericLabel?.range ?? [
    Number.NEGATIVE_INFINITY,
    Number.POSITIVE_INFINITY,
  ];
  return {
    kinds,
    cats,
    sourceBytes: SOURCES.map((s) => enc.encode(s)),
    lo: layout.features.map((f) => f.range?.[0] ?? Number.NEGATIVE_INFINITY),
    hi: layout.features.map((f) => f.range?.[1] ?? Number.POSITIVE_INFINITY),
    labelLo,
    labelHi,
  };
}

/** The header line, checked against the layout's columns; returns where the first row starts. */
function skipHeader(bytes: Uint8Array, layout: PartitionLayout, file: string): number {
  let pos = 0;
  while (pos < bytes.length && bytes[pos] !== LF) pos++;
  let header = decoder.decode(bytes.subarray(0, pos));
  if (header.charCodeAt(0) === 0xfeff) header = header.slice(1);
  if (header.endsWith('\r')) header = header.slice(0, -1);
  const expected = headerOf(layout).join(',');
  if (header !== expected) {
    throw new PartitionError(
      `${file} line 1: header '${header}' does not match the feature group's columns '${expected}'`,
    );
  }
  return pos + 1;
}

/** A quoted field starting at `pos` (its opening quote), unquoted; `end` is just past its closing quote. */
function unquote(
  bytes: Uint8Array,
  pos: number,
  file: string,
  line: number,
): { value: Uint8Array; end: number } {
  const buf: number[] = [];
  pos++;
  for (;;) {
    if (pos >= bytes.length) throw rowError(file, line, `unterminated quoted field`);
    const b = bytes[pos++];
    if (b === QUOTE) {
      if (bytes[pos] === QUOTE) {
        buf.push(QUOTE);
        pos++;
      } else break;
    } else buf.push(b);
  }
  return { value: Uint8Array.from(buf), end: pos };
}

function rowError(file: string, line: number, rule: string): PartitionError {
  return new PartitionError(...lineMessage(file, line, rule));
}

function fieldText(b: Uint8Array, s: number, e: number): string {
  return decoder.decode(b.subarray(s, e));
}

/**
 * Parses a partition into `t` starting at row `offset` (t's columns must have room); returns the rows
 * read. Reading every partition into one preallocated table avoids a concatenation copy.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the hot loop of every read (a million rows × every column): field scan and typed store stay in one function, with no call per cell; the cold parts (header, plan, quoting, messages) are their own functions
export function readPartitionInto(
  bytes: Uint8Array,
  layout: PartitionLayout,
  file: string,
  t: FeatureTable,
  offset: number,
): number {
  const n = bytes.length;
  let pos = skipHeader(bytes, layout, file);
  const { kinds, cats, sourceBytes, lo, hi, labelLo, labelHi } = columnPlan(layout);
  const ncol = kinds.length;
  let row = offset;
  let line = 1;
  while (pos < n) {
    line++;
    // Tolerate a blank line, with either line end (git's autocrlf may have rewritten the file).
    if (bytes[pos] === LF || (bytes[pos] === CR && bytes[pos + 1] === LF)) {
      pos += bytes[pos] === LF ? 1 : 2;
      continue;
    }
    for (let c = 0; c < ncol; c++) {
      // Field boundaries [start, end), unquoting when needed.
      let start = pos;
      let end: number;
      let quoted: Uint8Array | null = null;
      if (bytes[pos] === QUOTE) {
        const q = unquote(bytes, pos, file, line);
        quoted = q.value;
        pos = start = end = q.end;
        if (bytes[pos] === CR && bytes[pos + 1] === LF) pos++; // a CRLF line end after the closing quote
      } else {
        while (pos < n && bytes[pos] !== COMMA && bytes[pos] !== LF) pos++;
        end = pos;
        if (end > start && bytes[end - 1] === CR) end--;
      }
      const sep = pos < n ? bytes[pos] : LF;
      if (c < ncol - 1 && sep !== COMMA) throw rowError(file, line, `has ${c + 1} fields, expected ${ncol}`);
      if (c === ncol - 1 && sep === COMMA) throw rowError(file, line, `has more than ${ncol} fields`);
      pos++;
      const fs = quoted ? 0 : start;
      const fe = quoted ? quoted.length : end;
      const src = quoted ?? bytes;
      switch (kinds[c]) {
        case Kind.Id: {
          const x = parseNumberBytes(src, fs, fe);
          if (!Number.isInteger(x) || x < 1)
            throw rowError(file, line, `id '${fieldText(src, fs, fe)}' is not a positive whole number`);
          t.ids[row] = x;
          break;
        }
        case Kind.Time: {
          const ms = parseIsoInstant(src, fs, fe);
          if (Number.isNaN(ms))
            throw rowError(
              file,
              line,
              `event_time '${fieldText(src, fs, fe)}' is not UTC ISO-8601 (YYYY-MM-DDTHH:MM:SSZ)`,
            );
          t.eventTimes[row] = ms;
          break;
        }
        case Kind.Source: {
          const code = matchBytes(src, fs, fe, sourceBytes);
          if (code < 0)
            throw rowError(
              file,
              line,
              `source '${fieldText(src, fs, fe)}' is not one of ${SOURCES.join(', ')}`,
            );
          t.sources[row] = code;
          break;
        }
        case Kind.Numeric: {
          const j = c - 3;
          const x = parseNumberBytes(src, fs, fe);
          if (Number.isNaN(x) || x < lo[j] || x > hi[j]) {
            const f = layout.features[j];
            const text = fieldText(src, fs, fe);
            throw rowError(
              file,
              line,
              Number.isNaN(x)
                ? `'${f.name}' = '${text}' is not a number`
                : `'${f.name}' = ${text} is outside the valid range [${lo[j]}, ${hi[j]}]`,
            );
          }
          t.columns[j][row] = x;
          break;
        }
        case Kind.Category: {
          const j = c - 3;
          const code = matchBytes(src, fs, fe, cats[c]!);
          if (code < 0) {
            const f = layout.features[j];
            throw rowError(
              file,
              line,
              `'${f.name}' = '${fieldText(src, fs, fe)}' is not one of ${(f.categories ?? []).map((x) => x.value).join(', ')}`,
            );
          }
          t.columns[j][row] = code;
          break;
        }
        case Kind.Label: {
          if (fe === fs) {
            t.labels[row] = -1;
            break;
          }
          const code = matchBytes(src, fs, fe, cats[c]!);
          if (code < 0)
            throw rowError(
              file,
              line,
              `label '${layout.labelName}' = '${fieldText(src, fs, fe)}' is not one of ${layout.classes.map((x) => x.value).join(', ')}`,
            );
          t.labels[row] = code;
          break;
        }
        case Kind.NumericLabel: {
          // Regression: labels[] only says labelled (0) or not (-1); the value goes to targets[].
          if (fe === fs) {
            t.labels[row] = -1;
            t.targets[row] = Number.NaN;
            break;
          }
          const x = parseNumberBytes(src, fs, fe);
          if (!Number.isFinite(x) || x < labelLo || x > labelHi) {
            const text = fieldText(src, fs, fe);
            throw rowError(
              file,
              line,
              !Number.isFinite(x)
                ? `label '${layout.labelName}' = '${text}' is not a number`
                : `label '${layout.labelName}' = ${text} is outside [${labelLo}, ${labelHi}]`,
            );
          }
          t.labels[row] = 0;
          t.targets[row] = x;
          break;
        }
      }
    }
    row++;
  }
  return row - offset;
}

function matchBytes(b: Uint8Array, s: number, e: number, options: readonly Uint8Array[]): number {
  const len = e - s;
  outer: for (let k = 0; k < options.length; k++) {
    const o = options[k];
    if (o.length !== len) continue;
    for (let i = 0; i < len; i++) if (b[s + i] !== o[i]) continue outer;
    return k;
  }
  return -1;
}

/**
 * Decimal bytes to double. Fast path (Clinger): with at most 15 significant digits and a power of ten
 * up to 22, m·10^e or m/10^e is exactly rounded, so the result equals Number(text). Otherwise falls back.
 * Returns NaN for anything that is not a plain decimal number (empty included).
 */
export function parseNumberBytes(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (i < e && (b[i] === 45 || b[i] === 43)) {
    neg = b[i] === 45;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let scale = 0;
  let any = false;
  while (i < e) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    any = true;
    if (digits > 0 || d !== 0) digits++;
    mant = mant * 10 + d;
    i++;
  }
  if (i < e && b[i] === 46) {
    i++;
    while (i < e) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      any = true;
      if (digits > 0 || d !== 0) digits++;
      mant = mant * 10 + d;
      scale--;
      i++;
    }
  }
  if (!any) return Number.NaN;
  if (i < e && (b[i] === 101 || b[i] === 69)) {
    i++;
    let eneg = false;
    if (i < e && (b[i] === 45 || b[i] === 43)) {
      eneg = b[i] === 45;
      i++;
    }
    let ex = 0;
    let exDigits = 0;
    while (i < e && b[i] >= 48 && b[i] <= 57) {
      ex = ex * 10 + (b[i] - 48);
      exDigits++;
      i++;
    }
    if (exDigits === 0) return Number.NaN;
    scale += eneg ? -ex : ex;
  }
  if (i !== e) return Number.NaN;
  if (digits <= 15 && scale >= -22 && scale <= 22) {
    const x = scale < 0 ? mant / POW10[-scale] : mant * POW10[scale];
    return neg ? -x : x;
  }
  return Number(decoder.decode(b.subarray(s, e)));
}

/** 'YYYY-MM-DDTHH:MM:SSZ' (optionally with .sss) to epoch ms; NaN when malformed. */
export function parseIsoInstant(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (
    (len !== 20 && len !== 24) ||
    b[s + 4] !== 45 ||
    b[s + 7] !== 45 ||
    b[s + 10] !== 84 ||
    b[s + 13] !== 58 ||
    b[s + 16] !== 58 ||
    b[e - 1] !== 90
  ) {
    return Number.NaN;
  }
  const d = (k: number) => b[s + k] - 48;
  const num = (k: number, w: number) => {
    let v = 0;
    for (let q = 0; q < w; q++) {
      const x = d(k + q);
      if (x < 0 || x > 9) return Number.NaN;
      v = v * 10 + x;
    }
    return v;
  };
  const y = num(0, 4);
  const mo = num(5, 2);
  const da = num(8, 2);
  const h = num(11, 2);
  const mi = num(14, 2);
  const se = num(17, 2);
  let ms = 0;
  if (len === 24) {
    if (b[s + 19] !== 46) return Number.NaN;
    ms = num(20, 3);
  }
  if (mo < 1 || mo > 12 || da < 1 || da > daysInMonth(y, mo) || h > 23 || mi > 59 || se > 59)
    return Number.NaN;
  return daysFromCivil(y, mo, da) * DAY_MS + ((h * 60 + mi) * 60 + se) * 1000 + ms;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  return m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : MONTH_DAYS[m - 1];
}

/** Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm), without a Date. */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
