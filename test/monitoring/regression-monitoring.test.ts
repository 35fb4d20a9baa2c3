import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../actions/lib/files/workspace.js';
import type { ServingModel } from '../../actions/lib/models/serving-model.js';
import type { PredictionRecord } from '../../actions/lib/monitoring/monitoring-types.js';
import {
  ERROR_BINS_MAX,
  errorHistogram,
  liveWithin,
  maeAlert,
  maeThreshold,
  niceStep,
  regressionDaily,
  regressionMonitoring,
  regressionRows,
  SCATTER_MAX,
} from '../../actions/lib/monitoring/regression-monitoring.js';
import {
  checkModelTask,
  modelTask,
  predictValues,
  TaskMismatchError,
} from '../../actions/lib/monitoring/value-predictions.js';
import { PredictionLog, PredictionLogError } from '../../actions/lib/reports/prediction-log.js';

const RULE = { pValue: 0.05, psi: 0.2 };
const OPTS = { windowDays: 30, minWindowRows: 20, tolerances: [0.5, 1], rule: RULE };

interface Fixture {
  records: {
    id: number;
    eventTime: string;
    modelVersion: number;
    predicted: string;
    actual: string | null;
  }[];
  holdoutResiduals: number[];
  daily: Record<string, number | string | null>[];
  versions: { version: number; rows: number; labelled: number; mae: number; rmse: number }[];
  live: { labelled: number; mae: number; rmse: number; within: { tolerance: number; accuracy: number }[] };
  residualKs: { statistic: number; pValue: number; windowRows: number };
}
const fixture: Fixture = JSON.parse(
  readFileSync(path.join(__dirname, '../fixtures/scipy/regression-monitoring.json'), 'utf8'),
);
const asRecords = (rs: Fixture['records']): PredictionRecord[] =>
  rs.map((r) => ({ ...r, predictedAt: '2026-03-01T00:00:00Z', probability: 0, low: 0, high: 0 }));

/** Figures rounded to 6 decimals here and in numpy may differ in the last digit by summation order. */
const close = (a: number | null | string, b: number | null | string) => {
  if (typeof a !== 'number' || typeof b !== 'number') return expect(a).toBe(b);
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1.5e-6);
};

const record = (
  id: number,
  date: string,
  predicted: string,
  actual: string | null,
  version = 1,
): PredictionRecord => ({
  id,
  eventTime: `${date}T12:00:00Z`,
  predictedAt: `${date}T13:00:00Z`,
  modelVersion: version,
  predicted,
  probability: 0,
  low: Number(predicted) - 1,
  high: Number(predicted) + 1,
  actual,
});

describe('regression monitoring vs numpy / scipy (test/fixtures/scipy/make_regression_monitoring_fixture.py)', () => {
  const rows = regressionRows(asRecords(fixture.records));
  const report = regressionMonitoring(rows, { ...OPTS, holdoutResiduals: fixture.holdoutResiduals });

  it('MAE, RMSE and their rolling 7/30-day lines per day, pooled over rows', () => {
    expect(report.daily.map((d) => d.date)).toEqual(fixture.daily.map((d) => d.date));
    report.daily.forEach((d, i) => {
      const want = fixture.daily[i];
      for (const key of Object.keys(want)) close(d[key as keyof typeof d], want[key]);
    });
  });

  it('per model version', () => {
    expect(report.byVersion.map((v) => [v.version, v.rows, v.labelled])).toEqual(
      fixture.versions.map((v) => [v.version, v.rows, v.labelled]),
    );
    report.byVersion.forEach((v, i) => {
      close(v.mae, fixture.versions[i].mae);
      close(v.rmse, fixture.versions[i].rmse);
    });
    expect(report.byVersion[0].firstDate).toBe('2026-01-01');
    expect(report.byVersion[2].lastDate).toBe('2026-02-14');
  });

  it('live MAE, RMSE and accuracy within each tolerance over the window', () => {
    expect(report.live.labelled).toBe(fixture.live.labelled);
    close(report.live.mae, fixture.live.mae);
    close(report.live.rmse, fixture.live.rmse);
    expect(report.live.within).toEqual(fixture.live.within);
  });

  it('residual drift: KS of the holdout residuals vs the window residuals equals scipy ks_2samp', () => {
    const d = report.residualDrift!;
    expect(d.test).toBe('ks');
    expect(d.windowRows).toBe(fixture.residualKs.windowRows);
    expect(d.referenceRows).toBe(fixture.holdoutResiduals.length);
    expect(d.statistic).toBe(Number(fixture.residualKs.statistic.toPrecision(3)));
    expect(d.pValue).toBe(Number(fixture.residualKs.pValue.toPrecision(3)));
    expect(d.drifted).toBe(false);
  });

  it('the scatter holds the window labelled rows, the histogram counts every one of them', () => {
    expect(report.scatter.length).toBe(fixture.live.labelled);
    expect(report.errors.reduce((n, b) => n + b.count, 0)).toBe(fixture.live.labelled);
    expect(report.errors.length).toBeLessThanOrEqual(ERROR_BINS_MAX + 1);
  });
});

