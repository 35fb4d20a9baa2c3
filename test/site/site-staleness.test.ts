// The schedule's health on the site, in a real browser with the page's clock set: the home page and the
// dashboard compute how long ago the last daily run was and warn past 36 hours, linking to the daily
// workflow; a daily run after a 5-day gap makes the days good and the warning goes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type StaticServer, serveStatic } from '../../actions/lib/platform/static-server.js';
import { buildSite } from '../../site/src/build/site-build.js';
import { browserSkipReason, DESKTOP, launchBrowser, PHONE, watchProblems } from '../helpers/browser.js';
import { SITE_ASSETS } from '../helpers/site-workspace.js';
import { cli, makeWorkspace } from '../helpers/workspace.js';

const REPOSITORY = 'https://github.com/octo/gitml-demo';
const DAILY_WORKFLOW = `${REPOSITORY}/actions/workflows/daily.yml`;
const STALE_5_DAYS =
  'No daily run since 2026-11-15 05:17 UTC (5 days ago) — check that the schedule is enabled';
const skip = browserSkipReason();

describe.skipIf(skip !== null)(
  `staleness warning in a real browser${skip ? ` — skipped: ${skip}` : ''}`,
  () => {
    let root: string;
    let served: string;
    let server: StaticServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let problems: string[];
    const shots = mkdtempSync(path.join(os.tmpdir(), 'gitml-stale-shots-'));

    const run = async (...args: string[]) => {
      const r = await cli(root, ...args);
      expect(r.code, r.err).toBe(0);
      return r.out;
    };
    /** The pages at a given reader's clock: the warnings each shows (empty when the runs are recent). */
    async function warnings(site: string, at: string): Promise<{ home: string[]; dashboard: string[] }> {
      await page.clock.setFixedTime(new Date(at));
      await page.goto(`${server.url}${site}/`);
      await page.waitForSelector('body[data-ready="true"]');
      const home = await page.$$eval('[data-stale]', (els) => els.map((e) => e.textContent ?? ''));
      await page.goto(`${server.url}${site}/iris/dashboard.html`);
      await page.waitForSelector('#app[data-ready="true"]');
      const dashboard = await page.$$eval('[data-stale]', (els) => els.map((e) => e.textContent ?? ''));
      return { home, dashboard };
    }

    beforeAll(async () => {
      root = makeWorkspace(['iris']);
      served = mkdtempSync(path.join(os.tmpdir(), 'gitml-stale-site-'));
      await run('backfill', '--now', '2026-11-01T12:00:00Z');
      await run('train', '--algorithm', 'gaussian-nb', '--folds', '3', '--now', '2026-11-01T13:00:00Z');
      await run('daily', '--rows', '4', '--now', '2026-11-15T05:17:00Z');
      const opts = { assets: SITE_ASSETS, repositoryUrl: REPOSITORY };
      buildSite(root, path.join(served, 'before'), { ...opts, now: new Date('2026-11-15T05:20:00Z') });
      // Five scheduled runs are dropped; the next one, without a day count, makes them good.
      const out = await run('daily', '--rows', '4', '--now', '2026-11-21T05:17:00Z');
      expect(out).toContain('iris: 24 synthetic row(s) for 6 day(s)');
      expect(out).toContain('predicted 24 new row(s)');
      buildSite(root, path.join(served, 'after'), { ...opts, now: new Date('2026-11-21T05:20:00Z') });
      buildSite(root, path.join(served, 'no-repo'), {
        assets: SITE_ASSETS,
        now: new Date('2026-11-21T05:20:00Z'),
      });
      // Then 40 days without a run: the next makes good the latest 31 and reports the 9 before them.
      await run('daily', '--rows', '1', '--now', '2026-12-31T05:17:00Z');
      buildSite(root, path.join(served, 'gap'), { ...opts, now: new Date('2026-12-31T05:20:00Z') });
      server = await serveStatic(served);
      browser = await launchBrowser();
      context = await browser.newContext({ viewport: DESKTOP });
      problems = watchProblems(context);
      page = await context.newPage();
    });

    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await server?.close();
      for (const dir of [root, served]) if (dir) rmSync(dir, { recursive: true, force: true });
      console.log(`staleness screenshots: ${shots}`);
    });

    afterEach(() => {
      expect(problems).toEqual([]);
      problems.length = 0;
    });

    test('five days without a run: home and dashboard warn, with a link to the daily workflow', async () => {
      const seen = await warnings('before', '2026-11-21T05:10:00Z');
      expect(seen.home).toEqual([`⚠️ ${STALE_5_DAYS}. Open the daily workflow in Actions`]);
      expect(seen.dashboard).toEqual(seen.home);
      expect(await page.getAttribute('[data-stale] a', 'href')).toBe(DAILY_WORKFLOW);
      expect(await page.getAttribute('[data-stale]', 'role')).toBe('alert');
      for (const [name, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        await page.setViewportSize(viewport);
        await page.screenshot({ path: path.join(shots, `dashboard-${name}.png`) });
        await page.goto(`${server.url}before/`);
        await page.waitForSelector('body[data-ready="true"]');
        await page.screenshot({ path: path.join(shots, `home-${name}.png`) });
        await page.goto(`${server.url}before/iris/dashboard.html`);
        await page.waitForSelector('#app[data-ready="true"]');
      }
      await page.setViewportSize(DESKTOP);
    });

    test('after the catch-up run the pages show no warning, until 36 hours have passed', async () => {
      expect(await warnings('after', '2026-11-21T06:00:00Z')).toEqual({ home: [], dashboard: [] });
      // 35 h 59 min after the run: still fine; 36 h 1 min: the warning.
      expect(await warnings('after', '2026-11-22T17:16:00Z')).toEqual({ home: [], dashboard: [] });
      const late = await warnings('after', '2026-11-22T17:18:00Z');
      const text =
        '⚠️ No daily run since 2026-11-21 05:17 UTC (1 day ago) — check that the schedule is enabled. Open the daily workflow in Actions';
      expect(late).toEqual({ home: [text], dashboard: [text] });
    });

    test('the dashboard names the days a catch-up could not make good', async () => {
      expect(await warnings('gap', '2026-12-31T06:00:00Z')).toEqual({ home: [], dashboard: [] });
      expect(await page.textContent('#missing-days')).toBe(
        'Days not made good (more were missing than one daily run catches up): 2026-11-22 … 2026-11-30 (9 days). ' +
          'The repository report reports/iris/README.md has the command that backfills them.',
      );
      await page.goto(`${server.url}after/iris/dashboard.html`);
      await page.waitForSelector('#app[data-ready="true"]');
      expect(await page.$('#missing-days')).toBeNull();
    });

    test('without a known repository the warning has no link', async () => {
      const seen = await warnings('no-repo', '2026-11-25T05:17:00Z');
      expect(seen.home).toEqual([
        '⚠️ No daily run since 2026-11-21 05:17 UTC (4 days ago) — check that the schedule is enabled.',
      ]);
      expect(await page.$('[data-stale] a')).toBeNull();
    });
  },
);
