// Model-card pages, permutation importance on the honest holdout, and social preview tags: built from the
// repository's real data. The importance is checked against a brute-force recomputation through the
// model's public one-row predict (and permutation-importance.ts against scikit-learn in
// explain-importance.test.ts); the preview PNGs are decoded by python3's zlib, independent of ours.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { escapeHtml } from '../../actions/lib/core/untrusted-text.js';
import { shuffleSequence } from '../../actions/lib/explain/permutation-importance.js';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { valueText } from '../../actions/lib/features/feature-table.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { ModelRegistry } from '../../actions/lib/registry/model-registry.js';
import {
  computeImportance,
  holdoutRowsOf,
  IMPORTANCE_OPTIONS,
  recordedImportance,
} from '../../actions/lib/registry/version-importance.js';
import { championImportance } from '../../site/src/build/model-card-page.js';
import { ogImage } from '../../site/src/build/og-image.js';
import { crc32, encodePng } from '../../site/src/build/png.js';
import { buildSite } from '../../site/src/build/site-build.js';
import { BUILD_TIME, SITE_ASSETS } from '../helpers/site-workspace.js';
import { cli, fingerprint, REPO_ROOT } from '../helpers/workspace.js';

const SITE_URL = 'https://owner.github.io/gitml/';
const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));
const ws = new Workspace(REPO_ROOT);
const DATASETS = ws.datasetNames();

/** Decodes a PNG with python3's zlib: chunk CRCs, IHDR, the inflated rows and the colours used. */
const PNG_CHECK = `
import json, struct, sys, zlib
b = open(sys.argv[1], 'rb').read()
assert b[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'signature'
pos, chunks, idat = 8, [], b''
while pos < len(b):
    n, = struct.unpack('>I', b[pos:pos+4]); t = b[pos+4:pos+8]; d = b[pos+8:pos+8+n]
    crc, = struct.unpack('>I', b[pos+8+n:pos+12+n])
    assert crc == zlib.crc32(t + d) & 0xffffffff, 'crc of ' + t.decode()
    chunks.append(t.decode()); pos += 12 + n
    if t == b'IHDR': w, h, depth, ctype, comp, filt, lace = struct.unpack('>IIBBBBB', d)
    if t == b'PLTE': colours = len(d) // 3
    if t == b'IDAT': idat += d
raw = zlib.decompress(idat)
rows = [raw[y*(w+1):(y+1)*(w+1)] for y in range(h)]
print(json.dumps({'chunks': chunks, 'width': w, 'height': h, 'depth': depth, 'type': ctype,
  'interlace': lace, 'rawLength': len(raw), 'filters': sorted(set(r[0] for r in rows)),
  'palette': colours, 'used': sorted(set(x for r in rows for x in r[1:]))}))
`;

