// Issue #13 §1 and §4: identical feature rows never straddle a holdout split or a CV fold (on the bundled
// datasets and on random heavily-duplicated data, over seeds), the model card reports duplicates and the
// overlap, the gate compares on holdout rows the champion never saw, and macro averages equal
// scikit-learn's (labels present in truth or prediction).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { createRng } from '../../actions/lib/models/random.js';
import { trainingData } from '../../actions/lib/pipelines/train.js';
import { classificationMetrics } from '../../actions/lib/training/metrics.js';
import {
  contentKeys,
  hashSplit,
  SplitError,
  stratifiedFolds,
  stratifiedSplit,
  timeSplit,
} from '../../actions/lib/training/splits.js';
import {
  DEFAULT_TRAINING,
  foldRows,
  rowKeys,
  SPLIT_KINDS,
  splitRows,
  type TrainingData,
} from '../../actions/lib/training/training.js';
import { cli, expectCliOk, fingerprint, makeWorkspace, REPO_ROOT, read } from '../helpers/workspace.js';

/** The feature values of a row as text: an independent notion of "identical rows" (no content key). */
function rowText(data: TrainingData, i: number): string {
  return data.schema.map((f) => data.get(f.name)[i]).join('|');
}

/** Asserts `parts` partition `rows` and no feature row appears in two parts. */
function expectNoStraddle(data: TrainingData, rows: readonly number[], parts: number[][]): void {
  expect(parts.flat().sort((a, b) => a - b)).toEqual([...rows].sort((a, b) => a - b));
  const side = new Map<string, number>();
  parts.forEach((part, p) => {
    for (const i of part) {
      const t = rowText(data, i);
      const seen = side.get(t);
      if (seen !== undefined && seen !== p)
        throw new Error(`${data.dataset}: row ${i} (${t}) is in part ${p} and a twin in part ${seen}`);
      side.set(t, p);
    }
  });
}

const bundled = (() => {
  const ws = new Workspace(REPO_ROOT);
  return ['iris', 'titanic', 'wine'].map((name) => {
    const fg = FeatureGroup.open(ws, ws.loadSpec(name));
    return trainingData(fg, fg.read(), false);
  });
})();

/** n rows drawn from `distinct` feature vectors (so most rows have twins), labels random per row. */
function duplicated(n: number, distinct: number, nClasses: number, seed: number): TrainingData {
  const rand = createRng(seed);
  const protos = Array.from({ length: distinct }, () => [Math.floor(rand() * 50), Math.floor(rand() * 3)]);
  const pick = Array.from({ length: n }, () => protos[Math.floor(rand() * distinct)]);
  const cols = [Float64Array.from(pick, (p) => p[0]), Float64Array.from(pick, (p) => p[1])];
  // Labels follow the prototype mostly, so strata are meaningful, with some label noise inside a group.
  const labels = Int32Array.from(pick, (p) =>
    rand() < 0.8 ? (p[0] + p[1]) % nClasses : Math.floor(rand() * nClasses),
  );
  return {
    dataset: `random-${seed}`,
    schema: [
      { name: 'a', title: 'a', type: 'numeric' },
      { name: 'b', title: 'b', type: 'numeric' },
    ] as TrainingData['schema'],
    label: {
      name: 'y',
      title: 'y',
      classes: Array.from({ length: nClasses }, (_, c) => ({ value: `c${c}`, label: `c${c}` })),
    },
    get: (name) => cols[name === 'a' ? 0 : 1],
    labels,
    eventTimes: Float64Array.from({ length: n }, () => Math.floor(rand() * 1000)),
    ids: Float64Array.from({ length: n }, (_, i) => i + 1),
    rows: Array.from({ length: n }, (_, i) => i),
  };
}