describe('regression monitoring, hand-checked', () => {
  // Day 1: errors +0.5 and −1; day 3: error 0 and one row waiting for its label.
  const records = [
    record(1, '2026-03-01', '5.5', '5'),
    record(2, '2026-03-01', '6', '7'),
    record(3, '2026-03-03', '4', '4', 2),
    record(4, '2026-03-03', '3.25', null, 2),
  ];
  const rows = regressionRows(records);

  it('daily and rolling MAE / RMSE', () => {
    const [d1, d3] = regressionDaily(rows);
    expect(d1).toEqual({
      date: '2026-03-01',
      rows: 2,
      labelled: 2,
      mae: 0.75,
      rmse: 0.790569, // sqrt((0.25 + 1) / 2)
      rolling7Mae: 0.75,
      rolling30Mae: 0.75,
      rolling7Rmse: 0.790569,
      rolling30Rmse: 0.790569,
      meanPredicted: 5.75,
      meanActual: 6,
    });
    // Rolling lines pool the rows of the days (0.5 + 1 + 0) / 3, not the mean of the days' MAEs.
    expect(d3).toMatchObject({ mae: 0, rmse: 0, rolling7Mae: 0.5, rolling7Rmse: 0.645497 });
    expect(d3.meanPredicted).toBe(3.625);
    expect(d3.meanActual).toBe(4);
  });

  it('within the tolerance counts an error of exactly T, whichever way doubles round it', () => {
    const r = regressionMonitoring(rows, { ...OPTS, holdoutResiduals: null });
    expect(r.live).toEqual({
      days: 30,
      labelled: 3,
      mae: 0.5,
      rmse: 0.645497,
      within: [
        { tolerance: 0.5, accuracy: 0.666667 },
        { tolerance: 1, accuracy: 1 },
      ],
    });
    // 5.3 − 4.8 is 0.5000000000000004 in doubles.
    const edge = regressionMonitoring(regressionRows([record(1, '2026-03-01', '5.3', '4.8')]), {
      ...OPTS,
      holdoutResiduals: null,
    });
    expect(edge.live.within[0].accuracy).toBe(1);
    expect(liveWithin(rows, 30, [1, 0.5])).toMatchObject({ labelled: 3, correct: 2, accuracy: 0.666667 });
    expect(liveWithin(rows, 30, [])).toMatchObject({ labelled: 3, accuracy: null, low: null, high: null });
  });

  it('residual drift is skipped with the reason when the holdout residuals are missing or few', () => {
    const none = regressionMonitoring(rows, { ...OPTS, holdoutResiduals: null, holdoutMissing: 'no ids' });
    expect(none.residualDrift).toBeNull();
    expect(none.residualDriftSkipped).toBe('no ids');
    const few = regressionMonitoring(rows, { ...OPTS, holdoutResiduals: new Float64Array(50) });
    expect(few.residualDriftSkipped).toBe(
      'the last 30 days have 3 labelled predictions; residual drift needs at least 20',
    );
  });

  it('error histogram: nice bins on multiples of the step, the same for any order', () => {
    const errors = [-1, 0.5, 0];
    const bins = errorHistogram(errors);
    // Range 1.5 over 20 bins is 0.075: the step rounds up to 0.1; edges −1.0 … 0.6.
    expect(bins.length).toBe(16);
    expect(bins[0]).toEqual({ from: -1, to: -0.9, count: 1 });
    expect(bins[10]).toEqual({ from: 0, to: 0.1, count: 1 });
    expect(bins[15]).toEqual({ from: 0.5, to: 0.6, count: 1 });
    expect(errorHistogram([0, 0.5, -1])).toEqual(bins);
    expect(errorHistogram([])).toEqual([]);
    expect(errorHistogram([0.25, 0.25])).toEqual([{ from: 0.25, to: 0.3, count: 2 }]);
    expect([0.075, 0.3, 0.00123, 7, 2.2, 10].map(niceStep)).toEqual([0.1, 0.5, 0.002, 10, 2.5, 10]);
  });

  it('the scatter keeps the newest 500 labelled rows of the window, oldest first', () => {
    const many = Array.from({ length: 700 }, (_, i) =>
      record(i + 1, `2026-03-${String(1 + Math.floor(i / 100)).padStart(2, '0')}`, '5', i % 7 ? '5' : null),
    );
    const r = regressionMonitoring(regressionRows(many), { ...OPTS, holdoutResiduals: null });
    const labelled = many.filter((m) => m.actual !== null);
    expect(r.scatter.length).toBe(SCATTER_MAX);
    expect(r.scatter[0].date).toBe(labelled[labelled.length - SCATTER_MAX].eventTime.slice(0, 10));
    expect(r.scatter[SCATTER_MAX - 1]).toEqual({ date: '2026-03-07', version: 1, predicted: 5, actual: 5 });
  });
});

