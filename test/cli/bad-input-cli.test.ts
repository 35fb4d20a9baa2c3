// Issue 12, bad input and corrupted state: every bad option, date, root and prediction input gets a clear
// message with the rule (and the bound), the documented exit code, and leaves every file as it was. The
// exit codes keep their promise: 1 = nothing written, 3 = some datasets or steps done and others failed.
// Last, a battery runs every command with bad inputs: no JavaScript internal error ever reaches the user.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../actions/cli/main.js';
import { parseCalendarDate, parseInstant } from '../../actions/lib/core/time.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { ALGORITHMS } from '../../actions/lib/models/algorithms.js';
import { predictionInput } from '../../actions/lib/models/predict-input.js';
import { cli, fingerprint, makeWorkspace } from '../helpers/workspace.js';

const FAST = ['--algorithm', 'gaussian-nb', '--folds', '3', '--no-search'];
const IRIS = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const TITANIC = { pclass: '1', sex: 'male', age: 30, sibsp: 0, parch: 0, fare: 10, embarked: 'S' };

let ws: string;
beforeAll(async () => {
  ws = makeWorkspace(['iris', 'titanic']);
  expect((await cli(ws, 'backfill')).code).toBe(0);
  expect((await cli(ws, 'train', ...FAST)).code).toBe(0);
  expect((await cli(ws, 'daily', '-d', 'iris')).code).toBe(0);
}, 120_000);
afterAll(() => {
  if (ws) rmSync(ws, { recursive: true, force: true });
});

/** Runs the CLI and checks exit code, the exact message on stderr, and that no file changed. */
async function refused(code: number, message: string, ...args: string[]): Promise<void> {
  const before = fingerprint(ws);
  const r = await cli(ws, ...args);
  expect(r.err, args.join(' ')).toContain(message);
  expect(r.code, `${args.join(' ')}\n${r.err}`).toBe(code);
  expect(fingerprint(ws), args.join(' ')).toBe(before);
}

describe('count options are bounded, with the bound in the message (exit 64, before any work)', () => {
  it.each([
    [['generate', '--rows', '1e9'], "--rows must be a whole number from 1 to 100000, got '1e9'"],
    [['generate', '--rows', '0'], "--rows must be a whole number from 1 to 100000, got '0'"],
    [['generate', '--days', '0'], "--days must be a whole number from 1 to 3660, got '0'"],
    [['generate', '--days=-5'], "--days must be a whole number from 1 to 3660, got '-5'"],
    [['generate', '--days', '100000'], "--days must be a whole number from 1 to 3660, got '100000'"],
    [['generate', '--days', '1.5'], "--days must be a whole number from 1 to 3660, got '1.5'"],
    [['daily', '--max-days', '0'], "--max-days must be a whole number from 1 to 3660, got '0'"],
    [['generate', '--drift', '1e9'], "--drift must be a number from -10 to 10, got '1e9'"],
    [['train', '--folds', '0'], "--folds must be a whole number from 2 to 20, got '0'"],
    [['train', '--folds', '1'], "--folds must be a whole number from 2 to 20, got '1'"],
    [['train', '--seed', 'x'], "--seed must be a whole number from 0 to 2147483647, got 'x'"],
    [['train', '--tolerance', '5'], "--tolerance must be a number from 0 to 1, got '5'"],
    [['evaluate', '--seeds', '0'], "--seeds must be a whole number from 1 to 100, got '0'"],
    [['monitor', '--window', '0'], "--window must be a whole number from 1 to 366, got '0'"],
    [['daily', '--window', '100000'], "--window must be a whole number from 1 to 366, got '100000'"],
    [['show', '-d', 'iris', '--limit=-1'], "--limit must be a whole number from 0 to 1000000, got '-1'"],
    [
      ['models', 'show', '-d', 'iris', '--version', '0'],
      "--version must be a whole number from 1 to 1000000, got '0'",
    ],
    [['site', 'serve', '--port', '99999'], "--port must be a whole number from 0 to 65535, got '99999'"],
    [['start', '--port', '99999'], "--port must be a whole number from 0 to 65535, got '99999'"],
    [
      ['train', '-d', 'iris', '--algorithm', 'knnn'],
      "--algorithm must be one of gaussian-nb, knn, random-forest, logistic-regression, hist-gradient-boosting, got 'knnn' (did you mean 'knn'?)",
    ],
  ])('%j', async (args, message) => {
    await refused(64, message, ...args);
  });

  it('site serve refuses a bad port before building the site (no site/build is made)', async () => {
    await refused(64, '--port must be', 'site', 'serve', '--port', '99999');
    expect(readdirSync(ws)).not.toContain('site');
  });

  it('a spec with rowsPerDay 1000000000 is refused when it loads, with the bound', async () => {
    const file = path.join(ws, 'data/iris/dataset.yml');
    const spec = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, spec.replace('rowsPerDay: 1', 'rowsPerDay: 1000000000'));
      await refused(
        1,
        'data/iris/dataset.yml:31:3: generator.rowsPerDay: must be a whole number from 1 to 100000, got 1000000000',
        'generate',
        '-d',
        'iris',
      );
    } finally {
      writeFileSync(file, spec);
    }
  });
});

