// "Why this prediction" in a real browser (Debian chromium via playwright-core): the site built from this
// repository's own champions (every bundled dataset: kNN, forest classifiers, a forest regressor), and
// for real rows typed into the form, the panel's numbers equal `gitml predict --explain`'s for the same
// input: each feature's contribution (exact value and text), the starting value and the total, which add
// up to the answer the page shows; for kNN the same nearest training examples with their labels,
// distances and weights. The same for the kinds no bundled champion uses (naive Bayes, logistic and
// linear regression, trained here). The panel's rows exist before the model arrives, an update moves
// nothing, and axe-core finds no violation in it.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Explanation, NeighbourExplanation } from '../../actions/lib/explain/explanation.js';
import { type StaticServer, serveStatic } from '../../actions/lib/platform/static-server.js';
import { buildSite } from '../../site/src/build/site-build.js';
import type { PredictorData } from '../../site/src/client/page-data.js';
import { distanceText, featureValueText, signedText } from '../../site/src/client/predictor-explain.js';
import { browserSkipReason, DESKTOP, launchBrowser, watchProblems } from '../helpers/browser.js';
import { enterRow } from '../helpers/site-pages.js';
import { BUILD_TIME } from '../helpers/site-workspace.js';
import { cli, makeWorkspace, REPO_ROOT } from '../helpers/workspace.js';

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
  /** What the answer above it shows: the predicted class's probability, and every class's. */
  answerProbability: number | null;
  probabilities: Record<string, number>;
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
      probabilities: Object.fromEntries(
        [...document.querySelectorAll<HTMLElement>('.bars li')].map((b) => [
          b.dataset.class ?? '',
          Number(b.dataset.probability),
        ]),
      ),
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
    let trained: string;

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
      // The kinds no bundled champion uses, each the champion of a site of its own: naive Bayes and
      // logistic regression on Iris, linear regression on the wine score.
      trained = makeWorkspace(['iris', 'wine_score']);
      const run = async (...args: string[]) => {
        const r = await cli(trained, ...args);
        expect(r.code, r.err).toBe(0);
      };
      const fast = ['--folds', '3', '--no-search'];
      await run('backfill');
      await run('train', '--dataset', 'iris', '--algorithm', 'gaussian-nb', ...fast);
      await run('train', '--dataset', 'wine_score', '--algorithm', 'linear-regression', ...fast);
      buildSite(trained, path.join(served, 'nb'), { now: BUILD_TIME, assets });
      await run(
        'train',
        '--dataset',
        'iris',
        '--algorithm',
        'logistic-regression',
        ...fast,
        '--force',
        '--promote',
      );
      buildSite(trained, path.join(served, 'logistic'), { now: BUILD_TIME, assets });
      server = await serveStatic(served);
      base = server.url;
      browser = await launchBrowser();
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      server?.close();
      for (const dir of [root, trained, served]) if (dir) rmSync(dir, { recursive: true, force: true });
    });

    afterEach(async () => {
      await context?.close();
      expect(problems).toEqual([]);
    });

    async function open(site: string, name: string): Promise<PredictorData> {
      context = await browser.newContext({ viewport: DESKTOP });
      problems = watchProblems(context);
      page = await context.newPage();
      return JSON.parse(readFileSync(path.join(served, site, name, 'predictor.json'), 'utf8'));
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

    /** The CLI's explanation by the model version the page serves. */
    async function cliExplanation(
      site: string,
      data: PredictorData,
      row: Record<string, string>,
    ): Promise<Explanation> {
      const workspace = site === 'site' ? root : trained;
      const version = String(data.champion!.version);
      const r = await cli(
        workspace,
        'predict',
        '--dataset',
        data.dataset,
        '--version',
        version,
        '--explain',
        JSON.stringify(row),
      );
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

    const pages: [site: string, name: string, kind: string][] = [
      ...DATASETS.map((name) => ['site', name, 'its champion'] as [string, string, string]),
      ['nb', 'iris', 'gaussian-nb'],
      ['logistic', 'iris', 'logistic-regression'],
      ['nb', 'wine_score', 'linear-regression'],
    ];
    for (const [site, name, kind] of pages) {
      test(`${name} (${kind}): the page explains each prediction with the CLI's numbers`, async () => {
        const data = await open(site, name);
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
        await page.goto(`${base}${site}/${name}/`);
        if (kind !== 'its champion') expect(data.champion?.algorithm).toBe(kind);
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
        // Accessible: axe-core finds nothing in the panel (a table with headers, text beside every bar).
        await page.addScriptTag({ path: path.join(REPO_ROOT, 'node_modules/axe-core/axe.min.js') });
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(c: string): Promise<{ violations: unknown[] }> } })
            .axe;
          return (await axe.run('#explanation')).violations;
        });
        expect(violations).toEqual([]);

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
          const want = await cliExplanation(site, data, row);
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
            // Naive Bayes and logistic: the log-odds of the very probabilities the answer shows.
            if (want.method === 'naive-bayes-log-odds' || want.method === 'logistic-log-odds') {
              const odds = Math.log(
                shown.probabilities[want.predicted.value] / shown.probabilities[want.runnerUp.value],
              );
              expect(Math.abs(shown.total!.value - odds)).toBeLessThanOrEqual(
                1e-9 * Math.max(1, Math.abs(odds)),
              );
            }
          }
        }
        expect(
          await page.evaluate(() => (window as unknown as { __shift: number }).__shift),
        ).toBeLessThanOrEqual(0.001);
      }, 120_000);
    }
  },
);