describe('honest splits: identical feature rows never straddle a split or a fold', () => {
  it('the bundled datasets have duplicates (so the property is not vacuous)', () => {
    const distinct = bundled.map((d) => new Set(d.rows.map((i) => rowText(d, i))).size);
    expect(distinct.map((n, k) => bundled[k].rows.length - n).every((dups) => dups > 0)).toBe(true);
  });

  for (const data of bundled) {
    it(`${data.dataset}: every split kind over 4 seeds, and the 5 CV folds of each stratified training part`, () => {
      for (const seed of [0, 1, 42, 12345]) {
        for (const split of SPLIT_KINDS) {
          const { train, test } = splitRows(data, { ...DEFAULT_TRAINING, split, seed }, seed);
          expectNoStraddle(data, data.rows, [train, test]);
          if (split === 'stratified') {
            // About 20% of rows, per class within a few rows of the exact share.
            expect(Math.abs(test.length - 0.2 * data.rows.length)).toBeLessThan(0.02 * data.rows.length + 3);
            const folds = foldRows(data, { ...DEFAULT_TRAINING, seed }, train);
            expect(folds).toHaveLength(5);
            expectNoStraddle(data, train, folds);
            for (const f of folds)
              expect(Math.abs(f.length - train.length / 5)).toBeLessThan(0.05 * train.length);
          }
        }
      }
    });
  }

  it('random data where most rows have twins (and twins may disagree on the label), 25 seeds', () => {
    for (let seed = 0; seed < 25; seed++) {
      const data = duplicated(60 + seed * 13, 5 + seed, 2 + (seed % 4), seed);
      for (const split of SPLIT_KINDS) {
        let parts: { train: number[]; test: number[] };
        try {
          parts = splitRows(data, { ...DEFAULT_TRAINING, split, seed }, seed);
        } catch (err) {
          // The hash split can leave a side empty on few groups; it says so.
          expect(split).toBe('hash');
          expect((err as Error).message).toMatch(/each side needs at least one/);
          continue;
        }
        expectNoStraddle(data, data.rows, [parts.train, parts.test]);
        expect(parts.test.length).toBeGreaterThan(0);
        expect(parts.train.length).toBeGreaterThan(0);
        if (split !== 'stratified') continue;
        const groups = new Set(parts.train.map((r) => rowText(data, r))).size;
        const folds = () => foldRows(data, { ...DEFAULT_TRAINING, seed }, parts.train);
        if (groups >= 5) expectNoStraddle(data, parts.train, folds());
        else expect(folds).toThrow(/5-fold cross-validation needs at least 5 distinct feature rows/);
      }
    }
  });

  it('the time split sends a group to the side of its earliest row', () => {
    // Rows 0 and 3 are twins: 0 is the oldest, 3 the newest. The twin pair trains; the holdout is row 2.
    const keys = Float64Array.from([7, 8, 9, 7, 10]);
    const times = Float64Array.from([0, 1, 3, 4, 2]);
    expect(timeSplit(times, keys, [0, 1, 2, 3, 4], 0.2)).toEqual({ train: [0, 1, 3, 4], test: [2] });
  });

  it('identical rows share a content key whatever their label or id; the key reads every feature', () => {
    const cols = [Float64Array.from([1, 1, 1, -0, 0]), Float64Array.from([2, 2, 3, 5, 5])];
    const k = contentKeys(cols, [0, 1, 2, 3, 4], 5);
    expect(k[0]).toBe(k[1]);
    expect(k[0]).not.toBe(k[2]);
    expect(k[3]).toBe(k[4]); // −0 and 0 are the same value
    expect(Number.isSafeInteger(k[0])).toBe(true);
    // The hash split decides by the key: twins with different ids share a side.
    const ids = Float64Array.from([1, 2, 3, 4, 5]);
    for (let seed = 0; seed < 50; seed++) {
      const { test } = (() => {
        try {
          return hashSplit(k, [0, 1, 2, 3, 4], 0.5, seed);
        } catch {
          return { test: [] as number[] };
        }
      })();
      expect(test.includes(0)).toBe(test.includes(1));
      expect(test.includes(3)).toBe(test.includes(4));
    }
    expect(ids).toHaveLength(5);
  });

  it('all rows identical, or too few distinct rows: a clear error naming the rule and the way out', () => {
    const labels = Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const same = new Float64Array(10).fill(42);
    const rows = Array.from({ length: 10 }, (_, i) => i);
    const allDuplicate =
      /all 10 labelled rows have identical feature values .* at least 2 distinct feature rows/;
    expect(() => stratifiedSplit(labels, same, rows, 2, 0.2, 1)).toThrow(SplitError);
    expect(() => stratifiedSplit(labels, same, rows, 2, 0.2, 1)).toThrow(allDuplicate);
    expect(() => timeSplit(new Float64Array(10), same, rows, 0.2)).toThrow(allDuplicate);
    const threeGroups = Float64Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3, 3]);
    expect(() => stratifiedFolds(labels, threeGroups, rows, 2, 5, 1)).toThrow(
      /5-fold cross-validation needs at least 5 distinct feature rows .* the 10 training rows have 3 — add rows that differ or lower --folds/,
    );
    // Two groups: one each side, whatever their sizes.
    const two = Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
    for (let seed = 0; seed < 10; seed++) {
      const s = stratifiedSplit(labels, two, rows, 2, 0.2, seed);
      expect(s.train.length * s.test.length).toBeGreaterThan(0);
      expect(new Set(s.test.map((i) => two[i])).size).toBe(1);
    }
  });

  it('train refuses all-duplicate data with that error and writes nothing', async () => {
    const ws = makeWorkspace(['iris']);
    const spec = path.join(ws, 'data/iris/source.csv');
    const header = readFileSync(spec, 'utf8').split('\n')[0];
    const first = readFileSync(spec, 'utf8').split('\n')[1];
    const cells = first.split(',');
    const rows = Array.from({ length: 40 }, (_, i) => {
      const c = [...cells];
      c[c.length - 1] = i % 2 ? 'Versicolor' : 'Setosa';
      return c.join(',');
    });
    writeFileSync(spec, [header, ...rows, ''].join('\n'));
    expect((await cli(ws, 'backfill')).code).toBe(0);
    const before = fingerprint(path.join(ws, 'models'));
    const r = await cli(ws, 'train', '--algorithm', 'gaussian-nb', '--folds', '3');
    expect(r.code).toBe(1);
    expect(fingerprint(path.join(ws, 'models'))).toBe(before);
    expect(r.err).toMatch(/iris: .*all 40 labelled rows have identical feature values/);
  });
});

