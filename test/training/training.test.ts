import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrainable, DEFAULT_TRAINING } from '../../actions/lib/training/training.js';
import { cli, expectCliOk, fingerprint, makeWorkspace, read } from '../helpers/workspace.js';

const fast = ['--algorithm', 'gaussian-nb', '--folds', '3'];

function toy(rows: string[]): string {
  const ws = makeWorkspace([]);
  const dir = path.join(ws, 'data/toy');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'dataset.yml'),
    [
      'name: toy',
      'source: { file: toy.csv }',
      "eventTime: { fixed: '2026-11-01T00:00:00Z' }",
      'label: { column: y, name: y, classes: [{ value: a, label: A }, { value: b, label: B }] }',
      'features:',
      '  - { name: x, type: numeric, range: [0, 100], decimals: 1 }',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'toy.csv'), ['x,y', ...rows, ''].join('\n'));
  return ws;
}

describe('train and the registry', () => {
  it('registers v1 with model, metrics and a model card with lineage; same inputs give the same model bytes', async () => {
    const a = makeWorkspace(['iris']);
    const b = makeWorkspace(['iris']);
    for (const ws of [a, b]) {
      await cli(ws, 'backfill');
      const r = await cli(ws, 'train', ...fast);
      expectCliOk(r);
      expect(r.out).toMatch(
        /iris: v1 gaussian-nb — holdout accuracy \d+\.\d%, macro-F1 0\.\d{4} → champion\. First model of this dataset\./,
      );
    }
    expect(read(a, 'models/iris/v1/model.json')).toBe(read(b, 'models/iris/v1/model.json'));
    expect(read(a, 'models/iris/v1/metrics.json')).toBe(read(b, 'models/iris/v1/metrics.json'));
    const index = JSON.parse(read(a, 'models/iris/index.json'));
    expect(index).toMatchObject({ format: 'gitml.registry', dataset: 'iris', champion: 1 });
    const metrics = JSON.parse(read(a, 'models/iris/v1/metrics.json'));
    expect(metrics.holdout.rows).toBe(30);
    expect(metrics.holdout.confusion.flat().reduce((s: number, x: number) => s + x, 0)).toBe(30);
    expect(metrics.split).toMatchObject({ kind: 'stratified', seed: 42, train: 120, test: 30 });
    expect(Object.keys(metrics.correlations)).toEqual([
      'petal_length',
      'petal_width',
      'sepal_length',
      'sepal_width',
    ]);
    const card = read(a, 'models/iris/v1/card.md');
    for (const s of [
      '## Lineage',
      'data/iris/v1 (v1, working tree)',
      'training data hash (sha256)',
      'gitml 0.1.0',
      '150 eligible (150 backfill): 120 train, 30 holdout',
      '**Input example**',
      '## Holdout metrics',
      'Confusion matrix',
    ]) {
      expect(card).toContain(s);
    }
    const show = await cli(a, 'models', 'show', '-d', 'iris');
    expect(show.out).toContain('# iris model v1 — gaussian-nb');
    const predict = await cli(
      a,
      'predict',
      '-d',
      'iris',
      '{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}',
    );
    expect(JSON.parse(predict.out)).toMatchObject({ class: 'Setosa', label: 'Iris setosa' });
  });

  it('skips unchanged data, keeps a worse model as challenger, promotes by request, finds the best', async () => {
    const ws = makeWorkspace(['titanic']);
    await cli(ws, 'backfill');
    expect((await cli(ws, 'train', '--algorithm', 'random-forest', '--folds', '3')).code).toBe(0);
    const skipped = await cli(ws, 'train', '--algorithm', 'random-forest', '--folds', '3');
    expect(skipped.out).toContain(
      'titanic: skipped, training data and config are unchanged since champion v1 (use --force to retrain)',
    );
    const worse = await cli(ws, 'train', ...fast);
    expectCliOk(worse);
    expect(worse.out).toMatch(
      /titanic: v2 gaussian-nb .* → challenger\. Kept as challenger: macro-F1 0\.\d+ < champion v1's 0\.\d+ on the 178 of 178 holdout rows champion v1 never saw\./,
    );
    expect(JSON.parse(read(ws, 'models/titanic/index.json')).champion).toBe(1);
    expect((await cli(ws, 'models', 'best', '-d', 'titanic', '--metric', 'accuracy')).out).toMatch(
      /best by accuracy is v1 \(random-forest/,
    );
    const promoted = await cli(ws, 'promote', '-d', 'titanic', '--version', '2');
    expect(promoted.out).toContain('titanic: v2 (gaussian-nb) is the champion');
    const list = await cli(ws, 'models', 'list', '-d', 'titanic');
    expect(list.out).toMatch(/v1\s+retired/);
    expect(list.out).toMatch(/v2\s+champion/);
    const forced = await cli(ws, 'train', ...fast, '--split', 'time', '--promote');
    expect(forced.out).toMatch(/v3 gaussian-nb .* → champion/);
    expect(JSON.parse(read(ws, 'models/titanic/v3/metrics.json')).split.kind).toBe('time');
  });

  it('evaluate reports the repeated-split mean per algorithm', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    const r = await cli(
      ws,
      'evaluate',
      '-d',
      'iris',
      '--seeds',
      '3',
      '--algorithm',
      'gaussian-nb',
      '--no-pipeline',
      '--json',
    );
    const report = JSON.parse(r.out);
    expect(report.iris.rows).toBe(150);
    expect(report.iris.results[0].accuracy).toHaveLength(3);
    expect(report.iris.results[0].mean).toBeGreaterThan(0.9);
  });
});

