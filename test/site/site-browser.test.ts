// The built site in a real browser (Debian chromium via playwright-core), served on loopback: the
// predictor agrees with the CLI on real rows, validates input, restores a shared link and works offline;
// every dashboard chart draws the marks its monitoring file implies; no page logs an error or fails a
// request; data strings full of markup stay text. Writes the README's screenshots to site/screenshots/.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { classMixRows, rowsPerDayRows } from '../../actions/lib/charts/chart-rows.js';
import { latestOf, type MonitoringReport } from '../../actions/lib/monitoring/monitoring-types.js';
import { type StaticServer, serveStatic } from '../../actions/lib/platform/static-server.js';
import { buildSite } from '../../site/src/build/site-build.js';
import { loadChartCompiler } from '../../site/src/build/site-charts.js';
import type { PredictorData } from '../../site/src/client/page-data.js';
import { PERF_MARKS } from '../../site/src/client/perf-marks.js';
import {
  emptyMonitoringReport,
  monitoringReport,
  NASTY_FEATURE,
  NASTY_LABEL,
} from '../fixtures/monitoring-report.js';
import { browserSkipReason, DESKTOP, launchBrowser, PHONE, watchProblems } from '../helpers/browser.js';
import { fixtureDashboard } from '../helpers/dashboard-fixture.js';
import {
  enterRow,
  formValues,
  inputsOf,
  markCounts,
  readPrediction,
  timePerInputChange,
  typedRow,
} from '../helpers/site-pages.js';
import {
  addNastyDataset,
  BUILD_TIME,
  champion,
  featureRows,
  NASTY,
  pipelineWorkspace,
  SITE_ASSETS,
} from '../helpers/site-workspace.js';
import { cli, REPO_ROOT } from '../helpers/workspace.js';

const DATASETS = ['iris', 'titanic', 'wine'];
const ROWS_PER_DATASET = 20;
const SCREENSHOTS = path.join(REPO_ROOT, 'site', 'screenshots');
const skip = browserSkipReason();
if (skip) console.warn(`site browser tests skipped: ${skip}`);

