// The site for a regression dataset, in Node: the build writes its predictor and dashboard with the
// label's unit, range and decimals, the champion's holdout MAE beside the mean baseline, and the home card
// names the task and shows live MAE with its window (never an accuracy it does not have); the regression
// chart specs validate against the Vega-Lite schema and compile without warnings; the date filter and
// the value formatting follow the numbers.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import * as vl from 'vega-lite';
import { beforeAll, describe, expect, test } from 'vitest';
import { ServingModel } from '../actions/lib/serving-model.js';
import { buildSite } from '../actions/lib/site-build.js';
import { datedData, filterReport, summarizeErrors } from '../site/src/dashboard-filter.js';
import type { PredictorData } from '../site/src/page-data.js';
import {
  errorRows,
  PREDICTED_VALUE_ROW,
  RESIDUAL_ROW,
  regressionCharts,
  regressionDriftRows,
} from '../site/src/regression-charts.js';
import { isRegressionReport, type RegressionReport } from '../site/src/regression-report.js';
import { fixed, shareOf, spanText, valueText } from '../site/src/value-format.js';
import { monitoringReport } from './fixtures/monitoring-report.js';
import { addRegressionDataset, REGRESSION, type RegressionChampion } from './fixtures/regression-site.js';
import { BUILD_TIME, SITE_ASSETS } from './helpers/site-workspace.js';
import { makeWorkspace } from './helpers/workspace.js';

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

describe('site build: a regression dataset', () => {
  let out: string;
  let champion: RegressionChampion;
  let report: RegressionReport;
  let result: ReturnType<typeof buildSite>;
  const read = (rel: string) => readFileSync(path.join(out, rel), 'utf8');
  const card = () => {
    const home = read('index.html');
    const start = home.indexOf(`data-dataset="${REGRESSION.name}"`);
    return home.slice(start, home.indexOf('</article>', start));
  };

  beforeAll(() => {
    // wine (classification, spec only) beside wine_score (regression, champion and monitoring file).
    const root = makeWorkspace(['wine']);
    ({ champion, report } = addRegressionDataset(root, 'random-forest-regressor'));
    out = tmp('gitml-site-reg-');
    result = buildSite(root, out, { assets: SITE_ASSETS, now: BUILD_TIME });
  }, 120_000);

  test('writes the predictor, the dashboard and their data; nothing fails', () => {
    expect(result.failed).toEqual([]);
    for (const rel of ['index.html', 'dashboard.html', 'model.json', 'predictor.json', 'monitoring.json'])
      expect(result.files).toContain(`${REGRESSION.name}/${rel}`);
    expect(read(`${REGRESSION.name}/index.html`)).toContain('data-data="predictor.json"');
    expect(read(`${REGRESSION.name}/dashboard.html`)).toContain('data-report="monitoring.json"');
  });

  test('predictor.json: the label with unit, range and decimals; holdout MAE, no accuracy; the interval kind', () => {
    const data = JSON.parse(read(`${REGRESSION.name}/predictor.json`)) as PredictorData;
    expect(data.task).toBe('regression');
    expect(data.label).toEqual({
      name: 'quality',
      title: 'Quality score',
      classes: [],
      type: 'numeric',
      unit: 'points',
      range: [0, 10],
      decimals: 0,
    });
    expect(data.champion?.holdoutAccuracy).toBeNull();
    expect(data.champion?.holdoutMae).toBeCloseTo(champion.holdout.mae, 12);
    expect(data.champion?.holdoutBaselineMae).toBeCloseTo(champion.holdout.baselineMae, 12);
    expect(data.champion?.algorithmTitle).toBe('Random forest');
    // The forest's interval is its trees' spread; no feature group yet, so no observed range or examples.
    expect(data.regression).toEqual({ observed: null, interval: 'trees' });
    expect(data.examples.ids).toEqual([]);
    expect(data.features.map((f) => f.name)).toEqual(champion.model.features.map((f) => f.name));
  });

  test('model.json: the champion as registered, and it predicts a value with its interval', () => {
    const served = JSON.parse(read(`${REGRESSION.name}/model.json`));
    expect(served).toEqual(JSON.parse(JSON.stringify(champion.model.toJSON())));
    const model = ServingModel.load(served, 'model.json');
    const row = champion.testRows[0].values;
    const p = model.predictOne(row) as ReturnType<typeof champion.model.predictOne>;
    expect(p.classIndex).toBe(-1);
    expect(p.probabilities).toEqual([]);
    expect(p.value).toBeGreaterThanOrEqual(0);
    expect(p.value).toBeLessThanOrEqual(10);
    expect(p.low).toBeLessThanOrEqual(p.high);
  });

  test('home card: the task, holdout MAE beside the mean baseline, live MAE with its window; no accuracy', () => {
    const text = card();
    expect(text).toContain('data-task="regression"');
    expect(text).toContain('<dt>Task</dt><dd>regression (in points)</dd>');
    const h = champion.holdout;
    expect(text).toContain(
      `<dt>Holdout MAE</dt><dd>${fixed(h.mae, 2)} points on ${h.rows} rows · mean baseline MAE ${fixed(h.baselineMae, 2)} points</dd>`,
    );
    const live = report.regression.live;
    expect(text).toContain(
      `<dt>Live MAE</dt><dd>${fixed(live.mae!, 2)} points (RMSE ${fixed(live.rmse!, 2)} points) over the last 30 days, ${live.labelled} labelled rows`,
    );
    expect(text).not.toMatch(/accuracy|%/);
    // The classification card beside it keeps its accuracy wording.
    expect(read('index.html')).toMatch(/data-dataset="wine"[\s\S]*?Holdout accuracy/);
  });

  test('monitoring.json is served as written', () => {
    expect(JSON.parse(read(`${REGRESSION.name}/monitoring.json`))).toEqual(
      JSON.parse(JSON.stringify(report)),
    );
  });
});

