// The dataset spec, directly: a good spec and what it builds (with every default), then each rule of
// parseSpec broken once with its exact message, and parseSpecText's strict check (file:line:column, every
// problem at once) in front of it.
import { describe, expect, it } from 'vitest';
import {
  type DatasetSpec,
  featureSchema,
  parseSpec,
  parseSpecText,
  SpecError,
  taskOf,
} from '../../actions/lib/spec/spec.js';

const WHERE = 'data/ships/dataset.yml';

// biome-ignore lint/suspicious/noExplicitAny: the YAML parser returns untyped data, and each test breaks it anywhere, as a hand edit would
type Raw = Record<string, any>;

/** A good classification spec as the YAML parser returns it; every test edits a fresh copy. */
function good(): Raw {
  return {
    name: 'ships',
    title: 'Ships',
    description: 'Who survived.',
    source: { file: 'source.csv', citation: 'A citation.' },
    primaryKey: { column: 'PassengerId' },
    eventTime: { fixed: '2026-11-01T00:00:00Z' },
    label: {
      column: 'Survived',
      name: 'survived',
      title: 'Survived',
      classes: [
        { value: '0', label: 'Died' },
        { value: '1', label: 'Survived' },
      ],
    },
    features: [
      {
        name: 'age',
        column: 'Age',
        title: 'Age',
        type: 'numeric',
        unit: 'years',
        range: [0, 100],
        decimals: 1,
        missing: 'median',
        missingFlag: 'age_missing',
      },
      {
        name: 'port',
        column: 'Embarked',
        type: 'categorical',
        missing: 'mode',
        categories: [{ value: 'C', label: 'Cherbourg' }, { value: 'S' }],
      },
    ],
    generator: { rowsPerDay: 4, shrinkage: 5, drift: { start: '2026-12-01', sdPerDay: 0.1 } },
    model: { algorithm: 'knn', params: { k: 5 } },
    monitoring: { accuracyThreshold: 0.7 },
  };
}

/** A good regression spec: a numeric label with a range and whole-number decimals. */
function goodRegression(): Raw {
  return {
    name: 'scores',
    source: { file: '../wine/source.csv' },
    eventTime: { column: 'tasted_at' },
    label: {
      column: 'quality',
      name: 'quality',
      type: 'numeric',
      range: [0, 10],
      decimals: 0,
      unit: 'points',
    },
    features: [{ name: 'alcohol', type: 'numeric', range: [5, 20] }],
    monitoring: { maeMargin: 0.25 },
  };
}

/** parseSpec's message for the edited spec (the test fails if it parses). */
function problem(edit: (raw: Raw) => unknown, base: () => Raw = good): string {
  const raw = base();
  const replaced = edit(raw);
  try {
    parseSpec(replaced === undefined ? raw : replaced, WHERE);
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as Error).message;
  }
  throw new Error('expected the edited spec to be refused');
}

