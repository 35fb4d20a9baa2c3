// The generator for a numeric label (issue #15, contract 8): one copula where the label is one more
// margin, drawn jointly with the features. Built on the wine feature group with quality read as a number
// (what the wine_score spec stores), plus the classification output pinned byte for byte.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { normalQuantile } from '../../actions/lib/core/normal.js';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { emptyTable, type FeatureTable, SOURCES } from '../../actions/lib/features/feature-table.js';
import { pearson } from '../../actions/lib/features/feature-view.js';
import { fitGenerator } from '../../actions/lib/features/generator/fit.js';
import { scoreOf } from '../../actions/lib/features/generator/marginals.js';
import { onGrid, sampleRows } from '../../actions/lib/features/generator/sampler.js';
import {
  generatorReportLines,
  regressionGeneratorReport,
} from '../../actions/lib/features/generator-report.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { createRng } from '../../actions/lib/models/random.js';
import { backfill } from '../../actions/lib/pipelines/backfill.js';
import { type DatasetSpec, featureSchema, parseSpec } from '../../actions/lib/spec/spec.js';
import { makeWorkspace, NOW, REPO_ROOT } from '../helpers/workspace.js';

const SYNTHETIC = SOURCES.indexOf('synthetic');
const classification: Record<string, { spec: DatasetSpec; table: FeatureTable }> = {};
let spec: DatasetSpec;
let table: FeatureTable;

/** The wine spec with quality as a numeric label (the bundled wine_score spec's label). */
function wineScoreSpec(algorithm = 'random-forest-regressor'): DatasetSpec {
  const raw = parse(readFileSync(path.join(REPO_ROOT, 'data/wine/dataset.yml'), 'utf8'));
  raw.name = 'wine_score';
  raw.source.file = '../wine/source.csv';
  raw.label = {
    column: 'quality',
    name: 'quality',
    title: 'Quality score',
    type: 'numeric',
    unit: 'points',
    range: [0, 10],
    decimals: 0,
  };
  raw.model = { algorithm };
  return parseSpec(raw, 'wine_score/dataset.yml');
}

/** The classification table read as regression: targets the class values, labels 0 (contract 1). */
function asRegression(t: FeatureTable, classes: readonly { value: string }[]): FeatureTable {
  return {
    ...t,
    labels: Int32Array.from(t.labels, (l) => (l >= 0 ? 0 : -1)),
    targets: Float64Array.from(t.labels, (l) => (l >= 0 ? Number(classes[l].value) : Number.NaN)),
  };
}

beforeAll(() => {
  const root = makeWorkspace(['iris', 'titanic', 'wine']);
  const ws = new Workspace(root);
  for (const name of ['iris', 'titanic', 'wine']) {
    const s = ws.loadSpec(name);
    backfill(ws, s, { now: new Date(NOW) });
    classification[name] = { spec: s, table: FeatureGroup.open(ws, s).read() };
  }
  spec = wineScoreSpec();
  table = asRegression(classification.wine.table, classification.wine.spec.label.classes);
}, 60_000);

const isReal = (t: FeatureTable) => (i: number) => t.sources[i] !== SYNTHETIC;