describe('dates: one parser, real calendar days, not before 2000-01-01', () => {
  it.each([
    [['generate', '--date', '2026-02-30'], "--date '2026-02-30' is not a date: 2026-02 has 28 days"],
    [['generate', '--date', '2026-13-01'], "--date '2026-13-01' is not a date: there is no month 13"],
    [['generate', '--date', 'yesterday'], "--date 'yesterday' is not a date (YYYY-MM-DD, UTC)"],
    [
      ['generate', '--date', '1970-01-01'],
      "--date '1970-01-01' is before 2000-01-01, the earliest date gitml accepts",
    ],
    [['generate', '--date', '2026-12-01'], '--date 2026-12-01 is in the future (today is 2026-11-24 UTC)'],
    [['daily', '--date', '2026-02-29'], "--date '2026-02-29' is not a date: 2026-02 has 28 days"],
    [
      ['generate', '--drift', '0.1', '--drift-start', '2026-04-31'],
      "--drift-start '2026-04-31' is not a date: 2026-04 has 30 days",
    ],
    [['generate', '--drift-start', '2026-04-01'], '--drift-start needs --drift SD_PER_DAY'],
    [['stats', '--as-of', '2026-02-30'], "--as-of '2026-02-30' is not a date: 2026-02 has 28 days"],
    [
      ['train', '--as-of', '2026-01-01T25:00:00Z'],
      "--as-of '2026-01-01T25:00:00Z' is not a date-time: there is no time 25:00:00",
    ],
    [
      ['stats', '--now', '2026-02-30T00:00:00Z'],
      "--now '2026-02-30T00:00:00Z' is not a date-time: 2026-02 has 28 days",
    ],
    [
      ['stats', '--now', '1999-12-31T23:00:00Z'],
      "--now '1999-12-31T23:00:00Z' is before 2000-01-01, the earliest date gitml accepts",
    ],
    [
      ['stats', '--now', 'soon'],
      "--now 'soon' is not a date or date-time (ISO 8601, like 2026-01-31T12:00:00Z)",
    ],
  ])('%j', async (args, message) => {
    await refused(64, message, ...args);
  });

  it('parses what users write: leap days, offsets, fractions; as-of dates mean the end of the day', () => {
    expect(parseCalendarDate('2028-02-29', 'd')).toBe('2028-02-29');
    expect(() => parseCalendarDate('2100-02-29', 'd')).toThrow(
      "d '2100-02-29' is not a date: 2100-02 has 28 days",
    );
    expect(parseInstant('2026-01-01T01:00:00+01:00', 't')).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(parseInstant('2026-01-01 12:30', 't')).toBe(Date.parse('2026-01-01T12:30:00Z'));
    expect(parseInstant('2026-01-01T00:00:00.5Z', 't')).toBe(Date.parse('2026-01-01T00:00:00.500Z'));
    expect(parseInstant('2026-01-01', 't', { bareDate: 'end' })).toBe(Date.parse('2026-01-01T23:59:59.999Z'));
    expect(() => parseInstant('2026-01-01T00:00:00+25:00', 't')).toThrow('there is no zone offset +25:00');
  });
});

