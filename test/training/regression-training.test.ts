// Regression through training, serving and the registry, on in-memory TrainingData (the feature store's
// numeric labels are exercised end to end by the pipeline tests): metrics against scikit-learn, the CV
// search by MAE, honest splits, prediction intervals, the model file round trip and the MAE gate.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../actions/cli/command.js';
import { printRegression } from '../../actions/cli/commands/models.js';
import { stableStringify } from '../../actions/lib/core/json.js';
import { quantile } from '../../actions/lib/core/quantile.js';
import type { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { pearson } from '../../actions/lib/features/feature-view.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { ServingModel } from '../../actions/lib/models/serving-model.js';
import { gateVerdict, registerFitted, regressionGateCheck } from '../../actions/lib/pipelines/train.js';
import { isRegressionHoldout, ModelRegistry } from '../../actions/lib/registry/model-registry.js';
import type { DatasetSpec } from '../../actions/lib/spec/spec.js';
import { evaluate, meanRegressionMetrics, seededSplits } from '../../actions/lib/training/evaluation.js';
import { regressionMetrics } from '../../actions/lib/training/metrics.js';
import { overlapRows } from '../../actions/lib/training/splits.js';
import {
  checkTrainable,
  DEFAULT_REGRESSION_TRAINING,
  foldRows,
  predictValueRows,
  rowKeys,
  splitRows,
  type TrainingConfig,
  type TrainingOutcome,
  train,
} from '../../actions/lib/training/training.js';
import { linearData, wineScoreData } from '../helpers/regression-data.js';
import { makeWorkspace, REPO_ROOT } from '../helpers/workspace.js';

interface Case {
  actual: number[];
  predicted: number[];
  trainMean: number;
  tolerances: number[];
  mae: number;
  rmse: number;
  r2: number | null;
  medianAbsoluteError: number;
  within: number[];
  baselineMae: number;
  baselineRmse: number;
}

const fixture: { cases: Case[] } = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'test/fixtures/sklearn/regression_metrics.json'), 'utf8'),
);

const quick: TrainingConfig = {
  ...DEFAULT_REGRESSION_TRAINING,
  candidates: ['linear-regression', 'ridge', 'knn-regressor'],
  folds: 3,
};

describe('regressionMetrics', () => {
  it("matches scikit-learn's MAE, RMSE, R², median absolute error, within-T and mean baseline", () => {
    expect(fixture.cases.length).toBe(40);
    for (const c of fixture.cases) {
      const m = regressionMetrics(c.actual, c.predicted, c.trainMean, c.tolerances);
      expect(m.rows).toBe(c.actual.length);
      expect(m.mae).toBeCloseTo(c.mae, 12);
      expect(m.rmse).toBeCloseTo(c.rmse, 12);
      if (c.r2 !== null) expect(m.r2).toBeCloseTo(c.r2, 12);
      expect(m.medianAbsoluteError).toBeCloseTo(c.medianAbsoluteError, 12);
      expect(m.within.map((w) => w.tolerance)).toEqual(c.tolerances);
      expect(m.within.map((w) => w.accuracy)).toEqual(c.within);
      expect(m.baselineMae).toBeCloseTo(c.baselineMae, 12);
      expect(m.baselineRmse).toBeCloseTo(c.baselineRmse, 12);
    }
  });

  it('counts a prediction exactly T away as within T despite binary rounding', () => {
    const m = regressionMetrics([6, 5], [6.5, 5.6 - 0.1], 5.5, [0.5]);
    expect(m.within[0].accuracy).toBe(1);
  });
});

