import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { TopLevelSpec } from 'vega-lite';
import * as vl from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hideBrushMarks } from '../../actions/lib/charts/brush-aria.js';
import { BRUSH_FIELD, BRUSH_PARAM } from '../../actions/lib/charts/chart-kit.js';
import { allCharts, latestChart } from '../../actions/lib/charts/chart-list.js';
import { confusionMatrixSpec } from '../../actions/lib/charts/confusion-chart.js';
import { driftSpec } from '../../actions/lib/charts/drift-chart.js';
import { latestSpec, liveText } from '../../actions/lib/charts/latest-prediction.js';
import { accuracyOverTimeSpec } from '../../actions/lib/charts/over-time-charts.js';
import { renderSvg } from '../../actions/lib/charts/render-svg.js';
import { latestOf } from '../../actions/lib/monitoring/monitoring-types.js';
import { chartAlt, mdText, reportMarkdown } from '../../actions/lib/reports/report-page.js';
import { writeReports } from '../../actions/lib/reports/reports.js';
import {
  CLASSES,
  emptyMonitoringReport,
  monitoringReport,
  NASTY_FEATURE,
  NASTY_LABEL,
} from '../fixtures/monitoring-report.js';

const full = monitoringReport();
const empty = emptyMonitoringReport();
const variants = [
  { name: 'full, static', r: full, interactive: false },
  { name: 'full, interactive', r: full, interactive: true },
  { name: 'empty, static', r: empty, interactive: false },
  { name: 'empty, interactive', r: empty, interactive: true },
];
const TIME_CHARTS = ['accuracy-over-time', 'class-mix', 'rows-per-day'];

/** Strings Vega evaluates as code: these must never carry data from the report. */
function expressionStrings(node: unknown, out: string[] = [], key = ''): string[] {
  if (typeof node === 'string') {
    if (['expr', 'signal', 'update', 'test', 'init'].includes(key)) out.push(node);
  } else if (Array.isArray(node)) {
    for (const v of node) expressionStrings(v, out, key);
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) expressionStrings(v, out, k);
  }
  return out;
}

