// The site built from the REAL repository data tells a first-time visitor the truth in its HTML, before
// any script runs: on the home card, the predictor and the dashboard, live accuracy with its 95% interval
// beside the holdout figure and the majority-class baseline (regression: MAE figures), that the daily
// rows are synthetic and how many, the alert rule with the spec's reason, what changed this week, and a
// link to the repository. Figures are the independent pandas/scipy ones (test/fixtures/sklearn/site-facts.py).
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { htmlEntities } from '../../actions/lib/core/untrusted-text.js';
import { buildSite } from '../../site/src/build/site-build.js';
import { BUILD_TIME, SITE_ASSETS } from '../helpers/site-workspace.js';
import { REPO_ROOT } from '../helpers/workspace.js';

const REPO = 'https://github.com/example/gitml';
const FIGURES = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'test/fixtures/sklearn/site-facts.json'), 'utf8'),
);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

interface Entry {
  version: number;
  createdAt: string;
  decision: string;
  holdout: { accuracy: number };
}
/** Wine's champion and the champion before it, from the registry index. */
function wineChange(): { champion: Entry; previous: Entry } {
  const index = JSON.parse(readFileSync(path.join(REPO_ROOT, 'models/wine/index.json'), 'utf8'));
  const find = (v: number): Entry => index.versions.find((e: Entry) => e.version === v);
  return { champion: find(index.champion), previous: find(FIGURES.wine.champion.previous) };
}