describe('train: bad input (clear error, exit 1, nothing under models/ changed)', () => {
  async function refuses(ws: string, args: string[], message: string | RegExp, code = 1) {
    const before = fingerprint(path.join(ws, 'models'));
    const r = await cli(ws, 'train', ...args);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
    expect(fingerprint(path.join(ws, 'models'))).toBe(before);
  }

  it('an empty feature group', async () => {
    const ws = toy(['abc,a', 'xyz,b']);
    expect((await cli(ws, 'backfill')).code).toBe(2);
    await refuses(ws, fast, 'toy: the feature group has no labelled rows to train on');
  });

  it('a single class', async () => {
    const ws = toy(Array.from({ length: 20 }, (_, i) => `${i},a`));
    await cli(ws, 'backfill');
    await refuses(
      ws,
      fast,
      "toy: all 20 labelled rows are of one class ('a'); a classifier needs at least two",
    );
  });

  it('too few rows for the split or for k', async () => {
    const ws = toy(['1,a', '2,b', '3,a', '4,b', '5,a']);
    await cli(ws, 'backfill');
    await refuses(
      ws,
      fast,
      'toy: 5 labelled rows are too few for a 20% holdout and 3-fold cross-validation (need at least 10)',
    );
    const k = toy(Array.from({ length: 12 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`));
    await cli(k, 'backfill');
    await refuses(k, ['--algorithm', 'knn', '--folds', '2'], /kNN|k = \d+|k=\d+|needs at least/i);
  });

  it('NaN in features', () => {
    const col = Float64Array.from([1, 2, Number.NaN, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const data = {
      dataset: 'toy',
      schema: [{ name: 'x', title: 'x', type: 'numeric' as const, range: [0, 100] as [number, number] }],
      label: {
        name: 'y',
        title: 'y',
        classes: [
          { value: 'a', label: 'a' },
          { value: 'b', label: 'b' },
        ],
      },
      get: () => col,
      labels: Int32Array.from(col, (_, i) => i % 2),
      eventTimes: new Float64Array(12),
      rows: Array.from({ length: 12 }, (_, i) => i),
    };
    expect(() => checkTrainable(data, { ...DEFAULT_TRAINING, folds: 3 })).toThrow(
      "toy: feature 'x' is NaN in row 3; training needs finite values",
    );
  });

  it('an unknown algorithm', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    await refuses(
      ws,
      ['--algorithm', 'xgboost'],
      "--algorithm must be one of gaussian-nb, knn, random-forest, logistic-regression, hist-gradient-boosting, got 'xgboost'",
      64, // an option value outside its choices is a usage error, refused before any work (issue 12)
    );
  });

  it('a label outside the spec', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    const p = path.join(ws, 'data/iris/v1/rows-2026-11.csv');
    writeFileSync(
      p,
      read(ws, 'data/iris/v1/rows-2026-11.csv').replace(
        ',5.1,3.5,1.4,0.2,Setosa',
        ',5.1,3.5,1.4,0.2,Iris-setosa',
      ),
    );
    await refuses(
      ws,
      fast,
      "data/iris/v1/rows-2026-11.csv line 2: label 'variety' = 'Iris-setosa' is not one of Setosa, Versicolor, Virginica",
    );
  });

  it('a corrupt registry index, and a corrupt or foreign model file', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    await cli(ws, 'train', ...fast);
    const index = read(ws, 'models/iris/index.json');
    writeFileSync(path.join(ws, 'models/iris/index.json'), index.slice(0, 40));
    await refuses(
      ws,
      [...fast, '--force'],
      /models\/iris\/index\.json: corrupt registry index, it ends too early, after 40 characters \(truncated\)/,
    );
    // An index written before model hashes were recorded: the model file's own checks are what refuse it
    // (with the hash, any change is refused first: test/features/integrity.test.ts).
    writeFileSync(
      path.join(ws, 'models/iris/index.json'),
      index.replace(/\n\s*"modelSha256": "[0-9a-f]{64}",/, ''),
    );
    writeFileSync(
      path.join(ws, 'models/iris/v1/model.json'),
      '{"format":"gitml.model","version":1,"dataset":"iris","algorithm":"gaussian-nb","label":{"classes":[{"value":"a"},{"value":"b"}]},"view":{"features":[],"columns":[{"feature":"x"}]}}',
    );
    await refuses(
      ws,
      [...fast, '--force'],
      "models/iris/v1/model.json: view column reads unknown feature 'x'",
    );
    writeFileSync(path.join(ws, 'models/iris/v1/model.json'), JSON.stringify({ format: 'onnx', version: 7 }));
    await refuses(
      ws,
      [...fast, '--force'],
      'models/iris/v1/model.json: format "onnx" is not \'gitml.model\' (not a gitml model)',
    );
    const predict = await cli(ws, 'predict', '-d', 'iris', '{}');
    expect(predict.code).toBe(1);
  });
});
