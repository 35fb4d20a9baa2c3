// gitml init: a spec inferred from a CSV, written with its source or not at all; init → backfill → train.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { featureGroups } from '../../actions/lib/spec/init/groups.js';
import { roundRange } from '../../actions/lib/spec/init/infer-columns.js';
import { naturalSort, sentenceTitle, snakeName } from '../../actions/lib/spec/init/naming.js';
import { type DatasetSpec, parseSpec } from '../../actions/lib/spec/spec.js';
import { cli, expectCliOk, fingerprint, makeWorkspace, REPO_ROOT, read } from '../helpers/workspace.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'init');

function tempCsv(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitml-init-csv-'));
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

function specOf(root: string, name: string): DatasetSpec {
  const text = read(root, `data/${name}/dataset.yml`);
  return parseSpec(parseYaml(text), `data/${name}/dataset.yml`);
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Customers: an id, a signup date, categories with blanks, yes/no, money with 10% blanks, free text, e-mails. */
function mixedCsv(rows: number): string {
  const r = rng(7);
  const lines = ['customer_id,signup_date,plan,is_active,monthly_spend,visits,notes,email,churn'];
  for (let i = 1; i <= rows; i++) {
    const plan = ['basic', 'pro', 'enterprise'][Math.floor(r() * 3)];
    const active = r() < 0.6 ? 'yes' : 'no';
    const spend = (plan === 'basic' ? 10 : plan === 'pro' ? 40 : 120) + r() * 20;
    const visits = Math.floor(r() * (active === 'yes' ? 30 : 8));
    const churn = visits < 5 && r() < 0.8 ? 'churned' : r() < 0.15 ? 'churned' : 'stayed';
    const date = new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    lines.push(
      [
        i,
        date,
        r() < 0.03 ? '' : plan,
        active,
        r() < 0.1 ? '' : spend.toFixed(2),
        visits,
        `"called on day ${i}, said ${Math.floor(r() * 1e6)}"`,
        `user${i}@example.com`,
        churn,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Weather readings written the European way: semicolons, decimal commas, BOM and CRLF. */
function semicolonCsv(rows: number): string {
  const r = rng(11);
  const lines = ['Temperatur;Luftfeuchte;Wind km/h;Wetter'];
  for (let i = 0; i < rows; i++) {
    const rain = r() < 0.4;
    const t = (rain ? 12 : 22) + (r() - 0.5) * 10;
    const h = (rain ? 85 : 55) + (r() - 0.5) * 20;
    const w = r() * 30;
    lines.push(
      [t, h, w]
        .map((x) => x.toFixed(1).replace('.', ','))
        .concat(rain ? 'Regen' : 'Sonne')
        .join(';'),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

describe('naming and ranges', () => {
  test('names are lower_snake_case, titles sentence case, classes in natural order', () => {
    expect(['fixed acidity', 'SibSp', 'pH', 'PassengerId', '2nd dose', 'Wind km/h'].map(snakeName)).toEqual([
      'fixed_acidity',
      'sib_sp',
      'ph',
      'passenger_id',
      'x_2nd_dose',
      'wind_km_h',
    ]);
    expect(['fixed acidity', 'SibSp', 'pH', 'HDL level', 'mean_radius'].map(sentenceTitle)).toEqual([
      'Fixed acidity',
      'Sib sp',
      'pH',
      'HDL level',
      'Mean radius',
    ]);
    expect(naturalSort(['10', '3', '9'])).toEqual(['3', '9', '10']);
    expect(naturalSort(['class_10', 'class_2', 'class_1'])).toEqual(['class_1', 'class_2', 'class_10']);
  });

  test('ranges are padded to a round number outside the observed values', () => {
    expect(roundRange(4.3, 7.9)).toEqual([3, 9]);
    expect(roundRange(0.42, 80)).toEqual([0, 90]);
    expect(roundRange(0.98711, 1.03898)).toEqual([0.98, 1.05]);
    expect(roundRange(-3.5, 2)).toEqual([-5, 3]);
    expect(roundRange(5, 5)).toEqual([4, 6]);
  });

  test('features sharing a first or last name word are grouped (mean_*, *_error, worst_*)', () => {
    const names = ['radius', 'texture', 'area'].flatMap((m) => [`mean_${m}`, `${m}_error`, `worst_${m}`]);
    const groups = featureGroups(names);
    expect(groups.get('mean_area')).toBe('Mean');
    expect(groups.get('texture_error')).toBe('Error');
    expect(groups.get('worst_radius')).toBe('Worst');
    expect(featureGroups(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']).size).toBe(0);
  });
});

describe('init on the bundled raw sources', () => {
  const cases = [
    ['iris', 'variety'],
    ['titanic', 'Survived'],
    ['wine', 'quality'],
  ] as const;
  test.each(cases)('%s: the inferred schema is equivalent to the committed spec', async (name, label) => {
    const root = makeWorkspace([]);
    const r = await cli(
      root,
      'init',
      path.join(REPO_ROOT, 'data', name, 'source.csv'),
      '--name',
      name,
      '--label',
      label,
    );
    expect(r.code, r.err).toBe(0);
    const committed = parseSpec(parseYaml(read(REPO_ROOT, `data/${name}/dataset.yml`)), name);
    const inferred = specOf(root, name);
    const shape = (s: DatasetSpec) => ({
      features: s.features.map((f) => ({
        column: f.column,
        type: f.type,
        categories: f.categories?.map((c) => c.value),
        missing: f.missing,
        flag: f.missingFlag !== undefined,
      })),
      label: { column: s.label.column, classes: s.label.classes.map((c) => c.value) },
      key: s.primaryKey.column,
      dropped: [...s.source.dropColumns].sort(),
    });
    const expected = shape(committed);
    // Wine's two sulfur columns have no blanks in the raw file: their committed rule is 'reject' too.
    expect(shape(inferred)).toEqual(expected);
    expect(readFileSync(path.join(root, 'data', name, 'source.csv'))).toEqual(
      readFileSync(path.join(REPO_ROOT, 'data', name, 'source.csv')),
    );
    expect(read(root, `data/${name}/dataset.yml`).split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../dataset.schema.json',
    );
  });
});

describe('init → backfill → train, with no edit', () => {
  async function endToEnd(file: string, name: string, ...extra: string[]) {
    const root = makeWorkspace([]);
    const init = await cli(root, 'init', file, '--name', name, ...extra);
    expect(init.code, init.err).toBe(0);
    expect(init.out).toContain(`npm run cli -- backfill -d ${name}`);
    expect(init.out).toContain(`npm run cli -- train -d ${name}`);
    const backfill = await cli(root, 'backfill', '-d', name);
    expect([0, 2], backfill.out + backfill.err).toContain(backfill.code);
    const train = await cli(root, 'train', '-d', name);
    expect(train.code, train.out + train.err).toBe(0);
    expect(train.out).toMatch(/→ champion/);
    expect(existsSync(path.join(root, 'models', name))).toBe(true);
    // …and the daily cycle's reports and the site's pages, still with no edit.
    const daily = await cli(root, 'daily', '-d', name);
    expect(daily.code, daily.out + daily.err).toBe(0);
    expect(existsSync(path.join(root, 'reports', name, 'dashboard.svg'))).toBe(true);
    cpSync(path.join(REPO_ROOT, 'site', 'assets'), path.join(root, 'site', 'assets'), { recursive: true });
    const site = await cli(root, 'site', 'build');
    expect(site.code, site.out + site.err).toBe(0);
    expect(existsSync(path.join(root, 'site', 'build', name, 'index.html'))).toBe(true);
    return { root, init, backfill, spec: specOf(root, name) };
  }

  test('a fresh 30-feature CSV (breast-cancer shaped): grouped features, 0/1 target', async () => {
    const { root, spec, backfill } = await endToEnd(path.join(FIXTURES, 'breast-cancer.csv'), 'cancer');
    expectCliOk(backfill);
    expect(spec.features).toHaveLength(30);
    expect(spec.features.every((f) => f.type === 'numeric')).toBe(true);
    expect(spec.label.classes.map((c) => c.value)).toEqual(['0', '1']);
    const raw = parseYaml(read(root, 'data/cancer/dataset.yml')) as {
      features: { name: string; group?: string }[];
    };
    const group = (n: string) => raw.features.find((f) => f.name === n)?.group;
    expect([group('mean_radius'), group('radius_error'), group('worst_fractal_dimension')]).toEqual([
      'Mean',
      'Error',
      'Worst',
    ]);
  });

  test('mixed types with blanks and a timestamp column', async () => {
    const { spec, root } = await endToEnd(
      tempCsv('customers.csv', mixedCsv(400)),
      'customers',
      '--title',
      'Customer churn: who leaves?',
    );
    expect(spec.title).toBe('Customer churn: who leaves?');
    expect(spec.primaryKey.column).toBe('customer_id');
    expect(spec.eventTime.column).toBe('signup_date');
    expect(spec.label.column).toBe('churn');
    expect(spec.label.classes.map((c) => c.value)).toEqual(['churned', 'stayed']);
    const by = Object.fromEntries(spec.features.map((f) => [f.name, f]));
    expect(by.plan).toMatchObject({ type: 'categorical', missing: 'mode' });
    expect(by.is_active.categories).toEqual([
      { value: 'no', label: 'No' },
      { value: 'yes', label: 'Yes' },
    ]);
    expect(by.monthly_spend).toMatchObject({
      type: 'numeric',
      missing: 'median',
      missingFlag: 'monthly_spend_missing',
    });
    expect(by.visits).toMatchObject({ type: 'numeric', decimals: 0 });
    expect([...spec.source.dropColumns].sort()).toEqual(['email', 'notes']);
    const yml = read(root, 'data/customers/dataset.yml');
    expect(yml).toMatch(/# {3}notes: .*free text/);
    expect(yml).toMatch(/filled with the median, and 'monthly_spend_missing' keeps which were blank/);
  });

  test('semicolons with decimal commas (BOM, CRLF)', async () => {
    const { spec, init, root } = await endToEnd(tempCsv('wetter.csv', semicolonCsv(300)), 'wetter');
    expect(spec.source).toMatchObject({ delimiter: ';', decimal: ',' });
    expect(spec.features.map((f) => [f.name, f.type])).toEqual([
      ['temperatur', 'numeric'],
      ['luftfeuchte', 'numeric'],
      ['wind_km_h', 'numeric'],
    ]);
    expect(init.out).toMatch(/decimal comma \(assumed with semicolons: '[\d,]+' in 'Temperatur' line 2/);
    expect(read(root, 'data/wetter/dataset.yml')).toContain("decimal: ','");
  });
});

describe('reading real-world files', () => {
  const body = (d: string) =>
    [
      ['id', 'size', 'colour', 'note', 'kind'].join(d),
      ...Array.from({ length: 30 }, (_, i) =>
        [i + 1, `${(i % 7) + 0.5}`, i % 2 ? 'red' : 'blue', `"said ""hi${d}"" ${i}"`, i % 3 ? 'a' : 'b'].join(
          d,
        ),
      ),
    ].join('\n');
  test.each([',', ';', '\t', '|'])(
    'delimiter %j is sniffed; quoted fields with the delimiter inside',
    async (d) => {
      const root = makeWorkspace([]);
      const r = await cli(root, 'init', tempCsv('t.csv', body(d)), '--name', 't', '--label', 'kind');
      expect(r.code, r.err).toBe(0);
      const spec = specOf(root, 't');
      expect(spec.source.delimiter ?? ',').toBe(d);
      expect(spec.primaryKey.column).toBe('id');
      expect(spec.features.map((f) => f.name)).toEqual(['size', 'colour']);
      expect(spec.source.dropColumns).toEqual(['note']);
      expect((await cli(root, 'backfill', '-d', 't')).code).toBe(0);
    },
  );

  test("scikit-learn's count line is detected, skipped and its class names used", async () => {
    const root = makeWorkspace([]);
    const r = await cli(root, 'init', path.join(FIXTURES, 'sklearn-iris.csv'), '--name', 'skiris');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      "Line 1 is scikit-learn's count line (150 rows, 4 features, classes setosa, versicolor, virginica)",
    );
    const spec = specOf(root, 'skiris');
    expect(spec.source).toMatchObject({ skipLines: 1, columns: ['x1', 'x2', 'x3', 'x4', 'target'] });
    expect(spec.label.classes).toEqual([
      { value: '0', label: 'Setosa' },
      { value: '1', label: 'Versicolor' },
      { value: '2', label: 'Virginica' },
    ]);
    const b = await cli(root, 'backfill', '-d', 'skiris');
    expect(b.out).toContain('150 rows, 0 quarantined');
  });

  test('a file without a header: refused with the hint, then read with --no-header', async () => {
    const file = tempCsv(
      'nohead.csv',
      Array.from({ length: 20 }, (_, i) => `${i % 5}.5,${i * 2},${i % 2}`).join('\n'),
    );
    const root = makeWorkspace([]);
    const before = fingerprint(root);
    const r = await cli(root, 'init', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 1: looks like data, not a header .*--no-header/);
    expect(fingerprint(root)).toBe(before);
    const ok = await cli(root, 'init', file, '--no-header');
    expect(ok.code, ok.err).toBe(0);
    const mixed = await cli(root, 'init', tempCsv('half.csv', '5.5,3,Setosa\n4.5,2,Virginica\n5,1,Setosa\n'));
    expect(mixed.out).toContain(
      'Header names 5.5, 3 are numbers: if line 1 is data, run again with --no-header.',
    );
    const spec = specOf(root, 'nohead');
    expect(spec.source.columns).toEqual(['x1', 'x2', 'x3']);
    expect(spec.label.column).toBe('x3');
    expect((await cli(root, 'backfill', '-d', 'nohead')).out).toContain('20 rows, 0 quarantined');
  });

  test('every column kind: key, time, numeric, categorical, boolean, identifier, free text, constant, blank', async () => {
    const rows = Array.from({ length: 60 }, (_, i) =>
      [
        100 + i,
        `2026-0${1 + (i % 9)}-1${i % 10}T08:00:00Z`,
        (i * 1.25).toFixed(2),
        ['north', 'south', 'east'][i % 3],
        i % 2 ? 'TRUE' : 'FALSE',
        `ID-${i * 7}`,
        `words ${i} and more ${i * 13}`,
        'same',
        '',
        i % 4 ? 'ok' : 'bad',
      ].join(','),
    );
    const file = tempCsv(
      'kinds.csv',
      `row_id,seen_at,amount,region,flag,code_name,comment,constant,empty,status\n${rows.join('\n')}\n`,
    );
    const root = makeWorkspace([]);
    const r = await cli(root, 'init', file, '--name', 'kinds', '--label', 'status');
    expect(r.code, r.err).toBe(0);
    const spec = specOf(root, 'kinds');
    expect(spec.primaryKey.column).toBe('row_id');
    expect(spec.eventTime.column).toBe('seen_at');
    expect(spec.features.map((f) => [f.name, f.type])).toEqual([
      ['amount', 'numeric'],
      ['region', 'categorical'],
      ['flag', 'categorical'],
    ]);
    expect(spec.source.dropColumns).toEqual(['code_name', 'comment', 'constant', 'empty']);
    expect(r.out).toMatch(/empty\s+dropped\s+blank in every row/);
    expect(r.out).toMatch(/constant\s+dropped\s+the same value 'same'/);
    expect((await cli(root, 'backfill', '-d', 'kinds')).code).toBe(0);
  });
});

test('event times after now are announced: backfill quarantines them', async () => {
  const rows = Array.from({ length: 10 }, (_, i) => `2026-11-2${i},${i},${i % 2 ? 'a' : 'b'}`);
  const root = makeWorkspace([]);
  const r = await cli(
    root,
    'init',
    tempCsv('t.csv', `day,x,kind\n${rows.join('\n')}\n`),
    '--now',
    '2026-11-24T12:00:00Z',
  );
  expect(r.code, r.err).toBe(0);
  expect(r.out).toMatch(
    /note: 'day' has times after now \(up to 2026-11-29T00:00:00Z\): backfill quarantines those rows/,
  );
  expect(specOf(root, 't').eventTime).toEqual({ column: 'day' });
});

describe('a many-valued numeric label: regression', () => {
  test('a price: type numeric, the range rounded out from the values, their decimals, a regressor', async () => {
    const root = makeWorkspace([]);
    const csv = `x,price\n${Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3.7).toFixed(1)}`).join('\n')}\n`;
    const r = await cli(root, 'init', tempCsv('prices.csv', csv));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/price +label, a number \(regression\)/);
    const text = read(root, 'data/prices/dataset.yml');
    expect(text).toContain(
      "# 'price': the last column; 40 distinct numbers (40 of them in a single row), 0–144.3: a quantity to predict, so regression (range rounded out to [0, 200], 1 decimal).\n" +
        'label:\n  column: price\n  name: price\n  title: Price\n  type: numeric\n' +
        "  # unit: the value's unit, shown beside a prediction (e.g. points, kg): not in the file\n" +
        '  range: [0, 200] # seen 0–144.3\n  decimals: 1\n',
    );
    expect(text).toContain('model:\n  algorithm: random-forest-regressor\n');
    expect(text).toContain("description: 'Predict Price (a number: regression) from 1 feature.'");
    const spec = specOf(root, 'prices');
    expect(spec.label).toMatchObject({
      type: 'numeric',
      classes: [],
      range: [0, 200],
      decimals: 1,
      tolerances: [],
    });
    const v = await cli(root, 'validate', '-d', 'prices');
    expect(v.code, v.out + v.err).toBe(0);
    const backfill = await cli(root, 'backfill', '-d', 'prices');
    expect(backfill.code, backfill.err).toBe(0);
    const stats = JSON.parse(read(root, 'data/prices/v1/stats.json'));
    expect(stats.label).toMatchObject({ count: 40, min: 0, max: 144.3 });
  });

  test("scikit-learn's boston shape (count line, then a header): whole-number-free scores, negative values", async () => {
    const root = makeWorkspace([]);
    const csv = `30,2,,\n"a","b","MEDV"\n${Array.from({ length: 30 }, (_, i) => `${i},${i % 3},${(i * 1.7 - 10).toFixed(1)}`).join('\n')}\n`;
    const r = await cli(root, 'init', tempCsv('boston.csv', csv));
    expect(r.code, r.err).toBe(0);
    const spec = specOf(root, 'boston');
    expect(spec.label).toMatchObject({ column: 'MEDV', type: 'numeric', range: [-20, 50], decimals: 1 });
    expect(spec.model.algorithm).toBe('random-forest-regressor');
  });

  test('a few whole-number values stay classes (wine quality 3–9 is classification, as before)', async () => {
    const root = makeWorkspace([]);
    const r = await cli(root, 'init', path.join(REPO_ROOT, 'data', 'wine', 'source.csv'), '--name', 'w');
    expect(r.code, r.err).toBe(0);
    const spec = specOf(root, 'w');
    expect(spec.label.type).toBe('categorical');
    expect(spec.label.classes.map((c) => c.value)).toEqual(['3', '4', '5', '6', '7', '8', '9']);
  });
});

describe('bad input: a clear error, nothing written', () => {
  const cases: [string, string | Buffer, string[], RegExp][] = [
    ['empty file', '', [], /the file is empty \(a header row is required\)/],
    ['header only', 'a,b,c\n', [], /has a header but no rows/],
    ['ragged rows', 'a,b,c\n1,2,x\n3,4\n', [], /line 3: has 2 fields, the header has 3/],
    ['empty header name', 'a,b,\n1,x,\n2,y,\n', [], /line 1: the header has an empty column name/],
    ['duplicate headers', 'a,b,a\n1,2,x\n3,4,y\n', [], /column 'a' appears twice in the header/],
    [
      'one class',
      'a,b\n1,x\n2,x\n3,x\n',
      [],
      /label 'b' \(the last column\) has one class \('x' in all 3 labelled rows\)/,
    ],
    ['1 row', 'a,b\n1,x\n', [], /has one class/],
    [
      '1 column',
      'kind\nx\ny\n',
      [],
      /has only the label column 'kind'; at least one feature column is needed/,
    ],
    [
      'all-blank label',
      'a,label\n1,\n2,\n',
      [],
      /the label 'label' \(named like a label\) is blank in every row/,
    ],
    [
      'non-UTF-8',
      Buffer.concat([Buffer.from('name,kind\nJos'), Buffer.from([0xe9]), Buffer.from(',a\nAnn,b\n')]),
      [],
      /line 2: byte 0xE9 is not UTF-8 .*save it as UTF-8/,
    ],
    [
      'a constant numeric label',
      `x,price\n${Array.from({ length: 40 }, (_, i) => `${i},5`).join('\n')}\n`,
      [],
      /the label 'price' \(the last column\) has one class \('5' in all 40 labelled rows\)/,
    ],
    [
      'a text label with a different value in most rows',
      `a,who\n${Array.from({ length: 80 }, (_, i) => `${i % 4},person ${i}`).join('\n')}\n`,
      [],
      /the label 'who' \(the last column\) has 80 distinct values, 80 of them in a single row: free text or an identifier, not classes/,
    ],
    ['--key is the label', 'k,a\n1,x\n2,y\n', ['--key', 'a', '--label', 'a'], /--key 'a' is the label/],
    [
      'unknown --label',
      'a,b\n1,x\n2,y\n',
      ['--label', 'bb'],
      /--label 'bb' is not a column of .*did you mean 'b'/,
    ],
    ['--key not unique', 'k,a,b\n1,1,x\n1,2,y\n', ['--key', 'k'], /--key 'k': some values repeat/],
    [
      '--time not UTC',
      't,a,b\n2026-01-01 10:00,1,x\n2026-01-02 10:00,2,y\n',
      ['--time', 't'],
      /--time 't': '2026-01-01 10:00' \(line 2\) is not a UTC date or instant/,
    ],
  ];
  test.each(cases)('%s', async (_, content, extra, message) => {
    const root = makeWorkspace(['iris']);
    const before = fingerprint(root);
    const r = await cli(root, 'init', tempCsv('bad.csv', content), ...extra);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/TypeError|undefined|Cannot read/);
    expect(fingerprint(root)).toBe(before);
  });

  test('an existing dataset is not overwritten without --force; --force replaces both files', async () => {
    const root = makeWorkspace(['iris']);
    const before = fingerprint(root);
    const file = path.join(REPO_ROOT, 'data', 'wine', 'source.csv');
    const r = await cli(root, 'init', file, '--name', 'iris');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/data\/iris\/dataset\.yml and data\/iris\/source\.csv already exist: pass --force/);
    expect(fingerprint(root)).toBe(before);
    const forced = await cli(root, 'init', file, '--name', 'iris', '--force');
    expect(forced.code, forced.err).toBe(0);
    expect(specOf(root, 'iris').label.column).toBe('quality');
    expect(readFileSync(path.join(root, 'data/iris/source.csv'))).toEqual(readFileSync(file));
  });

  test('usage: no file is exit 64', async () => {
    const r = await cli(makeWorkspace([]), 'init');
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/init needs the CSV file/);
  });
});

describe('a 1 M-row file', () => {
  let cliJs = '';
  beforeAll(async () => {
    cliJs = path.join(mkdtempSync(path.join(os.tmpdir(), 'gitml-init-cli-')), 'cli.mjs');
    // The CLI as scripts/build.mjs bundles it, into a temp file (dist/ may be another build's).
    const { nodeBundle } = await import(path.join(REPO_ROOT, 'scripts', 'esbuild-config.mjs'));
    await build({
      ...nodeBundle,
      absWorkingDir: REPO_ROOT,
      entryPoints: ['actions/cli/index.ts'],
      outfile: cliJs,
      logLevel: 'silent',
    });
  });

  test('streams it: a progress line on stderr, memory bounded', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gitml-init-big-'));
    const file = path.join(dir, 'big.csv');
    const fd = openSync(file, 'w');
    const r = rng(3);
    writeSync(fd, 'reading_id,sensor,temperature,pressure,state\n');
    for (let start = 0; start < 1_000_000; start += 10_000) {
      const lines: string[] = [];
      for (let i = start; i < start + 10_000; i++) {
        const t = 15 + r() * 10;
        lines.push(
          `${i + 1},s${i % 40},${t.toFixed(2)},${(990 + r() * 40).toFixed(1)},${t > 20 ? 'warm' : 'cold'}`,
        );
      }
      writeSync(fd, `${lines.join('\n')}\n`);
    }
    closeSync(fd);
    const root = makeWorkspace([]);
    const run = spawnSync('node', [cliJs, 'init', file, '--root', root, '--now', '2026-11-24T12:00:00Z'], {
      encoding: 'utf8',
      env: { ...process.env, GITML_REPORT_RSS: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/init: reading .*big\.csv: \d+% \([\d,]+ rows\)/);
    const rss = Number(/maxrss_kb=(\d+)/.exec(run.stderr)?.[1]);
    // The file is ~33 MB; held in memory as strings it would take several times that.
    expect(rss).toBeLessThan(200_000);
    expect(run.stdout).toContain('(1000000 rows, 5 columns)');
    const spec = specOf(root, 'big');
    expect(spec.primaryKey.column).toBe('reading_id');
    expect(spec.label.classes.map((c) => c.value)).toEqual(['cold', 'warm']);
    expect(execFileSync('cmp', [file, path.join(root, 'data/big/source.csv')]).length).toBe(0);
  });
});

test('ids beyond the counted values: unique ones found by a second pass, repeating ones dropped', async () => {
  const n = 1500;
  const order = Array.from({ length: n }, (_, i) => ((i * 7919) % n) + 1); // a permutation of 1..n, not sorted
  // ticket_id: 1500 values, one of them twice (the last row repeats the first): only the bitmap sees it.
  const rows = order.map(
    (id, i) =>
      `${id},${((i * 37) % 700) + 1},${i === n - 1 ? order[0] + 5000 : id + 5000},${(i % 13) * 1.5},${i % 2 ? 'a' : 'b'}`,
  );
  const root = makeWorkspace([]);
  const r = await cli(
    root,
    'init',
    tempCsv('ids.csv', `order_id,customer_id,ticket_id,amount,kind\n${rows.join('\n')}\n`),
  );
  expect(r.code, r.err).toBe(0);
  const spec = specOf(root, 'ids');
  expect(spec.primaryKey.column).toBe('order_id');
  expect(spec.source.dropColumns).toEqual(['customer_id', 'ticket_id']);
  expect(r.out).toMatch(
    /customer_id\s+dropped\s+named like an identifier, but values repeat: an identifier of something else/,
  );
});

describe('blanks spelled NA or ?', () => {
  test('are read as blanks by init and by backfill (source.missingValues)', async () => {
    const rows = Array.from({ length: 40 }, (_, i) =>
      [
        i % 5 === 0 ? 'NA' : (i * 0.5).toFixed(1),
        i % 9 === 0 ? '?' : ['a', 'b'][i % 2],
        i % 3 ? 'x' : 'y',
      ].join(','),
    );
    const root = makeWorkspace([]);
    const r = await cli(
      root,
      'init',
      tempCsv('na.csv', `size,shape,kind\n${rows.join('\n')}\n`),
      '--name',
      'na',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("'?' (5 cells), 'NA' (8 cells) read as blanks.");
    const spec = specOf(root, 'na');
    expect(spec.source.missingValues).toEqual(['?', 'NA']);
    expect(spec.features.map((f) => [f.name, f.type, f.missing, f.missingFlag])).toEqual([
      ['size', 'numeric', 'median', 'size_missing'],
      ['shape', 'categorical', 'mode', undefined],
    ]);
    const b = await cli(root, 'backfill', '-d', 'na');
    expect(b.out).toContain('40 rows, 0 quarantined');
  });
});

describe('YAML that reads back as written', () => {
  test('headers and values YAML would misread are quoted (yes, null, #, colon, quotes, numbers)', async () => {
    const header = ['yes', 'null', '#tag', 'a: b', "it's", '"x, y"', 'Ünïcode näme', 'kind'];
    const rows = Array.from({ length: 12 }, (_, i) =>
      [
        i % 2 ? 'true' : 'false',
        i % 3 ? 'nil' : 'NO',
        `#${i % 2}`,
        i * 1.5,
        `it's ${i % 2}`,
        i % 2 ? '1e5' : '0x1A',
        i,
        i % 2 ? 'on' : 'off',
      ].join(','),
    );
    const root = makeWorkspace([]);
    const r = await cli(
      root,
      'init',
      tempCsv('odd.csv', `${header.join(',')}\n${rows.join('\n')}\n`),
      '--name',
      'odd',
    );
    expect(r.code, r.err).toBe(0);
    const spec = specOf(root, 'odd');
    expect(spec.features.map((f) => f.column)).toEqual([
      'yes',
      'null',
      '#tag',
      'a: b',
      "it's",
      'x, y',
      'Ünïcode näme',
    ]);
    expect(spec.features.map((f) => f.name)).toEqual([
      'yes',
      'null',
      'tag',
      'a_b',
      'it_s',
      'x_y',
      'unicode_name',
    ]);
    expect(spec.features[0].categories?.map((c) => [c.value, c.label])).toEqual([
      ['false', 'No'],
      ['true', 'Yes'],
    ]);
    expect(spec.label.classes.map((c) => c.value)).toEqual(['off', 'on']);
    expect((await cli(root, 'backfill', '-d', 'odd')).code).toBe(0);
  });
});

describe("the spec's source reading keys", () => {
  const base = parseYaml(readFileSync(path.join(REPO_ROOT, 'data/iris/dataset.yml'), 'utf8')) as {
    source: Record<string, unknown>;
  };
  const withSource = (extra: Record<string, unknown>) => ({ ...base, source: { ...base.source, ...extra } });
  test.each([
    [{ delimiter: ':' }, /delimiter must be one of ',' ';' '\|' or a tab/],
    [{ decimal: ',' }, /decimal ',' needs a delimiter other than ','/],
    [{ skipLines: -1 }, /skipLines must be a whole number from 0 to 1000/],
    [{ columns: ['a', 'a'] }, /columns lists 'a' twice/],
    [{ missingValues: [''] }, /missingValues .* must be a list of texts/],
  ])('%j is refused', (extra, message) => {
    expect(() => parseSpec(withSource(extra), 'x.yml')).toThrow(message);
  });
  test('valid keys are kept; defaults are left out', () => {
    const spec = parseSpec(
      withSource({ delimiter: ';', decimal: ',', skipLines: 1, columns: ['a'], missingValues: ['NA'] }),
      'x.yml',
    );
    expect(spec.source).toMatchObject({
      delimiter: ';',
      decimal: ',',
      skipLines: 1,
      columns: ['a'],
      missingValues: ['NA'],
    });
    expect(parseSpec(withSource({ delimiter: ',', decimal: '.', skipLines: 0 }), 'x.yml').source).toEqual(
      parseSpec(base, 'x.yml').source,
    );
  });
});