describe('a good spec', () => {
  it('builds every field it gives, the flag columns and the defaults', () => {
    const spec = parseSpec(good(), WHERE);
    expect(spec.name).toBe('ships');
    expect(spec.source).toEqual({ file: 'source.csv', citation: 'A citation.', dropColumns: [] });
    expect(spec.primaryKey).toEqual({ column: 'PassengerId' });
    expect(spec.eventTime).toEqual({ fixed: '2026-11-01T00:00:00Z' });
    expect(spec.label).toEqual({
      column: 'Survived',
      name: 'survived',
      title: 'Survived',
      type: 'categorical',
      classes: [
        { value: '0', label: 'Died' },
        { value: '1', label: 'Survived' },
      ],
      tolerances: [],
    });
    expect(spec.features).toEqual([
      {
        name: 'age',
        column: 'Age',
        title: 'Age',
        type: 'numeric',
        unit: 'years',
        range: [0, 100],
        decimals: 1,
        missing: 'median',
        missingFlag: 'age_missing',
      },
      {
        name: 'port',
        column: 'Embarked',
        title: 'port',
        type: 'categorical',
        missing: 'mode',
        categories: [
          { value: 'C', label: 'Cherbourg' },
          { value: 'S', label: 'S' },
        ],
      },
    ]);
    expect(spec.generator).toEqual({
      rowsPerDay: 4,
      shrinkage: 5,
      drift: { start: '2026-12-01', sdPerDay: 0.1 },
    });
    expect(spec.model).toEqual({ algorithm: 'knn', params: { k: 5 } });
    expect(spec.monitoring).toEqual({ accuracyThreshold: 0.7 });
    expect(taskOf(spec.label)).toBe('classification');
  });

  it('fills the defaults: column and title = name, missing reject, 6 decimals, 1 row a day, gaussian-nb', () => {
    const raw = good();
    for (const key of ['title', 'description', 'primaryKey', 'generator', 'model', 'monitoring'])
      delete raw[key];
    raw.features = [{ name: 'fare', type: 'numeric', range: [0, 500] }];
    const spec = parseSpec(raw, WHERE);
    expect([spec.title, spec.description, spec.primaryKey]).toEqual(['ships', '', {}]);
    expect(spec.features).toEqual([
      {
        name: 'fare',
        column: 'fare',
        title: 'fare',
        type: 'numeric',
        missing: 'reject',
        range: [0, 500],
        decimals: 6,
      },
    ]);
    expect(spec.generator).toEqual({ rowsPerDay: 1, shrinkage: 10 });
    expect(spec.model).toEqual({ algorithm: 'gaussian-nb', params: {} });
    expect(spec.monitoring).toEqual({});
  });

  it('regression: a numeric label, ridge by default, whole-number decimals give tolerances 0.5 and 1', () => {
    const spec = parseSpec(goodRegression(), WHERE);
    expect(taskOf(spec.label)).toBe('regression');
    expect(spec.label).toEqual({
      column: 'quality',
      name: 'quality',
      title: 'quality',
      type: 'numeric',
      classes: [],
      unit: 'points',
      range: [0, 10],
      decimals: 0,
      tolerances: [0.5, 1],
    });
    expect(spec.eventTime).toEqual({ column: 'tasted_at' });
    expect(spec.model.algorithm).toBe('ridge');
    expect(spec.monitoring).toEqual({ maeMargin: 0.25 });
  });

  it('regression: given tolerances are kept sorted, each once', () => {
    const raw = goodRegression();
    raw.label.tolerances = [1, 0.25, 1];
    expect(parseSpec(raw, WHERE).label.tolerances).toEqual([0.25, 1]);
  });

  it('source reading keys: a comma delimiter and a point decimal are the defaults and are not stored', () => {
    const raw = good();
    Object.assign(raw.source, { delimiter: ',', decimal: '.', skipLines: 0, missingValues: [] });
    expect(parseSpec(raw, WHERE).source).toEqual({
      file: 'source.csv',
      citation: 'A citation.',
      dropColumns: [],
    });
    Object.assign(raw.source, {
      delimiter: ';',
      decimal: ',',
      skipLines: 2,
      columns: ['a', 'b'],
      missingValues: ['NA'],
      dropColumns: ['Name'],
    });
    expect(parseSpec(raw, WHERE).source).toEqual({
      file: 'source.csv',
      citation: 'A citation.',
      dropColumns: ['Name'],
      delimiter: ';',
      decimal: ',',
      skipLines: 2,
      columns: ['a', 'b'],
      missingValues: ['NA'],
    });
  });

  it('featureSchema: the stored columns, a was-missing flag after its feature, no column or group', () => {
    const raw = good();
    raw.features[0].group = 'Person';
    expect(featureSchema(parseSpec(raw, WHERE)).map((f) => [f.name, f.type, f.title])).toEqual([
      ['age', 'numeric', 'Age'],
      ['age_missing', 'categorical', 'Age was unknown'],
      ['port', 'categorical', 'port'],
    ]);
    const [age, flag] = featureSchema(parseSpec(raw, WHERE));
    expect(age).not.toHaveProperty('column');
    expect(age).not.toHaveProperty('group');
    expect(flag.categories).toEqual([
      { value: '0', label: 'No' },
      { value: '1', label: 'Yes' },
    ]);
  });
});

