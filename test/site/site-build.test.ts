// The site build in Node: pages and data files from the repository's files, datasets without a model or
// monitoring file, HTML escaping, determinism, bundle sizes; the static server; the form's pure rules.
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { siteCommand } from '../../actions/cli/commands/site.js';
import { formatNumber } from '../../actions/lib/core/json.js';
import { htmlEntities } from '../../actions/lib/core/untrusted-text.js';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { SOURCES, valueText } from '../../actions/lib/features/feature-table.js';
import type { GroupStats, NumericStats } from '../../actions/lib/features/stats.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { resolveFile, serveStatic } from '../../actions/lib/platform/static-server.js';
import { ModelRegistry } from '../../actions/lib/registry/model-registry.js';
import { buildSite, SiteBuildError, sliderStep } from '../../site/src/build/site-build.js';
import { html } from '../../site/src/build/templates/html.js';
import { glyphPoints } from '../../site/src/client/class-icon.js';
import {
  datedData,
  filterReport,
  rangeFromBrush,
  summarize,
} from '../../site/src/client/dashboard-filter.js';
import { checkField, inputCaveat, numberText } from '../../site/src/client/field-check.js';
import type { PredictorData, PredictorFeature } from '../../site/src/client/page-data.js';
import { readQuery, writeQuery } from '../../site/src/client/url-state.js';
import { monitoringReport } from '../fixtures/monitoring-report.js';
import { addNastyDataset, BUILD_TIME, champion, NASTY, SITE_ASSETS } from '../helpers/site-workspace.js';
import { cli, fingerprint, makeWorkspace, REPO_ROOT } from '../helpers/workspace.js';

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

