// Many features and many classes, the parts that need no browser: the spec's `group` key, the predictor
// data (groups, derived flags, fills, sliders on the decimals grid), class colours and the merge past 20
// classes, short class labels that stay distinct, and `train`'s warning for a label that looks continuous.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { classEntries, shortLabels } from '../../actions/lib/charts/chart-classes.js';
import { allCharts } from '../../actions/lib/charts/chart-list.js';
import { classMixRows } from '../../actions/lib/charts/chart-rows.js';
import { classColour, classPalette, TABLEAU10, TABLEAU20 } from '../../actions/lib/charts/class-colours.js';
import { confusionRows } from '../../actions/lib/charts/confusion-chart.js';
import type { MonitoringReport } from '../../actions/lib/monitoring/monitoring-types.js';
import { continuousLabelWarning } from '../../actions/lib/spec/label-shape.js';
import { featureSchema, parseSpec, SpecError } from '../../actions/lib/spec/spec.js';
import { buildSite, sliderOf } from '../../site/src/build/site-build.js';
import { datedData, filterReport } from '../../site/src/client/dashboard-filter.js';
import type { PredictorData } from '../../site/src/client/page-data.js';
import { monitoringReport } from '../fixtures/monitoring-report.js';
import { requireBundles, runActionBundle } from '../helpers/action-runner.js';
import { SITE_ASSETS } from '../helpers/site-workspace.js';
import { addWideDataset, WIDE } from '../helpers/wide-datasets.js';
import { cli, commit, makeWorkspace, REPO_ROOT } from '../helpers/workspace.js';

const irisSpec = () => parse(readFileSync(path.join(REPO_ROOT, 'data/iris/dataset.yml'), 'utf8'));

describe('spec key group', () => {
  test('an optional non-empty string per feature, kept on the spec and out of the stored schema', () => {
    const raw = irisSpec();
    raw.features[0].group = 'Sepal';
    raw.features[1].group = 'Sepal';
    const spec = parseSpec(raw, 'iris.yml');
    expect(spec.features.map((f) => f.group)).toEqual(['Sepal', 'Sepal', undefined, undefined]);
    // Presentation only: regrouping never changes the feature group's schema.
    expect(featureSchema(spec)).toEqual(featureSchema(parseSpec(irisSpec(), 'iris.yml')));
    for (const bad of ['', '  ', 3, ['Sepal']]) {
      raw.features[0].group = bad;
      expect(() => parseSpec(raw, 'iris.yml')).toThrow(
        new SpecError("iris.yml feature 1 'sepal_length': 'group' must be a non-empty string"),
      );
    }
  });
});

describe('slider on the decimals grid', () => {
  test('ends rounded outwards to the step, every position a multiple of it', () => {
    // Titanic's ages: observed 0.42–80 with 2 decimals; 0.01 or 0.1 steps would be 7958 or 796
    // positions (over 100), so whole years: 0, 1, … 80.
    expect(sliderOf(2, 0.42, 80)).toEqual({ min: 0, max: 80, step: 1 });
    expect(sliderOf(2, 6.12, 66.99)).toEqual({ min: 6, max: 67, step: 1 });
    expect(sliderOf(1, 4.3, 7.9)).toEqual({ min: 4.3, max: 7.9, step: 0.1 });
    expect(sliderOf(0, 0, 8)).toEqual({ min: 0, max: 8, step: 1 });
    expect(sliderOf(4, 0, 512.3292)).toEqual({ min: 0, max: 520, step: 10 });
    // Kept inside the valid range; a single observed value still gives a slider.
    expect(sliderOf(2, 0.42, 80, [0.42, 100])).toEqual({ min: 1, max: 80, step: 1 });
    expect(sliderOf(1, 5, 5)).toEqual({ min: 5, max: 5.1, step: 0.1 });
    expect(sliderOf(2, -1.26, 393.48)).toEqual({ min: -10, max: 400, step: 10 });
  });
});

