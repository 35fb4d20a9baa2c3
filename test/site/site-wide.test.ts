// The site for datasets that strain the UI, in a real browser (Debian chromium): a generated 30-feature
// dataset (fields in their spec groups, buttons above them, the answer in view on a phone, sliders on the
// decimals grid that follow the typed number, was-missing flags derived from a blank), and a generated
// 50-class dataset (dashboard and dashboard.svg with wrapped legends, distinct colours, confusion-matrix
// labels that never overlap).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type StaticServer, serveStatic } from '../../actions/lib/platform/static-server.js';
import { buildSite } from '../../site/src/build/site-build.js';
import type { PredictorData } from '../../site/src/client/page-data.js';
import { browserSkipReason, DESKTOP, launchBrowser, PHONE, watchProblems } from '../helpers/browser.js';
import { readPrediction } from '../helpers/site-pages.js';
import { SITE_ASSETS } from '../helpers/site-workspace.js';
import { addManyClassDataset, addWideDataset, MANY, manyClassLabel, WIDE } from '../helpers/wide-datasets.js';
import { cli, makeWorkspace } from '../helpers/workspace.js';

const BUILD_TIME = new Date('2026-11-11T12:00:00Z');
const skip = browserSkipReason();
if (skip) console.warn(`wide site browser tests skipped: ${skip}`);

interface Box {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * The text boxes of every axis-label and legend-label group under `root`, per group (in the page's
 * real font): overlaps are looked for within a group, where labels sit side by side.
 */
function labelBoxes(page: Page, root: string): Promise<{ role: string; boxes: Box[] }[]> {
  return page.evaluate((rootSelector) => {
    const scope = document.querySelector(rootSelector)!;
    const groups = [
      ...[...scope.querySelectorAll('g.role-axis-label')].map((g) => ({
        role: 'axis',
        texts: g.querySelectorAll('text'),
      })),
      ...[...scope.querySelectorAll('g.role-legend')].map((g) => ({
        role: 'legend',
        texts: g.querySelectorAll('g.role-legend-label text'),
      })),
    ];
    return groups.map((g) => ({
      role: g.role,
      boxes: [...g.texts]
        .filter((t) => (t.textContent ?? '').trim() !== '')
        .map((t) => {
          const r = t.getBoundingClientRect();
          return { text: t.textContent ?? '', left: r.left, top: r.top, right: r.right, bottom: r.bottom };
        }),
    }));
  }, root);
}

/** Pairs of boxes of one group that overlap by more than a hair. */
function overlaps(boxes: Box[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 0.5 && h > 0.5) out.push(`'${a.text}' and '${b.text}'`);
    }
  return out;
}

