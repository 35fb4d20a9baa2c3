// Issue 14: a dataset.yml edited after backfill (a feature added, removed or renamed, a class removed, a
// range narrowed, categories or decimals changed) is caught by every command that reads the feature
// group — they used to crash (`Cannot read properties of undefined`) or silently apply the edited range —
// with one message naming what changed and the two ways out; nothing is written. Words-only edits
// (a title) do not stop them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBundles, runActionBundle } from '../helpers/action-runner.js';
import { cli, commit, fingerprint, makeWorkspace, NOW, REPO_ROOT, read } from '../helpers/workspace.js';

let ws: string;
let iris: string;
let titanic: string;
const INBOX = 'new-rows.csv';

beforeAll(async () => {
  requireBundles('infer', 'generate');
  ws = makeWorkspace(['iris', 'titanic'], { git: true });
  expect((await cli(ws, 'backfill')).code).toBe(0);
  for (const d of ['iris', 'titanic'])
    expect((await cli(ws, 'train', '-d', d, '--algorithm', 'gaussian-nb', '--no-search')).code).toBe(0);
  iris = read(ws, 'data/iris/dataset.yml');
  titanic = read(ws, 'data/titanic/dataset.yml');
  writeFileSync(
    path.join(ws, INBOX),
    'sepal_length,sepal_width,petal_length,petal_width,variety\n5.1,3.5,1.4,0.2,Setosa\n',
  );
}, 180_000);
afterAll(() => {
  if (ws) rmSync(ws, { recursive: true, force: true });
});

const edit = (dataset: string, text: string) =>
  writeFileSync(path.join(ws, 'data', dataset, 'dataset.yml'), text);
const restore = () => {
  edit('iris', iris);
  edit('titanic', titanic);
};

/** Every command that reads the iris group, as a user runs it. */
const IRIS_COMMANDS: string[][] = [
  ['train', '-d', 'iris', '--force', '--algorithm', 'gaussian-nb', '--no-search'],
  ['evaluate', '-d', 'iris', '--seeds', '1'],
  ['infer', '-d', 'iris'],
  ['monitor', '-d', 'iris'],
  ['generate', '-d', 'iris', '--days', '1'],
  ['daily', '-d', 'iris', '--days', '1'],
  ['ingest', '-d', 'iris', 'INBOX'],
  ['stats', '-d', 'iris'],
  ['show', '-d', 'iris'],
  [
    'predict',
    '-d',
    'iris',
    '{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}',
  ],
  ['backfill', '-d', 'iris'],
  ['validate', '-d', 'iris'],
];

