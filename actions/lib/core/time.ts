// UTC time, the one module: day arithmetic on YYYY-MM-DD dates, instant text, and the one parser of
// dates and instants that users type (--date, --drift-start, --now, --as-of, action inputs, spec dates).
// JavaScript's Date rolls impossible days over (2026-02-30 becomes 2026-03-02) and reads anything it
// likes; here a date is a real calendar day written YYYY-MM-DD, an instant is ISO 8601, and nothing
// before EARLIEST_DATE is accepted (a typo like 1026 or a zero clock is not a day to run). Every date is
// a UTC day: local time never enters (the original systems' history was an hour off).
// Browser-safe.
import { GitmlError } from './gitml-error.js';

/** The earliest date accepted anywhere: no dataset, commit or run of gitml is older. */
export const EARLIEST_DATE = '2000-01-01';

/** Milliseconds in a UTC day (no leap seconds in epoch time). */
export const DAY_MS = 86_400_000;

/** The UTC date YYYY-MM-DD of an instant (a Date or epoch milliseconds). */
export function utcDate(instant: Date | number): string {
  return (typeof instant === 'number' ? new Date(instant) : instant).toISOString().slice(0, 10);
}

/** The UTC date `days` after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return utcDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
}

/** The UTC date after `date`. */
export function nextDay(date: string): string {
  return addDays(date, 1);
}

/** Whole days from date `from` to date `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** An instant's ISO 8601 text in UTC, without the `.000` of whole seconds: 2026-11-24T06:00:00Z. */
export function isoFromMs(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A clock's instant in UTC to the whole second (the milliseconds dropped): 2026-11-24T06:00:00Z. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "2026-11-24T06:00:00Z" → "2026-11-24 06:00" (minutes, for a table); shorter text as it is. */
export function shortTime(iso: string): string {
  return iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso;
}

/** "2026-11-24T06:00:00Z" → "2026-11-24 06:00 UTC" (minutes, for a sentence); shorter text as it is. */
export function utcText(iso: string): string {
  return iso.length >= 16 ? `${shortTime(iso)} UTC` : iso;
}

/** Whether `s` is a stored instant: YYYY-MM-DDTHH:MM:SS[.mmm]Z, a real day and time. */
export function isIsoInstant(s: string): boolean {
  // Date.parse rolls 2026-02-30 over to March: the round trip refuses impossible days and times.
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(s) &&
    !Number.isNaN(Date.parse(s)) &&
    new Date(s).toISOString().slice(0, 19) === s.slice(0, 19)
  );
}

/** Whether `s` is a real calendar day written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  // A month 13 or a day 32 is an invalid Date, whose toISOString throws: not a date, not a crash.
  const ms = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(ms) && utcDate(ms) === s;
}

export class DateError extends GitmlError {
  override name = 'DateError';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// A date-time: seconds and fraction optional, zone Z or ±HH:MM; without a zone it is read as UTC.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/i;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Why year-month-day is not a calendar day, or null when it is one. */
function calendarProblem(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12) return `there is no month ${month}`;
  const n = daysIn(year, month);
  if (day < 1 || day > n) return `${year}-${String(month).padStart(2, '0')} has ${n} days`;
  return null;
}

function notBefore(date: string, text: string, what: string): void {
  if (date < EARLIEST_DATE)
    throw new DateError(`${what} '${text}' is before ${EARLIEST_DATE}, the earliest date gitml accepts`);
}

/** A UTC calendar date YYYY-MM-DD, checked; `what` names the option or field in the message. */
export function parseCalendarDate(text: string, what: string): string {
  const s = text.trim();
  const m = DATE.exec(s);
  if (!m) throw new DateError(`${what} '${text}' is not a date (YYYY-MM-DD, UTC)`);
  const problem = calendarProblem(Number(m[1]), Number(m[2]), Number(m[3]));
  if (problem) throw new DateError(`${what} '${text}' is not a date: ${problem}`);
  notBefore(s, text, what);
  return s;
}

/**
 * An instant in ms: a date-time (ISO 8601, zone Z or ±HH:MM, none = UTC) or a bare date, which means
 * the start of that UTC day, or its end with `bareDate: 'end'` (an as-of date includes that day).
 */
export function parseInstant(text: string, what: string, opts: { bareDate?: 'start' | 'end' } = {}): number {
  const s = text.trim();
  if (DATE.test(s)) {
    const date = parseCalendarDate(s, what);
    return Date.parse(`${date}T${opts.bareDate === 'end' ? '23:59:59.999' : '00:00:00.000'}Z`);
  }
  const m = INSTANT.exec(s);
  if (!m)
    throw new DateError(`${what} '${text}' is not a date or date-time (ISO 8601, like 2026-01-31T12:00:00Z)`);
  const [, y, mo, d, hh, mm, ss = '00', frac = '', zone = 'Z'] = m;
  const problem =
    calendarProblem(Number(y), Number(mo), Number(d)) ??
    (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59 ? `there is no time ${hh}:${mm}:${ss}` : null) ??
    (zone !== 'Z' && zone !== 'z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)
      ? `there is no zone offset ${zone}`
      : null);
  if (problem) throw new DateError(`${what} '${text}' is not a date-time: ${problem}`);
  const ms = Date.parse(`${y}-${mo}-${d}T${hh}:${mm}:${ss}${frac.slice(0, 4)}${zone.toUpperCase()}`);
  notBefore(utcDate(ms), text, what);
  return ms;
}
