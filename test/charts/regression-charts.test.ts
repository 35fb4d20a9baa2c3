import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import * as vl from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { allCharts, latestChart } from '../../actions/lib/charts/chart-list.js';
import { errorRows } from '../../actions/lib/charts/chart-rows.js';
import { driftRows } from '../../actions/lib/charts/drift-chart.js';
import { latestSpec, liveText } from '../../actions/lib/charts/latest-prediction.js';
import { recentValueCellRows } from '../../actions/lib/charts/prediction-table.js';
import { renderSvg } from '../../actions/lib/charts/render-svg.js';
import { latestOf, type MonitoringReport } from '../../actions/lib/monitoring/monitoring-types.js';
import { chartAlt, reportMarkdown } from '../../actions/lib/reports/report-page.js';
import { calendarWindow, writeReports } from '../../actions/lib/reports/reports.js';
import { NASTY_FEATURE, regressionMonitoringReport } from '../fixtures/monitoring-report.js';

const full = regressionMonitoringReport();

/** A regression dataset with a champion and no predictions yet. */
function emptyRegression(): MonitoringReport {
  return {
    ...full,
    asOf: null,
    totals: {
      predictions: 0,
      labelled: 0,
      correct: 0,
      accuracy: null,
      bySource: { synthetic: 0, ingest: 0 },
    },
    live: { days: 14, labelled: 0, correct: 0, accuracy: null, low: null, high: null },
    recent: [],
    daily: [],
    byVersion: [],
    modelChanges: [],
    drift: null,
    driftSkipped: 'wine_score: no predictions yet, so the drift window is empty',
    regression: {
      live: {
        days: 14,
        labelled: 0,
        mae: null,
        rmse: null,
        within: [0.5, 1].map((tolerance) => ({ tolerance, accuracy: null })),
      },
      daily: [],
      byVersion: [],
      scatter: [],
      errors: [],
      residualDrift: null,
      residualDriftSkipped: 'the last 14 days have 0 labelled predictions; residual drift needs at least 50',
    },
  };
}
const empty = emptyRegression();

const IDS = [
  'error-over-time',
  'predicted-vs-actual',
  'drift',
  'error-histogram',
  'rows-per-day',
  'version-error',
  'recent-predictions',
];

function markGroup(svg: string, markClass: string): string {
  const m = svg.match(new RegExp(`<g class="${markClass}[^"]*"[^>]*>(.*?)</g>`));
  if (!m) throw new Error(`no ${markClass} group in SVG`);
  return m[1];
}
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('regression chart specs', () => {
  let validate: ReturnType<Ajv['compile']>;
  beforeAll(() => {
    const schema = JSON.parse(readFileSync('node_modules/vega-lite/build/vega-lite-schema.json', 'utf8'));
    validate = new Ajv({ strict: false, allowUnionTypes: true, allErrors: false }).compile(schema);
  });

  for (const [name, r] of [
    ['full', full],
    ['empty', empty],
  ] as const) {
    for (const interactive of [false, true]) {
      it(`${name}, ${interactive ? 'interactive' : 'static'}: validate against the Vega-Lite schema, compile without warnings`, () => {
        const charts = allCharts(r, { interactive });
        expect(charts.map((c) => c.id)).toEqual(IDS);
        for (const c of [...charts, latestChart(r, { interactive })]) {
          const ok = validate(c.spec);
          expect(ok ? [] : validate.errors?.slice(0, 3), c.id).toEqual([]);
          const warnings: string[] = [];
          const record =
            (level: string) =>
            (...m: unknown[]) => {
              warnings.push(`${level} ${m.join(' ')}`);
              return logger;
            };
          const logger = {
            level: () => logger,
            error: record('error'),
            warn: record('warn'),
            info: () => logger,
            debug: () => logger,
          } as unknown as NonNullable<Parameters<typeof vl.compile>[1]>['logger'];
          vl.compile(c.spec, { logger });
          expect(warnings, c.id).toEqual([]);
          expect(c.description.length, c.id).toBeGreaterThan(20);
          expect(JSON.stringify(c.spec), c.id).not.toContain('undefined');
        }
      });
    }
  }

  it('error rows: daily MAE, rolling 7/30-day MAE and rolling 30-day RMSE, as the report has them', () => {
    const rows = errorRows(full);
    const last = full.regression!.daily[full.regression!.daily.length - 1];
    const of = (series: string) => rows.filter((r) => r.date === last.date && r.series === series)[0]?.error;
    expect(of('daily MAE')).toBe(last.mae);
    expect(of('rolling 7-day MAE')).toBe(last.rolling7Mae);
    expect(of('rolling 30-day MAE')).toBe(last.rolling30Mae);
    expect(of('rolling 30-day RMSE')).toBe(last.rolling30Rmse);
  });

  it('drift rows: the predicted value by KS and the errors against the holdout errors', () => {
    const rows = driftRows(full);
    expect(rows.map((r) => r.name)).toEqual([
      'Alcohol (% vol)',
      'pH',
      NASTY_FEATURE,
      'Predicted value (model output)',
      'Errors vs holdout errors (predicted − actual)',
    ]);
    expect(rows[3]).toMatchObject({ test: 'KS', kind: 'numeric', label: 'KS p≥0.10', status: 'stable' });
    expect(rows[4]).toMatchObject({ test: 'KS', status: full.regression!.residualDrift!.status });
  });

  it('recent predictions: value, interval, actual and signed error, green within the smallest tolerance', () => {
    const p = latestOf(full)!;
    const cells = recentValueCellRows(full).filter((c) => c.row === 1);
    const cell = (column: string) => cells.find((c) => c.column === column)!;
    expect(cell('predicted').full).toBe(p.predicted);
    expect(cell('interval').full).toBe(`${p.low}–${p.high}`);
    expect(cell('actual').full).toBe(p.actual ?? 'waiting');
    if (p.actual === null) expect(cell('error')).toMatchObject({ full: '…', tone: 'waiting' });
  });
});