describe('--root must be the repository', () => {
  it('a missing path, a file, an empty folder: a clear error, non-zero, no output', async () => {
    const empty = path.join(os.tmpdir(), `gitml-empty-${process.pid}`);
    mkdirSync(empty, { recursive: true });
    try {
      for (const [root, code, message] of [
        [
          path.join(empty, 'nope'),
          64,
          `--root '${path.join(empty, 'nope')}' does not exist (give the repository's folder)`,
        ],
        [
          path.join(ws, 'data/iris/dataset.yml'),
          64,
          "is a file, not a folder (give the repository's folder)",
        ],
        [
          empty,
          1,
          `no datasets in ${empty}: no data/<name>/dataset.yml found (is this the repository's folder?)`,
        ],
      ] as const) {
        for (const command of ['stats', 'daily', 'train', 'monitor', 'report', 'backfill']) {
          const r = await cli(root, command);
          expect(r.code, `${command} --root ${root}`).toBe(code);
          expect(r.err).toContain(message);
          expect(r.out).toBe('');
        }
      }
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('predict checks what ingest checks: one validation for every way a row comes in', () => {
  const predict = (dataset: string, input: unknown) =>
    cli(ws, 'predict', '-d', dataset, typeof input === 'string' ? input : JSON.stringify(input));

  it.each([
    ['null', 'null', 'the input must be a JSON object by feature name, like {"sepal_length": …}; got null'],
    ['true', 'true', 'the input must be a JSON object by feature name, like {"sepal_length": …}; got true'],
    [
      'a list',
      '[5.1]',
      'the input must be a JSON object by feature name, like {"sepal_length": …}; got a list [5.1]',
    ],
    [
      '1e308',
      { ...IRIS, sepal_length: 1e308 },
      "iris: 'sepal_length' = 1e+308 is outside the valid range [0.1, 15]",
    ],
    ['-5', { ...IRIS, petal_width: -5 }, "iris: 'petal_width' = -5 is outside the valid range [0.01, 5]"],
    ['text', { ...IRIS, petal_width: 'abc' }, "iris: 'petal_width' = 'abc' is not a number"],
    [
      'a list value',
      { ...IRIS, sepal_length: [5.1] },
      "iris: 'sepal_length' = a list [5.1] is not a number or text",
    ],
    [
      'a boolean value',
      { ...IRIS, sepal_length: true },
      "iris: 'sepal_length' = true is not a number or text",
    ],
    ['a missing value', { ...IRIS, sepal_length: undefined }, "iris: 'sepal_length' is missing"],
    [
      'a misspelt key',
      { ...IRIS, sepal_length: undefined, sepal_lenght: 5.1 },
      "iris: unknown feature 'sepal_lenght' (did you mean 'sepal_length'?) (the features: sepal_length, sepal_width, petal_length, petal_width)",
    ],
    [
      'an extra key',
      { ...IRIS, colour: 'red' },
      "iris: unknown feature 'colour' (the features: sepal_length",
    ],
    [
      'the label',
      { ...IRIS, variety: 'Setosa' },
      "iris: 'variety' is the label, which the model predicts: leave it out",
    ],
    [
      'not JSON',
      '{sepal_length: 5}',
      'predict: the input is not a JSON object (not valid JSON: Expected property name',
    ],
  ])('%s', async (_name, input, message) => {
    const r = await predict('iris', input);
    expect(r.err).toContain(message);
    expect(r.code).toBe(_name === 'not JSON' ? 64 : 1);
    expect(r.out).toBe('');
  });

  it('a Titanic age of 2000 is refused; a blank age is filled and age_missing derived, as at ingest', async () => {
    const old = await predict('titanic', { ...TITANIC, age: 2000 });
    expect(old.code).toBe(1);
    expect(old.err).toContain("titanic: 'age' = 2000 is outside the valid range [0, 100]");
    const blank = await predict('titanic', { ...TITANIC, age: '' });
    expect(blank.code, blank.err).toBe(0);
    const absent = await predict('titanic', { ...TITANIC, age: undefined });
    expect(absent.out).toBe(blank.out);
    // The same row stored: the fill value with age_missing 1 (what the model was trained on).
    const fill = JSON.parse(readFileSync(path.join(ws, 'data/titanic/v1/metadata.json'), 'utf8')).fill.age;
    const stored = await predict('titanic', { ...TITANIC, age: Number(fill), age_missing: '1' });
    expect(stored.out).toBe(blank.out);
    const contradicts = await predict('titanic', { ...TITANIC, age_missing: 1 });
    expect(contradicts.code).toBe(1);
    expect(contradicts.err).toContain(
      "titanic: 'age_missing' = 1 but 'age' = 30 was given; 'age_missing' is derived from 'age' (1 when it is blank): leave it out",
    );
  });

  it("features the model does not read may be left out (the card's example), but given, they are checked", () => {
    const spec = new Workspace(ws).loadSpec('titanic');
    const reads = ['pclass', 'sex', 'age', 'age_missing'];
    const fills = { age: '28', embarked: 'S' };
    expect(predictionInput(spec, fills, { pclass: '1', sex: 'male' }, reads)).toEqual({
      pclass: '1',
      sex: 'male',
      age: '28',
      age_missing: '1',
    });
    expect(() => predictionInput(spec, fills, { pclass: '1', sex: 'male', fare: -1 }, reads)).toThrow(
      "titanic: 'fare' = -1 is outside the valid range [0, 1000]",
    );
    expect(() => predictionInput(spec, fills, { pclass: '1', sex: 'male' })).toThrow(
      "titanic: 'sibsp' is missing; 'parch' is missing; 'fare' is missing",
    );
  });

  it('a good row predicts, by feature name or by source column name', async () => {
    const r = await predict('iris', IRIS);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ class: 'Setosa' });
    const byColumn = await predict('titanic', { ...TITANIC, age: undefined, Age: 30 });
    expect(byColumn.out).toBe((await predict('titanic', TITANIC)).out);
  });
});

describe('degenerate and duplicate selections', () => {
  it('-d iris,iris trains one version', async () => {
    const before = readdirSync(path.join(ws, 'models/iris')).filter((f) => /^v\d+$/.test(f)).length;
    const r = await cli(ws, 'train', '-d', 'iris,iris', ...FAST, '--force');
    expect(r.code, r.err).toBe(0);
    expect(r.out.match(/^iris: training…$/gm)).toHaveLength(1);
    expect(readdirSync(path.join(ws, 'models/iris')).filter((f) => /^v\d+$/.test(f))).toHaveLength(
      before + 1,
    );
  }, 60_000);

  it('an unknown dataset has a did-you-mean', async () => {
    await refused(
      1,
      "unknown dataset 'irs' (did you mean 'iris'?) (known: iris, titanic)",
      'stats',
      '-d',
      'irs',
    );
  });

  it('a spec drift start on an impossible day is refused when the spec loads', async () => {
    const file = path.join(ws, 'data/iris/dataset.yml');
    const spec = readFileSync(file, 'utf8');
    try {
      writeFileSync(
        file,
        spec.replace('rowsPerDay: 1', "rowsPerDay: 1\n  drift: { start: '2026-02-30', sdPerDay: 0.1 }"),
      );
      await refused(
        1,
        "data/iris/dataset.yml:32:12: generator.drift.start '2026-02-30' is not a date: 2026-02 has 28 days",
        'stats',
        '-d',
        'iris',
      );
    } finally {
      writeFileSync(file, spec);
    }
  });

  it('model.algorithm in a spec is checked when the spec loads, listing the valid names', async () => {
    const file = path.join(ws, 'data/iris/dataset.yml');
    const spec = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, spec.replace('algorithm: gaussian-nb', 'algorithm: random-forrest'));
      await refused(
        1,
        `data/iris/dataset.yml:33:3: model.algorithm: 'random-forrest' is not one of ${ALGORITHMS.map((a) => a.name).join(', ')} (did you mean 'random-forest'?)`,
        'stats',
        '-d',
        'iris',
      );
    } finally {
      writeFileSync(file, spec);
    }
  });
});

describe('report and monitor agree about reports/<dataset>/monitoring.json', () => {
  const file = () => path.join(ws, 'reports/iris/monitoring.json');

  it('truncated or empty: report names the file and how to restore it', async () => {
    const good = readFileSync(file());
    try {
      for (const bytes of [good.subarray(0, 1998), Buffer.alloc(0)]) {
        writeFileSync(file(), bytes);
        const before = fingerprint(ws);
        const r = await cli(ws, 'report', '-d', 'iris');
        expect(r.code).toBe(1);
        expect(r.err).toMatch(
          /^gitml report: reports\/iris\/monitoring\.json: corrupt monitoring report, (the file is empty|it ends too early, after \d+ characters \(truncated\)); restore it with git \(git checkout -- reports\/iris\/monitoring\.json\)$/,
        );
        expect(fingerprint(ws)).toBe(before);
      }
    } finally {
      writeFileSync(file(), good);
    }
  });

  it('deleted: report and monitor both say to restore it (it lists the prediction log)', async () => {
    const good = readFileSync(file());
    try {
      rmSync(file());
      const report = await cli(ws, 'report', '-d', 'iris');
      expect(report.code).toBe(1);
      expect(report.err).toBe(
        "gitml report: reports/iris/monitoring.json not found, but the prediction log is there (it lists the log's files, so monitor cannot rebuild it): restore it with git (git checkout -- reports/iris/monitoring.json)",
      );
      const monitor = await cli(ws, 'monitor', '-d', 'iris');
      expect(monitor.code).toBe(1);
      expect(monitor.err).toContain('restore it with git (git checkout -- reports/iris/monitoring.json)');
    } finally {
      writeFileSync(file(), good);
    }
  });

  it('never made (no prediction log): report says to run infer and monitor', async () => {
    await refused(
      1,
      'reports/titanic/monitoring.json not found: run infer and monitor first',
      'report',
      '-d',
      'titanic',
    );
  });
});

describe('exit codes keep their promise: 1 = nothing written, 3 = some done and others failed', () => {
  it('infer for two datasets, one without a champion: the other is written, exit 3, both listed', async () => {
    const w = makeWorkspace(['iris', 'titanic']);
    try {
      expect((await cli(w, 'backfill')).code).toBe(0);
      expect((await cli(w, 'train', '-d', 'iris', ...FAST)).code).toBe(0);
      expect((await cli(w, 'generate')).code).toBe(0);
      const r = await cli(w, 'infer');
      expect(r.code).toBe(3);
      expect(r.out).toContain('iris: predicted');
      expect(r.err).toContain('titanic: FAILED: ');
      expect(r.err).toContain('partial: done iris; failed titanic');
      expect(readdirSync(path.join(w, 'reports/iris')).some((f) => f.startsWith('predictions-'))).toBe(true);

      // Every dataset failing is exit 1 and nothing is written.
      const before = fingerprint(w);
      const none = await cli(w, 'infer', '-d', 'titanic,titanic');
      expect(none.code).toBe(1);
      const both = await cli(w, 'monitor', '-d', 'titanic', '--window', '5');
      expect(both.code).toBe(1);
      expect(fingerprint(w)).toBe(before);

      // daily: generate wrote, then infer failed: a partial step, exit 3, saying what was written.
      const daily = await cli(w, 'daily', '-d', 'titanic', '--now', '2026-11-25T12:00:00Z');
      expect(daily.code).toBe(3);
      expect(daily.err).toMatch(/^gitml daily: generate was written, then: .*run train first/m);
    } finally {
      rmSync(w, { recursive: true, force: true });
    }
  }, 120_000);
});

/** Words that only a JavaScript internal error prints. */
const INTERNAL = [
  /Cannot read propert/,
  /is not a function/,
  /Unexpected end of JSON/,
  /\bundefined\b/,
  /\bNaN\b/,
  /^\s+at /m,
  /is not iterable/,
  /Maximum call stack/,
  /\[object Object\]/,
];

describe('message test: no command prints a JavaScript internal error', () => {
  const BAD_VALUES = ['', '0', '-1', '1.5', '1e9', 'abc', 'null', '2026-02-30', '../etc', '{}', 'iris,iris,'];

  it('every command, every option, with bad values; plus broken state', async () => {
    const problems: string[] = [];
    const check = async (root: string, args: string[]) => {
      const r = await cli(root, ...args);
      const text = `${r.out}\n${r.err}`;
      for (const p of INTERNAL)
        if (p.test(text)) problems.push(`${args.join(' ')} → exit ${r.code}: ${text.trim().slice(0, 300)}`);
      if (![0, 1, 2, 3, 64].includes(r.code)) problems.push(`${args.join(' ')} → exit ${r.code}`);
      if (r.code !== 0 && r.err.trim() === '')
        problems.push(`${args.join(' ')} → exit ${r.code} without a message`);
    };
    const w = makeWorkspace(['iris']);
    try {
      await check(w, ['backfill']);
      for (const command of COMMANDS) {
        if (command.name === 'start') continue; // serves forever; its options are site's and the stages'
        const subs =
          command.name === 'models'
            ? ['list', 'show', 'best', 'nope']
            : command.name === 'site'
              ? ['build', 'nope']
              : [''];
        for (const sub of subs) {
          const base = sub ? [command.name, sub] : [command.name];
          for (const [name, o] of Object.entries(command.options)) {
            if (o.type !== 'string') continue;
            for (const v of BAD_VALUES) {
              if (command.name === 'site' && sub === 'build' && name === 'out') continue; // writes where told
              await check(w, [...base, `--${name}=${v}`]);
            }
          }
        }
      }
      for (const input of [
        'null',
        'true',
        '[5.1]',
        '"x"',
        '1',
        '{"sepal_length": {}}',
        '{"__proto__": 1}',
        '{',
        '',
      ]) {
        await check(w, ['predict', '-d', 'iris', input]);
      }
      // Broken state: empty or truncated files where the commands read JSON.
      for (const rel of ['data/iris/v1/metadata.json', 'data/iris/v1/stats.json']) {
        const f = path.join(w, rel);
        const good = readFileSync(f);
        for (const bytes of [Buffer.alloc(0), good.subarray(0, 20)]) {
          writeFileSync(f, bytes);
          for (const c of ['stats', 'generate', 'train', 'infer', 'monitor', 'report', 'daily'])
            await check(w, [c, '-d', 'iris']);
        }
        writeFileSync(f, good);
      }
    } finally {
      rmSync(w, { recursive: true, force: true });
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
