// What one pass over a column shows: blanks, numbers (range, decimals, whole numbers, order), distinct
// values (counted up to a cap, so a million-row file keeps memory bounded), timestamps and text traits.

import { isIsoDate } from '../../core/time.js';
import { normaliseEventTime } from '../../pipelines/event-time.js';
import { isDecimalComma, MISSING_VALUE_TOKENS, withDecimalPoint } from '../source-format.js';

/** Distinct values counted per column; past it a column is "many-valued" (free text, identifier, regression). */
export const DISTINCT_CAP = 1000;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** A date-time with a local time or an offset: not accepted as an event time (backfill never guesses a zone). */
const LOCAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$/;
const LOCAL_DATE = /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/;

export interface Example {
  value: string;
  line: number;
}

export class ColumnProfile {
  rows = 0;
  blanks = 0;
  numbers = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  decimals = 0;
  wholeNumbers = 0;
  /** Numbers strictly increasing row after row (an identifier's usual order): unique without counting. */
  increasing = true;
  private last = Number.NEGATIVE_INFINITY;
  decimalCommas = 0;
  firstDecimalComma?: Example;
  firstText?: Example;
  isoTimes = 0;
  /** Earliest and latest UTC time seen (normalised, so they compare as text). */
  firstTime?: string;
  lastTime?: string;
  localTimes = 0;
  /** Text values with a space inside: words, not codes (free text rather than an identifier). */
  spaced = 0;
  /** Values that cannot be a stored category (a comma, quote or line break). */
  unstorable = 0;
  /** Cells spelled like "no value" (NA, ?), by spelling: counted as blanks. */
  missingTokens = new Map<string, number>();
  distinct = new Map<string, number>();
  /** More than DISTINCT_CAP distinct values. */
  overflow = false;

  constructor(
    readonly header: string,
    readonly index: number,
    private readonly decimalComma: boolean,
  ) {}

  add(raw: string, line: number): void {
    this.rows++;
    const v = raw.trim();
    if (v === '' || MISSING_VALUE_TOKENS.includes(v)) {
      this.blanks++;
      if (v !== '') this.missingTokens.set(v, (this.missingTokens.get(v) ?? 0) + 1);
      return;
    }
    if (!this.overflow) {
      const n = this.distinct.get(v);
      if (n !== undefined) this.distinct.set(v, n + 1);
      else if (this.distinct.size < DISTINCT_CAP) this.distinct.set(v, 1);
      else this.overflow = true;
    }
    let text = v;
    if (this.decimalComma && isDecimalComma(v)) {
      text = withDecimalPoint(v);
      this.decimalCommas++;
      this.firstDecimalComma ??= { value: v, line };
    }
    if (NUMBER.test(text) && Number.isFinite(Number(text))) {
      const x = Number(text);
      this.numbers++;
      if (x < this.min) this.min = x;
      if (x > this.max) this.max = x;
      if (Number.isInteger(x)) this.wholeNumbers++;
      this.decimals = Math.max(this.decimals, decimalsOf(text));
      if (!(x > this.last)) this.increasing = false;
      this.last = x;
      return;
    }
    this.firstText ??= { value: v, line };
    const time = isIsoDate(v) ? `${v}T00:00:00Z` : normaliseEventTime(v);
    if (time !== null) {
      this.isoTimes++;
      if (this.firstTime === undefined || time < this.firstTime) this.firstTime = time;
      if (this.lastTime === undefined || time > this.lastTime) this.lastTime = time;
    } else if (LOCAL_TIMESTAMP.test(v) || LOCAL_DATE.test(v)) this.localTimes++;
    if (/[",\r\n]/.test(v)) this.unstorable++;
    if (/\s/.test(v)) this.spaced++;
  }

  get filled(): number {
    return this.rows - this.blanks;
  }
  get allNumbers(): boolean {
    return this.filled > 0 && this.numbers === this.filled;
  }
  get allWhole(): boolean {
    return this.allNumbers && this.wholeNumbers === this.filled;
  }
  /** Distinct non-blank values (exact below the cap). */
  get distinctCount(): number {
    return this.distinct.size;
  }
  /** The distinct values when they were all counted. */
  values(): string[] | null {
    return this.overflow ? null : [...this.distinct.keys()];
  }
  /** The most frequent value (first seen wins a tie). */
  mode(): string | undefined {
    let best: string | undefined;
    let bestCount = 0;
    for (const [v, n] of this.distinct)
      if (n > bestCount) {
        best = v;
        bestCount = n;
      }
    return best;
  }
}

/** Decimals written in a number's text: '7.25' → 2, '1e-05' → 5, '1.5E3' → 0. */
export function decimalsOf(text: string): number {
  const m = /^[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return 0;
  const fraction = m[1]?.replace(/0+$/, '').length ?? 0;
  return Math.min(12, Math.max(0, fraction - Number(m[2] ?? 0)));
}
