// The dashboard's weight, draw time and layout stability. dashboard.js carries the Vega runtime and the
// panels, never the Vega-Lite compiler, vega-embed or model code (esbuild's own account of its inputs);
// every chart the site builds — the real reports and the test fixtures — runs on that runtime; and in
// Chromium the real dashboards draw every chart soon after DOMContentLoaded without moving the page
// (layout shifts observed from the first paint, at phone and desktop widths). The draw time is printed
// here; its goal (≤ 300 ms) is the site bench's (test/bench/site.ts), on a machine not shared with tests.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { View } from 'vega-typings';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hideBrushMarks } from '../../actions/lib/charts/brush-aria.js';
import { allCharts } from '../../actions/lib/charts/chart-list.js';
import type { MonitoringReport } from '../../actions/lib/monitoring/monitoring-types.js';
import { type StaticServer, serveStatic } from '../../actions/lib/platform/static-server.js';
import { buildSite } from '../../site/src/build/site-build.js';
import { compileDashboardCharts } from '../../site/src/build/site-charts.js';
import { parseChartsFile, TABLE_CHART } from '../../site/src/client/charts-file.js';
import { PERF_MARKS } from '../../site/src/client/perf-marks.js';
import {
  emptyMonitoringReport,
  monitoringReport,
  regressionMonitoringReport,
} from '../fixtures/monitoring-report.js';
import { browserSkipReason, DESKTOP, launchBrowser, PHONE, watchProblems } from '../helpers/browser.js';
import { BUILD_TIME } from '../helpers/site-workspace.js';
import { REPO_ROOT } from '../helpers/workspace.js';

const GZIP_GOAL = 150 * 1024;
const CLS_GOAL = 0.02;

type BundleOptions = BuildOptions & { outfile: string };

async function siteBundles(): Promise<BundleOptions[]> {
  const mod = (await import(path.join(REPO_ROOT, 'scripts', 'site-bundles.mjs'))) as {
    siteBundles: BundleOptions[];
  };
  return mod.siteBundles;
}

const dashboardOptions = async () =>
  (await siteBundles()).find((b) => b.outfile.endsWith('dashboard.js')) as BundleOptions;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'gitml-dash-runtime-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('dashboard.js: the Vega runtime and the panels only', () => {
  test(`no Vega-Lite, vega-embed or model code in its inputs; at most ${GZIP_GOAL / 1024} KiB gzipped`, async () => {
    const result = await build({
      ...(await dashboardOptions()),
      absWorkingDir: REPO_ROOT,
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.startsWith('node_modules/vega-view/'))).toBe(true);
    const forbidden = inputs.filter((i) =>
      /(^|\/)(actions\/lib\/models\/|node_modules\/(vega-lite|vega-embed|vega)\/)/.test(i),
    );
    expect(forbidden).toEqual([]);
    // Of vega-transforms, only the transforms the runtime registers, not the package's forty.
    const transforms = inputs.filter((i) => /^node_modules\/vega-transforms\/src\/[A-Za-z]+\.js$/.test(i));
    expect(transforms.length).toBeLessThan(25);
    const gz = gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
    console.log(
      `dashboard.js: ${(result.outputFiles[0].contents.length / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzipped`,
    );
    expect(gz).toBeLessThanOrEqual(GZIP_GOAL);
  });

  test('every chart the site builds — real reports and fixtures — runs on that runtime and draws as Vega does', async () => {
    // The runtime module as the page bundles it, loaded here to run each chart's dataflow headless.
    const file = path.join(tmp, 'vega-runtime.mjs');
    await build({
      ...(await dashboardOptions()),
      absWorkingDir: REPO_ROOT,
      entryPoints: ['site/src/client/vega-runtime.ts'],
      outfile: file,
      minify: false,
      logLevel: 'error',
    });
    const runtime = (await import(pathToFileURL(file).href)) as {
      unknownOperators: (runtime: unknown) => string[];
      View: new (runtime: unknown, options: object) => View;
    };
    const vega = await import('vega');
    const vl = await import('vega-lite');
    // Vega numbers clip paths and gradients from process-wide counters.
    const sameIds = (svg: string) => svg.replace(/(id="|url\(#|href="#)[^")]+/g, '$1#');
    const reports: [string, MonitoringReport][] = [
      ...readdirSync(path.join(REPO_ROOT, 'reports'))
        .filter((d) => {
          try {
            return readFileSync(path.join(REPO_ROOT, 'reports', d, 'monitoring.json')).length > 0;
          } catch {
            return false;
          }
        })
        .map((d): [string, MonitoringReport] => [
          d,
          JSON.parse(readFileSync(path.join(REPO_ROOT, 'reports', d, 'monitoring.json'), 'utf8')),
        ]),
      ['fixture', monitoringReport()],
      ['fixture-empty', emptyMonitoringReport()],
      ['fixture-regression', regressionMonitoringReport()],
    ];
    expect(reports.length).toBeGreaterThanOrEqual(6);
    const files = compileDashboardCharts(reports.map(([, r]) => r));
    let drawn = 0;
    for (const [i, [name, report]] of reports.entries()) {
      const specs = allCharts(report, { width: 'container', interactive: true }).filter(
        (c) => c.id !== TABLE_CHART,
      );
      for (const [j, chart] of parseChartsFile(JSON.parse(files[i])).charts.entries()) {
        const at = `${name}/${chart.id}`;
        expect(runtime.unknownOperators(chart.runtime), at).toEqual([]);
        const view = new runtime.View(chart.runtime, { renderer: 'none', logLevel: 1 });
        const svg = await view.toSVG();
        expect(
          (view.scenegraph() as unknown as { root: { items: unknown[] } }).root.items.length,
          at,
        ).toBeGreaterThan(0);
        view.finalize();
        // The same picture as the full Vega drawing the Vega-Lite spec, as vega-embed did.
        expect(specs[j].id, at).toBe(chart.id);
        const full = new vega.View(vega.parse(hideBrushMarks(vl.compile(specs[j].spec).spec), {}), {
          renderer: 'none',
        });
        expect(sameIds(svg), at).toBe(sameIds(await full.toSVG()));
        full.finalize();
        drawn++;
      }
    }
    expect(drawn).toBeGreaterThan(30);
    // And an operator it does not register is named, so the check above can fail.
    expect(runtime.unknownOperators({ operators: [{ id: 0, type: 'Fold', params: {} }] })).toEqual(['Fold']);
  });
});