describe('buildSite', () => {
  let root: string;
  let out: string;
  let result: ReturnType<typeof buildSite>;
  const read = (rel: string) => readFileSync(path.join(out, rel), 'utf8');

  beforeAll(async () => {
    // iris: the whole pipeline; titanic: a feature group but no model; wine: only its spec; nasty: markup.
    root = makeWorkspace(['iris', 'titanic', 'wine']);
    addNastyDataset(root);
    for (const args of [
      ['backfill', '--dataset', 'iris,titanic,nasty', '--now', '2026-11-01T12:00:00Z'],
      [
        'train',
        '--dataset',
        'iris',
        '--algorithm',
        'gaussian-nb',
        '--folds',
        '3',
        '--now',
        '2026-11-01T13:00:00Z',
      ],
      ['daily', '--dataset', 'iris', '--days', '5', '--rows', '3', '--now', '2026-11-06T06:00:00Z'],
    ]) {
      const r = await cli(root, ...args);
      expect(r.code, r.err).toBe(0);
    }
    out = tmp('gitml-site-out-');
    result = buildSite(root, out, { now: BUILD_TIME, assets: SITE_ASSETS });
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  test('writes a home page, and a predictor, a dashboard and a model card per dataset, with the files they fetch', () => {
    expect(result.pages).toEqual([
      'index.html',
      'iris/dashboard.html',
      'iris/index.html',
      'iris/model-card.html',
      'nasty/dashboard.html',
      'nasty/index.html',
      'nasty/model-card.html',
      'titanic/dashboard.html',
      'titanic/index.html',
      'titanic/model-card.html',
      'wine/dashboard.html',
      'wine/index.html',
      'wine/model-card.html',
    ]);
    for (const f of [
      'iris/model.json',
      'iris/model.bin',
      'iris/predictor.json',
      'iris/monitoring.json',
      'sw.js',
      '.nojekyll',
    ])
      expect(result.files).toContain(f);
    for (const f of ['assets/predictor.js', 'assets/dashboard.js', 'assets/styles.css'])
      expect(result.files).toContain(f);
    for (const d of ['titanic', 'wine', 'nasty']) {
      expect(result.files).not.toContain(`${d}/model.json`);
      expect(result.files).not.toContain(`${d}/monitoring.json`);
    }
    // The champion's file, without its indentation, as header + gzipped bin (a kNN has no byte streams:
    // the bin unpacks to nothing).
    const registry = JSON.parse(readFileSync(path.join(root, 'models/iris/v1/model.json'), 'utf8'));
    expect(gunzipSync(readFileSync(path.join(out, 'iris/model.bin'))).length).toBe(0);
    const wire = { version: 1, encoding: 'gzip', bytes: 0, fnv1a: '811c9dc5' };
    expect(readFileSync(path.join(out, 'iris/model.json'), 'utf8')).toBe(
      `${JSON.stringify({ ...registry, wire })}\n`,
    );
    expect(readFileSync(path.join(out, 'iris/monitoring.json'))).toEqual(
      readFileSync(path.join(root, 'reports/iris/monitoring.json')),
    );
    const onDisk: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else onDisk.push(path.relative(out, p).split(path.sep).join('/'));
      }
    };
    walk(out);
    expect(onDisk.sort()).toEqual(result.files);
  });

  test('a monitoring.json that holds only the log manifest (infer ran, monitor not yet) counts as none', () => {
    const file = path.join(root, 'reports/iris/monitoring.json');
    const full = readFileSync(file, 'utf8');
    const { format, version, dataset, log } = JSON.parse(full);
    const logOnly = tmp('gitml-site-log-only-');
    try {
      writeFileSync(file, JSON.stringify({ format, version, dataset, log }));
      const built = buildSite(root, logOnly, { now: BUILD_TIME, assets: SITE_ASSETS });
      expect(built.files).not.toContain('iris/monitoring.json');
      expect(readFileSync(path.join(logOnly, 'iris/dashboard.html'), 'utf8')).toContain('No monitoring yet');
    } finally {
      writeFileSync(file, full);
      rmSync(logOnly, { recursive: true, force: true });
    }
  });

  test('a dataset without a champion or monitoring file gets pages that say what to run', () => {
    const predictor = read('titanic/index.html');
    expect(predictor).toContain('No model yet — run <code>gitml train --dataset titanic</code>');
    expect(predictor).not.toContain('<script');
    const dashboard = read('wine/dashboard.html');
    expect(dashboard).toContain('No monitoring yet — run <code>gitml daily --dataset wine</code>');
    expect(dashboard).not.toContain('<script');
    const home = read('index.html');
    const card = (name: string) => home.slice(home.indexOf(`data-dataset="${name}"`)).split('</article>')[0];
    expect(card('titanic')).toContain('no model yet — run train');
    expect(card('titanic')).toContain('891 rows (v1)');
    expect(card('wine')).toContain('not built yet — run backfill');
    expect(card('wine')).toContain('no monitoring yet');
    expect(card('iris')).toContain('v1 · Gaussian naive Bayes');
    expect(card('iris')).toContain('2026-11-06 06:00 UTC');
    // The home script compares each card's last run with the reader's clock (site/src/client/staleness.ts).
    expect(card('iris')).toMatch(/^data-dataset="iris" data-last-run="2026-11-06T06:00:00Z"/);
    expect(card('titanic')).not.toContain('data-last-run');
    expect(home).toContain('<script type="module" src="assets/home.js"></script>');
    // Outside Actions the repository is unknown: the warning has no link to follow.
    expect(home).not.toContain('data-actions');
    expect(read('iris/index.html')).toContain('<script type="module" src="../assets/predictor.js"></script>');
    expect(read('iris/dashboard.html')).toContain(
      '<script type="module" src="../assets/dashboard.js"></script>',
    );
  });

  test("predictor.json: the champion's features with observed ranges and medians, and real labelled rows", () => {
    const data: PredictorData = JSON.parse(read('iris/predictor.json'));
    const model = champion(root, 'iris');
    const ws = new Workspace(root);
    const group = FeatureGroup.open(ws, ws.loadSpec('iris'));
    const stats: GroupStats = JSON.parse(readFileSync(path.join(root, group.dir, 'stats.json'), 'utf8'));
    expect(data.champion).toMatchObject({
      version: 1,
      algorithm: 'gaussian-nb',
      algorithmTitle: 'Gaussian naive Bayes',
    });
    expect(data.features.map((f) => f.name)).toEqual(model.features.map((f) => f.name));
    for (const f of data.features) {
      const s = stats.features[f.name] as NumericStats;
      expect(f.observed).toEqual({ min: s.min, q1: s.q1, median: s.median, q3: s.q3, max: s.max });
      expect(f.initial).toBe(formatNumber(s.median!, f.decimals));
      expect(f.slider).toEqual({ min: s.min, max: s.max, step: 0.1 });
    }
    // The champion's holdout rows that are real and labelled (never trained on; fewer than 200): every
    // one is offered, in the group's order, with its stored values.
    const table = group.read();
    const holdout = new Set(new ModelRegistry(ws, 'iris').holdoutIds(1));
    const offered = Array.from(table.ids).filter(
      (id, i) => holdout.has(id) && table.sources[i] !== SOURCES.indexOf('synthetic') && table.labels[i] >= 0,
    );
    expect(offered.length).toBeGreaterThan(0);
    expect(data.examples.ids).toEqual(offered);
    data.examples.ids.forEach((id, k) => {
      const i = Array.from(table.ids).indexOf(id);
      expect(table.sources[i]).toBe(0);
      expect(data.examples.actual[k]).toBe(group.meta.label.classes[table.labels[i]].value);
      const j = (name: string) => group.meta.features.findIndex((g) => g.name === name);
      expect(data.examples.values[k]).toEqual(
        data.features.map((f) => valueText(f, table.columns[j(f.name)][i])),
      );
    });
  });

  test('every data string is escaped in the HTML', () => {
    const pages = [read('index.html'), read('nasty/index.html'), read('nasty/dashboard.html')];
    for (const page of pages) {
      expect(page).not.toContain('<img');
      expect(page).not.toContain('<script>window');
      expect(page).not.toContain('onerror="');
    }
    expect(read('index.html')).toContain(`<h2 id="card-nasty">${htmlEntities(NASTY.title)}</h2>`);
    expect(read('nasty/index.html')).toContain(`<p class="lead">${htmlEntities(NASTY.description)}</p>`);
    expect(read('nasty/index.html')).toContain(
      `<title>${htmlEntities(NASTY.title)} — predictor · gitml</title>`,
    );
  });

  test('is deterministic and replaces an earlier build, but never a folder that is not one', () => {
    const again = tmp('gitml-site-again-');
    try {
      buildSite(root, again, { now: BUILD_TIME, assets: SITE_ASSETS });
      expect(fingerprint(again)).toBe(fingerprint(out));
      writeFileSync(path.join(again, 'stale.html'), 'old');
      buildSite(root, again, { now: BUILD_TIME, assets: SITE_ASSETS });
      expect(existsSync(path.join(again, 'stale.html'))).toBe(false);
      expect(fingerprint(again)).toBe(fingerprint(out));
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
    const precious = tmp('gitml-not-a-site-');
    try {
      writeFileSync(path.join(precious, 'notes.txt'), 'keep me');
      expect(() => buildSite(root, precious, { now: BUILD_TIME, assets: SITE_ASSETS })).toThrow(
        /is not empty and is not a site build/,
      );
      expect(readFileSync(path.join(precious, 'notes.txt'), 'utf8')).toBe('keep me');
    } finally {
      rmSync(precious, { recursive: true, force: true });
    }
  });

  test('without the prebuilt bundles it says how to build them', () => {
    const empty = tmp('gitml-no-assets-');
    try {
      expect(() => buildSite(root, path.join(empty, 'out'), { assets: empty })).toThrow(SiteBuildError);
      expect(() => buildSite(root, path.join(empty, 'out'), { assets: empty })).toThrow(
        /predictor\.js, dashboard\.js, home\.js, styles\.css, sw\.js missing .*node scripts\/build\.mjs/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('the site command builds into site/build/', async () => {
    const lines: string[] = [];
    const code = await siteCommand.run({
      ws: new Workspace(root),
      now: BUILD_TIME,
      values: { assets: SITE_ASSETS },
      positionals: ['build'],
      out: (l) => lines.push(l),
    });
    expect(code).toBe(0);
    expect(lines).toEqual([`site: ${result.pages.length} pages, ${result.files.length} files in site/build`]);
    expect(fingerprint(path.join(root, 'site/build'))).toBe(fingerprint(out));
    await expect(
      Promise.resolve(
        siteCommand.run({
          ws: new Workspace(root),
          now: BUILD_TIME,
          values: {},
          positionals: [],
          out: () => {},
        }),
      ),
    ).rejects.toThrow(/site needs a subcommand: build or serve/);
  });
});

describe('site bundles', () => {
  const gz = (name: string) => gzipSync(readFileSync(path.join(SITE_ASSETS, name)), { level: 9 }).length;

  test('the predictor stays light: no Vega, at most 60 KB gzipped', () => {
    const sizes = Object.fromEntries(
      ['predictor.js', 'dashboard.js', 'sw.js', 'styles.css'].map((f) => [f, gz(f)]),
    );
    console.log(`site bundles, gzipped bytes: ${JSON.stringify(sizes)}`);
    expect(sizes['predictor.js']).toBeLessThanOrEqual(60 * 1024);
    const predictor = readFileSync(path.join(SITE_ASSETS, 'predictor.js'), 'utf8');
    expect(predictor).not.toMatch(/vega/i);
    // The Vega runtime without Vega-Lite (test/site/site-dashboard-runtime.test.ts checks its inputs).
    expect(sizes['dashboard.js']).toBeLessThanOrEqual(150 * 1024);
  });

  test('every bundled package ships its licence: the site and each action folder carry the notices', () => {
    const notices = (dir: string) => readFileSync(path.join(dir, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    const site = notices(SITE_ASSETS);
    const view = JSON.parse(
      readFileSync(path.join(REPO_ROOT, 'node_modules/vega-view/package.json'), 'utf8'),
    );
    expect(site).toContain(`vega-view ${view.version} — BSD-3-Clause`);
    expect(site).toContain('Redistributions of source code must retain the above copyright notice');
    expect(site).toContain('vega-tooltip');
    // The pages link it from their footer, and the build copies it with the other assets.
    const out = tmp('gitml-notices-');
    buildSite(REPO_ROOT, out, { now: BUILD_TIME, assets: SITE_ASSETS });
    expect(readFileSync(path.join(out, 'assets', 'THIRD-PARTY-NOTICES.txt'), 'utf8')).toBe(site);
    expect(readFileSync(path.join(out, 'wine', 'dashboard.html'), 'utf8')).toContain(
      'href="../assets/THIRD-PARTY-NOTICES.txt"',
    );
    rmSync(out, { recursive: true, force: true });
    const monitor = notices(path.join(REPO_ROOT, 'actions', 'monitor', 'dist'));
    expect(monitor).toContain('@actions/core');
    expect(monitor).toContain('vega-lite');
  });
});

describe('static server', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmp('gitml-static-');
    mkdirSync(path.join(dir, 'iris'));
    writeFileSync(path.join(dir, 'index.html'), '<p>home</p>');
    writeFileSync(path.join(dir, 'iris', 'index.html'), '<p>iris</p>');
    writeFileSync(path.join(dir, 'iris', 'model.json'), '{"a":1}');
    writeFileSync(path.join(path.dirname(dir), 'gitml-outside.txt'), 'secret');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(path.join(path.dirname(dir), 'gitml-outside.txt'), { force: true });
  });

  test('serves files with their types on 127.0.0.1, folders as index.html, nothing outside', async () => {
    const server = await serveStatic(dir);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      let r = await fetch(server.url);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await r.text()).toBe('<p>home</p>');
      r = await fetch(`${server.url}iris/model.json?x=1`);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await r.json()).toEqual({ a: 1 });
      r = await fetch(`${server.url}iris`, { redirect: 'manual' });
      expect([r.status, r.headers.get('location')]).toEqual([301, '/iris/']);
      r = await fetch(`${server.url}iris/`);
      expect(await r.text()).toBe('<p>iris</p>');
      for (const bad of ['nope.html', '..%2fgitml-outside.txt', '%2e%2e/gitml-outside.txt', 'iris/%00']) {
        r = await fetch(`${server.url}${bad}`);
        expect(r.status, bad).toBe(404);
      }
      r = await fetch(server.url, { method: 'POST' });
      expect(r.status).toBe(405);
      // Without gzip the file's own length (gzip: test/platform/static-server-gzip.test.ts).
      r = await fetch(`${server.url}iris/model.json`, {
        method: 'HEAD',
        headers: { 'accept-encoding': 'identity' },
      });
      expect([r.status, r.headers.get('content-length')]).toEqual([200, '7']);
    } finally {
      await server.close();
    }
    expect(resolveFile(dir, '/../gitml-outside.txt')).toBeNull();
  });

  // The built CLI, as `npm start` runs it (dist/cli.js is built by `npm test`'s pretest).
  const cliJs = path.join(REPO_ROOT, 'dist', 'cli.js');
  const registered =
    existsSync(cliJs) && /^\s+site\s/m.test(execFileSync('node', [cliJs, '--help'], { encoding: 'utf8' }));
  test.skipIf(!registered)('`gitml site serve` prints its URL and stops on SIGTERM', async () => {
    const child = spawn('node', [
      cliJs,
      'site',
      'serve',
      '--no-build',
      '--out',
      dir,
      '--port',
      '0',
      '--root',
      dir,
    ]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => {
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(b.toString());
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`site serve exited with ${code}`)));
      });
      expect(await (await fetch(url)).text()).toBe('<p>home</p>');
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
  });
});

