// "Why this prediction" in a real browser (Debian chromium via playwright-core): the site built from this
// repository's own champions (every bundled dataset: kNN, forest classifiers, a forest regressor), and
// for real rows typed into the form, the panel's numbers equal `gitml predict --explain`'s for the same
// input: each feature's contribution (exact value and text), the starting value and the total, which add
// up to the answer the page shows; for kNN the same nearest training examples with their labels,
// distances and weights. The panel's rows exist before the model arrives and an update moves nothing.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Explanation, NeighbourExplanation } from '../actions/lib/explain/explanation.js';
import { buildSite } from '../actions/lib/site-build.js';
import { type StaticServer, serveStatic } from '../actions/lib/static-server.js';
import type { PredictorData } from '../site/src/page-data.js';
import { distanceText, featureValueText, signedText } from '../site/src/predictor-explain.js';
import { browserSkipReason, DESKTOP, launchBrowser, watchProblems } from './helpers/browser.js';
import { enterRow } from './helpers/site-pages.js';
import { BUILD_TIME } from './helpers/site-workspace.js';
import { cli, REPO_ROOT } from './helpers/workspace.js';

const DATASETS = readdirSync(path.join(REPO_ROOT, 'models')).sort();
const ROWS = 3;
/** Same library code in Node and Chromium; their V8s may differ in the last bit of Math.exp/log. */
const CLOSE = 1e-10;
const skip = browserSkipReason();
if (skip) console.warn(`explanation browser tests skipped: ${skip}`);

/** The site's bundles built fresh from site/src into `dir`, so the pages run this checkout's code. */
async function buildAssets(dir: string): Promise<void> {
  const { siteBundles } = (await import(path.join(REPO_ROOT, 'scripts', 'site-bundles.mjs'))) as {
    siteBundles: { outfile: string }[];
  };
  for (const options of siteBundles)
    await build({
      ...options,
      absWorkingDir: REPO_ROOT,
      outfile: path.join(dir, path.basename(options.outfile)),
      logLevel: 'error',
    });
}

interface ShownExplanation {
  state: string;
  method: string | null;
  rows: number;
  base: { value: number; text: string } | null;
  total: { value: number; text: string } | null;
  features: { name: string; contribution: number; text: string; value: string }[];
  input: string[];
  neighbours: {
    trainingIndex: number;
    distance: number;
    weight: number;
    classValue: string | null;
    value: number | null;
    answer: string;
    distanceText: string;
    values: string[];
  }[];
  /** What the answer above it shows: the predicted class's probability, or the value. */
  answerProbability: number | null;
}

function readExplanation(page: Page): Promise<ShownExplanation> {
  return page.evaluate(() => {
    const panel = document.getElementById('explanation')!;
    const num = (el: Element | null, key: string) =>
      el instanceof HTMLElement && el.dataset[key] !== undefined ? Number(el.dataset[key]) : null;
    const cells = (row: Element) => [...row.querySelectorAll('td')].map((c) => c.textContent ?? '');
    const line = (row: HTMLElement | null) =>
      row && row.dataset.value !== undefined
        ? { value: Number(row.dataset.value), text: cells(row)[1] ?? '' }
        : null;
    const top = document.querySelector<HTMLElement>('.bars li.top');
    return {
      state: panel.dataset.state ?? '',
      method: panel.dataset.method ?? null,
      rows: panel.querySelectorAll('tbody tr').length,
      base: line(panel.querySelector<HTMLElement>('tr.base')),
      total: line(panel.querySelector<HTMLElement>('tr.total')),
      features: [...panel.querySelectorAll<HTMLElement>('tr[data-feature]')].map((r) => ({
        name: r.dataset.feature!,
        contribution: Number(r.dataset.contribution),
        value: cells(r)[0],
        text: cells(r)[1],
      })),
      input: [...panel.querySelectorAll('tr.input-row td')].slice(3).map((c) => c.textContent ?? ''),
      neighbours: [...panel.querySelectorAll<HTMLElement>('tr[data-training-index]')].map((r) => ({
        trainingIndex: Number(r.dataset.trainingIndex),
        distance: Number(r.dataset.distance),
        weight: Number(r.dataset.weight),
        classValue: r.dataset.class ?? null,
        value: num(r, 'value'),
        answer: cells(r)[0],
        distanceText: cells(r)[1],
        values: cells(r).slice(3),
      })),
      answerProbability: num(top, 'probability'),
    };
  });
}