describe('regression generator', () => {
  it('fits one copula with the label as its last margin, not one per class', () => {
    const model = fitGenerator(spec, table, isReal(table));
    expect(model.classes).toEqual([]);
    expect(model.prior).toEqual([1]);
    const last = model.copula[model.copula.length - 1];
    expect(last).toMatchObject({ name: 'quality', role: 'label', decimals: 0, range: [0, 10] });
    // Wine type (red/white, both large) still splits the rows; nothing else does.
    expect(model.categoricalNames).toEqual(['type']);
    expect(model.components.map((g) => g.categorical)).toEqual([['red'], ['white']]);
    for (const g of model.components) {
      expect(g.classIndex).toBe(0);
      expect(g.labelSlope).toHaveLength(model.copula.length - 1);
    }
  });

  it('writes labels on the decimals grid inside the range, with the real marginal', () => {
    const rows = sampleRows(fitGenerator(spec, table, isReal(table)), 4000, 3);
    const labels = rows.map((r) => r.label);
    for (const l of labels) expect(l, l).toMatch(/^(10|\d)$/);
    const values = labels.map(Number);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...values)).toBeLessThanOrEqual(9);
    // Share of each grade: within 2.5 points of the real share (4,000 draws: the binomial sd of the
    // largest share, 0.44, is 0.8 points, and the kernel's anchors add a little more).
    const real = Array.from(table.targets.subarray(0, table.rows));
    for (let q = 3; q <= 9; q++) {
      const share = (xs: number[]) => xs.filter((x) => x === q).length / xs.length;
      expect(Math.abs(share(values) - share(real)) * 100, `grade ${q}`).toBeLessThan(2.5);
    }
  });

  it('keeps the label’s correlation with every feature', () => {
    const rows = sampleRows(fitGenerator(spec, table, isReal(table)), 4000, 5);
    const schema = featureSchema(spec);
    const y = Float64Array.from(rows, (r) => Number(r.label));
    const all = rows.map((_, i) => i);
    const realRows = Array.from({ length: table.rows }, (_, i) => i);
    const r = (name: string) => {
      const j = schema.findIndex((f) => f.name === name);
      const x = Float64Array.from(rows, (row) =>
        schema[j].type === 'numeric'
          ? Number(row.values[name])
          : schema[j].categories!.findIndex((c) => c.value === row.values[name]),
      );
      return { real: pearson(table.columns[j], table.targets, realRows), generated: pearson(x, y, all) };
    };
    // Alcohol–quality is the strongest (r = 0.44 real).
    const alcohol = r('alcohol');
    expect(alcohol.real).toBeGreaterThan(0.4);
    // 0.05: the sampling sd of r at n = 4,000 is (1 − r²)/√n ≈ 0.013 for alcohol, so 0.05 is ~4 sd; a
    // generator that drew the label apart from the features would give r ≈ 0 and fail by 0.4.
    for (const f of schema) {
      const { real, generated } = r(f.name);
      expect(Math.abs(generated - real), `${f.name}: real ${real}, generated ${generated}`).toBeLessThan(
        0.05,
      );
    }
  });

  it('is deterministic per seed, and a different seed gives different rows', () => {
    const a = sampleRows(fitGenerator(spec, table, isReal(table)), 200, 123);
    const b = sampleRows(fitGenerator(spec, table, isReal(table)), 200, 123);
    const c = sampleRows(fitGenerator(spec, table, isReal(table)), 200, 124);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('drifts the features and lets the label follow through the copula', () => {
    const model = fitGenerator(spec, table, isReal(table));
    const base = sampleRows(model, 4000, 9);
    const drifted = sampleRows(model, 4000, 9, 0.5);
    const mean = (rows: typeof base, get: (r: (typeof base)[number]) => number) =>
      rows.reduce((s, r) => s + get(r), 0) / rows.length;
    const sd = (name: string) => model.copula.find((f) => f.name === name)!.sd;
    const alcohol = (r: (typeof base)[number]) => Number(r.values.alcohol);
    expect(mean(drifted, alcohol) - mean(base, alcohol)).toBeCloseTo(0.5 * sd('alcohol'), 1);
    // Every feature moved half an sd up; the label moves by the copula's regression on them (alcohol up
    // raises quality, density and volatile acidity up lower it): some shift, less than the features'.
    const quality = (r: (typeof base)[number]) => Number(r.label);
    const shift = mean(drifted, quality) - mean(base, quality);
    expect(shift).not.toBe(0);
    expect(Math.abs(shift)).toBeLessThan(0.5 * sd('quality'));
    for (const r of drifted) expect(Number(r.label)).toBeGreaterThanOrEqual(0);
    // The same draw otherwise: drift moves values, it does not reshuffle the rows.
    expect(drifted.map((r) => r.values.type)).toEqual(base.map((r) => r.values.type));
    // A feature-only drift of alcohol alone would raise quality; check the sign through one slope.
    const white = model.components.find((g) => g.categorical[0] === 'white')!;
    const a = model.copula.findIndex((f) => f.name === 'alcohol');
    expect(white.labelSlope![a]).toBeGreaterThan(0);
  });

  it('moves the label with a drifted feature as their correlation says, and not with an unrelated one', () => {
    // y = x + noise (r = 0.98) and z independent of both, on a continuous grid.
    const n = 2000;
    const t = emptyTable(2, n);
    t.rows = n;
    const rand = createRng(1);
    for (let i = 0; i < n; i++) {
      const x = normalQuantile((i + 0.5) / n);
      t.columns[0][i] = Number(x.toFixed(3));
      t.columns[1][i] = Number(normalQuantile(rand() * 0.998 + 0.001).toFixed(3));
      t.targets[i] = Number((x + 0.2 * normalQuantile(rand() * 0.998 + 0.001)).toFixed(2));
    }
    const s = parseSpec(
      {
        name: 'follow',
        source: { file: 'follow.csv', citation: 'made up' },
        eventTime: { fixed: '2026-11-01T00:00:00Z' },
        label: { column: 'y', name: 'y', title: 'Y', type: 'numeric', range: [-10, 10], decimals: 2 },
        features: [
          { name: 'x', title: 'X', type: 'numeric', range: [-10, 10], decimals: 3 },
          { name: 'z', title: 'Z', type: 'numeric', range: [-10, 10], decimals: 3 },
        ],
        generator: { rowsPerDay: 1 },
      },
      'follow/dataset.yml',
    );
    const model = fitGenerator(s, t, () => true);
    const [g] = model.components;
    expect(g.labelSlope![0]).toBeGreaterThan(0.9);
    expect(Math.abs(g.labelSlope![1])).toBeLessThan(0.1);
    const base = sampleRows(model, 4000, 2);
    const drifted = sampleRows(model, 4000, 2, 0.5);
    const mean = (rows: typeof base, get: (r: (typeof base)[number]) => string) =>
      rows.reduce((sum, r) => sum + Number(get(r)), 0) / rows.length;
    const shift = (get: (r: (typeof base)[number]) => string) => mean(drifted, get) - mean(base, get);
    const sd = model.copula.find((f) => f.name === 'y')!.sd;
    expect(shift((r) => r.values.x)).toBeCloseTo(0.5 * model.copula[0].sd, 2);
    // x moved half an sd: y follows by about r·0.5 sd (0.49 sd); 0.05 sd allows the empirical marginals'
    // ends (a shifted value beyond the largest real one scores as the largest).
    expect(Math.abs(shift((r) => r.label) - 0.49 * sd)).toBeLessThan(0.05 * sd);
  });

  it('scores values between and beyond the real ones, and rounds into the range on the grid', () => {
    const m = { values: [1, 2, 4], cumulative: [1, 3, 4] };
    // A real value gets its normal score (centre of its CDF share), as fitting does.
    expect(scoreOf(m, 2)).toBeCloseTo(0, 12); // (1 + 3) / 8 = 0.5
    expect(scoreOf(m, 3)).toBeCloseTo(scoreOf(m, 3.5), 12); // between values: the share below
    expect(scoreOf(m, 100)).toBeCloseTo(scoreOf(m, 5), 12); // beyond: half a row inside the end
    expect(scoreOf(m, 100)).toBeCloseTo(normalQuantile(1 - 0.5 / 4), 12);
    expect(scoreOf(m, -100)).toBeCloseTo(normalQuantile(0.5 / 4), 12);
    expect(onGrid(6.5, 0)).toBe(7);
    expect(onGrid(10.4, 0, [0, 10])).toBe(10);
    expect(onGrid(-0.2, 1, [0, 10])).toBe(0);
    expect(onGrid(7.3, 0, [0, 6.5])).toBe(6);
    expect(onGrid(0.1, 0, [0.5, 6])).toBe(1);
    expect(onGrid(3.14659, 2, [0, 10])).toBe(3.15);
  });

  it('keeps the was-missing flag’s fill value and a two-valued label’s ties with the features', () => {
    // Titanic's survival read as a number 0/1: categorical features, a missing flag, and the sharpest
    // case of a graded label (two values: one shared score each, of spread 0.67).
    const { spec: s, table: t } = classification.titanic;
    const raw = parse(readFileSync(path.join(REPO_ROOT, 'data/titanic/dataset.yml'), 'utf8'));
    raw.label = {
      column: 'Survived',
      name: 'survived',
      title: 'Survived',
      type: 'numeric',
      range: [0, 1],
      decimals: 0,
    };
    raw.model = { algorithm: 'ridge' };
    const numeric = parseSpec(raw, 'titanic/dataset.yml');
    const regression = asRegression(t, s.label.classes);
    const rows = sampleRows(fitGenerator(numeric, regression, isReal(regression)), 4000, 21);
    for (const r of rows) expect(['0', '1']).toContain(r.label);
    for (const r of rows.filter((r) => r.values.age_missing === '1')) expect(r.values.age).toBe('28');
    const schema = featureSchema(numeric);
    const sex = schema.findIndex((f) => f.name === 'sex');
    const realRows = Array.from({ length: t.rows }, (_, i) => i);
    const real = pearson(t.columns[sex], regression.targets, realRows);
    const generated = pearson(
      Float64Array.from(rows, (r) => (r.values.sex === 'female' ? 0 : 1)),
      Float64Array.from(rows, (r) => Number(r.label)),
      rows.map((_, i) => i),
    );
    // Sex–survival r = −0.54 real. Sex is conditioned on (a component per sex), so the label's share
    // per component carries it; 0.05 is ~4 sampling sd at n = 4,000.
    expect(real).toBeLessThan(-0.5);
    expect(Math.abs(generated - real)).toBeLessThan(0.05);
  });

  it('refuses fewer than two labelled rows', () => {
    const one = { ...table, labels: Int32Array.from(table.labels, (_, i) => (i === 0 ? 0 : -1)) };
    expect(() => fitGenerator(spec, one, isReal(one))).toThrow(
      /needs at least 2 labelled real rows, found 1/,
    );
  });
});

