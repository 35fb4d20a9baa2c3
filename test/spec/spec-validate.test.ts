// Issue 14, strict spec validation: every misspelt key of the README's example spec is reported at its
// line and column with a suggestion; the published JSON Schema and the checker agree on the same valid
// and invalid specs; `gitml validate` lists every problem (spec, CSV headers) and exits 1.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { nearestName } from '../../actions/lib/core/did-you-mean.js';
import { ALGORITHMS } from '../../actions/lib/models/algorithms.js';
import { checkSpecText } from '../../actions/lib/spec/spec-check.js';
import { SPEC_SCHEMA_FILE, specJsonSchemaText } from '../../actions/lib/spec/spec-json-schema.js';
import { cli, expectCliOk, makeWorkspace, REPO_ROOT, read } from '../helpers/workspace.js';

const DATASETS = ['iris', 'titanic', 'wine'];
const committed = (d: string) => readFileSync(path.join(REPO_ROOT, 'data', d, 'dataset.yml'), 'utf8');

/** The example spec of the README's "Adding a dataset" section. */
function readmeExample(): string {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Adding a dataset'));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README: no yaml block under "Adding a dataset"');
  return m[1];
}

/** Every mapping key of a YAML text with its offset, line and column. */
function keysOf(text: string): { key: string; offset: number; line: number; column: number }[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const out: { key: string; offset: number; line: number; column: number }[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range) {
        const { line, col } = lines.linePos(pair.key.range[0]);
        out.push({ key: String(pair.key.value), offset: pair.key.range[0], line, column: col });
      }
    },
  });
  return out;
}

/** A typo a person makes: two neighbouring letters swapped (or a letter dropped when they are equal). */
function misspell(key: string): string {
  const i = Math.max(1, Math.floor(key.length / 2) - 1);
  const swapped = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
  return swapped !== key ? swapped : key.slice(0, i) + key.slice(i + 1);
}

describe('did you mean', () => {
  it.each([
    ['missng', 'missing'],
    ['rnage', 'range'],
    ['rowsPerday', 'rowsPerDay'],
    ['titel', 'title'],
    ['catgeories', 'categories'],
  ])('%s → %s', (typo, key) => {
    expect(
      nearestName(typo, ['name', 'title', 'missing', 'range', 'rowsPerDay', 'categories', 'decimals']),
    ).toBe(key);
  });
});

describe("the README's example spec", () => {
  const example = readmeExample();

  it('is valid', () => {
    expect(checkSpecText(example, { folder: 'sensors' }).problems).toEqual([]);
  });

  const keys = keysOf(example);
  it('has keys at every level (the walk below is not empty)', () => {
    expect(keys.length).toBeGreaterThan(30);
    expect(keys.map((k) => k.key)).toEqual(
      expect.arrayContaining(['missing', 'range', 'rowsPerDay', 'title']),
    );
  });

  it.each(keys.map((k, i) => [`${k.key} (#${i + 1}, line ${k.line})`, k] as const))(
    'a misspelt %s is reported at its line and column with the right suggestion',
    (_, k) => {
      const typo = misspell(k.key);
      const text = example.slice(0, k.offset) + typo + example.slice(k.offset + k.key.length);
      const { problems } = checkSpecText(text, { folder: 'sensors' });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ line: k.line, column: k.column });
      expect(problems[0].message).toContain(`unknown key '${typo}' (did you mean '${k.key}'?`);
    },
  );

  it("the issue's examples, all in one spec, all reported at once", () => {
    const text = example
      .replace('title: Sensor faults', 'titel: Sensor faults')
      .replace('range: [-50, 150]', 'rnage: [-50, 150]')
      .replace('missing: median', 'missng: median')
      .replace('rowsPerDay: 1', 'rowsPerday: 1');
    const messages = checkSpecText(text, { folder: 'sensors' }).problems.map((p) => p.message);
    expect(messages).toEqual([
      "the spec has an unknown key 'titel' (did you mean 'title'? default: the name)",
      "features #1 (temp) has an unknown key 'rnage' (did you mean 'range'? required)",
      "features #1 (temp) has an unknown key 'missng' (did you mean 'missing'? default: 'reject')",
      "generator has an unknown key 'rowsPerday' (did you mean 'rowsPerDay'? default: 1)",
    ]);
  });
});

