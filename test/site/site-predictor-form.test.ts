// The predictor's form and answer in a real browser, on the site built from this repository's own data:
// a number box and its slider follow each other, sliders sit on a round grid of the spec's decimals,
// was-missing flags are derived (never asked), a decimal comma is read where unambiguous, the random
// example is a holdout row of the champion and says so, an input outside the training data puts its
// caveat on the answer, the answer stays in view on a phone, and the page does not shift as it loads.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { type StaticServer, serveStatic } from '../../actions/lib/platform/static-server.js';
import { ModelRegistry } from '../../actions/lib/registry/model-registry.js';
import { buildSite } from '../../site/src/build/site-build.js';
import type { PredictorData } from '../../site/src/client/page-data.js';
import { browserSkipReason, DESKTOP, launchBrowser, watchProblems } from '../helpers/browser.js';
import { readPrediction } from '../helpers/site-pages.js';
import { BUILD_TIME, champion, SITE_ASSETS } from '../helpers/site-workspace.js';
import { REPO_ROOT } from '../helpers/workspace.js';

const CLASSIFIERS = ['iris', 'titanic', 'wine'];
/** The phone of the issue's audit: an iPhone SE-sized screen. */
const SMALL_PHONE = { width: 375, height: 667 };
/** The goal for every page's cumulative layout shift. */
const MAX_CLS = 0.02;
const skip = browserSkipReason();
if (skip) console.warn(`predictor form browser tests skipped: ${skip}`);

