// Regression end to end through the real CLI: backfill, train, generate, infer (whole and sharded: the
// same bytes), late labels, monitor and the report. Needs the wine_score spec and the regression parts of
// the data layer and of training (reg-data, reg-train).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MonitoringReport } from '../../actions/lib/monitoring/monitoring-types.js';
import { REGRESSION_LOG_COLUMNS } from '../../actions/lib/reports/prediction-log.js';
import { cli, fingerprint, makeWorkspace } from '../helpers/workspace.js';

const NOW = '2026-11-24T12:00:00Z';

async function ok(root: string, ...args: string[]): Promise<string> {
  const r = await cli(root, ...args, ...(args.includes('--now') ? [] : ['--now', NOW]));
  expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
  return r.out;
}

function logOf(root: string): string[] {
  const dir = path.join(root, 'reports/wine_score');
  return readdirSync(dir)
    .filter((f) => /^predictions-.*\.csv$/.test(f))
    .sort()
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n'));
}

describe('regression pipeline (wine_score)', () => {
  let root: string;
  beforeAll(async () => {
    root = makeWorkspace(['wine', 'wine_score']);
    await ok(root, 'backfill', '-d', 'wine_score');
    await ok(root, 'train', '-d', 'wine_score', '--algorithm', 'ridge', '--folds', '3');
    await ok(root, 'generate', '-d', 'wine_score', '--days', '40', '--rows', '6');
  }, 300_000);

  it('logs each prediction with its interval; sharded inference writes the same bytes', async () => {
    const sharded = makeWorkspace(['wine', 'wine_score']);
    for (const f of ['data', 'models']) rmSync(path.join(sharded, f), { recursive: true, force: true });
    const { cpSync } = await import('node:fs');
    for (const f of ['data', 'models'])
      cpSync(path.join(root, f), path.join(sharded, f), { recursive: true });
    await ok(root, 'infer', '-d', 'wine_score');
    const partials = path.join(sharded, 'partials');
    await ok(sharded, 'infer', '-d', 'wine_score', '--shard', '1/2', '--partials', partials);
    await ok(sharded, 'infer', '-d', 'wine_score', '--shard', '2/2', '--partials', partials);
    await ok(sharded, 'infer', '-d', 'wine_score', '--merge', '--partials', partials);
    rmSync(partials, { recursive: true });
    expect(fingerprint(path.join(sharded, 'reports'))).toBe(fingerprint(path.join(root, 'reports')));

    const lines = logOf(root);
    expect(lines[0]).toBe(REGRESSION_LOG_COLUMNS.join(','));
    const rows = lines.filter((l) => !l.startsWith('id,'));
    expect(rows).toHaveLength(240);
    for (const l of rows) {
      const [, , , version, predicted, low, high, actual] = l.split(',');
      expect(version).toBe('1');
      // decimals 0 + 2: at most two decimals; low ≤ high (a forest's mean may sit outside its trees'
      // 10th–90th percentiles, so the value is not checked against them); actuals are whole scores.
      for (const v of [predicted, low, high]) expect(v).toMatch(/^-?\d+(\.\d{1,2})?$/);
      expect(Number(low)).toBeLessThanOrEqual(Number(high));
      expect(actual).toMatch(/^\d+$/);
    }
  }, 300_000);

  it('predicts an unlabelled ingested row, then fills its actual when the label arrives', async () => {
    const file = path.join(root, 'obs.csv');
    const header = readFileSync(path.join(root, 'data/wine/source.csv'), 'utf8').split('\n')[0];
    const columns = header.split(',').filter((c) => c !== 'quality');
    writeFileSync(
      file,
      `${columns.join(',')},event_time\nred,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,9.4,2026-11-24T08:00:00Z\n`,
    );
    await ok(root, 'ingest', '-d', 'wine_score', file);
    expect(await ok(root, 'infer', '-d', 'wine_score')).toContain('1 waiting for a label');
    const id = logOf(root).pop()!.split(',')[0];
    expect(logOf(root).pop()).toMatch(
      new RegExp(`^${id},2026-11-24T08:00:00Z,[^,]+,1,[0-9.]+,[0-9.]+,[0-9.]+,$`),
    );
    writeFileSync(file, `id,quality\n${id},5\n`);
    await ok(root, 'ingest', '-d', 'wine_score', file);
    await ok(root, 'infer', '-d', 'wine_score');
    expect(logOf(root).pop()).toMatch(/,5$/);
  }, 300_000);

  it('monitors MAE, RMSE, residual and prediction drift, and writes the report', async () => {
    const out = await ok(root, 'monitor', '-d', 'wine_score');
    expect(out).toMatch(
      /wine_score: monitoring 241 predictions, MAE [0-9.]+ points over \d+ in the last 30 days/,
    );
    const r: MonitoringReport = JSON.parse(
      readFileSync(path.join(root, 'reports/wine_score/monitoring.json'), 'utf8'),
    );
    expect(r.task).toBe('regression');
    expect(r.classes).toEqual([]);
    expect(r.confusion.all).toEqual([]);
    expect(r.label).toMatchObject({
      name: 'quality',
      unit: 'points',
      range: [0, 10],
      decimals: 0,
      tolerances: [0.5, 1],
    });
    const index = JSON.parse(readFileSync(path.join(root, 'models/wine_score/index.json'), 'utf8'));
    const holdout = index.versions[0].holdout;
    expect(r.champion).toMatchObject({ version: 1, holdoutBaseline: null });
    expect(r.champion!.holdoutMae).toBeCloseTo(holdout.mae, 6);
    expect(r.champion!.holdoutBaselineMae).toBeCloseTo(holdout.baselineMae, 6);
    // Alert threshold: holdout MAE + 25% of it (3 decimals).
    expect(r.thresholds.mae).toBeCloseTo(holdout.mae + Number((holdout.mae * 0.25).toFixed(3)), 6);
    expect(r.alerts.map((a) => a.kind)).toEqual(['mae', 'dataset-drift']);
    const reg = r.regression!;
    expect(reg.byVersion).toHaveLength(1);
    expect(reg.byVersion[0].labelled).toBe(241);
    expect(reg.daily.length).toBeGreaterThanOrEqual(40);
    expect(reg.live.labelled).toBeGreaterThan(150);
    expect(reg.scatter).toHaveLength(reg.live.labelled);
    expect(reg.errors.reduce((n, b) => n + b.count, 0)).toBe(reg.live.labelled);
    // The holdout's residuals: every holdout row re-predicted (metrics.json's split.testIds).
    const metrics = JSON.parse(readFileSync(path.join(root, 'models/wine_score/v1/metrics.json'), 'utf8'));
    expect(reg.residualDrift?.referenceRows).toBe(metrics.split.testIds.length);
    expect(r.drift?.prediction.test).toBe('ks');
    await ok(root, 'report', '-d', 'wine_score');
    const readme = readFileSync(path.join(root, 'reports/wine_score/README.md'), 'utf8');
    expect(readme).toContain('| MAE |');
    expect(readFileSync(path.join(root, 'reports/wine_score/dashboard.svg'), 'utf8')).toContain(
      '>Predicted vs actual</text>',
    );
  }, 300_000);
});