/** The children of the first mark group whose class starts with `markClass`. */
function markGroup(svg: string, markClass: string): string {
  const m = svg.match(new RegExp(`<g class="${markClass}[^"]*"[^>]*>(.*?)</g>`));
  if (!m) throw new Error(`no ${markClass} group in SVG`);
  return m[1];
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('chart specs', () => {
  let validate: ReturnType<Ajv['compile']>;
  beforeAll(() => {
    // The Vega-Lite schema is draft-07, Ajv's default draft; its unions need allowUnionTypes.
    const schema = JSON.parse(readFileSync('node_modules/vega-lite/build/vega-lite-schema.json', 'utf8'));
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    validate = new Ajv({ strict: false, allowUnionTypes: true, allErrors: false }).compile(schema);
  });

  for (const v of variants) {
    it(`${v.name}: every spec validates against the Vega-Lite schema and compiles without warnings`, () => {
      const charts = allCharts(v.r, { interactive: v.interactive });
      expect(charts.map((c) => c.id)).toEqual([
        'accuracy-over-time',
        'confusion-recent',
        'drift',
        'class-mix',
        'rows-per-day',
        'version-accuracy',
        'confusion-all',
        'recent-predictions',
      ]);
      for (const c of [...charts, latestChart(v.r, { interactive: v.interactive })]) {
        const ok = validate(c.spec);
        expect(ok ? [] : validate.errors?.slice(0, 3), c.id).toEqual([]);
        const warnings: string[] = [];
        const record =
          (level: string) =>
          (...m: unknown[]) => {
            warnings.push(`${level} ${m.join(' ')}`);
            return logger;
          };
        const logger = {
          level: () => logger,
          error: record('error'),
          warn: record('warn'),
          info: () => logger,
          debug: () => logger,
        } as unknown as NonNullable<Parameters<typeof vl.compile>[1]>['logger'];
        const compiled = vl.compile(c.spec, { logger }).spec;
        expect(warnings, c.id).toEqual([]);
        expect(c.title.length, c.id).toBeGreaterThan(0);
        expect(c.description.length, c.id).toBeGreaterThan(20);
        expect(c.spec.description).toBe(c.description);
        // Data strings stay data: no class label or feature title inside any Vega expression.
        for (const e of expressionStrings(compiled)) {
          for (const s of [...CLASSES.map((k) => k.label), NASTY_FEATURE, 'Petal `width` [cm]']) {
            expect(e.includes(s), `${c.id}: ${e}`).toBe(false);
          }
        }
      }
    });
  }

  it('rejects what the schema forbids (the validator is live)', () => {
    expect(validate({ data: { values: [] }, mark: 'bogus' })).toBe(false);
    expect(
      validate({ data: { values: [] }, mark: 'bar', encoding: { x: { field: 'a', type: 'vague' } } }),
    ).toBe(false);
  });

  it('keeps labels as data in the compiled spec (the check above has something to find)', () => {
    const compiled = JSON.stringify(vl.compile(confusionMatrixSpec(full, 'all')).spec);
    expect(compiled).toContain(JSON.stringify(NASTY_LABEL));
    expect(JSON.stringify(vl.compile(driftSpec(full)).spec)).toContain(JSON.stringify(NASTY_FEATURE));
  });

  it('adds tooltips and a brush on the date field only when interactive', () => {
    for (const c of allCharts(full, { interactive: false })) {
      const json = JSON.stringify(c.spec);
      expect(json, c.id).not.toContain('"params"');
      expect(json, c.id).not.toContain('"tooltip"');
      expect((c.spec as { width?: unknown }).width).toBe(560);
    }
    for (const c of allCharts(full, { interactive: true, width: 'container' })) {
      const json = JSON.stringify(c.spec);
      expect((c.spec as { width?: unknown }).width).toBe('container');
      if (c.id !== 'recent-predictions') expect(json, c.id).toContain('"tooltip"');
      const hasBrush = json.includes(
        `"name":"${BRUSH_PARAM}","select":{"type":"interval","encodings":["x"],`,
      );
      expect(hasBrush, c.id).toBe(TIME_CHARTS.includes(c.id));
      if (hasBrush) {
        // The brushed x channel is the shared date field, so the dashboard reads { date: [from, to] }.
        const compiled = JSON.stringify(vl.compile(c.spec).spec);
        expect(compiled).toContain(`"field":"${BRUSH_FIELD}"`);
        expect(compiled).toContain(`${BRUSH_PARAM}_tuple`);
        // Only a mouse or pen drags it: on a touch screen a finger over a chart scrolls the page.
        expect(compiled).toContain(`"type":"pointerdown","filter":["event.pointerType !== 'touch'"`);
      }
    }
  });

  it('hides the brush marks of every compiled time chart from assistive technology, and nothing else', () => {
    const brushed = allCharts(full, { interactive: true, width: 'container' }).filter((c) =>
      TIME_CHARTS.includes(c.id),
    );
    expect(brushed.length).toBeGreaterThan(0);
    for (const c of brushed) {
      const marks = (hideBrushMarks(vl.compile(c.spec).spec).marks ?? []) as {
        name?: string;
        aria?: boolean;
      }[];
      const hidden = marks.filter((m) => m.aria === false).map((m) => m.name);
      expect(hidden, c.id).toEqual([`${BRUSH_PARAM}_brush_bg`, `${BRUSH_PARAM}_brush`]);
    }
  });

  it('uses named inline data the dashboard can swap', () => {
    const spec = accuracyOverTimeSpec(full) as { data: { name: string; values: unknown[] } };
    expect(spec.data.name).toBe('accuracy');
    expect(spec.data.values.length).toBeGreaterThan(full.daily.length);
    const compiled = vl.compile(spec as TopLevelSpec).spec;
    expect(compiled.data?.map((d) => d.name)).toContain('accuracy');
  });
});

describe('SVG rendering', () => {
  const svgs = new Map<string, string>();
  beforeAll(async () => {
    for (const c of allCharts(full)) svgs.set(c.id, await renderSvg(c.spec));
  });

  it('is deterministic, also after other renders and in another time zone', async () => {
    const sizes: Record<string, number> = {};
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Auckland';
      for (const c of [...allCharts(full)].reverse()) {
        const again = await renderSvg(c.spec);
        expect(again === svgs.get(c.id), c.id).toBe(true);
        sizes[c.id] = Buffer.byteLength(again);
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    console.log('SVG bytes per chart:', JSON.stringify(sizes));
    for (const [id, bytes] of Object.entries(sizes)) expect(bytes, id).toBeLessThan(40_000);
  });

  it('renders the interactive variants too', async () => {
    for (const c of allCharts(full, { interactive: true })) {
      expect(await renderSvg(c.spec), c.id).toMatch(/^<svg [\s\S]*<\/svg>$/);
    }
  });

  it('draws a k×k heatmap with the counts as text, labels escaped', async () => {
    const svg = await renderSvg(confusionMatrixSpec(full, 'recent'));
    const k = full.classes.length;
    expect(count(markGroup(svg, 'mark-rect role-mark'), '<path')).toBe(k * k);
    const texts = [...markGroup(svg, 'mark-text role-mark').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(
      (m) => m[1],
    );
    expect(texts).toEqual(full.confusion.recent.flat().map(String));
    expect(svg).toContain('>&lt;b&gt;"x"&lt;/b&gt; | y</text>');
    expect(svg).not.toContain('<b>');
  });

  it('marks model changes, the threshold and one dot per labelled day', () => {
    const svg = svgs.get('accuracy-over-time')!;
    for (const v of ['v1', 'v2', 'v3']) expect(svg).toContain(`>${v}</text>`);
    const labelledDays = full.daily.filter((d) => d.accuracy !== null).length;
    expect(count(markGroup(svg, 'mark-symbol role-mark'), '<path')).toBe(labelledDays);
    expect(svg).toContain('stroke-dasharray="5,4"');
  });

  it('colours every bar by the drift decision and shows every test', () => {
    const svg = svgs.get('drift')!;
    const bars = markGroup(svg, 'mark-rect role-mark');
    expect(count(bars, '<path')).toBe(5);
    expect(count(bars, 'fill="#d62728"')).toBe(2); // petal length and the predicted class
    // Petal width: PSI 0.35 above the threshold, adjusted p 0.4: a long bar that is not drift, drawn so.
    expect(count(bars, 'fill="#f4a582"')).toBe(1);
    expect(svg).toContain('not significant');
    // Features show the adjusted p-value's band; the predicted class is one test of its own.
    expect(svg).toContain('KS adj. p&lt;0.01');
    expect(svg).toContain('chi-square adj. p≥0.10');
    expect(svg).toContain('chi-square p&lt;0.01');
    expect(svg).toContain('adjusted p &lt; 0.05 and PSI &gt; 0.2');
    // p-values in bands (the exact values are in tooltips and monitoring.json), no ARIA labels.
    expect(svg).not.toMatch(/p=0\.\d/);
    expect(svg).not.toContain('aria-label=');
  });

  it('writes the latest prediction and the totals as text, labels escaped', async () => {
    const p = latestOf(full)!;
    const svg = await renderSvg(latestSpec(full));
    expect(svg).toContain(`#${p.id} for ${p.eventTime.slice(0, 10)}`);
    expect(svg).toContain(`All time: ${full.totals.predictions.toLocaleString('en-US')} predictions`);
    // Live accuracy with its interval beside the holdout and the baseline, and the rows' sources.
    expect(liveText(full)).toBe(
      'Last 14 days: accuracy 72.1% (95% interval 59.8%–81.8%) on 61 labelled rows. Holdout 95.3%, ' +
        'majority-class baseline 34.7%. Rows predicted: ' +
        `${(full.totals.predictions - 12).toLocaleString('en-US')} synthetic (from the generator), 12 ingested (real).`,
    );
    expect(svg).toContain('majority-class');
    const nasty = {
      ...full,
      recent: [...full.recent.slice(0, -1), { ...p, predicted: CLASSES[0].value, actual: null }],
    };
    const waiting = await renderSvg(
      latestSpec({ ...nasty, classes: [{ ...CLASSES[0], label: NASTY_LABEL }] }),
    );
    expect(waiting).toContain('predicted &lt;b&gt;"x"&lt;/b&gt; | y');
    expect(waiting).toContain('waiting for its label');
    expect(waiting).not.toContain('<b>');
    expect(await renderSvg(latestSpec(empty))).toContain('>No predictions yet.<');
  });

  it('lists every recent prediction in the table chart', () => {
    const svg = svgs.get('recent-predictions')!;
    for (const p of full.recent) expect(svg).toContain(`>${p.id}</text>`);
    expect(svg).toContain('>✗</text>');
  });

  it('shows why drift was skipped, escaped', async () => {
    const svg = await renderSvg(driftSpec(empty));
    // Wrapped onto lines by words, never cut: the whole reason is there.
    expect(svg).toContain('>Drift not computed: no predictions in the last 7 days (need at least</tspan>');
    expect(svg).toContain('>50 rows) &lt;script&gt;</tspan>');
    expect(svg).not.toContain('<script>');
  });
});

describe('report page', () => {
  const images = [latestChart(full), ...allCharts(full)].map((c) => ({
    id: c.id,
    file: `${c.id}.svg`,
    title: c.title,
    description: c.description,
  }));
  const LOG = 'predictions-2026-11.csv';
  const md = reportMarkdown(full, images, LOG);

  it('escapes data strings everywhere', () => {
    expect(mdText(NASTY_LABEL)).toBe('&lt;b&gt;"x"&lt;/b&gt; \\| y');
    expect(mdText('a`b\\c')).toBe('a\\`b\\\\c');
    expect(md).not.toMatch(/<(b|i|flowers)>/);
    expect(md).toContain('# Iris &lt;flowers&gt; \\| demo — monitoring');
    const odd = reportMarkdown(full, images, 'predictions-2026-11 [x].csv');
    expect(odd).toContain('[predictions-2026-11 \\[x\\].csv](predictions-2026-11%20%5Bx%5D.csv)');
  });

  it('does not change with the day’s numbers, only with what it says', () => {
    const d = full.drift!;
    const nextDay = {
      ...full,
      asOf: '2026-12-31T00:00:00Z',
      totals: { ...full.totals, predictions: full.totals.predictions + 1, correct: full.totals.correct + 1 },
      recent: [
        ...full.recent.slice(1),
        { ...latestOf(full)!, id: latestOf(full)!.id + 1, probability: 0.51 },
      ],
      daily: full.daily.slice(1),
      byVersion: full.byVersion.map((v) => ({ ...v, rows: v.rows + 1, lastDate: '2026-12-31' })),
      confusion: { ...full.confusion, all: full.confusion.all.map((row) => row.map((n) => n + 1)) },
      drift: { ...d, features: d.features.map((f) => ({ ...f, pValue: f.pValue / 2, psi: f.psi * 2 })) },
      alerts: full.alerts.map((a) => ({
        ...a,
        value: a.value === null ? null : a.value / 2,
        message: 'other',
      })),
    };
    expect(reportMarkdown(nextDay, images, LOG)).toBe(md);
    // What the page says: the champion, which alerts are active, the log's month.
    expect(reportMarkdown({ ...full, champion: { ...full.champion!, version: 4 } }, images, LOG)).not.toBe(
      md,
    );
    const calm = { ...full, alerts: full.alerts.map((a) => ({ ...a, active: false })) };
    expect(reportMarkdown(calm, images, LOG)).not.toBe(md);
    expect(reportMarkdown(full, images, 'predictions-2026-12.csv')).not.toBe(md);
  });

  it('references every chart with alt text that does not change with the day’s numbers', () => {
    for (const img of images) expect(md).toContain(`![${mdText(chartAlt(full, img))}](${img.id}.svg)`);
    const later = { ...full, totals: { ...full.totals, predictions: full.totals.predictions + 1 } };
    for (const img of images) expect(chartAlt(later, img)).toBe(chartAlt(full, img));
    expect(chartAlt(full, images[0])).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(chartAlt(full, images[0])).toMatch(/latest prediction/i);
  });

  it('shows the champion, active alerts, the thresholds and where the log and the figures are', () => {
    expect(md).toContain(
      '**Champion:** v3 (random-forest), holdout accuracy 95.3%; always guessing the most common class scores 34.7% (the majority-class baseline).',
    );
    expect(md).toContain('## Where the rows come from');
    expect(md).toContain('The daily rows are **synthetic**');
    expect(md).toContain(
      `> ⚠️ **Accuracy:** the rolling 30-day accuracy is below the alert threshold ${(full.thresholds.accuracy! * 100).toFixed(1)}%.`,
    );
    expect(md).toContain('> ⚠️ **Dataset drift:** at least one feature drifted over the last 7 days');
    expect(md).toContain(`[${LOG}](${LOG})`);
    expect(md).toContain('the `log` entry of monitoring.json');
    expect(md).toContain('[monitoring.json](monitoring.json)');
    expect(md).toContain('rolling 30-day accuracy (over at least');
    const calm = full.alerts.map((a) => ({ ...a, active: a.kind === 'accuracy' }));
    expect(reportMarkdown({ ...full, alerts: calm }, images, LOG)).not.toContain('Dataset drift:**');
    // The rule the decision and the drift chart follow, in the thresholds section.
    expect(md).toContain(
      "A feature drifts when its test's p-value, adjusted for the number of features (Benjamini–Hochberg), is below 0.05 and its PSI is above 0.2; dataset drift when any feature drifts.",
    );
    expect(md).toContain('In the drift chart the bar is the PSI and its colour the decision');
  });

  it('handles a dataset without predictions', () => {
    const page = reportMarkdown(empty, [], null);
    expect(page).toContain('✅ No active alerts.');
    expect(page).toContain('- Prediction log: no predictions yet.');
    expect(page).not.toContain('<script>');
  });
});

describe('writeReports', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gitml-reports-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const snapshot = (root: string) => {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out[path.relative(root, p)] = readFileSync(p, 'utf8');
      }
    };
    walk(root);
    return out;
  };

  it('writes README and charts, byte-identical on a second run, and removes stale charts', async () => {
    const first = await writeReports(dir, full);
    // The repository dashboard leads with the latest prediction and leaves out the recent-predictions
    // text table (the log's month file is that table on GitHub).
    const pageCharts = [latestChart(full), ...allCharts(full).filter((c) => c.id !== 'recent-predictions')];
    expect(first.files.map((f) => path.relative(dir, f)).sort()).toEqual(
      ['iris/dashboard.svg', 'iris/README.md'].sort(),
    );
    const before = snapshot(dir);
    const readme = before['iris/README.md'];
    expect(readme.match(/\]\(dashboard\.svg\)/g)).toHaveLength(1);
    for (const c of pageCharts) expect(readme).toContain(`${c.title}: `);
    const svg = before['iris/dashboard.svg'];
    for (const c of pageCharts) expect(svg, c.id).toContain(`>${c.title}</text>`);
    expect(readme).not.toContain('recent-predictions.svg');
    expect(readme).toContain(`[predictions-${latestOf(full)!.eventTime.slice(0, 7)}.csv]`);
    expect(svg).toContain(`>#${latestOf(full)!.id} for `);

    writeFileSync(path.join(dir, 'iris/retired-chart.svg'), '<svg/>');
    mkdirSync(path.join(dir, 'iris/charts'), { recursive: true });
    writeFileSync(path.join(dir, 'iris/charts/drift.svg'), '<svg/>'); // the earlier layout
    writeFileSync(path.join(dir, 'iris/monitoring.json'), '{}');
    await writeReports(dir, full);
    const after = snapshot(dir);
    expect(after['iris/retired-chart.svg']).toBeUndefined();
    expect(existsSync(path.join(dir, 'iris/charts'))).toBe(false);
    expect(after['iris/monitoring.json']).toBe('{}');
    delete after['iris/monitoring.json'];
    expect(after).toEqual(before);
    expect(readdirSync(path.join(dir, 'iris')).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('rejects a dataset name that is not a plain path segment', async () => {
    await expect(writeReports(dir, { ...full, dataset: '../escape' })).rejects.toThrow(
      "dataset '../escape' must be a plain name",
    );
  });
});