describe('predictor form rules', () => {
  const numeric: PredictorFeature = {
    name: 'x',
    title: 'X',
    type: 'numeric',
    unit: 'cm',
    range: [0, 10],
    decimals: 1,
    observed: { min: 2, q1: 3, median: 4, q3: 5, max: 6 },
    initial: '4',
  };
  const categorical: PredictorFeature = {
    name: 'c',
    title: 'C',
    type: 'categorical',
    categories: [
      { value: 'a', label: 'Alpha' },
      { value: 'b', label: 'Beta' },
    ],
    initial: 'a',
  };

  test('errors for missing, non-numeric or out-of-valid-range values, warnings outside the observed range', () => {
    expect(checkField(numeric, '4.5')).toEqual({ kind: 'ok' });
    expect(checkField(numeric, ' 2 ')).toEqual({ kind: 'ok' });
    expect(checkField(numeric, '')).toEqual({ kind: 'error', message: 'Enter a number.' });
    for (const bad of ['abc', '4,5.1', '1,2,3', ',5', '0x10', 'Infinity', '1e999', '4.5cm', '--1'])
      expect(checkField(numeric, bad).kind, bad).toBe('error');
    // A decimal comma is read as a dot when it cannot be a thousands separator (4500 cm is out of range).
    for (const [typed, read] of [
      ['4,5', '4.5'],
      [' 4,500 ', '4.500'],
      ['2,125', '2.125'],
      ['4.5', '4.5'],
    ]) {
      expect(checkField(numeric, typed), typed).toEqual({ kind: 'ok' });
      expect(numberText(numeric, typed), typed).toBe(read);
    }
    const wide: PredictorFeature = { ...numeric, range: [0, 5000] };
    expect(checkField(wide, '1,000')).toEqual({
      kind: 'error',
      message: '“1,000” could be 1000 or 1.000: write decimals with a dot and no thousands separator.',
    });
    expect(checkField(wide, '1,00').kind).toBe('warning'); // 1.00 cm: outside the observed 2–6 cm
    // No thousands group starts with "0,": that one is a decimal comma whatever the range.
    expect(numberText(wide, '0,125')).toBe('0.125');
    expect(inputCaveat([numeric, categorical], { x: '7,5', c: 'a' })).toBe(
      'Outside the training data: X 7.5 cm (observed 2–6 cm). The model extrapolates there; read this answer with care.',
    );
    expect(inputCaveat([numeric, categorical], { x: '5', c: 'a' })).toBeNull();
    expect(checkField(numeric, '7')).toEqual({
      kind: 'warning',
      message: 'Outside the observed range 2–6 cm: the model extrapolates.',
    });
    // The valid range is the rule every row follows (ingest quarantines, predict refuses): an error here too.
    expect(checkField(numeric, '-1')).toEqual({
      kind: 'error',
      message: 'Outside the valid range 0–10 cm: the pipeline rejects such a row.',
    });
    expect(checkField(categorical, 'b')).toEqual({ kind: 'ok' });
    expect(checkField(categorical, 'z')).toEqual({ kind: 'error', message: 'Choose one of: Alpha, Beta.' });
  });

  test('the URL query round-trips the form and falls back to starting values', () => {
    const features = [numeric, categorical];
    expect(readQuery('', features)).toEqual({ x: '4', c: 'a' });
    expect(readQuery('?c=b&other=1', features)).toEqual({ x: '4', c: 'b' });
    const values = { x: '5 & <6>', c: 'b' };
    expect(writeQuery(values, features)).toBe('?x=5+%26+%3C6%3E&c=b');
    expect(readQuery(writeQuery(values, features), features)).toEqual(values);
  });

  test('slider steps keep the feature decimals unless that makes more than 100 positions', () => {
    expect(sliderStep(1, 7)).toBe(0.1);
    expect(sliderStep(0, 10)).toBe(1);
    expect(sliderStep(2, 79.58)).toBe(1);
    expect(sliderStep(4, 512.3292)).toBe(10);
    expect(sliderStep(5, 0.05)).toBe(0.001);
  });

  test('class glyphs: a circle, then polygons with one more corner per class', () => {
    expect(glyphPoints(0)).toEqual([]);
    expect([1, 2, 3, 6].map((i) => glyphPoints(i).length)).toEqual([3, 4, 5, 8]);
    for (const [x, y] of glyphPoints(4)) expect(Math.hypot(x - 50, y - 50)).toBeCloseTo(42, 0);
  });
});