describe('regression training', () => {
  it('searches the regressors by MAE, beats the mean baseline and keeps duplicates on one side', () => {
    const data = linearData(300);
    // Duplicate feature rows with different targets: they must share a side of every split.
    const a = data.get('a') as Float64Array;
    const b = data.get('b') as Float64Array;
    const c = data.get('c') as Float64Array;
    const y0 = data.targets as Float64Array;
    for (let i = 0; i < 20; i++) {
      a[i + 100] = a[i];
      b[i + 100] = b[i];
      c[i + 100] = c[i];
      y0[i + 100] = y0[i] + 0.05;
    }
    const progress: string[] = [];
    const out = train(data, quick, (m) => progress.push(m));
    expect(out.cv.length).toBe((1 + 4 + 6) * 2);
    expect(out.cv.every((r) => Number.isFinite(r.meanMae) && r.foldMae?.length === 3)).toBe(true);
    const best = Math.min(...out.cv.map((r) => r.meanMae!));
    expect(out.chosen.meanMae).toBe(best);
    expect(['linear-regression', 'ridge']).toContain(out.chosen.algorithm);
    expect(progress.some((m) => m.includes('MAE'))).toBe(true);
    const h = out.holdout;
    expect(h.task).toBe('regression');
    if (h.task !== 'regression') return;
    expect(h.rows).toBe(out.test.length);
    expect(h.mae).toBeLessThan(0.3);
    expect(h.mae).toBeLessThan(h.baselineMae / 10);
    expect(h.r2).toBeGreaterThan(0.99);
    expect(h.within.map((w) => w.tolerance)).toEqual([0.5, 1]);
    expect(overlapRows(rowKeys(data), out.train, out.test)).toBe(0);
    expect(out.duplicates.holdoutOverlap).toBe(0);
    // The holdout metrics are those of the model's own predictions on the holdout rows.
    const pred = predictValueRows(out.model, data, out.test);
    const y = data.targets!;
    const trainMean = out.train.reduce((s, i) => s + y[i], 0) / out.train.length;
    expect(h).toEqual(
      regressionMetrics(
        out.test.map((i) => y[i]),
        pred,
        trainMean,
        [0.5, 1],
      ),
    );
    // The residual interval: the holdout residuals' 10th and 90th percentile.
    const residuals = out.test.map((i, r) => y[i] - pred[r]);
    expect(out.model.json.interval!.low).toBeCloseTo(quantile(residuals, 0.1), 9);
    expect(out.model.json.interval!.high).toBeCloseTo(quantile(residuals, 0.9), 9);
    expect(out.model.json.task).toBe('regression');
    expect(out.model.json.label).toEqual({
      name: 'y',
      title: 'y',
      classes: [],
      type: 'numeric',
      range: [-100, 100],
      decimals: 2,
    });
  });

  it('correlates features with the target itself for selection', () => {
    const data = linearData(200);
    const out = train(data, { ...quick, algorithm: 'ridge', selection: [0.5] });
    const y = data.targets!;
    expect(out.model.json.view.correlations.a).toBeCloseTo(pearson(data.get('a'), y, out.train), 5);
    // Only a reaches |r| 0.5 with the target (b's small slope and c's noise do not).
    expect(Math.abs(out.model.json.view.correlations.b)).toBeLessThan(0.5);
    expect(out.model.features.map((f) => f.name)).toEqual(['a']);
  });

  it('uses the shuffled group-aware split by default and the time or hash split when configured', () => {
    const data = linearData(200);
    const shuffled = splitRows(data, quick);
    expect(shuffled.test.length).toBe(40);
    const time = splitRows(data, { ...quick, split: 'time' });
    expect(time.test).toEqual(Array.from({ length: 40 }, (_, i) => 160 + i));
    const hash = splitRows(data, { ...quick, split: 'hash' });
    expect(hash.test.length).toBeGreaterThan(20);
    expect(hash.test).not.toEqual(shuffled.test);
  });

  it('refuses a constant target, a missing value and too few rows, naming the rule', () => {
    const data = linearData(60);
    const constant = { ...data, targets: new Float64Array(60).fill(6) };
    expect(() => checkTrainable(constant, quick)).toThrow(
      'toy_score: all 60 labelled rows have y = 6; a regressor needs at least two different values — add rows with other values',
    );
    const hole = Float64Array.from(data.targets!);
    hole[7] = Number.NaN;
    expect(() => checkTrainable({ ...data, targets: hole }, quick)).toThrow(
      "toy_score: label 'y' is NaN in row 8; a regressor needs a number in every labelled row",
    );
    expect(() => checkTrainable({ ...data, rows: [0, 1, 2] }, quick)).toThrow(/3 labelled rows are too few/);
  });

  it('gives the forest per-row intervals from its trees, on wine quality scores', () => {
    const data = wineScoreData(12);
    const out = train(data, {
      ...DEFAULT_REGRESSION_TRAINING,
      algorithm: 'random-forest-regressor',
      search: false,
    });
    expect(out.model.json.interval).toBeUndefined();
    const h = out.holdout;
    if (h.task !== 'regression') throw new Error('not regression');
    expect(h.mae).toBeLessThan(h.baselineMae);
    expect(h.within[1].accuracy).toBeGreaterThan(0.6);
    const X = out.model.matrixFor(
      data.schema,
      data.schema.map((f) => data.get(f.name)),
      data.rows.length,
      out.test,
    );
    const v = out.model.predictValues(X);
    expect(Array.from(v.value)).toEqual(Array.from(predictValueRows(out.model, data, out.test)));
    let spread = 0;
    for (let r = 0; r < out.test.length; r++) {
      expect(v.low[r]).toBeLessThanOrEqual(v.high[r]);
      spread += v.high[r] - v.low[r];
    }
    expect(spread / out.test.length).toBeGreaterThan(0.1);
  });
});