describe('each rule of the spec, broken once, has its message', () => {
  it('the spec is a mapping', () => {
    expect(problem(() => ['a list'])).toBe(`${WHERE}: must be a YAML mapping`);
  });

  it('name is a non-empty lower_snake_case string', () => {
    expect(problem((r) => void delete r.name)).toBe(`${WHERE}: 'name' must be a non-empty string`);
    expect(problem((r) => void (r.name = 'Ships'))).toBe(`${WHERE}: name 'Ships' must be lower_snake_case`);
  });

  it('title, when given, is a non-empty string', () => {
    expect(problem((r) => void (r.title = ' '))).toBe(`${WHERE}: 'title' must be a non-empty string`);
  });

  it('source is a mapping with a file', () => {
    expect(problem((r) => void (r.source = 'source.csv'))).toBe(
      `${WHERE}: 'source' must be { file, citation }`,
    );
    expect(problem((r) => void delete r.source.file)).toBe(
      `${WHERE} source: 'file' must be a non-empty string`,
    );
  });

  it('eventTime has exactly one of column and fixed; fixed is a UTC instant', () => {
    const one = `${WHERE}: eventTime must have exactly one of 'column' or 'fixed'`;
    expect(problem((r) => void (r.eventTime = {}))).toBe(one);
    expect(problem((r) => void (r.eventTime.column = 'when'))).toBe(one);
    expect(problem((r) => void (r.eventTime.fixed = '2026-11-01'))).toBe(
      `${WHERE}: eventTime.fixed '2026-11-01' must be UTC ISO-8601 like 2026-01-31T00:00:00Z`,
    );
  });

  it('label is a mapping with a lower_snake_case name and a column', () => {
    expect(problem((r) => void (r.label = 'survived'))).toBe(`${WHERE}: 'label' must be a mapping`);
    expect(problem((r) => void (r.label.name = 'Survived'))).toBe(
      `${WHERE} label: name 'Survived' must be lower_snake_case`,
    );
    expect(problem((r) => void delete r.label.column)).toBe(
      `${WHERE} label: 'column' must be a non-empty string`,
    );
  });

  it('label type is categorical or numeric', () => {
    expect(problem((r) => void (r.label.type = 'ordinal'))).toBe(
      `${WHERE} label: type must be 'categorical' (classification) or 'numeric' (regression)`,
    );
  });

  it('a class label has at least two classes, each a mapping with a distinct, plain, non-empty value', () => {
    expect(problem((r) => void r.label.classes.pop())).toBe(
      `${WHERE} label: at least two classes are needed`,
    );
    expect(problem((r) => void (r.label.classes = []))).toBe(
      `${WHERE} label: 'categories' must be a non-empty list`,
    );
    expect(problem((r) => void (r.label.classes[1] = 'yes'))).toBe(
      `${WHERE} label category 2: must be { value, label }`,
    );
    expect(problem((r) => void (r.label.classes[1].value = ''))).toBe(
      `${WHERE} label category 2: 'value' must be non-empty`,
    );
    expect(problem((r) => void (r.label.classes[1].value = '0'))).toBe(
      `${WHERE} label category 2: value '0' is listed twice`,
    );
    expect(problem((r) => void (r.label.classes[1].value = 'a,b'))).toBe(
      `${WHERE} label category 2: value 'a,b' must not contain a comma, quote or line break`,
    );
  });

  it('a numeric label has no classes, a range low < high, 0–12 decimals, positive tolerances', () => {
    expect(problem((r) => void (r.label.classes = [{ value: '1' }]), goodRegression)).toBe(
      `${WHERE} label: a numeric label (regression) has no classes: remove 'classes', or set type: categorical`,
    );
    expect(problem((r) => void (r.label.range = [10, 10]), goodRegression)).toBe(
      `${WHERE} label: range must be [low, high] with low < high`,
    );
    expect(problem((r) => void (r.label.decimals = 1.5), goodRegression)).toBe(
      `${WHERE} label: decimals must be a whole number from 0 to 12`,
    );
    expect(problem((r) => void (r.label.tolerances = [0.5, 0]), goodRegression)).toBe(
      `${WHERE} label: tolerances must be a list of positive numbers`,
    );
  });

  it('features is a non-empty list of mappings', () => {
    expect(problem((r) => void (r.features = []))).toBe(`${WHERE}: 'features' must be a non-empty list`);
    expect(problem((r) => void (r.features[1] = 'port'))).toBe(`${WHERE} feature 2: must be a mapping`);
  });

  it('a feature has a lower_snake_case name and a type of numeric or categorical', () => {
    expect(problem((r) => void (r.features[0].name = 'Age'))).toBe(
      `${WHERE} feature 1: name 'Age' must be lower_snake_case`,
    );
    expect(problem((r) => void (r.features[0].type = 'number'))).toBe(
      `${WHERE} feature 1 'age': type must be 'numeric' or 'categorical'`,
    );
  });

  it('missing is reject, median (numeric) or mode (categorical)', () => {
    expect(problem((r) => void (r.features[0].missing = 'drop'))).toBe(
      `${WHERE} feature 1 'age': missing must be reject, median or mode`,
    );
    expect(problem((r) => void (r.features[0].missing = 'mode'))).toBe(
      `${WHERE} feature 1 'age': numeric features fill with median, not mode`,
    );
    expect(problem((r) => void (r.features[1].missing = 'median'))).toBe(
      `${WHERE} feature 2 'port': categorical features fill with mode, not median`,
    );
  });

  it('missingFlag is lower_snake_case', () => {
    expect(problem((r) => void (r.features[0].missingFlag = 'Age missing'))).toBe(
      `${WHERE} feature 1 'age': missingFlag must be lower_snake_case`,
    );
  });

  it('a numeric feature has a range [min, max] with min ≤ max and 0–12 decimals', () => {
    const range = `${WHERE} feature 1 'age': range must be [min, max] with min ≤ max`;
    expect(problem((r) => void delete r.features[0].range)).toBe(range);
    expect(problem((r) => void (r.features[0].range = [100, 0]))).toBe(range);
    const point = good();
    point.features[0].range = [5, 5];
    expect(parseSpec(point, WHERE).features[0].range, 'min = max is a range').toEqual([5, 5]);
    expect(problem((r) => void (r.features[0].range = [0, Number.POSITIVE_INFINITY]))).toBe(range);
    expect(problem((r) => void (r.features[0].decimals = 13))).toBe(
      `${WHERE} feature 1 'age': decimals must be 0–12`,
    );
    expect(problem((r) => void (r.features[0].decimals = '2'))).toBe(
      `${WHERE} feature 1: 'decimals' must be a finite number`,
    );
  });

  it('a categorical feature has a non-empty category list', () => {
    expect(problem((r) => void delete r.features[1].categories)).toBe(
      `${WHERE} feature 2 'port': 'categories' must be a non-empty list`,
    );
  });

  it('a group, when given, is a non-empty string', () => {
    expect(problem((r) => void (r.features[0].group = ''))).toBe(
      `${WHERE} feature 1 'age': 'group' must be a non-empty string`,
    );
  });

  it('column names are unique and none is id, event_time or source', () => {
    expect(problem((r) => void (r.features[1].name = 'age'))).toBe(
      `${WHERE}: column name 'age' is used twice or is reserved`,
    );
    expect(problem((r) => void (r.features[0].missingFlag = 'port'))).toBe(
      `${WHERE}: column name 'port' is used twice or is reserved`,
    );
    expect(problem((r) => void (r.label.name = 'source'))).toBe(
      `${WHERE}: column name 'source' is used twice or is reserved`,
    );
  });

  it('generator: rowsPerDay a whole number from 1 to 100000, finite numbers, a real drift start date', () => {
    expect(problem((r) => void (r.generator.rowsPerDay = 0))).toBe(
      `${WHERE} generator: rowsPerDay must be a whole number from 1 to 100000, got 0`,
    );
    expect(problem((r) => void (r.generator.shrinkage = Number.NaN))).toBe(
      `${WHERE} generator: 'shrinkage' must be a finite number`,
    );
    expect(problem((r) => void (r.generator.drift.start = '2026-02-30'))).toBe(
      `${WHERE} generator.drift: start '2026-02-30' is not a date: 2026-02 has 28 days`,
    );
  });

  it('model.algorithm is one of the task’s algorithms, with the nearest name suggested', () => {
    expect(problem((r) => void (r.model.algorithm = 'knnn'))).toBe(
      `${WHERE} model: algorithm 'knnn' is not one of gaussian-nb, knn, random-forest, logistic-regression, hist-gradient-boosting (did you mean 'knn'?)`,
    );
    expect(problem((r) => void (r.model = { algorithm: 'knn' }), goodRegression)).toBe(
      `${WHERE} model: algorithm 'knn' is not one of linear-regression, ridge, knn-regressor, random-forest-regressor`,
    );
  });

  it('source reading keys: a known delimiter, a decimal comma only with another delimiter, sane skipLines, names', () => {
    expect(problem((r) => void (r.source.delimiter = ':'))).toBe(
      `${WHERE} source: delimiter must be one of ',' ';' '|' or a tab ("\\t")`,
    );
    expect(problem((r) => void (r.source.decimal = '·'))).toBe(`${WHERE} source: decimal must be '.' or ','`);
    expect(problem((r) => void (r.source.decimal = ','))).toBe(
      `${WHERE} source: decimal ',' needs a delimiter other than ','`,
    );
    expect(problem((r) => void (r.source.skipLines = 1001))).toBe(
      `${WHERE} source: skipLines must be a whole number from 0 to 1000`,
    );
    expect(problem((r) => void (r.source.columns = []))).toBe(
      `${WHERE} source: columns (the names of a file without a header row) must be a non-empty list of names`,
    );
    expect(problem((r) => void (r.source.columns = ['a', 'b', 'a']))).toBe(
      `${WHERE} source: columns lists 'a' twice`,
    );
    expect(problem((r) => void (r.source.missingValues = ['NA', '']))).toBe(
      `${WHERE} source: missingValues (cell texts that mean a blank, like NA) must be a list of texts`,
    );
  });

  it('monitoring is a mapping; accuracyThreshold in [0, 1]; maeMargin zero or more', () => {
    expect(problem((r) => void (r.monitoring = 0.7))).toBe(`${WHERE} monitoring: must be a mapping`);
    expect(problem((r) => void (r.monitoring.accuracyThreshold = 70))).toBe(
      `${WHERE} monitoring: accuracyThreshold must be between 0 and 1`,
    );
    expect(problem((r) => void (r.monitoring.maeMargin = -0.1), goodRegression)).toBe(
      `${WHERE} monitoring: maeMargin must be zero or more (in the label's unit)`,
    );
  });
});

