// axe-core on every page the site build writes, from this repository's real data, in Chromium at a phone's
// width (375 px) and a laptop's (1280 px), after each page has done its first work (the predictor's first
// prediction, the dashboard's charts): zero violations of the rules axe runs by default (WCAG 2.x A/AA
// and best practices). A failure lists every violation with its elements, readably. The same loads check
// the page-wide layout: the page's shell (header, headings, footer, the app's own box) shifts by no more
// than 0.02 while a page loads and draws (scrollbar gutter, the loading line's margins, the footer kept
// below the first screen). Shifts of elements inside the app alone are the app's own: the dashboard's
// and the predictor's tests measure those (helpers H1 and H5).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type StaticServer, serveStatic } from '../../actions/lib/platform/static-server.js';
import { buildSite } from '../../site/src/build/site-build.js';
import { axeViolations, formatViolations, settle } from '../helpers/axe.js';
import { browserSkipReason, launchBrowser } from '../helpers/browser.js';
import { SITE_ASSETS } from '../helpers/site-workspace.js';
import { REPO_ROOT } from '../helpers/workspace.js';

const WIDTHS = [375, 1280];
const skip = browserSkipReason();
if (skip) console.warn(`site axe tests skipped: ${skip}`);

describe.skipIf(skip !== null)(`axe-core on every built page${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let out: string;
  let pages: string[];
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    out = mkdtempSync(path.join(os.tmpdir(), 'gitml-axe-'));
    pages = buildSite(REPO_ROOT, out, { assets: SITE_ASSETS }).pages;
    server = await serveStatic(out);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(out, { recursive: true, force: true });
  });

  for (const width of WIDTHS) {
    test(`no violations and no layout shift at ${width} px`, async () => {
      expect(pages.length).toBeGreaterThan(1);
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      await context.addInitScript(() => {
        interface Shift {
          value: number;
          hadRecentInput: boolean;
          sources: { node: Node | null }[];
        }
        const w = window as unknown as { layoutShift: number };
        w.layoutShift = 0;
        new PerformanceObserver((list) => {
          const app = document.getElementById('app');
          const inApp = (n: Node | null) => app !== null && n !== null && n !== app && app.contains(n);
          for (const e of list.getEntries() as unknown as Shift[])
            if (!e.hadRecentInput && !e.sources.every((s) => inApp(s.node))) w.layoutShift += e.value;
        }).observe({ type: 'layout-shift', buffered: true });
      });
      const found: string[] = [];
      const shifted: string[] = [];
      try {
        for (const rel of pages) {
          const page = await context.newPage();
          await page.goto(new URL(rel, server.url).href);
          await settle(page, rel);
          const shift = await page.evaluate(() => (window as unknown as { layoutShift: number }).layoutShift);
          if (shift > 0.02) shifted.push(`${width} px ${rel}: shell layout shift ${shift.toFixed(3)} > 0.02`);
          const violations = await axeViolations(page, []);
          if (violations.length > 0) found.push(formatViolations(`${width} px ${rel}`, violations));
          await page.close();
        }
      } finally {
        await context.close();
      }
      expect(found.length, `axe-core violations:\n${found.join('\n')}`).toBe(0);
      expect(shifted, "layout shift of the page's shell while loading").toEqual([]);
    }, 900_000);
  }
});