describe.skipIf(skip !== null)(`site in a real browser${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let root: string;
  let served: string;
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let base: string;
  const figures: string[] = [];

  const monitoring = (name: string): MonitoringReport =>
    JSON.parse(readFileSync(path.join(root, 'reports', name, 'monitoring.json'), 'utf8'));
  const pageData = (name: string): PredictorData =>
    JSON.parse(readFileSync(path.join(served, 'site', name, 'predictor.json'), 'utf8'));

  async function cliPrediction(name: string, row: Record<string, string>) {
    const r = await cli(root, 'predict', '--dataset', name, JSON.stringify(row));
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out) as { class: string; label: string; probabilities: Record<string, number> };
  }

  async function expectCliPrediction(name: string, row: Record<string, string>): Promise<void> {
    const model = champion(root, name);
    const want = await cliPrediction(name, row);
    const shown = await readPrediction(page);
    expect(shown.problem).toBeNull();
    expect(shown.classValue).toBe(want.class);
    expect(shown.label).toBe(want.label);
    const probabilities = model.classes.map((c) => want.probabilities[c.value]);
    // Same model code, but Chromium's V8 and Node's V8 differ in the last bit of Math.exp/log/pow.
    expect(shown.probabilities).toHaveLength(probabilities.length);
    for (const [i, p] of shown.probabilities.entries())
      expect(Math.abs(p - probabilities[i])).toBeLessThanOrEqual(1e-12);
    expect(shown.percents).toEqual(probabilities.map((p) => `${(p * 100).toFixed(1)}%`));
  }

  async function screenshot(name: string): Promise<void> {
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => window.scrollTo(0, 0));
      // Charts re-fit their container on resize; give them a frame to settle.
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${size}.png`) });
    }
    await page.setViewportSize(DESKTOP);
  }

  beforeAll(async () => {
    // The dashboards' chart compiler in this process (else each build starts one).
    await loadChartCompiler();
    root = await pipelineWorkspace();
    // Two sites under one server: the real datasets, and the same plus one whose strings are markup.
    served = mkdtempSync(path.join(os.tmpdir(), 'gitml-site-'));
    buildSite(root, path.join(served, 'site'), { now: BUILD_TIME, assets: SITE_ASSETS });
    const nastyRoot = mkdtempSync(path.join(os.tmpdir(), 'gitml-nasty-'));
    cpSync(root, nastyRoot, { recursive: true });
    addNastyDataset(nastyRoot);
    for (const args of [
      ['backfill', '--dataset', NASTY.name],
      ['train', '--dataset', NASTY.name, '--algorithm', 'gaussian-nb', '--folds', '3'],
      ['daily', '--dataset', NASTY.name, '--days', '5', '--rows', '4'],
    ]) {
      const r = await cli(nastyRoot, ...args, '--now', '2026-11-24T06:00:00Z');
      expect(r.code, r.err).toBe(0);
    }
    buildSite(nastyRoot, path.join(served, 'nasty'), { now: BUILD_TIME, assets: SITE_ASSETS });
    rmSync(nastyRoot, { recursive: true, force: true });
    // The chart tests' fixture reports, behind copies of a dashboard page: markup in labels, three model
    // versions and an active alert; and a champion with no predictions yet.
    fixtureDashboard(path.join(served, 'site/iris'), 'fixture', monitoringReport());
    fixtureDashboard(path.join(served, 'site/iris'), 'fixture-empty', emptyMonitoringReport());
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await serveStatic(served);
    base = `${server.url}site/`;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: DESKTOP });
    // The reader's clock is the build time, shortly after the last daily run (the pages compare the two;
    // test/site/site-staleness.test.ts covers a stale site). Only Date.now is pinned: playwright's clock
    // would also replace performance, whose marks the timing checks read.
    await context.addInitScript((at) => {
      Date.now = () => at;
    }, BUILD_TIME.getTime());
    problems = watchProblems(context);
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
    if (served) rmSync(served, { recursive: true, force: true });
    if (figures.length) console.log(`site figures (headless chromium):\n  ${figures.join('\n  ')}`);
  });

  afterEach(() => {
    expect(problems).toEqual([]);
    problems.length = 0;
  });

  test('home lists every dataset with its champion, feature group, last run and alert state', async () => {
    await page.goto(base);
    const cards = await page.$$eval('article.card', (els) =>
      els.map((e) => ({ name: (e as HTMLElement).dataset.dataset, text: e.textContent ?? '' })),
    );
    expect(cards.map((c) => c.name)).toEqual(DATASETS);
    for (const c of cards) {
      const data = pageData(c.name!);
      expect(c.text).toContain(`v${data.champion!.version} · ${data.champion!.algorithmTitle}`);
      expect(c.text).toContain(`${(data.champion!.holdoutAccuracy! * 100).toFixed(1)}%`);
      // Live accuracy with its interval beside the holdout and the baseline, and what it is measured on.
      const live = monitoring(c.name!).live;
      expect(c.text).toContain(
        `Live accuracy${(live.accuracy! * 100).toFixed(1)}% (95% interval ${(live.low! * 100).toFixed(1)}%–${(live.high! * 100).toFixed(1)}%) over the last ${live.days} days`,
      );
      expect(c.text).toMatch(/majority-class baseline \d+\.\d%/);
      expect(c.text).toContain('synthetic daily rows');
      expect(c.text).toContain('Last daily run2026-11-24 06:00 UTC');
      expect(c.text).not.toContain('No daily run since');
      const active = monitoring(c.name!).alerts.filter((a) => a.active);
      expect(c.text).toContain(active.length ? `${active.length} active` : 'no active alerts');
    }
    await page.click('article[data-dataset="titanic"] a:text("Predictor")');
    await page.waitForSelector('#predicted-class[data-class]');
    expect(page.url()).toBe(`${base}titanic/`);
    await page.goto(base);
    await screenshot('home');
  });

  for (const name of DATASETS) {
    test(`${name} predictor: ${ROWS_PER_DATASET} feature-group rows show exactly the CLI's prediction`, async () => {
      await page.goto(`${base}${name}/`);
      await page.waitForSelector('#predicted-class[data-class]');
      const timing = await page.evaluate((name) => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const mark = performance.getEntriesByName(name)[0];
        return { afterDcl: mark.startTime - nav.domContentLoadedEventStart, fromStart: mark.startTime };
      }, PERF_MARKS.firstPrediction);
      // The defaults are the medians / most frequent categories of the feature group.
      const data = pageData(name);
      expect(await formValues(page, data.features)).toEqual(
        Object.fromEntries(inputsOf(data.features).map((f) => [f.name, f.initial])),
      );
      await expectCliPrediction(name, await formValues(page, data.features));
      await screenshot(`${name}-predictor`);
      for (const row of featureRows(root, name, ROWS_PER_DATASET)) {
        await enterRow(page, data.features, row);
        await expectCliPrediction(name, row);
      }
      // Time per prediction: the whole input handler (check, predict, redraw), averaged over many changes.
      const first = data.features.find((f) => f.type === 'numeric');
      let perChange = Number.NaN;
      if (first) {
        perChange = await timePerInputChange(page, `f-${first.name}`, [
          String(first.observed!.q1),
          String(first.observed!.q3),
        ]);
        expect(perChange).toBeLessThan(5);
      }
      expect(timing.afterDcl).toBeLessThan(1000);
      figures.push(
        `${name} (${data.champion!.algorithm}): first prediction ${Math.max(0, timing.afterDcl).toFixed(1)} ms after DOMContentLoaded ` +
          `(${timing.fromStart.toFixed(1)} ms after navigation start); ${perChange.toFixed(3)} ms per input change`,
      );
    });
  }

  test('predictor: empty and non-numeric input are inline errors, out-of-range values a warning', async () => {
    const name = 'iris';
    const features = pageData(name).features;
    const f = features[0];
    const message = `#m-${f.name}`;
    await page.goto(`${base}${name}/`);
    await page.waitForSelector('#predicted-class[data-class]');

    await page.fill(`#f-${f.name}`, '');
    expect(await page.textContent(message)).toBe('Enter a number.');
    expect(await page.getAttribute(message, 'class')).toContain('error');
    expect(await page.getAttribute(`#f-${f.name}`, 'aria-invalid')).toBe('true');
    let shown = await readPrediction(page);
    expect(shown.classValue).toBeNull();
    expect(shown.problem).toBe('Fix the highlighted input to see a prediction.');
    expect(await page.isVisible('#prediction-problem')).toBe(true);

    await page.fill(`#f-${f.name}`, '5,1cm');
    expect(await page.textContent(message)).toBe('“5,1cm” is not a number.');
    expect((await readPrediction(page)).classValue).toBeNull();

    const values = await formValues(page, features);
    const outsideObserved = String(f.observed!.max + 1);
    expect(Number(outsideObserved)).toBeLessThan(f.range![1]);
    await page.fill(`#f-${f.name}`, outsideObserved);
    expect(await page.textContent(message)).toMatch(
      /^Outside the observed range .*: the model extrapolates\.$/,
    );
    expect(await page.getAttribute(message, 'class')).toContain('warning');
    expect(await page.getAttribute(`#f-${f.name}`, 'aria-invalid')).toBeNull();
    await expectCliPrediction(name, { ...values, [f.name]: outsideObserved });

    // Outside the valid range: refused by the page and by gitml predict alike (one rule for every row).
    const outsideValid = String(f.range![1] * 10);
    await page.fill(`#f-${f.name}`, outsideValid);
    expect(await page.textContent(message)).toMatch(
      /^Outside the valid range .*: the pipeline rejects such a row\.$/,
    );
    expect(await page.getAttribute(message, 'class')).toContain('error');
    shown = await readPrediction(page);
    expect(shown.classValue).toBeNull();
    expect(shown.problem).toBe('Fix the highlighted input to see a prediction.');
    const refused = await cli(
      root,
      'predict',
      '--dataset',
      name,
      JSON.stringify({ ...values, [f.name]: outsideValid }),
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`is outside the valid range [${f.range![0]}, ${f.range![1]}]`);

    // A categorical value a link cannot mean is an error too, shown as the unknown value it is.
    await page.goto(`${base}titanic/?sex=robot`);
    await page.waitForSelector('#prediction-problem:not([hidden])');
    expect(await page.textContent('#m-sex')).toBe('Choose one of: Female, Male.');
    expect(await page.$eval('#f-sex', (s) => (s as HTMLSelectElement).selectedOptions[0].textContent)).toBe(
      'robot (unknown)',
    );
  });

  test('predictor: the URL keeps the form, so a shared link restores input and prediction', async () => {
    const name = 'titanic';
    const features = pageData(name).features;
    const [row] = featureRows(root, name, 7).slice(5);
    await page.goto(`${base}${name}/`);
    await page.waitForSelector('#predicted-class[data-class]');
    await enterRow(page, features, row);
    const expected = typedRow(features, row);
    await page.waitForFunction(
      (want) => Object.entries(want).every(([k, v]) => new URLSearchParams(location.search).get(k) === v),
      expected,
    );
    const link = page.url();
    const shown = await readPrediction(page);
    const other = await context.newPage();
    try {
      await other.goto(link);
      await other.waitForSelector('#predicted-class[data-class]');
      expect(await formValues(other, features)).toEqual(expected);
      expect(await readPrediction(other)).toEqual(shown);
    } finally {
      await other.close();
    }
  });

  test('predictor: "random holdout example" fills a holdout row and names its actual class', async () => {
    const name = 'wine';
    const data = pageData(name);
    expect(data.examples.ids.length).toBeGreaterThanOrEqual(ROWS_PER_DATASET);
    await page.goto(`${base}${name}/`);
    await page.waitForSelector('#predicted-class[data-class]');
    await page.click('#random-example');
    const values = await formValues(page, data.features);
    const i = data.examples.values.findIndex((v) => v.every((x, j) => x === values[data.features[j].name]));
    expect(i).toBeGreaterThanOrEqual(0);
    const actual = data.label.classes.find((c) => c.value === data.examples.actual[i])!;
    expect(await page.textContent('#example-note')).toBe(
      `Holdout row #${data.examples.ids[i]}, never used to train champion v${data.champion!.version}; its actual ${data.label.title.toLowerCase()}: ${actual.label}.`,
    );
    await expectCliPrediction(name, values);
  });

  test('predictor works offline once loaded (service worker cache)', async () => {
    await page.goto(`${base}iris/?petal_length=1.5`);
    await page.waitForSelector('#predicted-class[data-class]');
    await page.waitForFunction(async () => {
      if (!navigator.serviceWorker.controller) return false;
      const cache = await caches.open('gitml-site-v1');
      const urls = (await cache.keys()).map((r) => new URL(r.url).pathname);
      return ['predictor.js', 'styles.css', 'model.json', 'model.bin', 'predictor.json', 'iris/'].every((s) =>
        urls.some((u) => u.endsWith(s)),
      );
    });
    await context.setOffline(true);
    try {
      await page.goto(`${base}iris/?petal_length=6`);
      await page.waitForSelector('#predicted-class[data-class]');
      expect(await page.inputValue('#f-petal_length')).toBe('6');
    } finally {
      await context.setOffline(false);
    }
    // Requests the browser made while offline failed by design; the page itself served from the cache.
    for (let i = problems.length - 1; i >= 0; i--)
      if (/ERR_INTERNET_DISCONNECTED/.test(problems[i])) problems.splice(i, 1);
  });

  for (const name of DATASETS) {
    test(`${name} dashboard: every chart renders the marks its monitoring file implies`, async () => {
      const report = monitoring(name);
      await page.goto(`${base}${name}/dashboard.html`);
      await page.waitForSelector('#app[data-ready="true"]');
      const n = report.classes.length;
      const expected: Record<string, Record<string, number>> = {
        'accuracy-over-time': { symbol: report.daily.filter((d) => d.accuracy !== null).length },
        'confusion-recent': { rect: n * n, text: n * n },
        'confusion-all': { rect: n * n, text: n * n },
        drift: { rect: report.drift ? report.drift.features.length + 1 : 0 },
        'class-mix': { rect: classMixRows(report).length },
        'rows-per-day': { rect: rowsPerDayRows(report).length },
        'version-accuracy': { rect: report.byVersion.length },
      };
      const ids = await page.$$eval('figure[data-chart]', (els) =>
        els.map((e) => (e as HTMLElement).dataset.chart),
      );
      expect(ids.sort()).toEqual(Object.keys(expected).sort());
      for (const [id, want] of Object.entries(expected)) {
        const counts = await markCounts(page, id);
        for (const [mark, count] of Object.entries(want))
          expect(counts[mark] ?? 0, `${id} ${mark}`).toBe(count);
        const label = await page.getAttribute(`#chart-${id}`, 'aria-label');
        expect(label?.length, `${id} alt text`).toBeGreaterThan(20);
      }
      // The model-change markers: one rule per version that started predicting in the window.
      expect((await markCounts(page, 'accuracy-over-time')).rule).toBe(1 + report.modelChanges.length);
      expect(await page.$$eval('#recent-table tbody tr', (r) => r.length)).toBe(report.recent.length);
      const latest = latestOf(report)!;
      const label = (v: string) => report.classes.find((c) => c.value === v)!.label;
      expect(await page.textContent('#latest [data-role="Predicted"] .badge-label')).toBe(
        label(latest.predicted),
      );
      expect(await page.textContent('#latest')).toContain(`Row #${latest.id}`);
      const active = report.alerts.filter((a) => a.active);
      expect(await page.textContent('#alerts')).toBe(
        active.length ? active.map((a) => a.message).join('') : 'No active alerts.',
      );
      await screenshot(`${name}-dashboard`);
    });
  }

  test('dashboard: a time brush and the date inputs narrow the dated panels; tooltips show values', async () => {
    const name = 'titanic';
    const report = monitoring(name);
    await page.goto(`${base}${name}/dashboard.html`);
    await page.waitForSelector('#app[data-ready="true"]');
    const allRows = rowsPerDayRows(report).length;
    // Drag across the middle third of the class-mix chart's plot.
    const plot = (await page.$('figure[data-chart="class-mix"] svg g.mark-rect.role-mark.marks'))!;
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.65, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() =>
      /^\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}:/.test(
        document.getElementById('range-status')!.textContent ?? '',
      ),
    );
    const from = await page.inputValue('#range-from');
    const to = await page.inputValue('#range-to');
    const days = report.daily.filter((d) => d.date >= from && d.date <= to);
    expect(days.length).toBeGreaterThan(0);
    expect(days.length).toBeLessThan(report.daily.length);
    await page.waitForFunction(
      (want) =>
        document.querySelectorAll('figure[data-chart="rows-per-day"] g.mark-rect.role-mark.marks > path')
          .length === want,
      days.length * 2,
    );
    const inRange = report.recent.filter(
      (p) => p.eventTime.slice(0, 10) >= from && p.eventTime.slice(0, 10) <= to,
    );
    expect(await page.$$eval('#recent-table tbody tr[data-id]', (r) => r.length)).toBe(inRange.length);
    // The brushed chart keeps all its days.
    expect((await markCounts(page, 'class-mix')).rect).toBe(classMixRows(report).length);

    // The keyboard path: date inputs, then "Show all days".
    const [a, b] = [report.daily[2].date, report.daily[4].date];
    await page.fill('#range-from', a);
    await page.fill('#range-to', b);
    await page.waitForFunction(
      (want) => (document.getElementById('range-status')!.textContent ?? '').startsWith(want),
      `${a} – ${b}: 3 days`,
    );
    expect((await markCounts(page, 'class-mix')).rect).toBe(
      classMixRows({ ...report, daily: report.daily.slice(2, 5) }).length,
    );
    await page.click('#range-clear');
    await page.waitForFunction(() =>
      (document.getElementById('range-status')!.textContent ?? '').startsWith('All '),
    );
    expect((await markCounts(page, 'rows-per-day')).rect).toBe(allRows);

    // Tooltips: hovering a confusion cell shows its counts.
    const cell = (await page.$('figure[data-chart="confusion-all"] g.mark-rect.role-mark path'))!;
    // Near a corner: the count label in the middle of the cell would take the pointer.
    await cell.hover({ position: { x: 4, y: 4 } });
    await page.waitForSelector('#vg-tooltip-element.visible');
    expect(await page.textContent('#vg-tooltip-element')).toMatch(/actual.*predicted.*rows/s);
  });

  test('dashboard: the chart fixtures render, markup in labels stays text, and an empty report shows why', async () => {
    const report = monitoringReport();
    await page.goto(`${base}iris/fixture.html`);
    await page.waitForSelector('#app[data-ready="true"]');
    expect((await markCounts(page, 'version-accuracy')).rect).toBe(3);
    expect((await markCounts(page, 'accuracy-over-time')).rule).toBe(1 + report.modelChanges.length);
    expect((await markCounts(page, 'drift')).rect).toBe(report.drift!.features.length + 1);
    expect(await page.textContent('#alerts')).toBe(
      report.alerts
        .filter((a) => a.active)
        .map((a) => a.message)
        .join(''),
    );
    expect(await page.textContent('#alerts')).toContain(NASTY_LABEL);
    expect(await page.textContent('.drift-table tbody')).toContain(NASTY_FEATURE);
    expect(await page.textContent('#recent-table')).toContain(NASTY_LABEL);
    expect(await page.$$eval('main b, main i', (els) => els.length)).toBe(0);
    // Live accuracy is shown with its interval beside the holdout and the baseline, and what it is measured on.
    const summary = await page.textContent('.summary');
    expect(summary).toContain('holdout accuracy 95.3% · majority-class baseline 34.7%');
    expect(summary).toContain('72.1% over the last 14 days (95% interval 59.8%–81.8%, 61 labelled rows)');
    expect(summary).toMatch(
      /Rows predicted[\d,]+ synthetic \(drawn daily by the generator fitted to the real rows\) · 12 ingested \(real\)/,
    );

    await page.goto(`${base}iris/fixture-empty.html`);
    await page.waitForSelector('#app[data-ready="true"]');
    for (const id of [
      'accuracy-over-time',
      'confusion-all',
      'class-mix',
      'rows-per-day',
      'version-accuracy',
    ]) {
      expect(await page.$eval(`#chart-${id} svg`, (svg) => svg.textContent)).toMatch(
        /No (labelled )?predictions/,
      );
    }
    expect(await page.$eval('#chart-drift svg', (svg) => svg.textContent)).toContain('<script>');
    expect(await page.textContent('#latest')).toContain('No predictions yet');
    expect(await page.textContent('#recent-table tbody')).toBe('No predictions in the selected days.');
    expect(await page.textContent('#alerts')).toBe('No active alerts.');
    expect(await page.textContent('.summary')).toContain('no labelled predictions in the last 14 days');
  });

  test('markup in dataset titles, labels and units is shown as text and never runs', async () => {
    const nasty = `${server.url}nasty/`;
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(nasty);
    expect(await page.textContent(`article[data-dataset="${NASTY.name}"] h2`)).toBe(NASTY.title);
    await page.goto(
      `${nasty}${NASTY.name}/?petal_length=1.4&petal_width=0.2&sepal_width=3.5&sepal_length=5.1`,
    );
    await page.waitForSelector('#predicted-class[data-class]');
    expect(await page.textContent('h1')).toBe(`${NASTY.title}: predictor`);
    expect(await page.textContent('.lead')).toBe(NASTY.description);
    expect(await page.textContent('#predicted-class')).toBe(NASTY.classTitle);
    expect(await page.textContent(`label[for="f-sepal_length"]`)).toBe(
      `${NASTY.featureTitle} (${NASTY.unit})`,
    );
    await page.goto(`${nasty}${NASTY.name}/dashboard.html`);
    await page.waitForSelector('#app[data-ready="true"]');
    expect(await page.textContent('h1')).toBe(`${NASTY.title}: monitoring`);
    const injected = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: number }).__xss ?? null,
      images: document.querySelectorAll('img').length,
      bold: document.querySelectorAll('main b, main i').length,
    }));
    expect(injected).toEqual({ xss: null, images: 0, bold: 0 });
    expect(dialogs).toEqual([]);
  });
});