describe('regression SVG rendering', () => {
  const svgs = new Map<string, string>();
  beforeAll(async () => {
    for (const c of allCharts(full)) svgs.set(c.id, await renderSvg(c.spec));
  });

  it('is deterministic', async () => {
    for (const c of allCharts(full)) expect(await renderSvg(c.spec), c.id).toBe(svgs.get(c.id));
  });

  it('predicted vs actual: one dot per scatter point and the y = x line', () => {
    const svg = svgs.get('predicted-vs-actual')!;
    expect(count(markGroup(svg, 'mark-symbol role-mark'), '<path')).toBe(full.regression!.scatter.length);
    expect(markGroup(svg, 'mark-line role-mark')).toContain('stroke-dasharray="4,3"');
    expect(svg).toContain('>actual (points)</text>');
  });

  it('error histogram: one bar per bin', () => {
    const svg = svgs.get('error-histogram')!;
    const nonEmpty = full.regression!.errors.length;
    expect(count(markGroup(svg, 'mark-rect role-mark'), '<path')).toBe(nonEmpty);
    expect(svg).toContain(`residual drift vs holdout: ${full.regression!.residualDrift!.status}`);
  });

  it('error over time: model changes, the MAE threshold and one dot per labelled day', () => {
    const svg = svgs.get('error-over-time')!;
    for (const v of ['v1', 'v2', 'v3']) expect(svg).toContain(`>${v}</text>`);
    const labelledDays = full.regression!.daily.filter((d) => d.mae !== null).length;
    expect(count(markGroup(svg, 'mark-symbol role-mark'), '<path')).toBe(labelledDays);
    expect(svg).toContain('stroke-dasharray="5,4"');
    expect(svg).toContain('alert above 0.288 points');
  });

  it('latest prediction and live errors as text', async () => {
    const p = latestOf(full)!;
    const svg = await renderSvg(latestSpec(full));
    expect(svg).toContain(`>#${p.id} for ${p.eventTime.slice(0, 10)}`);
    const live = full.regression!.live;
    expect(liveText(full)).toBe(
      `Last 14 days: MAE ${Number(live.mae!.toFixed(3))} points, RMSE ${Number(live.rmse!.toFixed(3))} points on ${live.labelled} labelled rows; ` +
        `within 0.5: ${(live.within[0].accuracy! * 100).toFixed(1)}%, within 1: ${(live.within[1].accuracy! * 100).toFixed(1)}%. ` +
        'Holdout MAE 0.23 points, predicting the training mean 1.52 points. ' +
        `Rows predicted: ${full.totals.predictions - 12} synthetic (from the generator), 12 ingested (real).`,
    );
    expect(svg).not.toContain('accuracy');
  });
});

