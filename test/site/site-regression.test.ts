// The site for a regression dataset, in Node: the build writes its predictor and dashboard with the
// label's unit, range and decimals, the champion's holdout MAE beside the mean baseline, and the home card
// names the task and shows live MAE with its window (never an accuracy it does not have); the regression
// chart specs validate against the Vega-Lite schema and compile without warnings; the date filter and
// the value formatting follow the numbers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import { allCharts } from '../../actions/lib/charts/chart-list.js';
import { grouped } from '../../actions/lib/core/format.js';
import { encodeBase64 } from '../../actions/lib/models/base64.js';
import { fromWire } from '../../actions/lib/models/model-wire.js';
import { ServingModel } from '../../actions/lib/models/serving-model.js';
import { buildSite } from '../../site/src/build/site-build.js';
import { datedData, filterReport, summarizeErrors } from '../../site/src/client/dashboard-filter.js';
import type { PredictorData } from '../../site/src/client/page-data.js';
import { isRegressionReport, type RegressionReport } from '../../site/src/client/regression-report.js';
import { errorText, shareOf, spanText, valueText } from '../../site/src/client/value-format.js';
import { monitoringReport, regressionMonitoringReport } from '../fixtures/monitoring-report.js';
import {
  addRegressionDataset,
  predictValue,
  REGRESSION,
  type RegressionChampion,
} from '../fixtures/regression-site.js';
import { BUILD_TIME, SITE_ASSETS } from '../helpers/site-workspace.js';
import { makeWorkspace } from '../helpers/workspace.js';

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

  beforeAll(async () => {
    // wine (classification, spec only) beside wine_score (regression: group, champion, monitoring file).
    const root = makeWorkspace(['wine', 'wine_score']);
    const made = await addRegressionDataset(root, 'random-forest-regressor');
    champion = made.champion;
    report = made.report!;
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
    // The forest's interval is its trees' spread; the observed range is the group's labels (Wine: 3–9).
    expect(data.regression).toEqual({ observed: [3, 9], interval: 'trees' });
    // Examples are real labelled rows of the group, their actual scores as whole points.
    expect(data.examples.ids.length).toBeGreaterThan(0);
    expect(data.examples.actual.every((a) => /^\d$/.test(a))).toBe(true);
    expect(data.features.map((f) => f.name)).toEqual(champion.model.features.map((f) => f.name));
  });

  test('model.json + model.bin: the champion as registered, and it predicts a value with its interval', () => {
    const header = JSON.parse(read(`${REGRESSION.name}/model.json`));
    const bin = gunzipSync(readFileSync(path.join(out, REGRESSION.name, 'model.bin')));
    const joined = fromWire(header, bin, 'model.json') as { estimator: Record<string, unknown> };
    // The registry's form: byte streams as base64 text (a Buffer here: isView, not instanceof, across realms).
    const estimator = Object.fromEntries(
      Object.entries(joined.estimator).map(([k, v]) => [
        k,
        ArrayBuffer.isView(v) ? encodeBase64(v as Uint8Array) : v,
      ]),
    );
    expect({ ...joined, estimator }).toEqual(JSON.parse(JSON.stringify(champion.model.toJSON())));
    const model = ServingModel.load(joined, 'model.json');
    const row = champion.testRows[0].values;
    const p = model.predictOne(row);
    expect(p.classIndex).toBe(-1);
    expect(p.probabilities).toEqual([]);
    const { value, low, high } = predictValue(model, row);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(10);
    expect(low).toBeLessThanOrEqual(high);
  });

  test('home card: the task, holdout MAE beside the mean baseline, live MAE with its window; no accuracy', () => {
    const text = card();
    expect(text).toContain('data-task="regression"');
    expect(text).toContain('<dt>Task</dt><dd>regression (in points)</dd>');
    const h = champion.holdout;
    const label = REGRESSION.label;
    // Errors as the monitoring report writes them: three decimals finer than the label, with the unit.
    expect(errorText(0.52349, label)).toBe('0.523 points');
    expect(text).toContain(
      `<dt>Holdout MAE</dt><dd>${errorText(h.mae, label)} on ${grouped(h.rows)} rows · mean baseline MAE ${errorText(h.baselineMae, label)}</dd>`,
    );
    const live = report.regression.live;
    expect(text).toContain(
      `<dt>Live MAE</dt><dd>${errorText(live.mae!, label)} (RMSE ${errorText(live.rmse!, label)}) over the last 30 days, ${live.labelled} labelled rows`,
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

describe('site build: a regression dataset before its first monitoring run, and before its first model', () => {
  test('the card keeps the holdout MAE and says monitoring has not run; without a model, says so', async () => {
    const root = makeWorkspace(['wine_score']);
    const { champion } = await addRegressionDataset(root, 'ridge', { daily: false });
    const out = tmp('gitml-site-reg-nomon-');
    expect(buildSite(root, out, { assets: SITE_ASSETS, now: BUILD_TIME }).failed).toEqual([]);
    const home = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(home).toContain(`<dt>Holdout MAE</dt><dd>${errorText(champion.holdout.mae, REGRESSION.label)} on`);
    expect(home).toContain('<dt>Live MAE</dt><dd>no monitoring yet</dd>');
    expect(readFileSync(path.join(out, REGRESSION.name, 'dashboard.html'), 'utf8')).not.toContain(
      'data-report=',
    );
    // A ridge model's interval comes from its holdout residuals.
    const data = JSON.parse(readFileSync(path.join(out, REGRESSION.name, 'predictor.json'), 'utf8'));
    expect(data.regression.interval).toBe('residuals');
    expect(data.champion.algorithmTitle).toBe('Ridge regression');

    rmSync(path.join(root, 'models'), { recursive: true });
    const bare = tmp('gitml-site-reg-nomodel-');
    expect(buildSite(root, bare, { assets: SITE_ASSETS, now: BUILD_TIME }).failed).toEqual([]);
    const card = readFileSync(path.join(bare, 'index.html'), 'utf8');
    expect(card).toContain('<dt>Champion</dt><dd>no model yet — run train</dd>');
    expect(card).toContain('<dt>Holdout MAE</dt><dd>–</dd>');
    expect(readFileSync(path.join(bare, REGRESSION.name, 'index.html'), 'utf8')).toContain('id="no-model"');
  }, 120_000);
});

describe("regression dashboard: the date selection and the HTML panels' figures", () => {
  let report: RegressionReport;

  beforeAll(async () => {
    const root = makeWorkspace(['wine_score']);
    report = (await addRegressionDataset(root, 'ridge')).report!;
  }, 120_000);

  test('the report is told apart from a classification one', () => {
    expect(isRegressionReport(report)).toBe(true);
    expect(isRegressionReport(monitoringReport())).toBe(false);
    expect(isRegressionReport(regressionMonitoringReport())).toBe(true);
  });

  test('dated data: the rows the regression charts carry, by the names they carry them under', () => {
    const data = datedData(report);
    expect(Object.keys(data).sort()).toEqual(['errors', 'modelChanges', 'rowsPerDay', 'scatter']);
    const charts = Object.fromEntries(allCharts(report).map((c) => [c.id, JSON.stringify(c.spec)]));
    // Every dated name is one a chart of the dashboard swaps, with the rows that chart was built with.
    expect(charts['error-over-time']).toContain(JSON.stringify({ name: 'errors', values: data.errors }));
    expect(charts['predicted-vs-actual']).toContain(
      JSON.stringify({ name: 'scatter', values: data.scatter }),
    );
    expect(data.scatter).toHaveLength(report.regression.scatter.length);
    expect(data.errors.length).toBeGreaterThan(report.regression.daily.length);
  });

  test('a date range narrows the days and the scatter; its MAE and RMSE are pooled over labelled rows', () => {
    const days = report.regression.daily;
    const range = { from: days[10].date, to: days[16].date };
    const view = filterReport(report, range) as RegressionReport;
    expect(view.regression.daily.map((d) => d.date)).toEqual(days.slice(10, 17).map((d) => d.date));
    expect(view.regression.scatter.length).toBeGreaterThan(0);
    expect(view.regression.scatter.every((p) => p.date >= range.from && p.date <= range.to)).toBe(true);
    const data = datedData(view, report);
    expect(data.scatter).toHaveLength(view.regression.scatter.length);
    expect(new Set(data.errors.map((r) => r.date))).toEqual(
      new Set(
        days
          .slice(10, 17)
          .filter((d) => d.labelled > 0)
          .map((d) => d.date),
      ),
    );
    const s = summarizeErrors(view);
    const picked = days.slice(10, 17);
    const n = picked.reduce((a, d) => a + d.labelled, 0);
    expect(s.mae).toBeCloseTo(picked.reduce((a, d) => a + (d.mae ?? 0) * d.labelled, 0) / n, 12);
    expect(s.rmse).toBeCloseTo(
      Math.sqrt(picked.reduce((a, d) => a + (d.rmse ?? 0) ** 2 * d.labelled, 0) / n),
      12,
    );
    // Days with no labels: no error to pool; a classification report has none either.
    expect(summarizeErrors(filterReport(report, { from: '2000-01-01', to: '2000-01-02' }))).toEqual({
      mae: null,
      rmse: null,
    });
    expect(summarizeErrors(monitoringReport())).toEqual({ mae: null, rmse: null });
  });
});

describe('value formatting', () => {
  test('fixed decimals, the unit, never -0; shares clamp to the range', () => {
    const label = { unit: 'points', decimals: 0 };
    expect(valueText(5.63, label)).toBe('6 points');
    expect(valueText(5.63, label, 2)).toBe('5.63 points');
    expect(valueText(-0.001, label, 1)).toBe('0.0 points');
    expect(valueText(2, {})).toBe('2.0000');
    expect(errorText(0.5, label)).toBe('0.5 points');
    expect(spanText(5.21, 6.84, label, 1)).toBe('5.2–6.8 points');
    expect(shareOf(5, [0, 10])).toBe(0.5);
    expect(shareOf(-3, [0, 10])).toBe(0);
    expect(shareOf(12, [0, 10])).toBe(1);
    expect(shareOf(1, [3, 3])).toBe(0.5);
  });
});