describe('regression dashboard charts', () => {
  let report: RegressionReport;
  let validate: ReturnType<Ajv['compile']>;

  beforeAll(() => {
    const root = makeWorkspace([]);
    ({ report } = addRegressionDataset(root, 'ridge'));
    const schema = JSON.parse(readFileSync('node_modules/vega-lite/build/vega-lite-schema.json', 'utf8'));
    validate = new Ajv({ strict: false, allowUnionTypes: true, allErrors: false }).compile(schema);
  }, 120_000);

  for (const interactive of [false, true]) {
    test(`every spec validates and compiles without warnings (interactive: ${interactive})`, () => {
      const charts = regressionCharts(report, { interactive, width: interactive ? 'container' : 560 });
      expect(charts.map((c) => c.id)).toEqual([
        'mae-over-time',
        'predicted-vs-actual',
        'rmse-over-time',
        'error-histogram',
        'drift',
        'version-mae',
        'rows-per-day',
      ]);
      for (const c of charts) {
        expect(validate(c.spec) ? [] : validate.errors?.slice(0, 3), c.id).toEqual([]);
        const warnings: string[] = [];
        const logger = {
          level: () => logger,
          error: (...m: unknown[]) => warnings.push(`error ${m.join(' ')}`) && logger,
          warn: (...m: unknown[]) => warnings.push(`warn ${m.join(' ')}`) && logger,
          info: () => logger,
          debug: () => logger,
        } as unknown as NonNullable<Parameters<typeof vl.compile>[1]>['logger'];
        vl.compile(c.spec, { logger });
        expect(warnings, c.id).toEqual([]);
        expect(c.description.length, c.id).toBeGreaterThan(40);
      }
    });
  }

  test('the charts say what they show: holdout and alert lines, y = x, the residual and predicted-value drift', () => {
    const byId = Object.fromEntries(regressionCharts(report).map((c) => [c.id, c]));
    expect(byId['mae-over-time'].description).toContain(
      `the champion's holdout MAE is ${fixed(report.champion!.holdoutMae!, 2)} points`,
    );
    expect(byId['mae-over-time'].description).toContain(
      `The alert fires above ${fixed(report.alerts[0].threshold, 2)} points`,
    );
    const scatter = JSON.stringify(byId['predicted-vs-actual'].spec);
    expect(scatter).toContain('"name":"identity"');
    expect(byId['predicted-vs-actual'].description).toContain(
      `${report.regression.scatter.length} labelled predictions`,
    );
    const names = regressionDriftRows(report).map((r) => r.name);
    expect(names.slice(-2)).toEqual([PREDICTED_VALUE_ROW, RESIDUAL_ROW]);
    expect(regressionDriftRows(report).at(-2)?.test).toBe('KS');
  });

  test('MAE rows: one per day and series, rolling lines where the window has labels', () => {
    const rows = errorRows(report, 'mae');
    const labelledDays = report.regression.daily.filter((d) => d.mae !== null).length;
    expect(rows.filter((r) => r.series === 'daily')).toHaveLength(labelledDays);
    expect(rows.filter((r) => r.series === 'rolling 30-day').length).toBeGreaterThanOrEqual(labelledDays);
  });

  test('the date selection narrows the regression days and scatter; errors are re-weighted by rows', () => {
    expect(isRegressionReport(report)).toBe(true);
    expect(isRegressionReport(monitoringReport())).toBe(false);
    const days = report.regression.daily;
    const range = { from: days[10].date, to: days[16].date };
    const view = filterReport(report as never, range);
    const r = view as unknown as RegressionReport;
    expect(r.regression.daily.map((d) => d.date)).toEqual(days.slice(10, 17).map((d) => d.date));
    expect(r.regression.scatter.every((p) => p.date >= range.from && p.date <= range.to)).toBe(true);
    const data = datedData(view, report as never);
    expect(Object.keys(data).sort()).toEqual([
      'maeOverTime',
      'modelChanges',
      'rmseOverTime',
      'rowsPerDay',
      'scatter',
    ]);
    const s = summarizeErrors(view);
    const picked = days.slice(10, 17);
    const n = picked.reduce((a, d) => a + d.labelled, 0);
    expect(s.mae).toBeCloseTo(picked.reduce((a, d) => a + (d.mae ?? 0) * d.labelled, 0) / n, 12);
    // A classification report has no errors to summarise.
    expect(summarizeErrors(monitoringReport())).toEqual({ mae: null, rmse: null });
  });
});

describe('value formatting', () => {
  test('fixed decimals, the unit, never -0; shares clamp to the range', () => {
    const label = { unit: 'points', decimals: 0 };
    expect(valueText(5.63, label)).toBe('6 points');
    expect(valueText(5.63, label, 2)).toBe('5.63 points');
    expect(valueText(-0.001, label, 1)).toBe('0.0 points');
    expect(valueText(2, {})).toBe('2.00');
    expect(spanText(5.21, 6.84, label, 1)).toBe('5.2–6.8 points');
    expect(shareOf(5, [0, 10])).toBe(0.5);
    expect(shareOf(-3, [0, 10])).toBe(0);
    expect(shareOf(12, [0, 10])).toBe(1);
    expect(shareOf(1, [3, 3])).toBe(0.5);
  });
});