describe('the MAE alert', () => {
  const label = { decimals: 0, unit: 'points' };
  const days = (mae: number, labelled: number) =>
    regressionDaily(
      regressionRows(
        Array.from({ length: labelled }, (_, i) =>
          record(i + 1, `2026-03-${String(1 + (i % 28)).padStart(2, '0')}`, String(5 + mae), '5'),
        ),
      ),
    );

  it('threshold: holdout MAE + 25% of it by default, or + the spec margin; the message names the source', () => {
    const byDefault = maeThreshold(0.4, 3, label, undefined);
    expect(byDefault.threshold).toBe(0.5);
    expect(byDefault.margin).toBe(0.1);
    expect(byDefault.why).toBe(
      'champion v3 holdout MAE 0.4 points + margin 0.1 points (25% of the holdout MAE, the default; set monitoring.maeMargin in dataset.yml to change it)',
    );
    const set = maeThreshold(0.4, 3, label, 0.3);
    expect(set.threshold).toBe(0.7);
    expect(set.why).toBe(
      'champion v3 holdout MAE 0.4 points + margin 0.3 points (monitoring.maeMargin in dataset.yml)',
    );
  });

  it('fires when the rolling 30-day MAE is above the threshold, waits for enough labelled rows', () => {
    const t = maeThreshold(0.4, 3, label, undefined);
    const high = maeAlert(days(0.75, 40), t, 20, label);
    expect(high).toEqual({
      kind: 'mae',
      active: true,
      message: `Rolling 30-day MAE 0.75 points is above the alert threshold 0.5 points (${t.why}).`,
      value: 0.75,
      threshold: 0.5,
    });
    const fine = maeAlert(days(0.25, 40), t, 20, label);
    expect(fine.active).toBe(false);
    expect(fine.message).toBe(`Rolling 30-day MAE is at or below the alert threshold 0.5 points (${t.why}).`);
    // Exactly at the threshold is not above it.
    expect(maeAlert(days(0.5, 40), t, 20, label).active).toBe(false);
    const few = maeAlert(days(0.75, 10), t, 20, label);
    expect(few).toMatchObject({ active: false, value: null });
    expect(few.message).toBe(
      'Fewer than 20 labelled predictions in the last 30 days: the MAE alert waits for more.',
    );
  });
});

