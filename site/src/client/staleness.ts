// The schedule's health, computed in the browser from the page's own clock: a page built days ago and
// still served (the site is static) shows how long ago the last daily run was, and past
// STALE_AFTER_HOURS a warning that the schedule may have stopped (GitHub drops or disables schedules).

import { utcText } from '../../../actions/lib/core/time.js';
import { STALE_AFTER_HOURS } from '../../../actions/lib/pipelines/daily-schedule.js';
import { h } from './dom.js';

const HOUR_MS = 3_600_000;

/** The warning's text when `lastRun` is more than STALE_AFTER_HOURS before `nowMs`; else null. */
export function stalenessText(lastRun: string, nowMs: number): string | null {
  const at = Date.parse(lastRun);
  if (Number.isNaN(at)) return null;
  const hours = (nowMs - at) / HOUR_MS;
  if (hours <= STALE_AFTER_HOURS) return null;
  const days = Math.floor(hours / 24);
  return `No daily run since ${utcText(lastRun)} (${days} ${days === 1 ? 'day' : 'days'} ago) — check that the schedule is enabled`;
}

/**
 * The warning as an element (role=alert), linking to the daily workflow in the repository's Actions tab
 * when the page knows the repository (the body's data-actions); null while runs are recent.
 */
export function stalenessWarning(lastRun: string | null, nowMs = Date.now()): HTMLElement | null {
  const text = lastRun === null ? null : stalenessText(lastRun, nowMs);
  if (text === null) return null;
  const actions = document.body.dataset.actions;
  return h(
    'p',
    { class: 'stale', role: 'alert', 'data-stale': 'true' },
    `⚠️ ${text}`,
    actions ? '. ' : '.',
    actions ? h('a', { href: actions }, 'Open the daily workflow in Actions') : null,
  );
}