describe.skipIf(skip !== null)(`predictor form in a real browser${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let served: string;
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let base: string;

  const pageData = (name: string): PredictorData =>
    JSON.parse(readFileSync(path.join(served, name, 'predictor.json'), 'utf8'));

  async function open(p: Page, name: string, query = ''): Promise<void> {
    await p.goto(`${base}${name}/${query}`);
    await p.waitForSelector('#predicted-class[data-class], #predicted-value[data-value]');
  }

  beforeAll(async () => {
    served = mkdtempSync(path.join(os.tmpdir(), 'gitml-predictor-form-'));
    buildSite(REPO_ROOT, served, { now: BUILD_TIME, assets: SITE_ASSETS });
    server = await serveStatic(served);
    base = server.url;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: DESKTOP });
    problems = watchProblems(context);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (served) rmSync(served, { recursive: true, force: true });
    expect(problems).toEqual([]);
  });

  test('typing a number moves its slider, the slider writes the box; a decimal comma counts where unambiguous', async () => {
    await open(page, 'titanic');
    await page.fill('#f-age', '45');
    expect(await page.inputValue('#s-age')).toBe('45');
    await page.focus('#s-age');
    await page.keyboard.press('ArrowRight');
    expect(await page.inputValue('#f-age')).toBe('46');
    // "6,5" years can only be six and a half: the slider moves, the answer is the one for "6.5".
    await page.fill('#f-age', '6.5');
    const dot = await readPrediction(page);
    await page.fill('#f-age', '6,5');
    expect(await page.inputValue('#s-age')).toBe('7'); // the slider's grid is whole years
    expect(await page.textContent('#m-age')).toBe('');
    expect(await readPrediction(page)).toEqual(dot);
    // "28,500" years cannot be twenty-eight thousand: it is 28.5.
    await page.fill('#f-age', '28,500');
    expect(await page.textContent('#m-age')).toBe('');
    // "1,000" £ could be one pound or a thousand (both valid fares): refused, and the message says why.
    await page.fill('#f-fare', '1,000');
    expect(await page.textContent('#m-fare')).toBe(
      '“1,000” could be 1000 or 1.000: write decimals with a dot and no thousands separator.',
    );
    expect((await readPrediction(page)).problem).toBe('Fix the highlighted input to see a prediction.');
    await page.fill('#f-fare', '7,25');
    expect(await page.inputValue('#s-fare')).toBe('10');
    expect((await readPrediction(page)).problem).toBeNull();

    await open(page, 'iris');
    await page.fill('#f-sepal_length', '6,4');
    expect(await page.inputValue('#s-sepal_length')).toBe('6.4');
    const comma = await readPrediction(page);
    await page.fill('#f-sepal_length', '6.4');
    expect(await readPrediction(page)).toEqual(comma);
  });

  test('sliders sit on a round grid of the spec decimals: Titanic ages 0, 1, … 80', async () => {
    await open(page, 'titanic');
    expect(
      await page.$eval('#s-age', (s) => [
        s.getAttribute('min'),
        s.getAttribute('max'),
        s.getAttribute('step'),
      ]),
    ).toEqual(['0', '80', '1']);
    await page.fill('#f-age', '28');
    await page.focus('#s-age');
    await page.keyboard.press('ArrowRight');
    expect(await page.inputValue('#f-age')).toBe('29');
    await page.keyboard.press('Home');
    expect(await page.inputValue('#f-age')).toBe('0');
    await page.keyboard.press('End');
    expect(await page.inputValue('#f-age')).toBe('80');
    // Every slider of every dataset: a power-of-ten step no finer than the decimals, round ends, ≤ 100 positions.
    for (const name of [...CLASSIFIERS, 'wine_score']) {
      for (const f of pageData(name).features) {
        if (!f.slider) continue;
        const { min, max, step } = f.slider;
        const e = Math.log10(step);
        expect(Math.abs(e - Math.round(e)), `${name}.${f.name}`).toBeLessThan(1e-9);
        expect(step, `${name}.${f.name}`).toBeGreaterThanOrEqual(10 ** -(f.decimals ?? 6) - 1e-12);
        for (const end of [min, max])
          expect(Math.abs(end / step - Math.round(end / step))).toBeLessThan(1e-6);
        expect(Math.round((max - min) / step), `${name}.${f.name}`).toBeLessThanOrEqual(100);
        expect(min).toBeLessThanOrEqual(f.observed?.min ?? min);
        expect(max).toBeGreaterThanOrEqual(f.observed?.max ?? max);
      }
    }
  });

  test('a was-missing flag is computed from its feature, never asked', async () => {
    const data = pageData('titanic');
    const flag = data.features.find((f) => f.derivedFrom !== undefined)!;
    expect(flag).toMatchObject({ name: 'age_missing', derivedFrom: 'age' });
    await open(page, 'titanic');
    expect(await page.$$(`[name="${flag.name}"], #f-${flag.name}, #s-${flag.name}`)).toEqual([]);
    expect(await page.textContent('#predict-form')).not.toContain(flag.title);
    // A blank age is "unknown": the model reads the recorded fill with the flag set, as ingest would.
    await page.fill('#f-age', '');
    const age = data.features.find((f) => f.name === 'age')!;
    const values = await page.$$eval('#predict-form [name]', (els) =>
      Object.fromEntries(els.map((e) => [(e as HTMLInputElement).name, (e as HTMLInputElement).value])),
    );
    const want = champion(REPO_ROOT, 'titanic').predictOne({ ...values, age: age.fill!, age_missing: '1' });
    const shown = await readPrediction(page);
    expect(shown.problem).toBeNull();
    expect(shown.classValue).toBe(data.label.classes[want.classIndex].value);
    for (const [i, p] of shown.probabilities.entries())
      expect(Math.abs(p - want.probabilities[i])).toBeLessThanOrEqual(1e-12);
  });

  test('the random example is a holdout row of the champion, and the page says so', async () => {
    const ws = new Workspace(REPO_ROOT);
    for (const name of [...CLASSIFIERS, 'wine_score']) {
      const registry = new ModelRegistry(ws, name);
      const version = registry.requireChampion().entry.version;
      const holdout = new Set(registry.holdoutIds(version));
      const data = pageData(name);
      expect(data.examples.ids.length, name).toBe(Math.min(200, holdout.size));
      for (const id of data.examples.ids) expect(holdout.has(id), `${name} row ${id}`).toBe(true);
    }
    const data = pageData('titanic');
    await open(page, 'titanic');
    expect(await page.textContent('#random-example')).toBe('Random holdout example (not used in training)');
    const i = 17;
    await page.evaluate(
      (x) => {
        Math.random = () => x;
      },
      (i + 0.5) / data.examples.ids.length,
    );
    await page.click('#random-example');
    const actual = data.label.classes.find((c) => c.value === data.examples.actual[i])!;
    expect(await page.textContent('#example-note')).toBe(
      `Holdout row #${data.examples.ids[i]}, never used to train champion v${data.champion!.version}; its actual ${data.label.title.toLowerCase()}: ${actual.label}.`,
    );
    const sex = data.features.findIndex((f) => f.name === 'sex');
    expect(await page.inputValue('#f-sex')).toBe(data.examples.values[i][sex]);
  });

  test('an input outside the training data puts its caveat on the answer itself', async () => {
    await open(page, 'titanic');
    await page.fill('#f-age', '95');
    expect(await page.isVisible('.result .verdict #input-caveat')).toBe(true);
    expect(await page.textContent('#input-caveat')).toBe(
      'Outside the training data: Age 95 years (observed 0.42–80 years). The model extrapolates there; read this answer with care.',
    );
    expect((await readPrediction(page)).problem).toBeNull();
    await page.fill('#f-age', '30');
    expect(await page.isVisible('#input-caveat')).toBe(false);
    // A regression answer too.
    await open(page, 'wine_score');
    await page.fill('#f-alcohol', '15,5');
    expect(await page.isVisible('.result .verdict #input-caveat')).toBe(true);
    expect(await page.textContent('#input-caveat')).toMatch(
      /^Outside the training data: Alcohol 15\.5 % vol \(observed .+\)\. The model extrapolates there; read this answer with care\.$/,
    );
  });

  test('on a 375×667 phone the answer and the example note stay in view after a random example', async () => {
    const phone = await browser.newContext({ viewport: SMALL_PHONE, isMobile: true, hasTouch: true });
    const phoneProblems = watchProblems(phone);
    const p = await phone.newPage();
    try {
      for (const name of CLASSIFIERS) {
        await open(p, name);
        const height = await p.evaluate(() => document.documentElement.scrollHeight);
        for (const y of [0, 300, height]) {
          await p.evaluate((top) => window.scrollTo(0, top), y);
          await p.click('#random-example'); // playwright scrolls the button into view first, as a finger would
          await p.waitForFunction(() => !document.getElementById('example-note')!.hidden);
          const boxes = await p.evaluate(() => {
            const box = (id: string) => {
              const r = document.querySelector(id)!.getBoundingClientRect();
              return { top: r.top, bottom: r.bottom };
            };
            return { panel: box('.result'), verdict: box('.result .verdict'), note: box('#example-note') };
          });
          for (const part of [boxes.verdict, boxes.note]) {
            const where = `${name} scrolled to ${y}: ${JSON.stringify(boxes)}`;
            expect(part.top, where).toBeGreaterThanOrEqual(Math.max(0, boxes.panel.top) - 0.5);
            expect(part.bottom, where).toBeLessThanOrEqual(
              Math.min(SMALL_PHONE.height, boxes.panel.bottom) + 0.5,
            );
          }
        }
      }
    } finally {
      await phone.close();
    }
    expect(phoneProblems).toEqual([]);
  });

  test(`the predictor's cumulative layout shift stays ≤ ${MAX_CLS} on a phone and a desktop`, async () => {
    const shifts: string[] = [];
    for (const viewport of [SMALL_PHONE, DESKTOP]) {
      const ctx = await browser.newContext({ viewport });
      await ctx.addInitScript(() => {
        type Shift = PerformanceEntry & {
          value: number;
          hadRecentInput: boolean;
          sources: { node?: Node; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[];
        };
        const w = window as unknown as { layoutShift: number; shifted: string[] };
        w.layoutShift = 0;
        w.shifted = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as Shift[]) {
            if (e.hadRecentInput) continue;
            w.layoutShift += e.value;
            // What moved, for the failure message.
            for (const s of e.sources) {
              const el = s.node as Element | undefined;
              w.shifted.push(
                `${e.value.toFixed(4)} ${el?.tagName}.${el?.className} y ${Math.round(s.previousRect.y)}→${Math.round(s.currentRect.y)} h ${Math.round(s.previousRect.height)}→${Math.round(s.currentRect.height)}`,
              );
            }
          }
        }).observe({ type: 'layout-shift', buffered: true });
      });
      const p = await ctx.newPage();
      // A slow network, as on a phone: the form shows while the model still loads, then the answer comes.
      await p.route(/\/model\.(json|bin)$/, async (route) => {
        await new Promise((done) => setTimeout(done, 400));
        await route.continue();
      });
      for (const name of [...CLASSIFIERS, 'wine_score']) {
        await open(p, name);
        // Two frames after the first prediction: any late shift (fonts, bars) is recorded by then.
        await p.evaluate(
          () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
        );
        const { cls, shifted } = await p.evaluate(() => {
          const w = window as unknown as { layoutShift: number; shifted: string[] };
          return { cls: w.layoutShift, shifted: w.shifted };
        });
        shifts.push(`${name} ${viewport.width}×${viewport.height}: ${cls.toFixed(4)} ${shifted.join('; ')}`);
        expect(cls, shifts.join('\n')).toBeLessThanOrEqual(MAX_CLS);
      }
      await ctx.close();
    }
    console.log(`predictor CLS\n${shifts.join('\n')}`);
  });
});