describe('parseSpecText: the strict check first, every problem at once', () => {
  const text = [
    'name: ships',
    'source:',
    '  file: source.csv',
    'eventTime:',
    "  fixed: '2026-11-01T00:00:00Z'",
    'label:',
    '  column: Survived',
    '  name: survived',
    '  classes:',
    "    - { value: '0', label: Died }",
    "    - { value: '1', label: Survived }",
    'features:',
    '  - { name: age, column: Age, type: numeric, range: [0, 100] }',
    '',
  ].join('\n');

  it('a good text builds the same spec as its parsed object', () => {
    const spec: DatasetSpec = parseSpecText(text, WHERE, 'ships');
    expect(spec.features.map((f) => f.name)).toEqual(['age']);
    expect(spec.label.classes.map((c) => c.value)).toEqual(['0', '1']);
  });

  it('one problem: its file:line:column message, with the nearest key for a misspelt one', () => {
    const edited = text.replace('name: ships', 'name: ships\nnmae: x');
    expect(() => parseSpecText(edited, WHERE, 'ships')).toThrow(
      new SpecError(`${WHERE}:2:1: the spec has an unknown key 'nmae' (did you mean 'name'? required)`),
    );
  });

  it('several problems: a count on the first line, each below it, and each in .problems', () => {
    const edited = text
      .replace('name: ships', 'name: Ships')
      .replace('range: [0, 100]', 'range: [0, 100], missing: mode');
    let err: SpecError | undefined;
    try {
      parseSpecText(edited, WHERE, 'ships');
    } catch (e) {
      err = e as SpecError;
    }
    const problems = [
      `${WHERE}:1:1: name: 'Ships' is not lower_snake_case (a–z, 0–9, _; a letter first)`,
      `${WHERE}:1:1: name: 'Ships' must equal its folder's name 'ships'`,
      `${WHERE}:13:63: features #1 (age).missing: 'mode' is not one of reject, median`,
    ];
    expect(err).toBeInstanceOf(SpecError);
    expect(err?.problems).toEqual(problems);
    expect(err?.message).toBe(
      `${WHERE}: 3 problems (run gitml validate to list them again):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  });
});
