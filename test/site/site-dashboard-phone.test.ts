// The dashboard on a phone and at 1280 px, built from the repository's own data and served on loopback:
// a vertical scroll swipe over a time chart (real touch events, 1 px of sideways drift per step) scrolls
// the page and selects no days; the recent predictions show the outcome and actual class without sideways
// scrolling at 375 px; no chart text (subtitles, legends, axis labels) is cut off by its chart or overlaps
// another label; the drift table shows every column at 1280 px; axe-core finds no violation.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type StaticServer, serveStatic } from '../../actions/lib/platform/static-server.js';
import { buildSite } from '../../site/src/build/site-build.js';
import { browserSkipReason, launchBrowser, watchProblems } from '../helpers/browser.js';
import { BUILD_TIME, SITE_ASSETS } from '../helpers/site-workspace.js';
import { REPO_ROOT } from '../helpers/workspace.js';

/** The phone the issue was audited on, in Chromium's mobile emulation (touch, device pixels, meta viewport). */
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const WIDE = { viewport: { width: 1280, height: 900 } };
const DASHBOARDS = ['iris', 'titanic', 'wine', 'wine_score'];
const AXE = path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js');

const skip = browserSkipReason();

describe.skipIf(skip !== null)(
  `dashboard on a phone and at 1280 px${skip ? ` — skipped: ${skip}` : ''}`,
  () => {
    let out: string;
    let server: StaticServer;
    let browser: Browser;

    /** A fresh context of the given shape with a dashboard loaded and drawn; problems collected. */
    async function open(
      shape: typeof PHONE | typeof WIDE,
      dataset: string,
    ): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
      const context = await browser.newContext(shape);
      // The reader's clock is the build time (the staleness warning compares the two).
      await context.addInitScript((at) => {
        Date.now = () => at;
      }, BUILD_TIME.getTime());
      const problems = watchProblems(context);
      const page = await context.newPage();
      await page.goto(`${server.url}${dataset}/dashboard.html`);
      await page.waitForSelector('#app[data-ready="true"]');
      return { context, page, problems };
    }

    beforeAll(async () => {
      out = mkdtempSync(path.join(os.tmpdir(), 'gitml-dash-phone-'));
      buildSite(REPO_ROOT, out, { now: BUILD_TIME, assets: SITE_ASSETS });
      server = await serveStatic(out);
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (out) rmSync(out, { recursive: true, force: true });
    });

    test('touch: a vertical swipe with 1 px sideways drift over a time chart scrolls the page and selects no days', async () => {
      const { context, page, problems } = await open(PHONE, 'titanic');
      try {
        const allDays = await page.textContent('#range-status');
        expect(allDays).toMatch(/^All \d+ days\.$/);
        for (const chart of ['class-mix', 'accuracy-over-time', 'rows-per-day']) {
          const plot = page.locator(`figure[data-chart="${chart}"] svg path.background`).first();
          await plot.evaluate((el) => el.scrollIntoView({ block: 'center' }));
          const box = (await plot.boundingBox())!;
          const scrolledFrom = await page.evaluate(() => window.scrollY);
          // The swipe a reader makes to scroll on: finger down inside the plot, up the screen in 12 steps of
          // 15 px, drifting 1 px sideways each step, finger up. Real touch events through the input pipeline.
          const cdp = await context.newCDPSession(page);
          let x = Math.round(box.x + box.width * 0.4);
          let y = Math.round(box.y + box.height * 0.8);
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
          for (let step = 0; step < 12; step++) {
            x += 1;
            y -= 15;
            await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] });
          }
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
          await cdp.detach();
          await page.waitForTimeout(300);
          // It was a scroll, and it selected nothing.
          expect(await page.evaluate(() => window.scrollY), `${chart}: the page scrolled`).toBeGreaterThan(
            scrolledFrom + 60,
          );
          expect(await page.textContent('#range-status'), chart).toBe(allDays);
          expect(await page.inputValue('#range-from'), chart).toBe('');
        }
        // The deliberate ways still select days on the phone: the date inputs, and a mouse drag.
        const days = await page.$eval('#range-from', (el) => [
          (el as HTMLInputElement).min,
          (el as HTMLInputElement).max,
        ]);
        await page.fill('#range-from', days[0]);
        await page.fill('#range-to', days[0]);
        await page.waitForFunction(
          (want) => (document.getElementById('range-status')!.textContent ?? '').startsWith(want),
          `${days[0]} – ${days[0]}: 1 days`,
        );
        await page.click('#range-clear');
        const plot = page.locator('figure[data-chart="class-mix"] svg path.background').first();
        await plot.evaluate((el) => el.scrollIntoView({ block: 'center' }));
        const box = (await plot.boundingBox())!;
        await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 });
        await page.mouse.up();
        await page.waitForFunction(() =>
          /^\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}:/.test(
            document.getElementById('range-status')!.textContent ?? '',
          ),
        );
        // The hint says how to select on a touch screen.
        expect(await page.textContent('.selection .hint')).toContain('touch screen');
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });

    test('375 px: the recent predictions show the outcome and the actual value without sideways scrolling', async () => {
      for (const dataset of DASHBOARDS) {
        const { context, page, problems } = await open(PHONE, dataset);
        try {
          const columns = await page.evaluate(() => {
            const table = document.getElementById('recent-table')!;
            const scroller = table.parentElement!.getBoundingClientRect();
            return [...table.querySelectorAll('thead th')].map((th) => {
              const r = th.getBoundingClientRect();
              return {
                header: th.textContent ?? '',
                visible: r.left >= scroller.left - 0.5 && r.right <= scroller.right + 0.5,
              };
            });
          });
          // Classes: the ✓/✗ outcome and the actual class; values: the actual value and the error.
          const key = columns.filter((c) => /^(outcome|actual|error)/.test(c.header));
          expect(key.length, `${dataset}: ${JSON.stringify(columns)}`).toBe(2);
          for (const c of key) expect(c.visible, `${dataset} '${c.header}' column on screen`).toBe(true);
          // The predicted value is on screen too: a row reads predicted, actual, outcome at a glance.
          expect(
            columns.find((c) => c.header.startsWith('predicted'))?.visible,
            `${dataset} predicted column`,
          ).toBe(true);
          // Nothing on the page is wider than the phone.
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
          expect(problems).toEqual([]);
        } finally {
          await context.close();
        }
      }
    }, 600_000);

    test('charts at 375 and 1280 px: no title, subtitle, legend or axis label cut off or overlapping another', async () => {
      for (const shape of [PHONE, WIDE]) {
        for (const dataset of DASHBOARDS) {
          const { context, page, problems } = await open(shape, dataset);
          try {
            const found = await page.evaluate(() => {
              const bad: string[] = [];
              for (const figure of document.querySelectorAll<HTMLElement>('figure[data-chart]')) {
                const svg = figure.querySelector('svg');
                if (!svg) continue;
                const s = svg.getBoundingClientRect();
                const f = figure.getBoundingClientRect();
                const left = Math.max(s.left, f.left);
                const right = Math.min(s.right, f.right);
                const texts = [...svg.querySelectorAll('text')]
                  .filter((t) => t.getAttribute('opacity') !== '0' && (t.textContent ?? '') !== '')
                  .map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }))
                  .filter((t) => t.r.width > 0);
                for (const t of texts)
                  if (
                    t.r.left < left - 0.5 ||
                    t.r.right > right + 0.5 ||
                    t.r.top < s.top - 0.5 ||
                    t.r.bottom > s.bottom + 0.5
                  )
                    bad.push(`${figure.dataset.chart}: '${t.text}' cut off`);
                // Labels of axes and legends never overlap one another (cell counts sit inside cells).
                // Labels Vega hid for want of room (labelOverlap) are drawn at opacity 0.
                const guides = [...svg.querySelectorAll('.role-axis-label text, .role-legend-label text')]
                  .filter((t) => t.getAttribute('opacity') !== '0')
                  .map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }))
                  .filter((t) => t.r.width > 0);
                for (let i = 0; i < guides.length; i++)
                  for (let j = i + 1; j < guides.length; j++) {
                    const [a, b] = [guides[i].r, guides[j].r];
                    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                    if (w > 0.5 && h > 0.5)
                      bad.push(`${figure.dataset.chart}: '${guides[i].text}' overlaps '${guides[j].text}'`);
                  }
              }
              return bad;
            });
            expect(found, `${dataset} at ${shape.viewport.width} px`).toEqual([]);
            expect(problems).toEqual([]);
          } finally {
            await context.close();
          }
        }
      }
    }, 600_000);

    test('1280 px: the drift table shows every column, p-values included, without sideways scrolling', async () => {
      for (const dataset of DASHBOARDS) {
        const { context, page, problems } = await open(WIDE, dataset);
        try {
          await page.click('.drift-table summary');
          const table = await page.$eval('.drift-table', (details) => {
            const scroller = details.querySelector('.table-scroll')!;
            const box = scroller.getBoundingClientRect();
            return {
              fits: scroller.scrollWidth <= scroller.clientWidth,
              clipped: [...details.querySelectorAll('thead th')]
                .filter((th) => th.getBoundingClientRect().right > box.right + 0.5)
                .map((th) => th.textContent),
            };
          });
          expect(table, dataset).toEqual({ fits: true, clipped: [] });
          expect(problems).toEqual([]);
        } finally {
          await context.close();
        }
      }
    }, 600_000);

    test('axe-core: no violations on the dashboards at 375 and 1280 px', async () => {
      const axe = readFileSync(AXE, 'utf8');
      const found: string[] = [];
      for (const shape of [PHONE, WIDE]) {
        for (const dataset of DASHBOARDS) {
          const { context, page } = await open(shape, dataset);
          try {
            // The closed drift table is checked open too.
            await page.click('.drift-table summary');
            await page.addScriptTag({ content: axe });
            const violations = await page.evaluate(async () => {
              const run = (window as unknown as { axe: { run: (c: Document) => Promise<AxeResults> } }).axe
                .run;
              interface AxeResults {
                violations: {
                  id: string;
                  help: string;
                  nodes: { target: string[]; failureSummary?: string }[];
                }[];
              }
              const results = await run(document);
              return results.violations.flatMap((v) =>
                v.nodes.map((n) => `${v.id} (${v.help}): ${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
              );
            });
            for (const v of violations) found.push(`${dataset} at ${shape.viewport.width} px: ${v}`);
          } finally {
            await context.close();
          }
        }
      }
      expect(found.join('\n')).toBe('');
    }, 600_000);
  },
);