const skip = browserSkipReason();
if (skip) console.warn(`dashboard runtime browser tests skipped: ${skip}`);

describe.skipIf(skip !== null)(`the real dashboards in Chromium${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let server: StaticServer;
  let browser: Browser;
  let datasets: string[];
  const figures: string[] = [];

  beforeAll(async () => {
    // This checkout's bundles, built fresh, behind the site built from the repository's own data.
    const assets = path.join(tmp, 'assets');
    mkdirSync(assets);
    for (const options of await siteBundles())
      await build({
        ...options,
        absWorkingDir: REPO_ROOT,
        outfile: path.join(assets, path.basename(options.outfile)),
        logLevel: 'error',
      });
    writeFileSync(path.join(assets, 'THIRD-PARTY-NOTICES.txt'), '');
    const out = path.join(tmp, 'site');
    buildSite(REPO_ROOT, out, { now: BUILD_TIME, assets });
    datasets = readdirSync(out).filter((d) => {
      try {
        return readFileSync(path.join(out, d, 'charts.json')).length > 0;
      } catch {
        return false;
      }
    });
    server = await serveStatic(out);
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (figures.length) console.log(`dashboards (headless chromium):\n  ${figures.join('\n  ')}`);
  });

  /** Loads a dashboard in a fresh context, recording every layout shift from the first paint on. */
  async function load(name: string, viewport: { width: number; height: number }) {
    const context = await browser.newContext({ viewport });
    const problems = watchProblems(context);
    await context.addInitScript(() => {
      const w = window as unknown as { shifts: { value: number; nodes: string[] }[] };
      w.shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & {
          value: number;
          hadRecentInput: boolean;
          sources: { node?: Node }[];
        })[]) {
          if (e.hadRecentInput) continue;
          w.shifts.push({
            value: e.value,
            nodes: e.sources.map((s) => {
              const el = s.node as Element | undefined;
              return el?.tagName
                ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className}`
                : '?';
            }),
          });
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const page: Page = await context.newPage();
    await page.goto(new URL(`${name}/dashboard.html`, server.url).href);
    await page.waitForSelector('#app[data-ready="true"]', { timeout: 60_000 });
    // Two frames after the last chart, so any shift it caused has been reported.
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 200)))),
    );
    const measured = await page.evaluate((mark) => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const w = window as unknown as { shifts: { value: number; nodes: string[] }[] };
      return {
        drawnMs: performance.getEntriesByName(mark)[0].startTime - nav.domContentLoadedEventStart,
        shifts: w.shifts,
        charts: document.querySelectorAll('figure[data-chart]').length,
        drawnCharts: document.querySelectorAll('figure[data-chart] .chart svg').length,
      };
    }, PERF_MARKS.dashboardReady);
    await context.close();
    return { ...measured, problems };
  }

  test(`every chart drawn, and layout shift ≤ ${CLS_GOAL} from the first paint, phone and desktop`, {
    timeout: 600_000,
  }, async () => {
    expect(datasets.length).toBeGreaterThanOrEqual(3);
    for (const name of datasets) {
      for (const [size, viewport] of [
        ['phone', PHONE],
        ['desktop', DESKTOP],
      ] as const) {
        const m = await load(name, viewport);
        expect(m.problems, `${name} ${size}`).toEqual([]);
        expect(m.charts, `${name} ${size}`).toBeGreaterThan(4);
        expect(m.drawnCharts, `${name} ${size}`).toBe(m.charts);
        const cls = m.shifts.reduce((s, x) => s + x.value, 0);
        figures.push(
          `${name} ${size}: ${m.charts} charts drawn ${Math.round(m.drawnMs)} ms after DOMContentLoaded, layout shift ${cls.toFixed(4)}`,
        );
        expect(cls, `${name} ${size}: ${JSON.stringify(m.shifts)}`).toBeLessThanOrEqual(CLS_GOAL);
      }
    }
  });
});