describe('dashboard date selection', () => {
  const report = monitoringReport();

  test('a brush value becomes the days it touches; a cleared brush, no selection', () => {
    const ms = (iso: string) => Date.parse(iso);
    expect(rangeFromBrush({ date: [ms('2026-01-05T12:00:00Z'), ms('2026-01-09T03:00:00Z')] })).toEqual({
      from: '2026-01-05',
      to: '2026-01-09',
    });
    expect(
      rangeFromBrush({ date: [new Date('2026-01-09T00:00:00Z'), new Date('2026-01-02T00:00:00Z')] }),
    ).toEqual({
      from: '2026-01-02',
      to: '2026-01-09',
    });
    expect(rangeFromBrush({})).toBeNull();
    expect(rangeFromBrush(null)).toBeNull();
  });

  test('filtering keeps only the dated rows in range and summarises them', () => {
    const range = { from: report.daily[3].date, to: report.daily[9].date };
    const view = filterReport(report, range);
    expect(view.daily).toEqual(report.daily.slice(3, 10));
    expect(
      view.recent.every(
        (p) => p.eventTime.slice(0, 10) >= range.from && p.eventTime.slice(0, 10) <= range.to,
      ),
    ).toBe(true);
    expect(view.confusion).toBe(report.confusion);
    const s = summarize(view);
    expect(s.days).toBe(7);
    expect(s.rows).toBe(report.daily.slice(3, 10).reduce((a, d) => a + d.rows, 0));
    expect(s.accuracy).toBeCloseTo(s.correct / s.labelled, 12);
    expect(filterReport(report, null)).toBe(report);
    const data = datedData(view);
    expect(Object.keys(data).sort()).toEqual(['accuracy', 'classMix', 'modelChanges', 'rowsPerDay']);
    expect(data.rowsPerDay).toHaveLength(14);
  });
});

test('html escapes interpolated values and keeps nested fragments', () => {
  const inner = html`<b>${'<i>'}</b>`;
  expect(html`<p title="${'"x" & \'y\''}">${inner}${['<a>', null, 1]}</p>`.text).toBe(
    '<p title="&quot;x&quot; &amp; &#39;y&#39;"><b>&lt;i&gt;</b>&lt;a&gt;1</p>',
  );
});