describe('regression serving model', () => {
  it('round-trips model.json and predicts one input with its value and interval', () => {
    const data = linearData(200);
    const out = train(data, { ...quick, algorithm: 'ridge', search: false });
    const text = stableStringify(out.model.toJSON());
    const loaded = ServingModel.load(JSON.parse(text), 'model.json');
    expect(stableStringify(loaded.toJSON())).toBe(text);
    expect(loaded.task).toBe('regression');
    const p = loaded.predictOne({ a: 2, b: 1, c: 0.5 });
    expect(p.classIndex).toBe(-1);
    expect(p.probabilities).toEqual([]);
    expect(p.value!).toBeCloseTo(3 * 2 - 2 + 5, 0);
    expect(p.low!).toBeCloseTo(p.value! + loaded.json.interval!.low, 12);
    expect(p.high!).toBeCloseTo(p.value! + loaded.json.interval!.high, 12);
    expect(p.low!).toBeLessThan(p.value!);
    expect(p.high!).toBeGreaterThan(p.value!);
    expect(() => loaded.predictOne({ a: 2, b: 1 })).toThrow(RangeError);
    expect(() => loaded.predictProba(loaded.matrixFor(data.schema, [[1], [1], [1]], 1))).toThrow(
      /a regression model has no classes/,
    );
  });

  it('refuses a corrupt regression model file, naming the rule', () => {
    const data = linearData(100);
    const json = train(data, { ...quick, algorithm: 'linear-regression', search: false }).model.toJSON();
    const bad = (m: unknown) => () => ServingModel.load(m, 'model.json');
    expect(bad({ ...json, task: 'ranking' })).toThrow(/task "ranking" is not 'regression'/);
    expect(bad({ ...json, label: { ...json.label, classes: [{ value: 'a', label: 'A' }] } })).toThrow(
      /must be type 'numeric' with no classes/,
    );
    expect(bad({ ...json, interval: { low: 1, high: 0 } })).toThrow(/interval must be/);
    expect(bad({ ...json, task: undefined })).toThrow(/label.classes must list at least two classes/);
  });
});