describe.skipIf(skip !== null)(`many features, many classes${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let root: string;
  let served: string;
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let base: string;
  const pageData = (name: string): PredictorData =>
    JSON.parse(readFileSync(path.join(served, name, 'predictor.json'), 'utf8'));

  async function cliPrediction(row: Record<string, string>) {
    const r = await cli(root, 'predict', '--dataset', WIDE.name, JSON.stringify(row));
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out) as { class: string; probabilities: Record<string, number> };
  }

  async function expectCliPrediction(row: Record<string, string>): Promise<void> {
    const want = await cliPrediction(row);
    const shown = await readPrediction(page);
    expect(shown.problem).toBeNull();
    expect(shown.classValue).toBe(want.class);
    const classes = pageData(WIDE.name).label.classes;
    for (const [i, p] of shown.probabilities.entries())
      expect(Math.abs(p - want.probabilities[classes[i].value])).toBeLessThanOrEqual(1e-12);
  }

  beforeAll(async () => {
    root = makeWorkspace([]);
    addWideDataset(root);
    addManyClassDataset(root);
    for (const args of [
      ['backfill', '--now', '2026-11-01T12:00:00Z'],
      ['train', '--algorithm', 'gaussian-nb', '--no-search', '--now', '2026-11-01T13:00:00Z'],
      ['daily', '--days', '10', '--rows', '30', '--now', '2026-11-11T06:00:00Z'],
    ]) {
      const r = await cli(root, ...args);
      expect(r.code, r.err).toBe(0);
    }
    served = mkdtempSync(path.join(os.tmpdir(), 'gitml-wide-site-'));
    buildSite(root, served, { now: BUILD_TIME, assets: SITE_ASSETS });
    server = await serveStatic(served);
    base = server.url;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: DESKTOP });
    await context.addInitScript((at) => {
      Date.now = () => at;
    }, BUILD_TIME.getTime());
    problems = watchProblems(context);
    page = await context.newPage();
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
    if (served) rmSync(served, { recursive: true, force: true });
  });

  afterEach(async () => {
    expect(problems).toEqual([]);
    problems.length = 0;
    await page.setViewportSize(DESKTOP);
  });

  test('30 features: fields in their spec groups, buttons above them, no input for a derived flag', async () => {
    await page.goto(`${base}${WIDE.name}/`);
    await page.waitForSelector('#predicted-class[data-class]');
    const groups = await page.$$eval('#predict-form fieldset.group', (sets) =>
      sets.map((s) => ({
        legend: s.querySelector(':scope > legend')?.textContent,
        fields: [...s.querySelectorAll('.field')].map((f) => (f as HTMLElement).dataset.feature),
      })),
    );
    expect(groups.map((g) => g.legend)).toEqual(WIDE.groups);
    const data = pageData(WIDE.name);
    for (const [g, group] of groups.entries())
      expect(group.fields).toEqual(
        data.features.filter((f) => f.group === WIDE.groups[g] && !f.derivedFrom).map((f) => f.name),
      );
    expect(groups.flatMap((g) => g.fields)).toHaveLength(30);
    // The flag is in the model but never an input: it follows the blank of its feature.
    expect(data.features.find((f) => f.name === WIDE.flag)?.derivedFrom).toBe(WIDE.blankFeature);
    expect(await page.$$(`#f-${WIDE.flag}`)).toHaveLength(0);
    // Both buttons come before the first field, in the page and on screen.
    const order = await page.evaluate(() => {
      const first = document.querySelector('#predict-form fieldset')!;
      return ['random-example', 'reset-form'].map((id) => {
        const button = document.getElementById(id)!;
        return {
          before: (button.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
          above: button.getBoundingClientRect().bottom <= first.getBoundingClientRect().top,
        };
      });
    });
    expect(order).toEqual([
      { before: true, above: true },
      { before: true, above: true },
    ]);
  });

  test('30 features on a phone: after "random holdout example" the answer stays in view down to the last field', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${base}${WIDE.name}/`);
    await page.waitForSelector('#predicted-class[data-class]');
    await page.click('#random-example');
    const last = page.locator('[data-feature="worst_f09"] input[type="text"]');
    await last.scrollIntoViewIfNeeded();
    const inView = () =>
      page.evaluate(() => {
        const r = document.getElementById('predicted-class')!.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, height: innerHeight, scrolled: scrollY };
      });
    let shown = await inView();
    expect(shown.scrolled).toBeGreaterThan(PHONE.height);
    expect(shown.top).toBeGreaterThanOrEqual(0);
    expect(shown.bottom).toBeLessThanOrEqual(shown.height);
    // Changing the last field there shows the new answer without scrolling back.
    await last.fill('99');
    shown = await inView();
    expect(shown.top).toBeGreaterThanOrEqual(0);
    expect(shown.bottom).toBeLessThanOrEqual(shown.height);
    expect((await readPrediction(page)).problem).toBeNull();
    // A field scrolled to the top of the screen stops below the pinned answer, not under it.
    const cover = await page.evaluate(() => {
      const field = document.getElementById('f-mean_f05')!;
      field.scrollIntoView({ block: 'start' });
      return {
        field: field.getBoundingClientRect().top,
        answer: document.querySelector('.predictor .result')!.getBoundingClientRect().bottom,
      };
    });
    expect(cover.field).toBeGreaterThanOrEqual(cover.answer);
  });

  test('sliders step on the decimals grid and reach both ends; typing a number moves the slider', async () => {
    await page.goto(`${base}${WIDE.name}/`);
    await page.waitForSelector('#predicted-class[data-class]');
    const data = pageData(WIDE.name);
    const onGrid = (x: number, step: number) => Math.abs(x / step - Math.round(x / step)) < 1e-9;
    for (const f of data.features.filter((g) => g.type === 'numeric')) {
      const s = await page.$eval(`#s-${f.name}`, (el) => {
        const input = el as HTMLInputElement;
        return { min: Number(input.min), max: Number(input.max), step: Number(input.step) };
      });
      const exponent = Math.log10(s.step);
      expect(Math.abs(exponent - Math.round(exponent)), `${f.name} step ${s.step}`).toBeLessThan(1e-9);
      expect(s.step).toBeGreaterThanOrEqual(10 ** -f.decimals! - 1e-12);
      expect(onGrid(s.min, s.step), `${f.name} min ${s.min} on the ${s.step} grid`).toBe(true);
      expect(onGrid(s.max, s.step), `${f.name} max ${s.max} on the ${s.step} grid`).toBe(true);
      expect(s.min).toBeLessThanOrEqual(f.observed!.min);
      expect(s.max).toBeGreaterThanOrEqual(f.observed!.max);
      expect(s.max - s.min).toBeLessThan(f.observed!.max - f.observed!.min + 2 * s.step);
    }
    // A keyboard step from the minimum lands on the grid, and the box shows it.
    const f = data.features.find((g) => g.name === 'se_f04')!;
    await page.$eval(`#s-${f.name}`, (el) => {
      const input = el as HTMLInputElement;
      input.value = input.min;
    });
    await page.focus(`#s-${f.name}`);
    await page.keyboard.press('ArrowRight');
    const step = Number(await page.getAttribute(`#s-${f.name}`, 'step'));
    const moved = Number(await page.inputValue(`#f-${f.name}`));
    expect(onGrid(moved, step)).toBe(true);

    // Typing moves the slider (the browser puts it on the nearest step).
    await page.fill(`#f-${f.name}`, '55.5');
    expect(Math.abs(Number(await page.inputValue(`#s-${f.name}`)) - 55.5)).toBeLessThanOrEqual(step / 2);
    await page.fill(`#f-${f.name}`, '12.34');
    expect(Math.abs(Number(await page.inputValue(`#s-${f.name}`)) - 12.34)).toBeLessThanOrEqual(step / 2);
    // Text that is no number leaves the slider where it was (the box shows the error).
    await page.fill(`#f-${f.name}`, 'abc');
    expect(Math.abs(Number(await page.inputValue(`#s-${f.name}`)) - 12.34)).toBeLessThanOrEqual(step / 2);
  });

  test('a blank value is "unknown": filled and flagged as the pipeline does, agreeing with gitml predict', async () => {
    await page.goto(`${base}${WIDE.name}/`);
    await page.waitForSelector('#predicted-class[data-class]');
    const data = pageData(WIDE.name);
    const source = data.features.find((f) => f.name === WIDE.blankFeature)!;
    expect(source.fill).toBeDefined();
    await page.fill(`#f-${WIDE.blankFeature}`, '');
    expect(await page.textContent(`#m-${WIDE.blankFeature}`)).toBe('');
    const typed = await page.$$eval('#predict-form input[type="text"]', (els) =>
      Object.fromEntries(els.map((e) => [(e as HTMLInputElement).name, (e as HTMLInputElement).value])),
    );
    await expectCliPrediction(typed);

    // A real row whose value was missing comes back blank, and predicts as its stored row (flag 1).
    const flag = data.features.findIndex((f) => f.name === WIDE.flag);
    const i = data.examples.values.findIndex((v) => v[flag] === '1');
    expect(i).toBeGreaterThanOrEqual(0);
    const n = data.examples.ids.length;
    await page.evaluate(
      ({ i, n }) => {
        Math.random = () => (i + 0.5) / n;
      },
      { i, n },
    );
    await page.click('#random-example');
    expect(await page.inputValue(`#f-${WIDE.blankFeature}`)).toBe('');
    const stored = Object.fromEntries(data.features.map((f, j) => [f.name, data.examples.values[i][j]]));
    expect(stored[WIDE.blankFeature]).toBe(source.fill);
    await expectCliPrediction(stored);
  });

  test('50 classes: the predictor names every class apart and colours no two bars alike by accident', async () => {
    await page.goto(`${base}${MANY.name}/`);
    await page.waitForSelector('#predicted-class[data-class]');
    const bars = await page.$$eval('.bars li', (rows) =>
      rows.map((r) => ({
        name: r.querySelector('.name')!.textContent,
        title: r.querySelector('.name')!.getAttribute('title'),
        colour: getComputedStyle(r.querySelector('.fill')!).backgroundColor,
      })),
    );
    expect(bars).toHaveLength(MANY.classes);
    expect(new Set(bars.map((b) => b.name)).size).toBe(MANY.classes);
    expect(bars.map((b) => b.title)).toEqual(
      Array.from({ length: MANY.classes }, (_, k) => manyClassLabel(k)),
    );
    // One colour for all (the names say which bar is which), never ten colours cycling over fifty.
    expect(new Set(bars.map((b) => b.colour)).size).toBe(1);
  });

  test('50 classes: the dashboard draws, legends wrap inside the chart, colours are distinct, labels never overlap', async () => {
    await page.goto(`${base}${MANY.name}/dashboard.html`);
    await page.waitForSelector('#app[data-ready="true"]');
    for (const id of ['confusion-all', 'confusion-recent']) {
      const groups = await labelBoxes(page, `figure[data-chart="${id}"] svg`);
      const axes = groups.filter((g) => g.role === 'axis');
      expect(axes.map((g) => g.boxes.length).sort()).toEqual([19, 19]);
      for (const g of axes) expect(overlaps(g.boxes), id).toEqual([]);
    }
    const mix = 'figure[data-chart="class-mix"] svg';
    const legend = (await labelBoxes(page, mix)).find((g) => g.role === 'legend')!;
    expect(legend.boxes).toHaveLength(19);
    expect(legend.boxes.at(-1)!.text).toBe('Other classes (32)');
    expect(overlaps(legend.boxes)).toEqual([]);
    const svgBox = await page.$eval(mix, (s) => {
      const r = s.getBoundingClientRect();
      return { left: r.left, right: r.right };
    });
    for (const b of legend.boxes) expect(b.right).toBeLessThanOrEqual(svgBox.right + 0.5);
    expect(new Set(legend.boxes.map((b) => Math.round(b.top))).size).toBeGreaterThan(1);
    const fills = await page.$$eval(`${mix} g.role-legend g.role-legend-symbol path`, (ps) =>
      ps.map((p) => (p.getAttribute('fill') ?? '').toLowerCase()),
    );
    expect(fills).toHaveLength(19);
    expect(new Set(fills).size).toBe(19);
  });

  test('50 classes: dashboard.svg (rendered in Node) has no overlapping labels and legends inside the image', async () => {
    const svg = readFileSync(path.join(root, 'reports', MANY.name, 'dashboard.svg'), 'utf8');
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    const groups = await labelBoxes(page, 'svg');
    expect(groups.length).toBeGreaterThan(4);
    for (const g of groups) expect(overlaps(g.boxes)).toEqual([]);
    const width = await page.$eval('svg', (s) => s.getBoundingClientRect().right);
    for (const g of groups) for (const b of g.boxes) expect(b.right).toBeLessThanOrEqual(width + 0.5);
    const symbols = await page.$$eval('g.role-legend', (gs) =>
      gs.map((g) =>
        [...g.querySelectorAll('g.role-legend-symbol path')].map((p) =>
          (p.getAttribute('fill') ?? '').toLowerCase(),
        ),
      ),
    );
    const classMix = symbols.find((s) => s.length === 19);
    expect(classMix).toBeDefined();
    expect(new Set(classMix).size).toBe(19);
  });
});