describe('messages', () => {
  const base = committed('iris');
  const problems = (text: string) => checkSpecText(text, { folder: 'iris' }).problems.map((p) => p.message);

  it('name the key as written: label.classes, not categories', () => {
    const text = base.replace(/ {4}- \{ value: (Versicolor|Virginica).*\n/g, '');
    expect(problems(text)).toEqual(['label.classes: must have at least 2 items, got 1']);
  });

  it('a numeric label with a class list: the way out, and the classifier named as one', () => {
    const text = base.replace('  column: variety\n', '  column: variety\n  type: numeric\n');
    expect(problems(text)).toEqual([
      "label.classes: a numeric label (regression) has no classes: remove 'classes', or set type: categorical to predict classes",
      "model.algorithm: 'gaussian-nb' is a classifier, but label.type is numeric (regression): use one of linear-regression, ridge, knn-regressor, random-forest-regressor, or set label.type: categorical",
    ]);
  });

  it('a numeric label: typos get their suggestion, the rules between keys their bounds', () => {
    const text = numericIris(base)
      .replace('type: numeric', 'type: numerc')
      .replace('decimals: 0', 'decimls: 0');
    expect(problems(text)).toEqual([
      "label.type: 'numerc' is not one of categorical, numeric (did you mean 'numeric'?)",
      "label has an unknown key 'decimls' (did you mean 'decimals'? optional)",
    ]);
    const bounds = numericIris(base)
      .replace('range: [0, 10]', 'range: [10, 0]')
      .replace('tolerances: [0.5, 1]', 'tolerances: [0, 1]')
      .replace('algorithm: ridge', 'algorithm: random-forest');
    expect(problems(bounds)).toEqual([
      'label.range: [10, 0]: low must be < high',
      'label.tolerances #1: must be more than 0, got 0',
      "model.algorithm: 'random-forest' is a classifier, but label.type is numeric (regression): use one of linear-regression, ridge, knn-regressor, random-forest-regressor (did you mean 'random-forest-regressor'?), or set label.type: categorical",
    ]);
    const regressor = base.replace('algorithm: gaussian-nb', 'algorithm: ridge');
    expect(problems(regressor)).toEqual([
      "model.algorithm: 'ridge' is a regressor, but the label is categorical (classification): use one of gaussian-nb, knn, random-forest, logistic-regression, hist-gradient-boosting, or set label.type: numeric",
    ]);
    const categoricalUnit = base.replace('  column: variety\n', '  column: variety\n  unit: cm\n');
    expect(problems(categoricalUnit)).toEqual([
      "label.unit: 'unit' applies only when type is numeric (here type is categorical)",
    ]);
    const unknownRegressor = numericIris(base).replace('algorithm: ridge', 'algorithm: rigde');
    expect(problems(unknownRegressor)).toEqual([
      "model.algorithm: 'rigde' is not one of linear-regression, ridge, knn-regressor, random-forest-regressor (did you mean 'ridge'?)",
    ]);
    const margin = `${numericIris(base)}monitoring: { maeMargin: -1, maeMrgin: 2 }\n`;
    expect(problems(margin)).toEqual([
      'monitoring.maeMargin: must be a number ≥ 0, got -1',
      "monitoring has an unknown key 'maeMrgin' (did you mean 'maeMargin'? default: 25% of the champion's holdout MAE)",
    ]);
  });

  it('a key of the other feature type, a missing required key, a value out of its set', () => {
    const text = base
      .replace(
        'decimals: 1 }\n  - { name: sepal_width',
        'decimals: 1, categories: [] }\n  - { name: sepal_width',
      )
      .replace('range: [0.1, 10], ', '')
      .replace('algorithm: gaussian-nb', 'algorithm: gausian-nb');
    expect(problems(text)).toEqual([
      "features #1 (sepal_length).categories: 'categories' applies only when type is categorical (here type is numeric)",
      "features #2 (sepal_width): the required key 'range' is missing (Numeric: the valid range [min, max], inclusive; values outside are quarantined.)",
      `model.algorithm: 'gausian-nb' is not one of ${ALGORITHMS.map((a) => a.name).join(', ')} (did you mean 'gaussian-nb'?)`,
    ]);
  });

  it('accepts the optional per-feature group', () => {
    expect(
      problems(base.replace('unit: cm, range: [0.1, 15]', 'unit: cm, group: Sepal, range: [0.1, 15]')),
    ).toEqual([]);
    expect(
      problems(base.replace('unit: cm, range: [0.1, 15]', 'unit: cm, group: 3, range: [0.1, 15]')),
    ).toEqual([
      "features #1 (sepal_length).group: must be non-blank text, got 3 (YAML read it as a number: put it in quotes, '3')",
    ]);
  });

  it('model.params are checked against the algorithm', () => {
    expect(
      problems(
        base.replace('algorithm: gaussian-nb', 'algorithm: knn\n  params: { k: 3, wieghts: distance }'),
      ),
    ).toEqual(["model.params has an unknown key 'wieghts' (did you mean 'weights'? default: 'uniform')"]);
  });
});

// ——— the JSON Schema and the checker agree ———

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, SPEC_SCHEMA_FILE), 'utf8'));
const validate = ajv.compile(schema);
const asJson = (text: string) => parseDocument(text).toJS();

