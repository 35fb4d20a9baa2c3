// A regression dataset's pages in a real browser (Debian chromium via playwright-core), served on
// loopback: the predictor shows the champion's value with its unit, the 10th–90th percentile interval and
// a bar of where they sit in the label's range (with the same facts in words), agrees with the model in
// Node, keeps its state in the URL, fills a real example and works from the keyboard; the dashboard draws
// every regression chart with the marks its monitoring file implies; the home card shows live MAE beside
// the holdout and the mean baseline. No page logs an error or fails a request.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { PREDICTED_VALUE_FEATURE, RESIDUAL_FEATURE } from '../../actions/lib/charts/drift-chart.js';
import { valueWithUnit } from '../../actions/lib/charts/regression-values.js';
import { type StaticServer, serveStatic } from '../../actions/lib/platform/static-server.js';
import { buildSite } from '../../site/src/build/site-build.js';
import type { PredictorData } from '../../site/src/client/page-data.js';
import type { RegressionReport } from '../../site/src/client/regression-report.js';
import { errorText, fixed, shareOf } from '../../site/src/client/value-format.js';
import { regressionMonitoringReport } from '../fixtures/monitoring-report.js';
import { addRegressionDataset, REGRESSION, type RegressionChampion } from '../fixtures/regression-site.js';
import { browserSkipReason, DESKTOP, launchBrowser, watchProblems } from '../helpers/browser.js';
import { fixtureDashboard } from '../helpers/dashboard-fixture.js';
import { enterRow, markCounts } from '../helpers/site-pages.js';
import { BUILD_TIME } from '../helpers/site-workspace.js';
import { makeWorkspace, REPO_ROOT } from '../helpers/workspace.js';

const skip = browserSkipReason();
if (skip) console.warn(`regression site browser tests skipped: ${skip}`);

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

