// Streamed inference (partitions in blocks, no record per prediction, pieces staged to their temp files)
// writes the bytes the whole-table path wrote: every row predicted at once into one record each and the
// log rendered from the records. Checked on generated groups whose months hold more rows than a
// prediction block, for a classifier and a regressor (value, low, high), with pieces cut small, on a first
// run and on a run that appends to a log.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isoFromMs, isoSeconds } from '../../actions/lib/core/time.js';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { SOURCE_CODE } from '../../actions/lib/features/feature-table.js';
import { MAX_PIECE_BYTES_ENV } from '../../actions/lib/features/size-limits.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import type { PredictionRecord } from '../../actions/lib/monitoring/monitoring-types.js';
import { predictValues } from '../../actions/lib/monitoring/value-predictions.js';
import { actualOf, infer, inferenceInputs } from '../../actions/lib/pipelines/infer.js';
import { formatPredictedValue } from '../../actions/lib/reports/prediction-log.js';
import { cli, makeWorkspace } from '../helpers/workspace.js';

const NOW = '2026-11-24T12:00:00Z';

async function ok(root: string, ...args: string[]): Promise<void> {
  const r = await cli(root, ...args, '--now', NOW);
  expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
}

/** The log as the whole-table path rendered it: one matrix, one record per prediction. */
function wholeTableLog(root: string, dataset: string, now: Date) {
  const ws = new Workspace(root);
  const spec = ws.loadSpec(dataset);
  const { entry, model, fg, classes, log } = inferenceInputs(ws, spec);
  const previous = log.read();
  const done = new Set(previous.map((r) => r.id));
  const table = FeatureGroup.open(ws, spec).read();
  const todo: number[] = [];
  for (let i = 0; i < table.rows; i++)
    if (table.sources[i] !== SOURCE_CODE.backfill && !done.has(table.ids[i])) todo.push(i);
  const X = model.matrixFor(fg.meta.features, table.columns, table.rows, todo);
  const common = (i: number) => ({
    id: table.ids[i],
    eventTime: isoFromMs(table.eventTimes[i]),
    predictedAt: isoSeconds(now),
    modelVersion: entry.version,
  });
  let records: PredictionRecord[];
  if (log.regression) {
    const label = log.regression;
    const p = predictValues(model, X, 'test');
    const inLog = (x: number) => Number(formatPredictedValue(x, label));
    records = todo.map((i, r) => ({
      ...common(i),
      predicted: formatPredictedValue(p.value[r], label),
      probability: 0,
      low: inLog(p.low[r]),
      high: inLog(p.high[r]),
      actual: actualOf(table, i, classes, true),
    }));
  } else {
    const proba = model.predictProba(X);
    const k = classes.length;
    records = todo.map((i, r) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (proba[r * k + c] > proba[r * k + best]) best = c;
      const actual = table.labels[i] >= 0 ? classes[table.labels[i]] : null;
      return { ...common(i), predicted: classes[best], probability: proba[r * k + best], actual };
    });
  }
  // Rows in reverse, so the render has to order them as the log does.
  return { rendered: log.render([...previous, ...records.reverse()]), predicted: todo.length };
}

function logFiles(root: string, dataset: string): Map<string, Buffer> {
  const dir = path.join(root, 'reports', dataset);
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir)
      .filter((f) => /^predictions-.*\.csv$/.test(f))
      .map((f) => [f, readFileSync(path.join(dir, f))]),
  );
}

async function expectSameBytes(root: string, dataset: string, now: Date) {
  const expected = wholeTableLog(root, dataset, now);
  const ws = new Workspace(root);
  const before = logFiles(root, dataset);
  const r = infer(ws, ws.loadSpec(dataset), { now });
  expect(r.predicted).toBe(expected.predicted);
  const files = logFiles(root, dataset);
  const manifest = JSON.parse(
    readFileSync(path.join(root, 'reports', dataset, 'monitoring.json'), 'utf8'),
  ).log;
  expect(manifest).toEqual(expected.rendered.manifest);
  const written = new Map(expected.rendered.partitions.map((p) => [path.basename(p.path), p.content]));
  expect([...files.keys()].sort()).toEqual(
    Object.keys(manifest.partitions)
      .map((k) => `predictions-${k}.csv`)
      .sort(),
  );
  for (const [name, bytes] of files) {
    const want = written.get(name) ?? before.get(name);
    expect(want, name).toBeDefined();
    expect(bytes.equals(Buffer.from(want!)), name).toBe(true);
  }
  // No staged temp file stays behind.
  expect(readdirSync(path.join(root, 'reports', dataset)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  return r;
}

describe('streamed inference writes the whole-table bytes', () => {
  afterEach(() => {
    delete process.env[MAX_PIECE_BYTES_ENV];
  });

  it('classification: months past a prediction block, pieces, then a run appending to the log', async () => {
    const root = makeWorkspace(['wine']);
    await ok(root, 'backfill', '-d', 'wine');
    await ok(root, 'train', '-d', 'wine', '--algorithm', 'gaussian-nb', '--no-search', '--folds', '3');
    // 2 days × 18,000 rows in one month: more rows than a prediction block (16,384).
    await ok(root, 'generate', '-d', 'wine', '--date', '2026-11-20', '--days', '2', '--rows', '18000');
    process.env[MAX_PIECE_BYTES_ENV] = String(600_000);
    const r = await expectSameBytes(root, 'wine', new Date(NOW));
    expect(r.predicted).toBe(36_000);
    expect(logFiles(root, 'wine').size).toBeGreaterThan(2);
    await ok(root, 'generate', '-d', 'wine', '--date', '2026-11-23', '--days', '3', '--rows', '50');
    const again = await expectSameBytes(root, 'wine', new Date('2026-11-24T13:00:00Z'));
    expect(again.predicted).toBe(150);
    expect(again.total).toBe(36_150);
  }, 300_000);

  it('regression: value, low and high as the whole-table path wrote them', async () => {
    const root = makeWorkspace(['wine', 'wine_score']);
    await ok(root, 'backfill', '-d', 'wine_score');
    await ok(root, 'train', '-d', 'wine_score', '--algorithm', 'ridge', '--folds', '3');
    await ok(root, 'generate', '-d', 'wine_score', '--date', '2026-11-01', '--days', '40', '--rows', '500');
    const r = await expectSameBytes(root, 'wine_score', new Date(NOW));
    expect(r.predicted).toBe(20_000);
  }, 300_000);
});
