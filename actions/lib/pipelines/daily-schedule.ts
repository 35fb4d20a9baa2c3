// What the daily schedule promises and how its failures show. A run makes good the days missed since the
// last generated one, at most DEFAULT_MAX_DAYS of them; older ones stay missing until someone backfills
// them, with one wording of the fix wherever they are reported (the generate step's summary, the CLI,
// the repository report). Past STALE_AFTER_HOURS without a run the pages warn. Browser-safe: the pages bundle it.

import { daysBetween } from '../core/time.js';

/** A month of missed runs is made good by one run; a longer gap is reported, not silently filled. */
export const DEFAULT_MAX_DAYS = 31;

/** Hours without a daily run after which the pages warn that the schedule may have stopped. */
export const STALE_AFTER_HOURS = 36;

export interface DayRange {
  from: string;
  to: string;
  days: number;
}

/** Sorted UTC dates (YYYY-MM-DD) as runs of consecutive days. */
export function dayRanges(dates: readonly string[]): DayRange[] {
  const ranges: DayRange[] = [];
  for (const date of dates) {
    const last = ranges[ranges.length - 1];
    if (last && daysBetween(last.to, date) === 1) {
      last.to = date;
      last.days++;
    } else ranges.push({ from: date, to: date, days: 1 });
  }
  return ranges;
}

/** "2026-10-01 … 2026-10-09 (9 days)" or "2026-10-01". */
export function rangeText(r: DayRange): string {
  return r.days === 1 ? r.from : `${r.from} … ${r.to} (${r.days} days)`;
}

/**
 * How to make good one range of missing days: the CLI's daily cycle (generate, predict, monitor and
 * report) or the daily workflow dispatched with the same date and day count.
 */
export function backfillCommands(dataset: string, r: DayRange): { cli: string; dispatch: string } {
  return {
    cli: `npm run cli -- daily --dataset ${dataset} --date ${r.to} --days ${r.days}`,
    dispatch: `gh workflow run daily.yml -f dataset=${dataset} -f date=${r.to} -f days=${r.days}`,
  };
}