describe('the registry and the gate for regression', () => {
  it('gates on MAE (lower is better) with a tolerance in its units, or on a declared metric', () => {
    const actual = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const champion = Float64Array.from([1.5, 2.5, 3.5, 4.5, 5.5, 6.5]); // MAE 0.5
    const better = Float64Array.from([1.2, 2.2, 3.2, 4.2, 5.2, 6.2]); // MAE 0.2
    const worse = Float64Array.from([1.6, 2.6, 3.6, 4.6, 5.6, 6.6]); // MAE 0.6
    const o = { tolerances: [0.5], trainMean: 3.5, holdoutRows: 6, known: true };
    const win = regressionGateCheck(actual, better, champion, o);
    const lose = regressionGateCheck(actual, worse, champion, o);
    if (!('metrics' in win) || !('metrics' in lose)) throw new Error('no metrics');
    const v = gateVerdict(win, 1, 0, 'mae');
    expect(v.ok).toBe(true);
    expect(v.words('on the 6 rows')).toBe("MAE 0.2000 ≤ champion v1's 0.5000 on the 6 rows: promoted.");
    expect(v.previous).toMatchObject({ task: 'regression', metric: 'mae', version: 1, rows: 6 });
    expect((v.previous as { challengerMae: number }).challengerMae).toBeCloseTo(0.2, 12);
    expect(gateVerdict(lose, 1, 0, 'mae').ok).toBe(false);
    expect(gateVerdict(lose, 1, 0, 'mae').words('on the 6 rows')).toBe(
      "Kept as challenger: MAE 0.6000 > champion v1's 0.5000 on the 6 rows.",
    );
    expect(gateVerdict(lose, 1, 0.1000001, 'mae').ok).toBe(true);
    expect(gateVerdict(lose, 1, 0.09, 'mae').ok).toBe(false);
    expect(gateVerdict(lose, 1, 0, 'r2').ok).toBe(false);
    expect(gateVerdict(win, 1, 0, 'rmse').ok).toBe(true);
  });

  it('registers a regression version, its baseline and the best by MAE, RMSE and R²', () => {
    const root = makeWorkspace([]);
    const ws = new Workspace(root);
    const reg = new ModelRegistry(ws, 'toy_score');
    const data = linearData(200);
    const fits = [
      train(data, { ...quick, algorithm: 'knn-regressor', search: false }),
      train(data, { ...quick, algorithm: 'ridge', search: false }),
    ];
    for (const [k, out] of fits.entries()) {
      const h = out.holdout;
      if (h.task !== 'regression') throw new Error('not regression');
      reg.register(
        {
          task: 'regression',
          algorithm: out.model.json.algorithm,
          status: k === 0 ? 'champion' : 'challenger',
          createdAt: '2026-11-24T12:00:00Z',
          featureGroupVersion: 1,
          dataHash: 'x',
          configHash: 'y',
          holdout: {
            rows: h.rows,
            mae: h.mae,
            rmse: h.rmse,
            r2: h.r2,
            medianAbsoluteError: h.medianAbsoluteError,
            baselineMae: h.baselineMae,
            within: h.within,
          },
          decision: 'test',
        },
        { model: out.model, metrics: { holdout: h }, card: () => '# card\n' },
      );
    }
    const idx = reg.index();
    expect(idx.versions.map((v) => v.task)).toEqual(['regression', 'regression']);
    const e = reg.entry(2);
    expect(isRegressionHoldout(e.holdout)).toBe(true);
    expect(reg.holdoutBaseline(e)).toBe((fits[1].holdout as { baselineMae: number }).baselineMae);
    expect(reg.best('mae')?.version).toBe(2);
    expect(reg.best('rmse')?.version).toBe(2);
    expect(reg.best('r2')?.version).toBe(2);
    expect(reg.best('accuracy')).toBeNull();
    const loaded = reg.load(2);
    expect(loaded.task).toBe('regression');
    expect(stableStringify(loaded.toJSON())).toBe(stableStringify(fits[1].model.toJSON()));
  });
});