describe('the site built from the repository data says what a visitor must learn', () => {
  let out: string;
  let bare: string;
  const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), 'utf8');
  const card = (name: string) => {
    const home = read(out, 'index.html');
    const start = home.indexOf(`data-dataset="${name}"`);
    return home.slice(start, home.indexOf('</article>', start));
  };
  /** The server-rendered section at the top of a predictor or dashboard page. */
  const section = (rel: string) => {
    const page = read(out, rel);
    const start = page.indexOf('<section class="honest"');
    return start < 0 ? '' : page.slice(start, page.indexOf('</section>', start));
  };

  beforeAll(() => {
    out = mkdtempSync(path.join(os.tmpdir(), 'gitml-honesty-'));
    bare = mkdtempSync(path.join(os.tmpdir(), 'gitml-honesty-bare-'));
    const built = buildSite(REPO_ROOT, out, { assets: SITE_ASSETS, now: BUILD_TIME, repositoryUrl: REPO });
    expect(built.failed).toEqual([]);
    buildSite(REPO_ROOT, bare, { assets: SITE_ASSETS, now: BUILD_TIME });
  }, 120_000);

  test('the Wine home card: live accuracy with its interval, the holdout, the baseline, synthetic rows', () => {
    const w = FIGURES.wine;
    const text = card('wine');
    expect(text).toContain(
      `<dt>Live accuracy</dt><dd>${pct(w.live.accuracy)} (95% interval ${pct(w.live.low)}–${pct(w.live.high)}) over the last 30 days, ${w.live.labelled} labelled rows`,
    );
    expect(text).toContain(
      `${pct(w.holdout.accuracy)} on ${w.holdout.rows.toLocaleString('en-US')} rows · majority-class baseline ${pct(w.holdout.baseline)}`,
    );
    expect(text).toContain(
      'Not yet distinguishable from always guessing the commonest class: the majority-class baseline lies inside the live interval.',
    );
    expect(text).toContain(
      `All ${w.predicted.synthetic} predicted rows are synthetic daily rows, drawn by the generator fitted to the real rows; none are ingested real rows.`,
    );
    expect(text).toContain(
      `<dt>Feature group</dt><dd>6,540 rows (v1): 6,497 real rows from the source file, ${w.groupRows.synthetic} synthetic, 0 ingested</dd>`,
    );
    expect(text).toContain(`falls below ${pct(w.threshold)}`);
    expect(text).toContain('<a href="wine/dashboard.html#alert-rule">Why this rule</a>');
    expect(text).toContain(
      `${w.week.from} to ${w.week.to}: ${w.week.rowsAdded.synthetic} synthetic and 0 ingested rows added, ${w.week.predicted} predicted; no new alerts.`,
    );
    // The registry's champion and the retired version registered last (the pandas script picks it the same way).
    const { champion, previous } = wineChange();
    const d = w.champion.delta;
    expect(text).toContain(
      `champion v${champion.version}, registered ${champion.createdAt.slice(0, 10)} ${champion.createdAt.slice(11, 16)} UTC, after v${w.champion.previous}: ` +
        `holdout accuracy ${pct(champion.holdout.accuracy)} vs ${pct(previous.holdout.accuracy)} (${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} points).`,
    );
  });

  test('Iris and Titanic: the verdict follows the interval', () => {
    expect(card('iris')).toContain('Better than always guessing the commonest class');
    const t = FIGURES.titanic;
    expect(card('titanic')).toContain(`(95% interval ${pct(t.live.low)}–${pct(t.live.high)})`);
    expect(card('titanic')).toContain(
      `(${t.champion.delta >= 0 ? '+' : '−'}${(Math.abs(t.champion.delta) * 100).toFixed(1)} points)`,
    );
  });

  test('the Wine predictor and dashboard open with the same facts, the spec reason and the repository', () => {
    const w = FIGURES.wine;
    const spec = readFileSync(path.join(REPO_ROOT, 'data/wine/dataset.yml'), 'utf8');
    // The spec's comment about the threshold, as one paragraph.
    const reason = spec
      .split('\n')
      .filter((l) => l.startsWith('#'))
      .slice(
        spec
          .split('\n')
          .filter((l) => l.startsWith('#'))
          .findIndex((l) => l.includes('accuracyThreshold')),
      )
      .map((l) => l.replace(/^#\s?/, ''))
      .join(' ');
    for (const rel of ['wine/index.html', 'wine/dashboard.html']) {
      const s = section(rel);
      expect(s, rel).toContain('<h2 id="honest-title">Before you trust it</h2>');
      expect(s).toContain(`${pct(w.live.accuracy)} (95% interval ${pct(w.live.low)}–${pct(w.live.high)})`);
      expect(s).toContain(`majority-class baseline ${pct(w.holdout.baseline)}`);
      expect(s).toContain('synthetic daily rows, drawn by the generator fitted to the real rows');
      expect(s).toContain('<dt id="alert-rule">Alert rule</dt>');
      expect(s).toContain(`Why, in the spec's words: <q>${htmlEntities(reason)}</q>`);
      expect(s).toContain(`The gate: ${htmlEntities(wineChange().champion.decision)}`);
      expect(s).toContain(`<a href="${REPO}/blob/HEAD/data/wine/dataset.yml">data/wine/dataset.yml</a>`);
      expect(s).toContain(`<a href="${REPO}">the repository</a>`);
      // Before the app: rendered at build time, so nothing moves when the script runs.
      const page = read(out, rel);
      expect(page.indexOf('<section class="honest"')).toBeLessThan(page.indexOf('id="app"'));
    }
    expect(read(out, 'index.html')).toContain(`<a href="${REPO}">the repository</a>`);
    // The predictor keeps its form near the top: the rule, the changes and the source are one click away.
    expect(section('wine/index.html')).toContain(
      '<details><summary>Alert rule, recent changes and the source</summary>',
    );
    expect(section('wine/dashboard.html')).not.toContain('<details>');
    expect(section('wine/index.html').indexOf('<details>')).toBeGreaterThan(
      section('wine/index.html').indexOf('synthetic'),
    );
  });

  test('the regression dataset: live MAE beside the holdout MAE and the mean baseline, and no accuracy', () => {
    const e = FIGURES.wine_score.error;
    const mae = (x: number) => `${Number(x.toFixed(3))} points`;
    const s = section('wine_score/dashboard.html');
    expect(s).toContain(
      `<dt>Live MAE</dt><dd>${mae(e.liveMae)} over the last 30 days, ${e.labelled} labelled rows</dd>`,
    );
    expect(s).toContain(
      `<dt>Holdout MAE</dt><dd>${mae(e.holdoutMae)} on 1,299 rows · mean baseline MAE ${mae(e.baselineMae)}</dd>`,
    );
    expect(s).toContain('exceeds 0.653 points');
    expect(s).toContain('champion v1, registered');
    expect(s).not.toMatch(/accuracy/);
    expect(card('wine_score')).toContain('All 30 predicted rows are synthetic daily rows');
  });

  test('without the repository address the pages link nothing they cannot know', () => {
    for (const rel of ['index.html', 'wine/index.html', 'wine/dashboard.html']) {
      expect(read(bare, rel)).not.toContain('the repository</a>');
      expect(read(bare, rel)).toContain('95% interval');
    }
  });
});