describe('the model card and metrics.json report duplicates and the train–holdout overlap', () => {
  it('wine: the duplicate count equals the training rows minus their distinct feature rows; overlap 0', async () => {
    const ws = makeWorkspace(['wine']);
    await cli(ws, 'backfill');
    expect((await cli(ws, 'train', '--algorithm', 'gaussian-nb', '--no-search')).code).toBe(0);
    const metrics = JSON.parse(read(ws, 'models/wine/v1/metrics.json'));
    const fg = FeatureGroup.open(new Workspace(ws), new Workspace(ws).loadSpec('wine'));
    const table = fg.read();
    const data = trainingData(fg, table, false);
    const test = new Set<number>(metrics.split.testIds);
    const trainRows = data.rows.filter((i) => !test.has(table.ids[i]));
    const testRows = data.rows.filter((i) => test.has(table.ids[i]));
    const trainTexts = new Set(trainRows.map((i) => rowText(data, i)));
    expect(metrics.split.duplicateTrainRows).toBe(trainRows.length - trainTexts.size);
    expect(metrics.split.duplicateTrainRows).toBeGreaterThan(500); // wine has about a fifth duplicates
    expect(testRows.filter((i) => trainTexts.has(rowText(data, i)))).toEqual([]);
    expect(metrics.split.holdoutOverlap).toBe(0);
    const card = read(ws, 'models/wine/v1/card.md');
    expect(card).toContain(
      `| duplicate rows in the training data | ${metrics.split.duplicateTrainRows} (rows whose features equal an earlier training row's) |`,
    );
    expect(card).toContain(
      "| train–holdout overlap | 0 holdout rows with features equal to a training row's |",
    );
    expect(card).toMatch(
      /Macro averages are over the \d classes present in the holdout's truth or predictions \(scikit-learn's convention\)/,
    );
  });
});