describe('regression report page and dashboard.svg', () => {
  it('README: holdout vs the mean baseline, within-T, the MAE alert and its rule, where rows come from', () => {
    const md = reportMarkdown(full, [], 'predictions-2026-02.csv');
    expect(md).toContain(
      '**Champion:** v3 (random-forest-regressor), predicting Quality &lt;score&gt; \\| "points" on its holdout',
    );
    expect(md).toContain('| MAE | 0.23 points | 1.52 points |');
    expect(md).toContain('| RMSE | 0.31 points | – |');
    expect(md).toContain('| R² | 0.81 | 0 (by definition, on the training rows) |');
    expect(md).toContain('| within ±0.5 points | 85.3% | – |');
    expect(md).toContain('| within ±1 points | 98.1% | – |');
    expect(md).toContain('> ⚠️ **MAE:** the rolling 30-day MAE is above the alert threshold 0.288 points.');
    expect(md).toContain(
      "MAE alert when the rolling 30-day MAE (over at least 50 labelled rows) rises above 0.288 points: the champion's holdout MAE plus a margin of 0.058 points",
    );
    expect(md).toContain('Live errors are measured on these rows');
    expect(md).toContain('residual drift');
    expect(md).not.toContain('accuracy alert');
    // The page holds no figure of the day: a day's rows change nothing on it.
    const later = {
      ...full,
      regression: { ...full.regression!, live: { ...full.regression!.live, mae: 9 } },
    };
    expect(reportMarkdown(later, [], 'predictions-2026-02.csv')).toBe(md);
    // The page leaves out the recent-predictions table (the log's month file is that table on GitHub).
    for (const id of IDS.filter((i) => i !== 'recent-predictions'))
      expect(chartAlt(full, { id, file: 'dashboard.svg', title: id, description: '' })).not.toBe(id);
  });

  it('writes dashboard.svg with every regression panel, byte-identical on a second run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gitml-reg-reports-'));
    try {
      await writeReports(dir, full);
      const svg = readFileSync(path.join(dir, 'wine_score/dashboard.svg'), 'utf8');
      const readme = readFileSync(path.join(dir, 'wine_score/README.md'), 'utf8');
      for (const title of [
        'Latest prediction',
        'Error over time (MAE, RMSE)',
        'Predicted vs actual',
        'Feature drift (PSI)',
        'Error distribution (predicted − actual)',
        'Predictions per day',
        'MAE per model version',
      ])
        expect(svg, title).toContain(`>${title}</text>`);
      expect(svg).not.toContain('>Recent predictions</text>');
      // Every chart keeps its own colours and legend: the drift bars stay red where drifted.
      const drifted = full.drift!.features.filter((f) => f.drifted).length + 1; // + the residuals
      expect(svg.split('fill="#d62728"').length - 1).toBe(drifted + 1); // + the legend's swatch
      expect(svg.split('>champion</text>').length - 1).toBe(1);
      await writeReports(dir, full);
      expect(readFileSync(path.join(dir, 'wine_score/dashboard.svg'), 'utf8')).toBe(svg);
      expect(readFileSync(path.join(dir, 'wine_score/README.md'), 'utf8')).toBe(readme);
      await writeReports(dir, empty);
      expect(readFileSync(path.join(dir, 'wine_score/dashboard.svg'), 'utf8')).toContain(
        'No labelled predictions yet.',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the calendar window trims the regression days with the others', () => {
    const long = {
      ...full,
      daily: [{ ...full.daily[0], date: '2025-06-01' }, ...full.daily],
      regression: {
        ...full.regression!,
        daily: [{ ...full.regression!.daily[0], date: '2025-06-01' }, ...full.regression!.daily],
      },
    };
    const { report } = calendarWindow(long);
    expect(report.regression!.daily[0].date).toBe(full.regression!.daily[0].date);
  });
});