describe('predictor data for a wide dataset', () => {
  let root: string;
  let data: PredictorData;
  beforeAll(async () => {
    root = makeWorkspace([]);
    addWideDataset(root);
    for (const args of [['backfill'], ['train', '--algorithm', 'gaussian-nb', '--no-search']]) {
      const r = await cli(root, ...args);
      expect(r.code, r.err).toBe(0);
    }
    buildSite(root, path.join(root, '_site'), { assets: SITE_ASSETS });
    data = JSON.parse(readFileSync(path.join(root, '_site', WIDE.name, 'predictor.json'), 'utf8'));
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('features carry their group, the flag is derived, the filled feature its recorded fill', () => {
    const groups = new Map<string, number>();
    for (const f of data.features)
      if (f.group) groups.set(f.group, (groups.get(f.group) ?? 0) + (f.derivedFrom ? 0 : 1));
    expect([...groups]).toEqual(WIDE.groups.map((g) => [g, 10]));
    const flag = data.features.find((f) => f.name === WIDE.flag)!;
    expect(flag.derivedFrom).toBe(WIDE.blankFeature);
    const meta = JSON.parse(readFileSync(path.join(root, 'data', WIDE.name, 'v1', 'metadata.json'), 'utf8'));
    expect(data.features.find((f) => f.name === WIDE.blankFeature)!.fill).toBe(meta.fill[WIDE.blankFeature]);
    expect(data.features.filter((f) => f.fill !== undefined).map((f) => f.name)).toEqual([WIDE.blankFeature]);
    for (const f of data.features.filter((g) => g.type === 'numeric')) {
      expect(f.slider).toEqual(sliderOf(2, f.observed!.min, f.observed!.max, [0, 100]));
    }
  });
});

test("Titanic's age: a slider from 0 to 80 in whole years (not 0.42, 0.52 … 79.92), its flag derived", async () => {
  const root = makeWorkspace(['titanic']);
  try {
    for (const args of [['backfill'], ['train', '--algorithm', 'gaussian-nb', '--no-search']]) {
      const r = await cli(root, ...args);
      expect(r.code, r.err).toBe(0);
    }
    buildSite(root, path.join(root, '_site'), { assets: SITE_ASSETS });
    const data: PredictorData = JSON.parse(
      readFileSync(path.join(root, '_site/titanic/predictor.json'), 'utf8'),
    );
    const age = data.features.find((f) => f.name === 'age')!;
    expect(age.observed).toMatchObject({ min: 0.42, max: 80 });
    expect(age.slider).toEqual({ min: 0, max: 80, step: 1 });
    expect(age.fill).toBe('28');
    expect(data.features.find((f) => f.name === 'age_missing')!.derivedFrom).toBe('age');
    expect(data.features.find((f) => f.name === 'sibsp')!.slider).toEqual({ min: 0, max: 8, step: 1 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const many = (n: number): MonitoringReport => {
  const base = monitoringReport();
  const classes = Array.from({ length: n }, (_, k) => ({
    value: `c${k}`,
    label: `Species number ${k} of the very long list`,
  }));
  // Class k predicted k+1 times a day, so the most frequent classes are the last ones.
  const daily = base.daily.map((d) => ({
    ...d,
    predicted: Object.fromEntries(classes.map((c, k) => [c.value, k + 1])),
  }));
  const confusion = classes.map((_, i) => classes.map((_, j) => (i === j ? i + 1 : 0)));
  return { ...base, classes, daily, confusion: { ...base.confusion, all: confusion, recent: confusion } };
};

describe('class colours and entries', () => {
  test('up to 10 classes tableau10, up to 20 tableau20, never a colour twice', () => {
    expect(classPalette(3)).toEqual(TABLEAU10.slice(0, 3));
    expect(classPalette(14)).toEqual(TABLEAU20.slice(0, 14));
    for (const n of [2, 10, 11, 20]) expect(new Set(classPalette(n)).size).toBe(n);
    expect(() => classPalette(21)).toThrow(RangeError);
    // Past 20 the predictor's bars share one colour: their names say which is which.
    expect(new Set(Array.from({ length: 50 }, (_, i) => classColour(i, 50))).size).toBe(1);
  });

  test('past 20 classes a chart keeps the 18 with the most rows and merges the rest into "Other"', () => {
    const r = many(50);
    const e = classEntries(
      r,
      r.classes.map((_, k) => k),
    );
    expect(e.labels).toHaveLength(19);
    expect(e.labels.at(-1)).toBe('Other classes (32)');
    expect(e.labels.slice(0, 18)).toEqual(r.classes.slice(32).map((c) => c.label));
    expect(new Set(e.colours).size).toBe(19);
    expect(e.merged).toBe(32);
    // The class mix of a day adds up, the merged entry holding the 32 least predicted classes.
    const rows = classMixRows(r).filter((row) => row.date === r.daily[0].date);
    expect(rows).toHaveLength(19);
    expect(rows.at(-1)!.count).toBe((32 * 33) / 2);
    expect(rows.reduce((s, row) => s + (row.count as number), 0)).toBe((50 * 51) / 2);
    // A date selection keeps the whole report's entries (the legend never changes with it).
    const narrowed = datedData(filterReport(r, { from: r.daily[0].date, to: r.daily[0].date }), r);
    expect(narrowed.classMix.map((row) => row.cls)).toEqual(rows.map((row) => row.cls));
    const cells = confusionRows(r, 'all');
    expect(cells).toHaveLength(19 * 19);
    expect(cells.reduce((s, c) => s + (c.count as number), 0)).toBe((50 * 51) / 2);
    expect(
      cells.find((c) => c.actualFull === 'Other classes (32)' && c.predictedFull === 'Other classes (32)')!
        .count,
    ).toBe((32 * 33) / 2);
  });

  test('the charts say so, and up to 20 classes nothing is merged', () => {
    const charts = allCharts(many(50), { width: 560 });
    const mix = charts.find((c) => c.id === 'class-mix')!;
    expect(JSON.stringify(mix.spec.title)).toContain(
      '18 classes with the most predictions shown; 32 others merged',
    );
    expect(mix.description).toContain('Species number 0 of the very long list');
    const encoding = (mix.spec as { encoding: { color: { legend: { columns: number } } } }).encoding;
    expect(encoding.color.legend.columns).toBe(3);
    const r = many(20);
    expect(classEntries(r, []).labels).toEqual(r.classes.map((c) => c.label));
    expect(confusionRows(r, 'all')).toHaveLength(400);
  });

  test('short labels drop the words every label shares and stay distinct', () => {
    const labels = Array.from({ length: 12 }, (_, k) => `Species number ${k} of the very long list`);
    expect(shortLabels([...labels, 'Other classes (3)'], 20)).toEqual([
      ...labels.map((_, k) => `Species number ${k} …`),
      'Other classes (3)',
    ]);
    expect(shortLabels(['Alpha', 'Beta'], 20)).toEqual(['Alpha', 'Beta']);
    const same = shortLabels(
      ['A very long label that is cut here', 'A very long label that is cut there'],
      10,
    );
    expect(new Set(same).size).toBe(2);
    for (const s of same) expect(Array.from(s).length).toBeLessThanOrEqual(10);
    const collide = shortLabels(['Aaaaaaaaaaaaaaaaaaaaaaa x', 'Aaaaaaaaaaaaaaaaaaaaaaa y', 'Other'], 12);
    expect(new Set(collide).size).toBe(3);
  });
});

describe('a label that looks continuous', () => {
  const label = (values: string[]) => ({
    name: 'score',
    classes: values.map((value) => ({ value, label: value })),
  });
  const codes = (counts: number[]) => counts.flatMap((n, c) => Array<number>(n).fill(c));
  const all = (xs: number[]) => xs.map((_, i) => i);

  test('warns past 20 distinct numeric values, or with many single-row classes', () => {
    const numbers = (n: number) => Array.from({ length: n }, (_, k) => String(k + 1));
    const twenty = codes(Array(20).fill(3));
    expect(continuousLabelWarning(label(numbers(20)), twenty, all(twenty))).toBeNull();
    const many = codes(Array(21).fill(3));
    expect(continuousLabelWarning(label(numbers(21)), many, all(many))).toBe(
      "label 'score' looks continuous: 21 distinct numeric values (1 … 21), 0 of them on a single row among 63 " +
        'labelled rows; it is trained as 21 classes all the same. A quantity to predict is a regression task ' +
        '(set label.type: numeric in dataset.yml); a category needs fewer, larger classes (group the values in the source).',
    );
    // Text classes, 5 of 12 on a single row.
    const names = Array.from({ length: 12 }, (_, k) => `kind ${k}`);
    const singles = codes([...Array(7).fill(10), ...Array(5).fill(1)]);
    expect(continuousLabelWarning(label(names), singles, all(singles))).toContain(
      '12 distinct values, 5 of them on a single row among 75 labelled rows',
    );
    const fewSingles = codes([...Array(20).fill(10), ...Array(4).fill(1)]);
    expect(
      continuousLabelWarning(label([...names, ...names.map((n) => `${n}b`)]), fewSingles, all(fewSingles)),
    ).toBeNull();
    // Unlabelled rows and rows outside the training set do not count.
    expect(continuousLabelWarning(label(numbers(21)), [...many, -1], [0, 1, 2])).toBeNull();
  });

  /** Iris's first two features with a 0–29 score as the label: 30 numeric classes of 5 rows. */
  async function scoresWorkspace(opts: { git?: boolean } = {}): Promise<string> {
    const root = makeWorkspace(['iris'], opts);
    const spec = irisSpec();
    spec.name = 'scores';
    spec.label = {
      column: 'score',
      name: 'score',
      title: 'Score',
      classes: Array.from({ length: 30 }, (_, k) => ({ value: String(k), label: String(k) })),
    };
    spec.features = spec.features.slice(0, 2);
    const lines = ['sepal_length,sepal_width,score'];
    for (let i = 0; i < 150; i++)
      lines.push(`${(4 + (i % 30) / 10).toFixed(1)},${(2 + (i % 7) / 5).toFixed(1)},${i % 30}`);
    mkdirSync(path.join(root, 'data', 'scores'), { recursive: true });
    writeFileSync(path.join(root, 'data', 'scores', 'dataset.yml'), stringify(spec));
    writeFileSync(path.join(root, 'data', 'scores', 'source.csv'), `${lines.join('\n')}\n`);
    expect((await cli(root, 'backfill')).code).toBe(0);
    if (opts.git) commit(root, 'backfill', '2026-11-01T00:00:00Z');
    return root;
  }
  const FIGURES =
    "label 'score' looks continuous: 30 distinct numeric values (0 … 29), 0 of them on a single row among 150 labelled rows";

  test('the train action warns in an annotation and in the job summary', async () => {
    requireBundles('train');
    const root = await scoresWorkspace({ git: true });
    try {
      const run = await runActionBundle(
        'train',
        { now: '2026-11-02T00:00:00Z', algorithm: 'gaussian-nb' },
        { workspace: root },
      );
      expect(run.code, run.stderr).toBe(0);
      const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`scores: ${FIGURES}`);
      expect(run.summary).toContain('<h3>Training warnings</h3>');
      expect(run.summary).toContain(`scores: ${FIGURES.replaceAll("'", '&#39;')}`);
      expect(JSON.parse(run.outputs['model-versions'])).toEqual({ iris: 1, scores: 1 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('train warns with the figures on stderr and in the model card, and still trains', async () => {
    const root = await scoresWorkspace();
    try {
      const r = await cli(root, 'train', '--algorithm', 'gaussian-nb', '--no-search');
      expect(r.code, r.err).toBe(0);
      expect(r.err).toContain(`scores: warning: ${FIGURES}`);
      expect(r.err).not.toContain('iris: warning');
      expect(r.out).toContain('scores: v1 gaussian-nb');
      const card = readFileSync(path.join(root, 'models', 'scores', 'v1', 'card.md'), 'utf8');
      // Under the status line, at the top of the card.
      expect(card.split('\n').slice(2, 5)).toEqual([
        '**Status:** champion. First model of this dataset.',
        '',
        `> **Warning:** ${FIGURES}; it is trained as 30 classes all the same. A quantity to predict is a regression task (set label.type: numeric in dataset.yml); a category needs fewer, larger classes (group the values in the source).`,
      ]);
      expect(readFileSync(path.join(root, 'models', 'iris', 'v1', 'card.md'), 'utf8')).not.toContain(
        'Warning',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