describe('registering a regression model (gate, metrics.json, card)', () => {
  it('records MAE figures, the interval and the MAE search; the gate keeps a worse model as challenger', () => {
    const root = makeWorkspace([]);
    const ws = new Workspace(root);
    const registry = new ModelRegistry(ws, 'toy_score');
    const data = linearData(240);
    const spec = {
      name: 'toy_score',
      label: { name: 'y', title: 'y', type: 'numeric', classes: [], tolerances: [0.5, 1], decimals: 2 },
    } as unknown as DatasetSpec;
    // The parts of a feature group registration reads (the group itself is the feature store's to test).
    const fg = {
      meta: { version: 1, label: { name: 'y', title: 'y', classes: [] } },
      dir: 'data/toy_score/v1',
      files: { description: 'working tree' },
    } as unknown as FeatureGroup;
    const config = { ...quick, includeSynthetic: false };
    const register = (out: TrainingOutcome, champion: ReturnType<ModelRegistry['champion']>) => {
      const check = champion
        ? regressionGateCheck(
            Float64Array.from(out.test, (i) => data.targets![i]),
            predictValueRows(out.model, data, out.test),
            predictValueRows(champion.model, data, out.test),
            { tolerances: [0.5, 1], trainMean: 0, holdoutRows: out.test.length, known: false },
          )
        : null;
      return registerFitted(
        {
          ws,
          spec,
          fg,
          registry,
          config,
          dataHash: 'd',
          configHash: 'c',
          champion,
          championCheck: check,
          opts: { now: new Date('2026-11-24T12:00:00Z') },
        },
        {
          model: out.model,
          holdout: out.holdout,
          cv: out.cv,
          chosen: out.chosen,
          trainRows: out.train.length,
          testIds: out.test.map((i) => i + 1),
          example: { a: '1', b: '2', c: '0.5' },
          eligible: data.rows.length,
          bySource: { backfill: data.rows.length },
          duplicates: out.duplicates,
        },
      );
    };
    const good = train(data, { ...quick, candidates: ['linear-regression', 'ridge'] });
    const v1 = register(good, null);
    expect(v1.entry).toMatchObject({ version: 1, task: 'regression', status: 'champion' });
    const worse = train(data, { ...quick, algorithm: 'knn-regressor', search: false });
    const v2 = register(worse, registry.champion());
    expect(v2.entry.status).toBe('challenger');
    expect(v2.entry.decision).toMatch(
      /^Kept as challenger: MAE \d\.\d{4} > champion v1's \d\.\d{4} on the same holdout \(champion v1's own holdout is not recorded/,
    );
    expect(v2.previousChampion).toMatchObject({ task: 'regression', version: 1, metric: 'mae' });
    const index = JSON.parse(readFileSync(path.join(root, 'models/toy_score/index.json'), 'utf8'));
    expect(Object.keys(index.versions[0].holdout).sort()).toEqual([
      'baselineMae',
      'mae',
      'medianAbsoluteError',
      'r2',
      'rmse',
      'rows',
      'within',
    ]);
    const metrics = JSON.parse(readFileSync(path.join(root, 'models/toy_score/v1/metrics.json'), 'utf8'));
    expect(metrics.task).toBe('regression');
    expect(metrics.holdout.task).toBe('regression');
    expect(metrics.interval).toMatchObject({ kind: 'residuals', quantiles: [0.1, 0.9] });
    expect(metrics.crossValidation[0]).toHaveProperty('meanMae');
    expect(metrics.crossValidation[0]).not.toHaveProperty('meanAccuracy');
    const card = readFileSync(path.join(root, 'models/toy_score/v1/card.md'), 'utf8');
    for (const s of [
      'Holdout MAE **',
      '| MAE (mean absolute error) |',
      '| accuracy within 0.5 |',
      '| accuracy within 1 |',
      'training-mean baseline',
      'Prediction interval: the prediction',
      '| candidate | mean MAE | folds |',
      '(chosen)',
    ])
      expect(card).toContain(s);
    const card2 = readFileSync(path.join(root, 'models/toy_score/v2/card.md'), 'utf8');
    expect(card2).toContain('Gate (mae), on the');
    expect(registry.load(1).predictOne({ a: 1, b: 1, c: 1 }).value).toBeCloseTo(6, 0);
  });
});