/** Edits of the iris spec that make it invalid, each one thing a person gets wrong. */
const INVALID: [string, (s: string) => string][] = [
  ['a misspelt top-level key', (s) => s.replace('\ntitle:', '\ntitel:')],
  ['a misspelt feature key', (s) => s.replace('range: [0.1, 10]', 'rnage: [0.1, 10]')],
  ['a misspelt generator key', (s) => s.replace('rowsPerDay', 'rowsPerday')],
  ['no label', (s) => s.replace(/\nlabel:[\s\S]*?\nfeatures:/, '\nfeatures:')],
  ['no features', (s) => s.replace(/\nfeatures:[\s\S]*?\ngenerator:/, '\ngenerator:')],
  [
    'an unknown feature type',
    (s) => s.replace('type: numeric, unit: cm, range: [0.1, 15]', 'type: number, unit: cm, range: [0.1, 15]'),
  ],
  ['a numeric feature without range', (s) => s.replace('range: [0.1, 10], ', '')],
  [
    'categories on a numeric feature',
    (s) => s.replace('range: [0.1, 10], ', 'range: [0.1, 10], categories: [{ value: a }], '),
  ],
  [
    'missing: mode on a numeric feature',
    (s) => s.replace('range: [0.1, 10], ', 'range: [0.1, 10], missing: mode, '),
  ],
  ['a range of three numbers', (s) => s.replace('range: [0.1, 10]', 'range: [0.1, 5, 10]')],
  ['a range of text', (s) => s.replace('range: [0.1, 10]', 'range: [low, high]')],
  ['decimals 13', (s) => s.replace('range: [0.1, 10], decimals: 1', 'range: [0.1, 10], decimals: 13')],
  ['decimals 1.5', (s) => s.replace('range: [0.1, 10], decimals: 1', 'range: [0.1, 10], decimals: 1.5')],
  ['a name in capitals', (s) => s.replace('name: sepal_width', 'name: Sepal_Width')],
  ['one class', (s) => s.replace(/ {4}- \{ value: (Versicolor|Virginica).*\n/g, '')],
  [
    'a class without value',
    (s) => s.replace('- { value: Setosa, label: Iris setosa }', '- { label: Iris setosa }'),
  ],
  ['a class value with a comma', (s) => s.replace('value: Setosa,', "value: 'Se,tosa',")],
  ['label.type numeric', (s) => s.replace('  column: variety\n', '  column: variety\n  type: numeric\n')],
  [
    'eventTime with both',
    (s) => s.replace("fixed: '2026-11-01T00:00:00Z'", "fixed: '2026-11-01T00:00:00Z'\n  column: taken"),
  ],
  ['eventTime with neither', (s) => s.replace("fixed: '2026-11-01T00:00:00Z'", 'colum: taken')],
  ['eventTime.fixed not UTC', (s) => s.replace("'2026-11-01T00:00:00Z'", "'2026-11-01'")],
  ['rowsPerDay 0', (s) => s.replace('rowsPerDay: 1', 'rowsPerDay: 0')],
  ['rowsPerDay above the bound', (s) => s.replace('rowsPerDay: 1', 'rowsPerDay: 100001')],
  ['an unknown algorithm', (s) => s.replace('algorithm: gaussian-nb', 'algorithm: svm')],
  [
    'an unknown parameter',
    (s) => s.replace('algorithm: gaussian-nb', 'algorithm: gaussian-nb\n  params: { k: 3 }'),
  ],
  [
    'a parameter of the wrong type',
    (s) => s.replace('algorithm: gaussian-nb', 'algorithm: knn\n  params: { k: five }'),
  ],
  ['accuracyThreshold above 1', (s) => `${s}monitoring: { accuracyThreshold: 1.5 }\n`],
  ['primaryKey as text', (s) => s.replace('primaryKey: {}', 'primaryKey: id')],
  ['source without file', (s) => s.replace('  file: source.csv\n', '')],
  ['a number where text belongs', (s) => s.replace('title: Iris flowers', 'title: 1936')],
  ['drift without start', (s) => s.replace('rowsPerDay: 1', 'rowsPerDay: 1\n  drift: { sdPerDay: 0.1 }')],
  [
    'a numeric label with a class list',
    (s) => s.replace('  column: variety\n', '  column: variety\n  type: numeric\n'),
  ],
  ['a misspelt label type', (s) => numericIris(s).replace('type: numeric', 'type: numerc')],
  [
    'a unit on a categorical label',
    (s) => s.replace('  column: variety\n', '  column: variety\n  unit: cm\n'),
  ],
  ['a numeric label range of one number', (s) => numericIris(s).replace('range: [0, 10]', 'range: [10]')],
  ['label decimals not whole', (s) => numericIris(s).replace('decimals: 0', 'decimals: 1.5')],
  ['a negative MAE margin', (s) => `${numericIris(s)}monitoring: { maeMargin: -1 }\n`],
  [
    'a regressor parameter the regressor lacks',
    (s) => numericIris(s).replace('algorithm: ridge', 'algorithm: ridge\n  params: { nTrees: 3 }'),
  ],
];

/** Iris with a numeric label (a made-up score 0–10) and a regressor: the regression shape of a spec. */
function numericIris(s: string): string {
  return s
    .replace(
      / {2}classes:\n( {4}- .*\n)+/,
      '  type: numeric\n  unit: points\n  range: [0, 10]\n  decimals: 0\n  tolerances: [0.5, 1]\n',
    )
    .replace('algorithm: gaussian-nb', 'algorithm: ridge');
}

/** Rules between keys that JSON Schema cannot say: the checker alone catches these. */
const CHECKER_ONLY: [string, (s: string) => string][] = [
  ['range min above max', (s) => s.replace('range: [0.1, 10]', 'range: [10, 0.1]')],
  ['a class listed twice', (s) => s.replace('value: Virginica', 'value: Setosa')],
  ['a feature name used twice', (s) => s.replace('name: sepal_width', 'name: sepal_length')],
  ['a reserved name', (s) => s.replace('name: sepal_width', 'name: source')],
  ['an impossible day', (s) => s.replace("'2026-11-01T00:00:00Z'", "'2026-02-30T00:00:00Z'")],
  ['a name that is not the folder', (s) => s.replace('name: iris', 'name: irises')],
  ['a numeric label range low above high', (s) => numericIris(s).replace('range: [0, 10]', 'range: [10, 0]')],
  ['a zero tolerance', (s) => numericIris(s).replace('tolerances: [0.5, 1]', 'tolerances: [0, 1]')],
  ['a regressor for a categorical label', (s) => s.replace('algorithm: gaussian-nb', 'algorithm: ridge')],
  ['a classifier for a numeric label', (s) => numericIris(s).replace('algorithm: ridge', 'algorithm: knn')],
];

/** More valid shapes than the committed specs use. */
const VALID_VARIANTS: [string, (s: string) => string][] = [
  [
    'knn with params',
    (s) => s.replace('algorithm: gaussian-nb', 'algorithm: knn\n  params: { k: 7, weights: distance }'),
  ],
  [
    'random forest params',
    (s) => s.replace('algorithm: gaussian-nb', 'algorithm: random-forest\n  params: { nTrees: 50 }'),
  ],
  [
    'params of the default algorithm',
    (s) => s.replace('algorithm: gaussian-nb', 'params: { varSmoothing: 0.001 }'),
  ],
  [
    'drift',
    (s) =>
      s.replace(
        'rowsPerDay: 1',
        'rowsPerDay: 5\n  shrinkage: 3\n  drift: { start: 2026-12-01, sdPerDay: 0.1 }',
      ),
  ],
  [
    'groups and a label type',
    (s) =>
      s
        .replace('unit: cm, range: [0.1, 15]', 'unit: cm, group: Sepal, range: [0.1, 15]')
        .replace('  column: variety\n', '  column: variety\n  type: categorical\n'),
  ],
  [
    'numbers as class codes',
    (s) => s.replace('value: Setosa', 'value: 1').replace('value: Versicolor', 'value: 2'),
  ],
  [
    'a column event time and a key',
    (s) =>
      s
        .replace("fixed: '2026-11-01T00:00:00Z'", 'column: taken')
        .replace('primaryKey: {}', 'primaryKey: { column: id_no }'),
  ],
  ['a threshold', (s) => `${s}monitoring: { accuracyThreshold: 0.5 }\n`],
  ['a numeric label (regression)', numericIris],
  [
    'a numeric label with only its column and name, and an MAE margin',
    (s) =>
      `${numericIris(s)
        .replace(/ {2}unit: points\n {2}range: \[0, 10\]\n {2}decimals: 0\n {2}tolerances: \[0.5, 1\]\n/, '')
        .replace(
          'algorithm: ridge',
          'algorithm: random-forest-regressor\n  params: { nTrees: 20 }',
        )}monitoring: { maeMargin: 0.3 }\n`,
  ],
];

describe('data/dataset.schema.json', () => {
  it('is the schema generated from the spec shape (npm run build writes it)', () => {
    expect(readFileSync(path.join(REPO_ROOT, SPEC_SCHEMA_FILE), 'utf8')).toBe(specJsonSchemaText());
  });

  it.each(DATASETS)(
    'validates the committed %s spec, which starts with the yaml-language-server line',
    (d) => {
      const text = committed(d);
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../dataset.schema.json');
      expect(validate(asJson(text)), JSON.stringify(validate.errors)).toBe(true);
      expect(checkSpecText(text, { folder: d }).problems).toEqual([]);
    },
  );

  it('validates the bundled regression spec (wine_score: a numeric label over the wine raw file)', () => {
    const text = readFileSync(path.join(REPO_ROOT, 'data', 'wine_score', 'dataset.yml'), 'utf8');
    expect(validate(asJson(text)), JSON.stringify(validate.errors)).toBe(true);
    expect(checkSpecText(text, { folder: 'wine_score' }).problems).toEqual([]);
  });

  it("validates the README's example", () => {
    expect(validate(asJson(readmeExample())), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(VALID_VARIANTS)('schema and checker both accept: %s', (_, edit) => {
    const text = edit(committed('iris'));
    expect(text).not.toBe(committed('iris'));
    expect(validate(asJson(text)), JSON.stringify(validate.errors)).toBe(true);
    expect(checkSpecText(text, { folder: 'iris' }).problems).toEqual([]);
  });

  it.each(INVALID)('schema and checker both reject: %s', (_, edit) => {
    const text = edit(committed('iris'));
    expect(text).not.toBe(committed('iris'));
    expect(validate(asJson(text))).toBe(false);
    const { problems } = checkSpecText(text, { folder: 'iris' });
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p.line, p.message).toBeGreaterThan(0);
  });

  it.each(CHECKER_ONLY)('the checker rejects what a schema cannot say: %s', (_, edit) => {
    const text = edit(committed('iris'));
    expect(text).not.toBe(committed('iris'));
    expect(validate(asJson(text))).toBe(true); // if the schema learns it, move it to INVALID
    expect(checkSpecText(text, { folder: 'iris' }).problems.length).toBeGreaterThan(0);
  });
});

// ——— gitml validate ———

describe('gitml validate', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('passes the bundled datasets; the schema file in data/ is not a dataset', async () => {
    const ws = makeWorkspace();
    roots.push(ws);
    copyFileSync(path.join(REPO_ROOT, SPEC_SCHEMA_FILE), path.join(ws, SPEC_SCHEMA_FILE));
    const r = await cli(ws, 'validate');
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'iris: ok (4 features, 3 classes; data/iris/source.csv has every column; not backfilled yet)',
      'titanic: ok (7 features, 2 classes; data/titanic/source.csv has every column; not backfilled yet)',
      'wine: ok (12 features, 7 classes; data/wine/source.csv has every column; not backfilled yet)',
    ]);
    const b = await cli(ws, 'backfill');
    expect(b.code, b.err).toBe(0);
    expect(b.out).not.toContain('dataset.schema');
    expect((await cli(ws, 'stats')).code).toBe(0);
  });

  it('lists every problem of every dataset: keys with line and column, CSV columns with the real headers', async () => {
    const ws = makeWorkspace(['iris', 'wine']);
    roots.push(ws);
    const iris = path.join(ws, 'data/iris/dataset.yml');
    writeFileSync(
      iris,
      read(ws, 'data/iris/dataset.yml')
        .replace('\ntitle:', '\ntitel:')
        .replace('range: [0.1, 10]', 'rnage: [0.1, 10]')
        .replace('  column: variety', '  column: varity'),
    );
    const wine = path.join(ws, 'data/wine/dataset.yml');
    writeFileSync(
      wine,
      read(ws, 'data/wine/dataset.yml')
        .replace('column: pH', 'column: PH')
        .replace('column: citric acid', 'column: citric_acid')
        .replace('rowsPerDay: 1', 'rowsPerday: 1'),
    );
    const r = await cli(ws, 'validate');
    expect(r.code).toBe(1);
    const lines = r.err.split('\n');
    expect(lines[0]).toBe('iris: 3 problems');
    expect(lines[1]).toMatch(
      /^ {2}data\/iris\/dataset\.yml:5:1: the spec has an unknown key 'titel' \(did you mean 'title'\?/,
    );
    expect(lines[2]).toMatch(
      /^ {2}data\/iris\/dataset\.yml:27:71: features #2 \(sepal_width\) has an unknown key 'rnage' \(did you mean 'range'\? required\)$/,
    );
    // A misspelt required key (range) does not hide a wrong column.
    expect(lines[3]).toMatch(
      /^ {2}data\/iris\/dataset\.yml:\d+:3: label\.column 'varity' \(did you mean 'variety'\?\) is not a column of data\/iris\/source\.csv; its columns: 'sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'variety'$/,
    );
    expect(lines[4]).toBe('wine: 3 problems');
    expect(lines[5]).toMatch(
      /^ {2}data\/wine\/dataset\.yml:\d+:\d+: generator has an unknown key 'rowsPerday' \(did you mean 'rowsPerDay'\?/,
    );
    expect(lines[6]).toMatch(
      /^ {2}data\/wine\/dataset\.yml:\d+:\d+: features #4 \(citric_acid\)\.column 'citric_acid' \(did you mean 'citric acid'\?\) is not a column of data\/wine\/source\.csv; its columns: 'type', 'fixed acidity', .*'quality'$/,
    );
    expect(lines[7]).toMatch(/features #10 \(ph\)\.column 'PH' \(did you mean 'pH'\?\) is not a column/);
    expect(lines[8]).toBe('2 of 2 datasets invalid');
    // Every other command refuses the same spec, with every problem.
    const t = await cli(ws, 'stats', '-d', 'iris');
    expect(t.code).toBe(1);
    expect(t.err).toContain('data/iris/dataset.yml: 2 problems');
    expect(t.err).not.toContain('varity'); // the header check is validate's and backfill's
    expect(t.err).toContain("unknown key 'rnage' (did you mean 'range'?");
  });

  it('backfill names a missing column by its spec key, with the closest header and the real ones', async () => {
    const ws = makeWorkspace(['wine']);
    roots.push(ws);
    writeFileSync(
      path.join(ws, 'data/wine/dataset.yml'),
      read(ws, 'data/wine/dataset.yml').replace('column: pH', 'column: PH'),
    );
    const r = await cli(ws, 'backfill');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "data/wine/source.csv line 1: missing column features #10 (ph).column 'PH' (did you mean 'pH'?); its columns: 'type', 'fixed acidity',",
    );
  });

  it('-d names one dataset; an unknown one is a problem with a suggestion; a folder without a spec is noted', async () => {
    const ws = makeWorkspace(['iris']);
    roots.push(ws);
    writeFileSync(path.join(ws, 'data/notes.txt'), 'not a dataset');
    mkdirSync(path.join(ws, 'data/sensors'));
    writeFileSync(path.join(ws, 'data/sensors/readings.csv'), 'a,b\n1,2\n');
    const one = await cli(ws, 'validate', '-d', 'iris');
    expectCliOk(one);
    expect(one.out).not.toContain('sensors');
    const all = await cli(ws, 'validate');
    expectCliOk(all);
    expect(all.out.split('\n')[0]).toBe(
      'note: data/sensors/ has no dataset.yml, so it is not a dataset (gitml init FILE.csv --name sensors writes one)',
    );
    const typo = await cli(ws, 'validate', '-d', 'irs');
    expect(typo.code).toBe(1);
    expect(typo.err).toContain(
      "data/irs/dataset.yml: not found: no dataset 'irs' (did you mean 'iris'?) (known: iris)",
    );
  });
});

describe('the command line is configuration too', () => {
  it('a misspelt command or option gets the nearest one (exit 64)', async () => {
    const ws = makeWorkspace(['iris']);
    try {
      const command = await cli(ws, 'valdiate');
      expect(command.code).toBe(64);
      expect(command.err.split('\n')[0]).toBe("gitml: unknown command 'valdiate' (did you mean 'validate'?)");
      const option = await cli(ws, 'validate', '--datset', 'iris');
      expect(option.code).toBe(64);
      expect(option.err.split('\n')[0]).toBe(
        "gitml validate: unknown option '--datset' (did you mean '--dataset'?) (a value that starts with '-' goes after '--')",
      );
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