describe('regression generator report', () => {
  it('compares the joint, the label marginal and correlations, and TSTR with TRTR MAE', () => {
    // 2,000 rows a side: Pearson r of heavy-tailed chlorides swings by up to 0.2 between seeds at 1,000.
    const r = regressionGeneratorReport(wineScoreSpec('ridge'), table, isReal(table), {
      seed: 7,
      sample: 2000,
      trees: 40,
      splits: 2,
    });
    expect(r.task).toBe('regression');
    expect(r.sample).toBe(2000);
    expect(r.twoSample.auc).toBeLessThanOrEqual(0.6);
    expect(r.correlation.maxAbs).toBeLessThan(0.15);
    expect(r.label.statistic).toBeLessThan(1.76 * Math.sqrt(2 / r.sample));
    expect(Math.abs(r.label.generated.mean - r.label.real.mean)).toBeLessThan(0.1);
    expect(r.label.real.quantiles.map((q) => q.q)).toEqual([0.05, 0.25, 0.5, 0.75, 0.95]);
    const alcohol = r.label.correlations.find((c) => c.name === 'alcohol')!;
    expect(Math.abs(alcohol.generated - alcohol.real)).toBeLessThan(0.08);
    expect(r.tstr.model).toBe('ridge alpha=1');
    // Both beat the mean baseline; a model trained on generated rows does within 10% of the real one.
    expect(r.tstr.trtr).toBeLessThan(r.tstr.baseline);
    expect(r.tstr.tstr).toBeLessThan(r.tstr.baseline);
    expect(r.tstr.tstr / r.tstr.trtr).toBeLessThan(1.1);
    const text = generatorReportLines(r).join('\n');
    expect(text).toMatch(/^wine_score: generator fitted on 6497 real rows; 2000 real vs 2000 generated rows/);
    expect(text).toMatch(/two-sample AUC 0\.\d{3} over the features and quality \(random forest of 40 trees/);
    expect(text).toMatch(
      /quality, real vs generated: mean 5\.\d{3} vs 5\.\d{3}, sd 0\.\d{3} vs 0\.\d{3}, quantiles 5\/25\/50\/75\/95% 5\.000 5\.000 6\.000 6\.000 7\.000 vs/,
    );
    expect(text).toMatch(
      /quality's correlation with each feature, real → generated: type 0\.\d{3} → 0\.\d{3}/,
    );
    expect(text).toMatch(
      /train on synthetic, test on real \(ridge alpha=1\): holdout MAE 0\.\d{3} vs 0\.\d{3} trained on real rows, [+-]\d+\.\d% \(goal within 10%\); predicting the training mean 0\.\d{3}/,
    );
  }, 120_000);
});

describe('classification output', () => {
  // sha256 of JSON.stringify(sampleRows(model, 3000, 17, drift)) at 7d65b9a, before the regression
  // generator: the classification draw must not change by a byte.
  const PINNED: Record<string, [string, string]> = {
    iris: [
      '447e4185492380f91860697c941621211c6b17ff9a00d71f254225ff69aafc10',
      '197871d741aad392487f2941338997efeb7ab7f4051ff6b9ce8f7888de38e783',
    ],
    titanic: [
      '668e70bbf5b54071edf2276c2d33783588b586952fb697404d75c66af08093d3',
      '6088f40f2a7525d650484771f26217d32bd8beb0748210d058a461c8ffebe096',
    ],
    wine: [
      '809f30a4fd8b2679d08d0a58cb184230d58667595b3e85d09ceb9ed7b7339e6c',
      '79c00236498cae71d68ff0b0041436068b46e275fdea6008645c4c2c95dc0576',
    ],
  };
  it.each(Object.keys(PINNED))('%s: the same bytes as before', (name) => {
    const { spec: s, table: t } = classification[name];
    const model = fitGenerator(s, t, isReal(t));
    [0, 0.5].forEach((drift, q) => {
      const json = JSON.stringify(sampleRows(model, 3000, 17, drift));
      expect(createHash('sha256').update(json).digest('hex')).toBe(PINNED[name][q]);
    });
  });
});