describe('shuffled split and folds (regression has no classes to stratify by)', () => {
  it('keeps identical feature rows together and balances fold sizes', () => {
    const data = linearData(400);
    const a = data.get('a') as Float64Array;
    const b = data.get('b') as Float64Array;
    const c = data.get('c') as Float64Array;
    // 30 groups of 3 identical feature rows.
    for (let g = 0; g < 30; g++)
      for (const d of [1, 2]) {
        a[200 + g * 3 + d] = a[200 + g * 3];
        b[200 + g * 3 + d] = b[200 + g * 3];
        c[200 + g * 3 + d] = c[200 + g * 3];
      }
    const keys = rowKeys(data);
    for (const seed of [1, 2, 3]) {
      const s = splitRows(data, { ...quick, seed });
      expect(s.train.length + s.test.length).toBe(400);
      expect(Math.abs(s.test.length - 80)).toBeLessThanOrEqual(2);
      expect(overlapRows(keys, s.train, s.test)).toBe(0);
      const folds = foldRows(data, { ...quick, folds: 5, seed }, s.train);
      expect(folds.flat().sort((x, y) => x - y)).toEqual(s.train);
      for (const f of folds) {
        expect(Math.abs(f.length - s.train.length / 5)).toBeLessThanOrEqual(3);
        expect(
          overlapRows(
            keys,
            f,
            s.train.filter((i) => !f.includes(i)),
          ),
        ).toBe(0);
      }
    }
    const again = splitRows(data, { ...quick, seed: 1 });
    expect(again).toEqual(splitRows(data, { ...quick, seed: 1 }));
    expect(again.test).not.toEqual(splitRows(data, { ...quick, seed: 2 }).test);
  });
});

describe('evaluate for a regressor', () => {
  it('scores each family by MAE per split and prints ours beside scikit-learn with the mean baseline', () => {
    const data = linearData(200);
    const splits = seededSplits(data, [0, 1]);
    const rows = evaluate(data, quick, splits, { families: ['linear-regression', 'ridge'], pipeline: true });
    expect(rows.map((r) => r.name).slice(0, 2)).toEqual(['linear-regression', 'ridge']);
    expect(rows[2].name).toMatch(/^pipeline: (linear-regression|ridge)/);
    for (const r of rows) {
      expect(r.metric).toBe('mae');
      expect(r.scores).toEqual(r.regression!.map((m) => m.mae));
      expect(r.mean).toBeCloseTo((r.scores[0] + r.scores[1]) / 2, 12);
    }
    const lines: string[] = [];
    const theirs = rows[0].regression!.map(({ task: _, ...m }) => ({ ...m, mae: m.mae + 0.01 }));
    printRegression(
      { out: (l: string) => lines.push(l) } as unknown as CommandContext,
      rows,
      { 'linear-regression': theirs },
      'points',
    );
    expect(lines[0]).toMatch(/^ {2}model +by +MAE +RMSE +R² +MedAE +≤0\.5 +≤1 {3}\(points\)$/);
    expect(lines[1]).toContain('predict the training mean (baseline)');
    expect(lines[2]).toMatch(/^ {2}linear-regression +gitml +0\.\d{4} /);
    const ours = meanRegressionMetrics(rows[0].regression!).mae;
    expect(lines[3]).toMatch(new RegExp(`^ +sklearn +${(ours + 0.01).toFixed(4)} `));
    expect(lines[4]).toMatch(/^ {2}ridge +gitml/);
    expect(lines[5]).toMatch(/^ {2}pipeline: .+ gitml/);
    expect(lines.length).toBe(6);
  });
});