describe('model cards, importance and social tags on the site built from the repository', () => {
  let out: string;
  const read = (rel: string) => readFileSync(path.join(out, rel), 'utf8');
  let pages: string[];

  beforeAll(() => {
    out = tmp('gitml-cards-');
    pages = buildSite(REPO_ROOT, out, { now: BUILD_TIME, assets: SITE_ASSETS, siteUrl: SITE_URL }).pages;
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('a model-card page per dataset, linked from its predictor, dashboard and home card', () => {
    for (const d of DATASETS) {
      expect(pages).toContain(`${d}/model-card.html`);
      for (const p of [`${d}/index.html`, `${d}/dashboard.html`])
        expect(read(p)).toContain('<a href="model-card.html">Model card</a>');
      expect(read(`${d}/model-card.html`)).toContain(
        '<a href="model-card.html" aria-current="page">Model card</a>',
      );
      expect(read('index.html')).toContain(`<a href="${d}/model-card.html">Model card</a>`);
    }
  });

  test("the card page renders the champion's card.md as HTML, without a script or markdown left over", () => {
    for (const d of DATASETS) {
      const registry = new ModelRegistry(ws, d);
      const v = registry.index().champion;
      const card = read(`${d}/model-card.html`);
      expect(card).not.toContain('<script');
      expect(card).toContain(`<code>models/${d}/v${v}/card.md</code>`);
      // The registry's word now, beside the card's Status as of training (Wine v4 was promoted by hand).
      const decision = registry.index().versions.find((e) => e.version === v)?.decision ?? '';
      expect(card).toContain(`<strong>Champion now:</strong> ${escapeHtml(decision)}`);
      expect(card).toContain('<h3>'); // the card's own title, under the page's h2
      expect(card).toContain('<th scope="row">training data hash (sha256)</th>');
      const md = readFileSync(path.join(registry.versionDir(v as number), 'card.md'), 'utf8');
      const hash = /training data hash \(sha256\) \| `([0-9a-f]{64})`/.exec(md)?.[1];
      expect(card).toContain(`<code>${hash}</code>`);
      const main = card.slice(card.indexOf('<main'), card.indexOf('</main>'));
      expect(main).not.toMatch(/\*\*|\|---|^#+ /m);
      // Every body row has as many cells as its table's header.
      for (const t of main.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
        const head = (/<thead>[\s\S]*?<\/thead>/.exec(t)?.[0].match(/<t[hd][ >]/g) ?? []).length;
        for (const row of t.match(/<tbody>[\s\S]*<\/tbody>/)?.[0].match(/<tr>[\s\S]*?<\/tr>/g) ?? [])
          if (head > 0) expect(row.match(/<t[hd][ >]/g)?.length, row).toBe(head);
      }
      // No empty header cell (axe: empty-table-header) — the lineage table's '| | |' has none.
      expect(main).not.toMatch(/<th[^>]*><\/th>/);
    }
  });

  test("importance equals the registry's holdout figures at baseline and is shown on card and dashboard, said to be computed by the build", () => {
    for (const d of DATASETS) {
      const registry = new ModelRegistry(ws, d);
      const c = registry.requireChampion();
      const group = FeatureGroup.open(ws, ws.loadSpec(d), { version: c.entry.featureGroupVersion });
      const imp = championImportance(ws, ws.loadSpec(d), c, group);
      expect(imp.view, imp.missing).not.toBeNull();
      const v = imp.view!;
      // The committed versions predate the recorded field: the build computed theirs.
      expect(v.source).toBe('site-build');
      const h = c.entry.holdout as { accuracy?: number; mae?: number; rows: number };
      expect(v.importance.rows).toBe(h.rows);
      if (h.accuracy !== undefined) expect(v.importance.baseline).toBe(h.accuracy);
      else expect(v.importance.baseline).toBeCloseTo(-(h.mae as number), 12);
      expect(v.importance.features.map((f) => f.name).sort()).toEqual(
        c.model.features.map((f) => f.name).sort(),
      );
      for (const page of [`${d}/model-card.html`, `${d}/dashboard.html`]) {
        const html = read(page);
        expect(html).toContain('data-importance-source="site-build"');
        expect(html).toContain('this site computed it when it was built, with the same function');
        for (const f of v.importance.features) expect(html).toContain(`<th scope="row">${f.title}</th>`);
        expect(html).toContain('<svg class="importance-chart"');
      }
    }
  });

  test('Iris importance equals a brute-force recomputation through predictOne on shuffled rows', () => {
    const spec = ws.loadSpec('iris');
    const registry = new ModelRegistry(ws, 'iris');
    const c = registry.requireChampion();
    const group = FeatureGroup.open(ws, spec, { version: c.entry.featureGroupVersion });
    const table = group.read();
    const rows = holdoutRowsOf(table, registry.holdoutIds(c.entry.version)!)!;
    const schema = group.meta.features;
    const text = (name: string, i: number) => {
      const j = schema.findIndex((f) => f.name === name);
      return valueText(schema[j], table.columns[j][i]);
    };
    const accuracy = (rowOf: (name: string, r: number) => number) =>
      rows.filter((i, r) => {
        const input: Record<string, string> = {};
        for (const f of c.model.features) input[f.name] = text(f.name, rowOf(f.name, r));
        return c.model.predictOne(input).classIndex === table.labels[i];
      }).length / rows.length;
    const baseline = accuracy((_, r) => rows[r]);
    const shuffles = shuffleSequence(rows.length, IMPORTANCE_OPTIONS.nRepeats, IMPORTANCE_OPTIONS.seed);
    const ours = computeImportance(c.model, schema, table, rows)!;
    expect(ours.baseline).toBe(baseline);
    for (const f of ours.features) {
      // As scikit-learn: each repeat shuffles the index sequence further in place and applies it to the
      // column as the previous repeat left it, so the row read at position r composes every order so far.
      let at = rows.map((_, r) => r);
      const drops = shuffles.map((order) => {
        at = Array.from(order, (o) => at[o]);
        return baseline - accuracy((name, r) => (name === f.name ? rows[at[r]] : rows[r]));
      });
      drops.forEach((d, k) => {
        expect(f.importances[k]).toBeCloseTo(d, 12);
      });
      const mean = drops.reduce((a, b) => a + b, 0) / drops.length;
      expect(f.mean).toBeCloseTo(mean, 12);
      expect(f.sd).toBeCloseTo(Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / drops.length), 12);
    }
    // Petal measurements carry Iris: shuffling either costs more than shuffling a sepal one.
    expect(
      ours.features
        .slice(0, 2)
        .map((f) => f.name)
        .sort(),
    ).toEqual(['petal_length', 'petal_width']);
  });

  test("Iris importance equals scikit-learn's permutation_importance given the same shuffles", () => {
    // test/fixtures/sklearn/make_iris_importance.py: sklearn's KNeighborsClassifier on the champion's
    // stored training rows, scored on its holdout, our shuffles (seed 0).
    const ref = JSON.parse(
      readFileSync(new URL('../fixtures/sklearn/iris_importance.json', import.meta.url), 'utf8'),
    ) as {
      version: number;
      holdoutIds: number[];
      baseline: number;
      features: string[];
      mean: number[];
      sd: number[];
      importances: number[][];
    };
    const spec = ws.loadSpec('iris');
    const registry = new ModelRegistry(ws, 'iris');
    const c = registry.requireChampion();
    expect(c.entry.version).toBe(ref.version);
    const group = FeatureGroup.open(ws, spec, { version: c.entry.featureGroupVersion });
    const table = group.read();
    const rows = holdoutRowsOf(table, registry.holdoutIds(c.entry.version)!)!;
    // The same rows in the same order, so the same shuffles permute the same values.
    expect(rows.map((i) => table.ids[i])).toEqual(ref.holdoutIds);
    const ours = computeImportance(c.model, group.meta.features, table, rows)!;
    expect(ours.baseline).toBeCloseTo(ref.baseline, 12);
    ref.features.forEach((name, j) => {
      const f = ours.features.find((g) => g.name === name)!;
      expect(f.mean).toBeCloseTo(ref.mean[j], 12);
      expect(f.sd).toBeCloseTo(ref.sd[j], 12);
      f.importances.forEach((v, k) => {
        expect(v).toBeCloseTo(ref.importances[j][k], 12);
      });
    });
  });

  test('every page carries a description, canonical link, Open Graph and Twitter tags for its own address', () => {
    for (const p of pages) {
      const html = read(p);
      const address = SITE_URL + p.replace(/index\.html$/, '');
      expect(html, p).toMatch(/<meta name="description" content="[^"]{20,}">/);
      expect(html, p).toContain(`<link rel="canonical" href="${address}">`);
      expect(html, p).toContain(`<meta property="og:url" content="${address}">`);
      expect(html, p).toMatch(/<meta property="og:title" content="[^"]+">/);
      expect(html, p).toMatch(/<meta property="og:description" content="[^"]+">/);
      expect(html, p).toContain('<meta name="twitter:card" content="summary_large_image">');
      const image = /<meta property="og:image" content="([^"]+)">/.exec(html)?.[1] ?? '';
      expect(image.startsWith(SITE_URL), p).toBe(true);
      const file = image.slice(SITE_URL.length);
      expect(file).toBe(p.includes('/') ? `${p.split('/')[0]}/og-image.png` : 'og-image.png');
      expect(readFileSync(path.join(out, file)).length).toBeGreaterThan(1000);
    }
  });

  test('preview images are valid 1200×630 PNGs by an independent decoder, with the title drawn', () => {
    for (const file of ['og-image.png', ...DATASETS.map((d) => `${d}/og-image.png`)]) {
      const r = JSON.parse(
        execFileSync('/usr/bin/python3', ['-c', PNG_CHECK, path.join(out, file)], { encoding: 'utf8' }),
      );
      expect(r, file).toMatchObject({
        chunks: ['IHDR', 'PLTE', 'IDAT', 'IEND'],
        width: 1200,
        height: 630,
        depth: 8,
        type: 3,
        interlace: 0,
        rawLength: 630 * 1201,
        filters: [0],
      });
      expect(r.used).toEqual([0, 1, 2, 3].slice(0, r.palette));
    }
    // A cell holding '|r|' stays one cell (the card writes candidates as 'knn … |r|≥0.15').
    expect(read('iris/model-card.html')).toMatch(
      /<th scope="row">knn k=9 weights=distance \|r\|≥0\.15<\/th><td>0\.9583<\/td>/,
    );
    // Same card, same bytes; a different title, different pixels.
    const card = { kicker: 'k', title: 'Iris', headline: 'Holdout accuracy 96.7%', details: ['a'] };
    expect(Buffer.from(ogImage(card)).equals(Buffer.from(ogImage(card)))).toBe(true);
    expect(Buffer.from(ogImage(card)).equals(Buffer.from(ogImage({ ...card, title: 'Irks' })))).toBe(false);
    expect(() =>
      encodePng({ width: 2, height: 1, palette: [[0, 0, 0]], pixels: Uint8Array.from([0, 1]) }),
    ).toThrow('png: pixel 1 uses colour 1, the palette has 1');
    expect(() => encodePng({ width: 2, height: 2, palette: [[0, 0, 0]], pixels: new Uint8Array(3) })).toThrow(
      'png: 3 pixels for a 2×2 image',
    );
    // The CRC is the standard one (zlib's check value for '123456789').
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('training records importance in a new version; committed versions stay as they are', () => {
  let root: string;
  beforeAll(async () => {
    root = tmp('gitml-cards-train-');
    for (const d of ['data/iris', 'models/iris'])
      cpSync(path.join(REPO_ROOT, d), path.join(root, d), { recursive: true });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('metrics.json and card.md of the new version hold it; the site shows it as recorded', async () => {
    const before = fingerprint(path.join(root, 'models/iris/v3'));
    const args = ['--dataset', 'iris', '--algorithm', 'gaussian-nb', '--folds', '3', '--force', '--promote'];
    const r = await cli(root, 'train', ...args, '--now', '2026-12-07T10:00:00Z');
    expect(r.code, r.err).toBe(0);
    expect(fingerprint(path.join(root, 'models/iris/v3'))).toBe(before);
    const local = new Workspace(root);
    const registry = new ModelRegistry(local, 'iris');
    const c = registry.requireChampion();
    expect(c.entry.version).toBe(4);
    const metrics = JSON.parse(readFileSync(path.join(registry.versionDir(4), 'metrics.json'), 'utf8'));
    const recorded = recordedImportance(metrics);
    expect(recorded).not.toBeNull();
    // The same function the site uses for older versions gives the same figures for this one.
    const group = FeatureGroup.open(local, local.loadSpec('iris'), { version: c.entry.featureGroupVersion });
    const table = group.read();
    const again = computeImportance(
      c.model,
      group.meta.features,
      table,
      holdoutRowsOf(table, registry.holdoutIds(4)!)!,
    );
    expect(again).toEqual(recorded);
    expect(recorded!.baseline).toBe((c.entry.holdout as { accuracy: number }).accuracy);
    const card = readFileSync(path.join(registry.versionDir(4), 'card.md'), 'utf8');
    expect(card).toContain('## Permutation feature importance (honest holdout)');
    for (const f of recorded!.features)
      expect(card).toContain(`| ${f.name} — ${f.title} | ${f.mean.toFixed(4)} | ${f.sd.toFixed(4)} |`);
    const out = tmp('gitml-cards-site-');
    buildSite(root, out, { now: BUILD_TIME, assets: SITE_ASSETS });
    const page = readFileSync(path.join(out, 'iris/model-card.html'), 'utf8');
    expect(page).toContain('data-importance-source="training"');
    expect(page).toContain('Recorded by training in model v4&#39;s metrics.json');
    // Shown once, as the panel: the card's own importance section is not repeated below it.
    expect(page.match(/Permutation feature importance \(honest holdout\)/g)).toHaveLength(1);
    // Built without the site's address: no canonical or og:url guessed, the image relative to the page.
    expect(page).not.toContain('rel="canonical"');
    expect(page).not.toContain('og:url');
    expect(page).toContain('<meta property="og:image" content="../iris/og-image.png">');
    rmSync(out, { recursive: true, force: true });
  }, 120_000);

  test('gitml site build --site-url gives the pages their address; a non-http one is refused', async () => {
    const out = tmp('gitml-cards-cli-');
    const build = (url: string) =>
      cli(root, 'site', 'build', '--out', out, '--assets', SITE_ASSETS, '--site-url', url);
    const ok = await build('https://example.org/gitml');
    expect(ok.code, ok.err).toBe(0);
    expect(readFileSync(path.join(out, 'iris/model-card.html'), 'utf8')).toContain(
      '<link rel="canonical" href="https://example.org/gitml/iris/model-card.html">',
    );
    const bad = await build('javascript:alert(1)');
    expect(bad.code).toBe(64);
    expect(bad.err).toContain("--site-url 'javascript:alert(1)' is not an http(s) address");
    rmSync(out, { recursive: true, force: true });
  }, 120_000);
});
