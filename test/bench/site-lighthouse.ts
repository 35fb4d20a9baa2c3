// The Pages site measured as issue 16 measured it, but served WITH gzip as GitHub Pages serves it:
// Lighthouse 12 (npm, run against Debian's chromium through chrome-launcher) with its mobile preset
// (simulated slow 4G and a 4× slower CPU) and its desktop preset, for every page the site build writes,
// the median of --runs runs (default 3) of each category score and of CLS; and axe-core's violations on
// each page at 375 and 1280 px. Each line sits beside the "today" figure (served without gzip).
// Lighthouse is a bench, not a test: a run takes tens of seconds and its scores move with the machine.
// `ours` is the page's Largest Contentful Paint (ms, as Lighthouse simulates it).
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { desktopConfig } from 'lighthouse';
import { buildSite } from '../../site/src/build/site-build.js';
import { axeViolations, settle } from '../helpers/axe.js';
import { browserSkipReason, CHROMIUM_PATH, launchBrowser } from '../helpers/browser.js';
import { type BenchLine, type Suite, summarize } from './harness.js';
import { serveInOwnProcess } from './site.js';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const GOAL = 'each category ≥ 95, CLS ≤ 0.02, axe 0';
/** The chromium flags the browser tests use (test/helpers/browser.ts), as chrome-launcher takes them. */
const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Issue 16's figures, measured without gzip (Lighthouse Performance mobile / desktop; Accessibility was
 * 94–100 on every page, CLS up to 0.90 on dashboards and 0.81 on the long predictors). Keyed by the
 * page's kind; a page the issue did not measure has none.
 */
const TODAY: Record<string, { mobile: string; desktop: string }> = {
  'index.html': { mobile: '100', desktop: '100' },
  'iris/index.html': { mobile: '95', desktop: '100' },
  'titanic/index.html': { mobile: '95', desktop: '79' },
  'wine/index.html': { mobile: '78', desktop: '75' },
  dashboard: { mobile: '43–76', desktop: '66–68' },
};

interface RunFigures {
  scores: Record<(typeof CATEGORIES)[number], number>;
  cls: number;
  lcpMs: number;
}

export const suite: Suite = async (ctx) => {
  const skip = browserSkipReason();
  if (skip) {
    ctx.log(`bench: suite site-lighthouse skipped — ${skip}`);
    return;
  }
  const runs = ctx.runs;
  const out = path.join(ctx.tmpDir, 'site-lighthouse');
  const { pages } = buildSite(process.cwd(), out);
  // `gitml site serve` gzips text as GitHub Pages does (actions/lib/platform/static-server.ts).
  const server = await serveInOwnProcess(out);
  try {
    const axe = await axeCounts(server.url, pages);
    for (const preset of ['mobile', 'desktop'] as const) {
      for (const rel of pages) {
        const figures: RunFigures[] = [];
        for (let i = 0; i < runs; i++)
          figures.push(await lighthouseRun(new URL(rel, server.url).href, preset));
        ctx.add(lineOf(rel, preset, figures, axe.get(rel)!));
      }
    }
  } finally {
    server.close();
  }
};

function lineOf(
  rel: string,
  preset: 'mobile' | 'desktop',
  figures: RunFigures[],
  axe: { phone: number; laptop: number },
): BenchLine {
  const median = (xs: number[]) => summarize(xs).median;
  const score = (c: (typeof CATEGORIES)[number]) => Math.round(median(figures.map((f) => f.scores[c])));
  const today = TODAY[rel] ?? (rel.endsWith('dashboard.html') ? TODAY.dashboard : undefined);
  return {
    suite: 'site-lighthouse',
    name: `${rel} · Lighthouse ${preset}, median of ${figures.length} (gzip on): largest contentful paint`,
    ours: summarize(figures.map((f) => f.lcpMs)),
    goal: GOAL,
    extra: {
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      seo: score('seo'),
      cls: Number(median(figures.map((f) => f.cls)).toFixed(3)),
      axe375px: axe.phone,
      axe1280px: axe.laptop,
      todayPerformance: today ? today[preset] : '—',
    },
  };
}

/** One Lighthouse run in a fresh chromium (nothing cached, no state carried between runs). */
async function lighthouseRun(url: string, preset: 'mobile' | 'desktop'): Promise<RunFigures> {
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROME_FLAGS });
  try {
    const result = await lighthouse(
      url,
      { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] },
      preset === 'desktop' ? desktopConfig : undefined,
    );
    const lhr = result?.lhr;
    if (!lhr) throw new Error(`site-lighthouse: Lighthouse returned no result for ${url}`);
    if (lhr.runtimeError)
      throw new Error(`site-lighthouse: Lighthouse failed on ${url}: ${lhr.runtimeError.message}`);
    const scores = {} as RunFigures['scores'];
    for (const c of CATEGORIES) {
      const s = lhr.categories[c]?.score;
      if (typeof s !== 'number') throw new Error(`site-lighthouse: no ${c} score for ${url} (${preset})`);
      scores[c] = s * 100;
    }
    return {
      scores,
      cls: lhr.audits['cumulative-layout-shift']?.numericValue ?? Number.NaN,
      lcpMs: lhr.audits['largest-contentful-paint']?.numericValue ?? Number.NaN,
    };
  } finally {
    chrome.kill();
  }
}

/** axe-core's violation count (rules violated) on every page at a phone's and a laptop's width. */
async function axeCounts(
  base: string,
  pages: string[],
): Promise<Map<string, { phone: number; laptop: number }>> {
  const counts = new Map<string, { phone: number; laptop: number }>();
  const browser = await launchBrowser();
  try {
    for (const [key, width] of [
      ['phone', 375],
      ['laptop', 1280],
    ] as const) {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      for (const rel of pages) {
        const page = await context.newPage();
        await page.goto(new URL(rel, base).href);
        await settle(page, rel);
        const n = (await axeViolations(page)).length;
        counts.set(rel, { phone: 0, laptop: 0, ...counts.get(rel), [key]: n });
        await page.close();
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return counts;
}