describe.skipIf(skip !== null)(
  `regression site in a real browser${skip ? ` — skipped: ${skip}` : ''}`,
  () => {
    let root: string;
    let served: string;
    let server: StaticServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let problems: string[];
    let base: string;
    let champion: RegressionChampion;
    let report: RegressionReport;
    let data: PredictorData;

    beforeAll(async () => {
      root = makeWorkspace(['iris', 'wine_score']);
      const made = await addRegressionDataset(root, 'random-forest-regressor');
      champion = made.champion;
      report = made.report!;
      served = mkdtempSync(path.join(os.tmpdir(), 'gitml-site-reg-'));
      const assets = path.join(served, 'assets-src');
      mkdirSync(assets);
      await buildAssets(assets);
      buildSite(root, path.join(served, 'site'), { now: BUILD_TIME, assets });
      // The build's real examples (rows of the feature group) and its labels' observed range (3–9).
      data = JSON.parse(readFileSync(path.join(served, 'site', REGRESSION.name, 'predictor.json'), 'utf8'));
      expect(data.examples.ids.length).toBeGreaterThan(0);
      expect(data.regression).toEqual({ observed: [3, 9], interval: 'trees' });
      // A copy of the predictor whose label's valid range ends at 5 points: answers above it get the caveat.
      const narrow = { ...data, label: { ...data.label, range: [0, 5] } };
      writeFileSync(path.join(served, 'site', REGRESSION.name, 'narrow.json'), JSON.stringify(narrow));
      writeFileSync(
        path.join(served, 'site', REGRESSION.name, 'narrow.html'),
        readFileSync(path.join(served, 'site', REGRESSION.name, 'index.html'), 'utf8').replaceAll(
          'predictor.json',
          'narrow.json',
        ),
      );
      // The monitor's own regression fixture behind a copy of the dashboard page.
      const dir = path.join(served, 'site', REGRESSION.name);
      fixtureDashboard(dir, 'fixture', regressionMonitoringReport());
      server = await serveStatic(served);
      base = `${server.url}site/`;
      browser = await launchBrowser();
      context = await browser.newContext({ viewport: DESKTOP });
      await context.addInitScript((at) => {
        Date.now = () => at;
      }, BUILD_TIME.getTime());
      problems = watchProblems(context);
      page = await context.newPage();
    }, 180_000);

    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await server?.close();
      if (root) rmSync(root, { recursive: true, force: true });
      if (served) rmSync(served, { recursive: true, force: true });
    });

    afterEach(() => {
      expect(problems).toEqual([]);
      problems.length = 0;
    });

    const shown = () =>
      page.evaluate(() => {
        const text = (id: string) => document.getElementById(id)?.textContent ?? null;
        const value = document.getElementById('predicted-value')!;
        const interval = document.getElementById('predicted-interval')!;
        const marker = document.querySelector<HTMLElement>('#range-bar .marker');
        const band = document.querySelector<HTMLElement>('#range-bar .band');
        const problem = document.getElementById('prediction-problem')!;
        return {
          value: value.dataset.value === undefined ? null : Number(value.dataset.value),
          low: Number(interval.dataset.low),
          high: Number(interval.dataset.high),
          valueText: value.textContent,
          intervalText: interval.textContent,
          exact: text('predicted-exact'),
          position: text('range-position'),
          help: text('interval-help'),
          title: text('range-title'),
          caveatHidden: document.getElementById('prediction-caveat')!.hidden,
          marker: marker?.style.left ?? null,
          band: band ? [band.style.left, band.style.width] : null,
          problem: problem.hidden ? null : problem.textContent,
          note: text('example-note'),
        };
      });

    const waitForValue = () =>
      page.waitForFunction(() => document.getElementById('predicted-value')?.dataset.value !== undefined);

    test('predictor: a real row gives the champion’s value with unit, interval and range bar', async () => {
      await page.goto(`${base}${REGRESSION.name}/`);
      await waitForValue();
      const row = champion.testRows[3].values;
      await enterRow(page, data.features, row);
      const want = champion.predict(row);
      await page.waitForFunction(
        (v) => Math.abs(Number(document.getElementById('predicted-value')?.dataset.value) - v) < 1e-9,
        want.value,
      );
      const s = await shown();
      expect(s.problem).toBeNull();
      expect(s.value).toBeCloseTo(want.value, 9);
      expect(s.low).toBeCloseTo(want.low, 9);
      expect(s.high).toBeCloseTo(want.high, 9);
      expect(s.valueText).toBe(`${fixed(want.value, 0)} points`);
      expect(s.exact).toBe(`model output ${fixed(want.value, 2)}`);
      expect(s.intervalText).toBe(`likely between ${fixed(want.low, 1)} and ${fixed(want.high, 1)} points`);
      expect(s.title).toBe('Where it sits in the valid range 0–10 points');
      expect(s.help).toContain('10th to 90th percentile');
      expect(s.caveatHidden).toBe(true);
      // The bar and its words agree: the marker at the value's share of 0–10, the band over the interval.
      const at = shareOf(want.value, [0, 10]);
      const percentOf = (css: string | null | undefined) => Number.parseFloat(css ?? '');
      expect(percentOf(s.marker)).toBeCloseTo(at * 100, 2);
      expect(percentOf(s.band?.[0])).toBeCloseTo(shareOf(want.low, [0, 10]) * 100, 2);
      expect(percentOf(s.band?.[1])).toBeCloseTo(
        (shareOf(want.high, [0, 10]) - shareOf(want.low, [0, 10])) * 100,
        2,
      );
      expect(s.position).toBe(
        `${fixed(want.value, 2)} points sits ${Math.round(at * 100)}% of the way from 0 points to 10 points; ` +
          `the interval covers ${Math.round(shareOf(want.low, [0, 10]) * 100)}%–${Math.round(shareOf(want.high, [0, 10]) * 100)}% of the range.` +
          " The feature group's labels run from 3 to 9 points (dashed).",
      );
      expect(
        await page.$eval('#range-bar .observed', (e) => [
          (e as HTMLElement).style.left,
          (e as HTMLElement).style.width,
        ]),
      ).toEqual(['30%', '60%']);
      // The bar is decoration for assistive technology (the sentence carries it); the answer is announced.
      expect(await page.getAttribute('#range-bar', 'aria-hidden')).toBe('true');
      expect(await page.getAttribute('.value-result .verdict', 'aria-live')).toBe('polite');
      // The champion line names the holdout MAE and the mean baseline, no accuracy.
      const line = await page.textContent('.value-result .model-line');
      expect(line).toContain(`holdout MAE ${errorText(champion.holdout.mae, REGRESSION.label)}`);
      expect(line).toContain(
        `(predicting the mean: ${errorText(champion.holdout.baselineMae, REGRESSION.label)})`,
      );
      expect(line).not.toContain('accuracy');
    });

    test('predictor: the URL keeps the inputs; a shared link restores the same value', async () => {
      await page.goto(`${base}${REGRESSION.name}/`);
      await waitForValue();
      await page.fill('#f-alcohol', '13.5');
      await page.waitForFunction(() => new URLSearchParams(location.search).get('alcohol') === '13.5');
      const before = await shown();
      await page.goto(page.url());
      await waitForValue();
      expect(await page.inputValue('#f-alcohol')).toBe('13.5');
      expect((await shown()).value).toBe(before.value);
    });

    test('predictor: keyboard only — a slider step re-predicts; the example button fills a real row', async () => {
      await page.goto(`${base}${REGRESSION.name}/`);
      await waitForValue();
      await page.fill('#f-alcohol', '9');
      const low = (await shown()).value;
      await page.focus('#s-alcohol');
      for (let i = 0; i < 35; i++) await page.keyboard.press('ArrowRight');
      // The slider moved the text box by its steps, and the answer followed: alcohol is the strongest
      // signal of quality, and 9 → 12.5 % vol moves the forest's answer up.
      expect(await page.inputValue('#f-alcohol')).toBe('12.5');
      const high = await shown();
      expect(high.problem).toBeNull();
      expect(high.value).toBeGreaterThan(low!);
      // Tab order reaches the example button; Enter fills a real row and names its actual value.
      await page.focus('#reset-form');
      await page.keyboard.press('Shift+Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('random-example');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => !document.getElementById('example-note')!.hidden);
      const s = await shown();
      expect(s.note).toMatch(
        /^Holdout row #\d+, never used to train champion v\d+; its actual quality score: \d+ points\.$/,
      );
      // The row the note names is one of the build's examples, with its actual value, and the page
      // answers for it what the champion answers in Node.
      const k = data.examples.ids.indexOf(Number(/#(\d+)/.exec(s.note!)![1]));
      expect(k).toBeGreaterThanOrEqual(0);
      expect(s.note).toContain(`score: ${data.examples.actual[k]} points.`);
      const example = Object.fromEntries(data.features.map((f, j) => [f.name, data.examples.values[k][j]]));
      const want = champion.predict(example);
      expect(s.value).toBeCloseTo(want.value, 9);
    });

    test("predictor: a value outside the label's valid range carries a caveat; the bar pins it to the end", async () => {
      await page.goto(`${base}${REGRESSION.name}/narrow.html`);
      await waitForValue();
      const row = champion.testRows.find((r) => champion.predict(r.values).value > 5.5)!;
      await enterRow(page, data.features, row.values);
      const want = champion.predict(row.values);
      await page.waitForFunction(
        (v) => Math.abs(Number(document.getElementById('predicted-value')?.dataset.value) - v) < 1e-9,
        want.value,
      );
      const s = await shown();
      expect(s.caveatHidden).toBe(false);
      expect(await page.textContent('#prediction-caveat')).toBe(
        'Outside the valid range 0–5 points: the model extrapolates, read it with care.',
      );
      expect(s.marker).toBe('100%');
      expect(s.position).toContain('sits 100% of the way from 0 points to 5 points');
      // Back inside the range, the caveat goes.
      const inside = champion.testRows.find((r) => champion.predict(r.values).value < 4.8)!;
      await enterRow(page, data.features, inside.values);
      await page.waitForFunction(() => document.getElementById('prediction-caveat')!.hidden);
    });

    test('predictor: an input the model cannot take says why, and the answer clears', async () => {
      await page.goto(`${base}${REGRESSION.name}/`);
      await waitForValue();
      await page.fill('#f-alcohol', 'abc');
      await page.waitForFunction(() => !document.getElementById('prediction-problem')!.hidden);
      const s = await shown();
      expect(s.problem).toBe('Fix the highlighted input to see a prediction.');
      expect(s.valueText).toBe('–');
      expect(s.intervalText).toBe('');
      expect(s.position).toBe('');
    });

    test('dashboard: every regression chart draws its marks; summary, latest and tables in the unit', async () => {
      await page.goto(`${base}${REGRESSION.name}/dashboard.html`);
      await page.waitForSelector('#app[data-ready="true"]');
      const ids = await page.$$eval('figure[data-chart]', (fs) =>
        fs.map((f) => f.getAttribute('data-chart')),
      );
      expect(ids).toEqual([
        'error-over-time',
        'predicted-vs-actual',
        'drift',
        'error-histogram',
        'rows-per-day',
        'version-error',
      ]);
      const scatter = await markCounts(page, 'predicted-vs-actual');
      expect(scatter.symbol).toBe(report.regression.scatter.length);
      expect(scatter.line).toBe(1);
      const labelledDays = report.regression.daily.filter((d) => d.mae !== null).length;
      expect((await markCounts(page, 'error-over-time')).symbol).toBe(labelledDays);
      expect((await markCounts(page, 'error-histogram')).rect).toBe(report.regression.errors.length);
      expect((await markCounts(page, 'version-error')).rect).toBe(report.regression.byVersion.length);
      // The drift chart: a bar per feature, the predicted value and the errors against the holdout's.
      expect((await markCounts(page, 'drift')).rect).toBe(report.drift!.features.length + 2);
      const summary = await page.textContent('.summary');
      const live = report.regression.live;
      const err = (x: number) => valueWithUnit(report, x, 1);
      expect(summary).toContain(`MAE ${err(live.mae!)} · RMSE ${err(live.rmse!)} over the last 30 days`);
      expect(summary).toContain(`holdout MAE ${err(report.champion!.holdoutMae!)}`);
      expect(summary).toContain(`mean baseline MAE ${err(report.champion!.holdoutBaselineMae!)}`);
      expect(summary).toContain(`exceeds ${err(report.thresholds.mae!)}`);
      expect(summary).not.toMatch(/accuracy/i);
      const latest = await page.textContent('#latest');
      expect(latest).toContain('Likely between');
      expect(latest).toContain('waiting for its label');
      const head = await page.$$eval('#recent-table thead th', (ths) => ths.map((t) => t.textContent));
      expect(head).toEqual([
        'predicted (points)',
        'actual (points)',
        'error (points)',
        'likely between (points)',
        'event time (UTC)',
        'model',
        'id',
      ]);
      expect(await page.$$eval('#recent-table tbody tr', (trs) => trs.length)).toBe(report.recent.length);
      // Newest first: the last logged prediction, its value and interval as the log wrote them, no label yet.
      const newest = report.recent[report.recent.length - 1];
      const cells = await page.$$eval('#recent-table tbody tr:first-child td', (tds) =>
        tds.map((t) => t.textContent),
      );
      expect(cells).toEqual([
        newest.predicted,
        'waiting',
        '',
        `${newest.low}–${newest.high}`,
        `${newest.eventTime.slice(0, 10)} ${newest.eventTime.slice(11, 16)}`,
        'v1',
        String(newest.id),
      ]);
      const driftNames = await page.$$eval('.drift-table tbody th', (ths) => ths.map((t) => t.textContent));
      expect(driftNames.slice(-2)).toEqual([PREDICTED_VALUE_FEATURE, RESIDUAL_FEATURE]);
    });

    test("dashboard: the monitor's fixture (3 versions, MAE alert, residual drift, markup in titles) draws as text", async () => {
      const fixture = regressionMonitoringReport();
      await page.goto(`${base}${REGRESSION.name}/fixture.html`);
      await page.waitForSelector('#app[data-ready="true"]');
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      const alerts = await page.$$eval('#alerts li', (lis) => lis.map((l) => l.getAttribute('data-kind')));
      expect(alerts).toContain('mae');
      expect((await markCounts(page, 'version-error')).rect).toBe(3);
      expect((await markCounts(page, 'predicted-vs-actual')).symbol).toBe(fixture.regression!.scatter.length);
      const drifted = await page.$$eval('.drift-table tbody tr.drifted th', (ths) =>
        ths.map((t) => t.textContent),
      );
      expect(drifted).toContain(RESIDUAL_FEATURE);
      expect(await page.textContent('.summary')).toContain(`predicts ${fixture.label!.title} in points`);
    });

    test('dashboard: picking dates narrows the time charts, the scatter and the history; MAE of the days', async () => {
      await page.goto(`${base}${REGRESSION.name}/dashboard.html`);
      await page.waitForSelector('#app[data-ready="true"]');
      const days = report.regression.daily;
      const [from, to] = [days[20].date, days[26].date];
      await page.fill('#range-from', from);
      await page.fill('#range-to', to);
      await page.dispatchEvent('#range-to', 'change');
      await page.waitForFunction(
        (f) => document.getElementById('range-status')!.textContent!.startsWith(f),
        from,
      );
      const picked = days.slice(20, 27);
      const n = picked.reduce((a, d) => a + d.labelled, 0);
      const mae = picked.reduce((a, d) => a + (d.mae ?? 0) * d.labelled, 0) / n;
      expect(await page.textContent('#range-status')).toContain(`MAE ${valueWithUnit(report, mae, 1)}.`);
      const inRange = report.regression.scatter.filter((p) => p.date >= from && p.date <= to).length;
      await page.waitForFunction(
        ([k]) =>
          document.querySelectorAll('figure[data-chart="predicted-vs-actual"] svg g.mark-symbol path')
            .length === k,
        [inRange],
      );
      expect((await markCounts(page, 'error-over-time')).symbol).toBe(
        picked.filter((d) => d.mae !== null).length,
      );
      await page.click('#range-clear');
      await page.waitForFunction(() =>
        document.getElementById('range-status')!.textContent!.startsWith('All'),
      );
    });

    test('home: the regression card shows live MAE with its window beside holdout and baseline', async () => {
      await page.goto(base);
      const card = await page.textContent(`article[data-dataset="${REGRESSION.name}"]`);
      expect(card).toContain('Task');
      expect(card).toContain('regression (in points)');
      expect(card).toContain(`Live MAE${errorText(report.regression.live.mae!, REGRESSION.label)}`);
      expect(card).toContain(
        `mean baseline MAE ${errorText(champion.holdout.baselineMae, REGRESSION.label)}`,
      );
      expect(card).not.toContain('%');
    });
  },
);