const IRIS_EDITS: [string, (s: string) => string, string][] = [
  [
    'a feature removed',
    (s) => s.replace(/ {2}- \{ name: petal_width.*\n/, ''),
    "feature 'petal_width' removed",
  ],
  [
    'a feature added',
    (s) =>
      s.replace(
        'generator:',
        '  - { name: petal_width_mm, column: petal_width, type: numeric, range: [0, 50] }\ngenerator:',
      ),
    "feature 'petal_width_mm' added",
  ],
  [
    'a feature renamed',
    (s) => s.replace('name: petal_width,', 'name: petal_w, column: petal_width,'),
    "feature 'petal_width' renamed to 'petal_w'",
  ],
  [
    'a class removed',
    (s) => s.replace(/ {4}- \{ value: Virginica.*\n/, ''),
    "label.classes: 'Virginica' removed",
  ],
  [
    'a range narrowed',
    (s) => s.replace('range: [0.1, 15]', 'range: [1, 7]'),
    "feature 'sepal_length' range narrowed [0.1, 15] → [1, 7]",
  ],
  [
    'decimals changed',
    (s) => s.replace('range: [0.01, 5], decimals: 1', 'range: [0.01, 5], decimals: 2'),
    "feature 'petal_width' decimals 1 → 2",
  ],
  [
    'a fill rule added (no fill value was recorded)',
    (s) => s.replace('range: [0.1, 15], decimals: 1 }', 'range: [0.1, 15], decimals: 1, missing: median }'),
    "feature 'sepal_length' missing: median (the fill value is recorded at backfill)",
  ],
];

describe('a schema edit after backfill stops every command that reads the group', () => {
  it.each(IRIS_EDITS)(
    '%s',
    async (_, change, named) => {
      const edited = change(iris);
      expect(edited).not.toBe(iris);
      edit('iris', edited);
      try {
        const before = fingerprint(ws);
        for (const args of IRIS_COMMANDS) {
          const r = await cli(ws, ...args.map((a) => (a === 'INBOX' ? path.join(ws, INBOX) : a)));
          const said = `${args.join(' ')}: ${r.out}\n${r.err}`;
          expect(r.code, said).toBe(1);
          expect(said).not.toMatch(/Cannot read properties|undefined|NaN|at .*\.ts:\d+/);
          expect(r.err, said).toContain(
            `data/iris/dataset.yml changed since data/iris/v1 was backfilled: ${named}`,
          );
          expect(r.err, said).toContain('run backfill --new-version');
          expect(r.err, said).toContain('or revert the edit (git checkout -- data/iris/dataset.yml)');
          // v1 is not committed in this repository: the draft's shortcut is offered.
          expect(r.err, said).toContain(
            'data/iris/v1 is not committed: while the spec is still a draft you can simply delete data/iris/v1',
          );
        }
        expect(fingerprint(ws)).toBe(before);
      } finally {
        restore();
      }
    },
    180_000,
  );

  it('categories changed (titanic embarked): train and infer stop, titanic alone', async () => {
    edit('titanic', titanic.replace('      - { value: Q, label: Queenstown }\n', ''));
    try {
      const before = fingerprint(ws);
      for (const args of [
        ['train', '-d', 'titanic', '--force', '--no-search'],
        ['infer', '-d', 'titanic'],
      ]) {
        const r = await cli(ws, ...args);
        expect(r.code).toBe(1);
        expect(r.err).toContain(
          "data/titanic/dataset.yml changed since data/titanic/v1 was backfilled: feature 'embarked' categories: 'Q' removed",
        );
      }
      // The other dataset goes on; the run says which one failed (exit 3: partly done).
      const both = await cli(ws, 'stats');
      expect(both.code).not.toBe(0);
      expect(both.out + both.err).toContain('iris v1');
      expect(fingerprint(ws)).toBe(before);
    } finally {
      restore();
    }
  }, 120_000);

  it('a bundled action (infer, generate) fails with the same message as an error annotation, writing nothing', async () => {
    edit('iris', iris.replace(/ {4}- \{ value: Virginica.*\n/, ''));
    try {
      const before = fingerprint(ws);
      for (const stage of ['infer', 'generate']) {
        const run = await runActionBundle(stage, { now: NOW, dataset: 'iris' }, { workspace: ws });
        expect(run.code, run.stdout).toBe(1);
        const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
        expect(errors.join('\n')).toContain(
          "data/iris/dataset.yml changed since data/iris/v1 was backfilled: label.classes: 'Virginica' removed",
        );
        expect(run.stdout).not.toMatch(/Cannot read properties/);
      }
      expect(fingerprint(ws)).toBe(before);
    } finally {
      restore();
    }
  }, 120_000);

  it('site build says the same (the site is built from every dataset)', async () => {
    edit('iris', iris.replace(/ {4}- \{ value: Virginica.*\n/, ''));
    const out = mkdtempSync(path.join(os.tmpdir(), 'gitml-site-'));
    try {
      const r = await cli(
        ws,
        'site',
        'build',
        '--assets',
        path.join(REPO_ROOT, 'site', 'assets'),
        '--out',
        out,
      );
      expect(r.code).not.toBe(0);
      expect(r.out + r.err).toContain(
        "data/iris/dataset.yml changed since data/iris/v1 was backfilled: label.classes: 'Virginica' removed",
      );
      expect(r.out + r.err).not.toMatch(/Cannot read properties/);
    } finally {
      restore();
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('once v1 is committed, the message no longer suggests deleting it', async () => {
    commit(ws, 'backfill', '2026-11-02T00:00:00Z');
    edit('iris', iris.replace('range: [0.1, 15]', 'range: [1, 7]'));
    try {
      const r = await cli(ws, 'stats', '-d', 'iris');
      expect(r.code).toBe(1);
      expect(r.err).toContain("feature 'sepal_length' range narrowed [0.1, 15] → [1, 7]");
      expect(r.err).not.toContain('delete');
    } finally {
      restore();
    }
  });

  it('words only (a title, a unit, a class label) do not stop the readers; backfill names them', async () => {
    edit(
      'iris',
      iris
        .replace('title: Sepal length', 'title: Length of the sepal')
        .replace('label: Iris setosa', 'label: Setosa iris'),
    );
    try {
      expect((await cli(ws, 'stats', '-d', 'iris')).code).toBe(0);
      expect((await cli(ws, 'infer', '-d', 'iris')).code).toBe(0);
      const b = await cli(ws, 'backfill', '-d', 'iris');
      expect(b.code).toBe(1);
      expect(b.err).toContain(
        "the wording in dataset.yml changed since v1 was backfilled (feature 'sepal_length' title 'Sepal length' → 'Length of the sepal'; label.classes labels of 'Setosa')",
      );
    } finally {
      restore();
    }
  });

  it('after backfill --new-version the edited spec is read again', async () => {
    edit('iris', iris.replace('range: [0.1, 15]', 'range: [1, 8]'));
    try {
      const b = await cli(ws, 'backfill', '-d', 'iris', '--new-version');
      expect(b.code, b.err).toBe(0);
      expect(b.out).toContain('iris: v2 backfilled');
      const s = await cli(ws, 'stats', '-d', 'iris');
      expect(s.code, s.err).toBe(0);
      expect(s.out).toContain('iris v2');
    } finally {
      restore();
    }
  });
});