describe('the regression prediction log', () => {
  it('writes value, interval and actual columns and reads them back; late labels fill actual', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gitml-reglog-'));
    try {
      const log = new PredictionLog(new Workspace(dir), 'toy', [], { decimals: 0 });
      const records = [
        { ...record(2, '2026-03-02', '5.67', null), low: 4.1, high: 6.25 },
        { ...record(1, '2026-03-01', '6', '6'), low: -0.5, high: 7 },
      ];
      log.write(records);
      const text = readFileSync(path.join(dir, 'reports/toy/predictions-2026-03.csv'), 'utf8');
      expect(text).toBe(
        'id,event_time,predicted_at,model_version,predicted,low,high,actual\n' +
          '1,2026-03-01T12:00:00Z,2026-03-01T13:00:00Z,1,6,-0.5,7,6\n' +
          '2,2026-03-02T12:00:00Z,2026-03-02T13:00:00Z,1,5.67,4.1,6.25,\n',
      );
      const back = log.read();
      expect(back).toEqual([records[1], records[0]]);
      log.write([back[0], { ...back[1], actual: '5' }]);
      expect(log.read()[1].actual).toBe('5');
      // A classification reader of the same folder refuses the regression header.
      expect(() => new PredictionLog(new Workspace(dir), 'toy', ['a', 'b']).read()).toThrow(
        "reports/toy/predictions-2026-03.csv line 1: header does not match id,event_time,predicted_at,model_version,predicted,probability,actual; it is a regression log but dataset.yml's label makes a classification task: move the old predictions-*.csv and monitoring.json out of reports/toy (git mv) and run infer again",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a value that is not a number is an error naming the file, line and column', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gitml-reglog-'));
    try {
      const ws = new Workspace(dir);
      const log = new PredictionLog(ws, 'toy', [], { decimals: 1 });
      log.write([record(1, '2026-03-01', '5.123', '5')]);
      const file = path.join(dir, 'reports/toy/predictions-2026-03.csv');
      const bad = readFileSync(file, 'utf8').replace(',6.123,', ',abc,');
      writeFileSync(file, bad);
      // The manifest is made to match the edit (a hand edit never does), so the value check is what speaks.
      const tampered = new PredictionLog(ws, 'toy', [], { decimals: 1 });
      (tampered as unknown as { manifest: () => unknown }).manifest = () => ({
        partitions: {
          '2026-03': {
            rows: 1,
            sha256: createHash('sha256').update(bad).digest('hex'),
          },
        },
      });
      expect(() => tampered.read()).toThrow(PredictionLogError);
      expect(() => tampered.read()).toThrow(
        "reports/toy/predictions-2026-03.csv line 2: high 'abc' is not a number",
      );
      // A record without its interval is refused before anything is written.
      expect(() => log.write([{ ...record(2, '2026-03-02', '5', null), low: undefined }])).toThrow(
        'a regression record needs a finite low and high',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the champion's task", () => {
  const model = (json: { task?: string }) =>
    ({
      json,
      task: json.task === 'regression' ? 'regression' : 'classification',
      predictValues: () => {
        throw new Error('not a regression model');
      },
    }) as unknown as ServingModel;
  it('is refused when it is not the task the spec makes, with the way out', () => {
    expect(modelTask(model({}))).toBe('classification');
    expect(modelTask(model({ task: 'regression' }))).toBe('regression');
    expect(() => checkModelTask(model({ task: 'regression' }), 'classification', 'wine champion v2')).toThrow(
      "wine champion v2: the champion is a regression model but dataset.yml's label makes a classification task; run train to register a classification champion",
    );
    expect(() => checkModelTask(model({}), 'regression', 'w')).toThrow(TaskMismatchError);
    expect(() =>
      predictValues(model({}), { rows: 0, cols: 0, data: new Float64Array(0) } as never, 'w v1'),
    ).toThrow(
      'w v1: the champion cannot predict values (model.json has no task: regression); run train to register a regression champion',
    );
  });
});