describe.skipIf(skip !== null)(
  `prediction explanations in a real browser${skip ? ` — skipped: ${skip}` : ''}`,
  () => {
    let root: string;
    let served: string;
    let server: StaticServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let problems: string[];
    let base: string;

    beforeAll(async () => {
      // The repository's own data, champions and reports, copied: nothing here may touch the checkout.
      root = mkdtempSync(path.join(os.tmpdir(), 'gitml-explain-'));
      for (const dir of ['data', 'models', 'reports'])
        cpSync(path.join(REPO_ROOT, dir), path.join(root, dir), { recursive: true });
      served = mkdtempSync(path.join(os.tmpdir(), 'gitml-explain-site-'));
      const assets = path.join(served, 'assets-src');
      mkdirSync(assets);
      await buildAssets(assets);
      buildSite(root, path.join(served, 'site'), { now: BUILD_TIME, assets });
      server = await serveStatic(served);
      base = `${server.url}site/`;
      browser = await launchBrowser();
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      server?.close();
      for (const dir of [root, served]) if (dir) rmSync(dir, { recursive: true, force: true });
    });

    afterEach(async () => {
      await context?.close();
      expect(problems).toEqual([]);
    });

    async function open(name: string): Promise<PredictorData> {
      context = await browser.newContext({ viewport: DESKTOP });
      problems = watchProblems(context);
      page = await context.newPage();
      return JSON.parse(readFileSync(path.join(served, 'site', name, 'predictor.json'), 'utf8'));
    }

    /** Enters a row and waits for its explanation (the panel is marked first, so an old one cannot pass). */
    async function explainRow(data: PredictorData, row: Record<string, string>): Promise<ShownExplanation> {
      await page.evaluate(() => {
        document.getElementById('explanation')!.dataset.state = 'test-waiting';
      });
      await enterRow(page, data.features, row);
      await page.waitForSelector('#explanation[data-state="ready"]', { timeout: 20_000 });
      return readExplanation(page);
    }

    async function cliExplanation(name: string, row: Record<string, string>): Promise<Explanation> {
      const r = await cli(root, 'predict', '--dataset', name, '--explain', JSON.stringify(row));
      expect(r.code, r.err).toBe(0);
      return (JSON.parse(r.out) as { explanation: Explanation }).explanation;
    }

    function expectContributions(shown: ShownExplanation, want: Explanation, data: PredictorData): void {
      expect(want.method).not.toBe('neighbours');
      if (want.method === 'neighbours') return;
      const [wantBase, wantTotal] =
        want.method === 'naive-bayes-log-odds'
          ? [want.prior, want.logOdds]
          : want.method === 'logistic-log-odds'
            ? [want.intercept, want.logOdds]
            : want.method === 'linear'
              ? [want.intercept, want.prediction]
              : [want.bias, want.prediction];
      expect(Math.abs(shown.base!.value - wantBase)).toBeLessThanOrEqual(CLOSE);
      expect(Math.abs(shown.total!.value - wantTotal)).toBeLessThanOrEqual(CLOSE);
      expect(shown.features.map((f) => f.name).sort()).toEqual(want.features.map((f) => f.name).sort());
      const byName = new Map(shown.features.map((f) => [f.name, f]));
      for (const w of want.features) {
        const s = byName.get(w.name)!;
        expect(Math.abs(s.contribution - w.contribution), w.name).toBeLessThanOrEqual(CLOSE);
        expect(s.text).toBe(signedText(w.contribution));
        expect(s.value).toBe(
          featureValueText(
            w,
            data.features.find((f) => f.name === w.name),
          ),
        );
      }
      // Largest effect first, and the page's own numbers add up to its total.
      const sizes = shown.features.map((f) => Math.abs(f.contribution));
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      const sum = shown.base!.value + shown.features.reduce((a, f) => a + f.contribution, 0);
      expect(Math.abs(sum - shown.total!.value)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(sum)));
    }

    function expectNeighbours(
      shown: ShownExplanation,
      want: NeighbourExplanation,
      data: PredictorData,
    ): void {
      const inputs = data.features.filter((f) => !f.inputOnly);
      expect(shown.input).toEqual(
        inputs.map((f) => featureValueText(want.input.find((v) => v.name === f.name)!, f)),
      );
      expect(shown.neighbours.map((n) => n.trainingIndex)).toEqual(
        want.neighbours.map((n) => n.trainingIndex),
      );
      want.neighbours.forEach((w, i) => {
        const s = shown.neighbours[i];
        expect(Math.abs(s.distance - w.distance)).toBeLessThanOrEqual(CLOSE);
        expect(s.distanceText).toBe(distanceText(w.distance));
        expect(Math.abs(s.weight - w.weight)).toBeLessThanOrEqual(CLOSE * Math.max(1, w.weight));
        if (w.label) {
          expect(s.classValue).toBe(w.label.value);
          expect(s.answer).toBe(w.label.label);
        } else expect(s.value).toBe(w.value);
        expect(s.values).toEqual(
          inputs.map((f) => featureValueText(w.features.find((v) => v.name === f.name)!, f)),
        );
      });
    }

    for (const name of DATASETS) {
      test(`${name}: the page explains each prediction with the CLI's numbers`, async () => {
        const data = await open(name);
        if (data.champion === null) return;
        // The model is held back: the panel's rows are all there before it arrives, so its arrival moves nothing.
        let release = () => {};
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        await page.route('**/model.json', async (route) => {
          await held;
          await route.continue();
        });
        await page.goto(`${base}${name}/`);
        await page.waitForSelector('#explanation');
        const box = async () =>
          page.evaluate(() => {
            const r = document.getElementById('explanation')!.getBoundingClientRect();
            return {
              top: r.top,
              height: r.height,
              rows: document.querySelectorAll('#explanation tbody tr').length,
            };
          });
        const before = await box();
        release();
        await page.waitForSelector('#explanation[data-state="ready"]', { timeout: 30_000 });
        const after = await box();
        // (The answer above the panel may still move it as a whole: that is the result panel's own layout.)
        expect({ height: after.height, rows: after.rows }).toEqual({
          height: before.height,
          rows: before.rows,
        });
        expect(after.rows).toBeGreaterThan(0);

        // From now on, explanations of new inputs shift nothing on the page.
        await page.evaluate(() => {
          const w = window as unknown as { __shift: number };
          w.__shift = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) w.__shift += (e as unknown as { value: number }).value;
          }).observe({ type: 'layout-shift' });
        });

        const n = data.examples.ids.length;
        expect(n).toBeGreaterThan(0);
        for (let k = 0; k < ROWS; k++) {
          const i = Math.floor((k * n) / ROWS);
          const row = Object.fromEntries(data.features.map((f, j) => [f.name, data.examples.values[i][j]]));
          const shown = await explainRow(data, row);
          const want = await cliExplanation(name, row);
          expect(shown.method).toBe(want.method);
          if (want.method === 'neighbours') expectNeighbours(shown, want, data);
          else {
            expectContributions(shown, want, data);
            // A forest classifier explains the very probability the answer shows.
            if (
              want.method !== 'naive-bayes-log-odds' &&
              'explains' in want &&
              want.explains === 'probability'
            )
              expect(Math.abs(shown.total!.value - shown.answerProbability!)).toBeLessThanOrEqual(1e-12);
          }
        }
        expect(
          await page.evaluate(() => (window as unknown as { __shift: number }).__shift),
        ).toBeLessThanOrEqual(0.001);
      }, 120_000);
    }
  },
);