describe('the champion/challenger gate uses holdout rows the champion never saw', () => {
  it('a champion trained on another split is compared only on rows outside its training data', async () => {
    const ws = makeWorkspace(['titanic']);
    await cli(ws, 'backfill');
    expect((await cli(ws, 'train', '--algorithm', 'random-forest', '--folds', '3', '--seed', '7')).code).toBe(
      0,
    );
    const r = await cli(ws, 'train', '--algorithm', 'gaussian-nb', '--no-search', '--seed', '42');
    expectCliOk(r);
    const v1 = JSON.parse(read(ws, 'models/titanic/v1/metrics.json'));
    const v2 = JSON.parse(read(ws, 'models/titanic/v2/metrics.json'));
    // Independently: rows in both holdouts whose features no v1 training row has.
    const fg = FeatureGroup.open(new Workspace(ws), new Workspace(ws).loadSpec('titanic'));
    const table = fg.read();
    const data = trainingData(fg, table, false);
    const held1 = new Set<number>(v1.split.testIds);
    const v1Train = new Set(data.rows.filter((i) => !held1.has(table.ids[i])).map((i) => rowText(data, i)));
    const held2 = new Set<number>(v2.split.testIds);
    const fresh = data.rows.filter(
      (i) => held2.has(table.ids[i]) && held1.has(table.ids[i]) && !v1Train.has(rowText(data, i)),
    );
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.length).toBeLessThan(v2.split.test);
    expect(v2.previousChampion.rows).toBe(fresh.length);
    expect(r.out).toContain(`on the ${fresh.length} of ${v2.split.test} holdout rows champion v1 never saw`);
    // The champion's figures are its accuracy on exactly those rows.
    const champion = (await import('../../actions/lib/registry/model-registry.js')).ModelRegistry;
    const model = new champion(new Workspace(ws), 'titanic').load(1);
    const { predictRows } = await import('../../actions/lib/training/training.js');
    const pred = predictRows(model, data, fresh);
    const correct = fresh.filter((i, k) => pred[k] === data.labels[i]).length;
    expect(v2.previousChampion.accuracy).toBeCloseTo(correct / fresh.length, 12);
    expect(read(ws, 'models/titanic/v2/card.md')).toContain(
      `Gate, on the ${fresh.length} holdout rows previous champion v1 never saw`,
    );
  });

  it('a champion whose holdout shares no row with the new one is replaced, saying why; an unrecorded holdout is said', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    await cli(ws, 'train', '--algorithm', 'gaussian-nb', '--no-search');
    const file = path.join(ws, 'models/iris/v1/metrics.json');
    const metrics = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...metrics, split: { ...metrics.split, testIds: [] } }));
    const none = await cli(ws, 'train', '--algorithm', 'knn', '--no-search');
    expect(none.out).toContain(
      'None of the 30 holdout rows is unseen by champion v1 (it was trained on another split), so the gate cannot compare them honestly: replaced',
    );
    expect(JSON.parse(read(ws, 'models/iris/index.json')).champion).toBe(2);
    const v2 = path.join(ws, 'models/iris/v2/metrics.json');
    const m2 = JSON.parse(readFileSync(v2, 'utf8'));
    writeFileSync(v2, JSON.stringify({ ...m2, split: { kind: 'stratified' } }));
    const unknown = await cli(ws, 'train', '--algorithm', 'gaussian-nb', '--no-search', '--force');
    expect(unknown.out).toContain(
      "on the same holdout (champion v2's own holdout is not recorded, so it may have trained on some of these rows)",
    );
  });

  it('retraining on unchanged data and split compares on the whole holdout', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    await cli(ws, 'train', '--algorithm', 'gaussian-nb', '--no-search');
    const r = await cli(ws, 'train', '--algorithm', 'knn', '--no-search');
    expect(r.out).toContain('on the 30 of 30 holdout rows champion v1 never saw');
  });
});

describe("macro averages follow scikit-learn's convention (classes present in truth or prediction)", () => {
  const fixture = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'test/fixtures/sklearn/macro_averages.json'), 'utf8'),
  ) as {
    cases: {
      classes: number;
      actual: number[];
      predicted: number[];
      accuracy: number;
      macro: Record<'precision' | 'recall' | 'f1', number>;
      weighted: Record<'precision' | 'recall' | 'f1', number>;
      macroClasses: number[];
    }[];
  };

  it('60 random cases, 45 with declared classes absent from both vectors', () => {
    expect(fixture.cases.filter((c) => c.macroClasses.length < c.classes)).toHaveLength(45);
    for (const c of fixture.cases) {
      const names = Array.from({ length: c.classes }, (_, k) => `k${k}`);
      const m = classificationMetrics(Int32Array.from(c.actual), Int32Array.from(c.predicted), names);
      expect(m.accuracy).toBeCloseTo(c.accuracy, 12);
      for (const key of ['precision', 'recall', 'f1'] as const) {
        expect(m.macro[key]).toBeCloseTo(c.macro[key], 12);
        expect(m.weighted[key]).toBeCloseTo(c.weighted[key], 12);
      }
      expect(m.macroClasses).toEqual(c.macroClasses.map((k) => `k${k}`));
    }
  });

  it('an absent class does not drag the macro average down', () => {
    const m = classificationMetrics(Int32Array.from([0, 1, 0, 1]), Int32Array.from([0, 1, 0, 1]), [
      'a',
      'b',
      'c',
    ]);
    expect(m.macro).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(m.macroClasses).toEqual(['a', 'b']);
    expect(m.perClass.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });
});

// rowKeys is what train uses; a content-key collision would merge groups, never split one.
describe('rowKeys', () => {
  it('gives twins one key on every bundled dataset', () => {
    for (const data of bundled) {
      const keys = rowKeys(data);
      const byText = new Map<string, number>();
      for (const i of data.rows) {
        const t = rowText(data, i);
        if (byText.has(t)) expect(keys[i]).toBe(byText.get(t));
        else byText.set(t, keys[i]);
      }
      expect(new Set(byText.values()).size).toBe(byText.size); // no collisions here
    }
  });
});
