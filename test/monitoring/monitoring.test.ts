import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../actions/lib/core/proportion-interval.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { benjaminiHochberg } from '../../actions/lib/monitoring/drift.js';
import { driftStatus } from '../../actions/lib/monitoring/drift-decision.js';
import { latestOf, type MonitoringReport } from '../../actions/lib/monitoring/monitoring-types.js';
import { infer } from '../../actions/lib/pipelines/infer.js';
import { monitor } from '../../actions/lib/pipelines/monitor.js';
import { ModelRegistry } from '../../actions/lib/registry/model-registry.js';
import { formatProbability, PredictionLog } from '../../actions/lib/reports/prediction-log.js';
import { cli, commit, expectCliOk, fingerprint, makeWorkspace, NOW, read } from '../helpers/workspace.js';

const now = new Date(NOW);

async function trained(datasets: string[], algorithm = 'gaussian-nb'): Promise<string> {
  const ws = makeWorkspace(datasets);
  expect((await cli(ws, 'backfill')).code).toBe(0);
  expect((await cli(ws, 'train', '--algorithm', algorithm, '--folds', '3')).code).toBe(0);
  return ws;
}

function logLines(root: string, dataset: string): string[] {
  const dir = path.join(root, 'reports', dataset);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'monitoring.json'), 'utf8')).log;
  return Object.keys(manifest.partitions)
    .sort()
    .flatMap((m) =>
      readFileSync(path.join(dir, `predictions-${m}.csv`), 'utf8')
        .trim()
        .split('\n')
        .slice(1),
    );
}

describe('batch inference', () => {
  let root: string;
  beforeAll(async () => {
    root = await trained(['iris']);
    await cli(root, 'generate', '--days', '10', '--rows', '2');
  });

  it('predicts every new row once, in event-time order, and re-running predicts nothing', async () => {
    const ws = new Workspace(root);
    const spec = ws.loadSpec('iris');
    const r = infer(ws, spec, { now });
    expect(r).toMatchObject({ predicted: 20, total: 20, modelVersion: 1, waitingForLabel: 0 });
    const lines = logLines(root, 'iris');
    expect(lines).toHaveLength(20);
    expect(lines[0]).toMatch(
      /^151,2026-11-15T00:00:00Z,2026-11-24T12:00:00Z,1,(Setosa|Versicolor|Virginica),[01](\.\d+)?,(Setosa|Versicolor|Virginica)$/,
    );
    const before = fingerprint(path.join(root, 'reports'));
    expect(infer(ws, spec, { now: new Date('2026-11-24T13:00:00Z') }).predicted).toBe(0);
    expect(fingerprint(path.join(root, 'reports'))).toBe(before);

    // Catching up earlier days later still gives an ordered log.
    await cli(root, 'generate', '--date', '2026-11-02', '--days', '2');
    expect(infer(ws, spec, { now }).predicted).toBe(2);
    const ordered = logLines(root, 'iris').map((l) => l.split(',').slice(0, 2));
    const sorted = [...ordered].sort((a, b) =>
      a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : Number(a[0]) - Number(b[0]),
    );
    expect(ordered).toEqual(sorted);
    expect(ordered[0][1]).toBe('2026-11-01T00:00:00Z');
  });

  it('predicts rows ingested without a label, then fills the actual when it arrives', async () => {
    const file = path.join(root, 'obs.csv');
    writeFileSync(
      file,
      'sepal_length,sepal_width,petal_length,petal_width,event_time\n6.9,3.1,5.4,2.1,2026-11-24T08:00:00Z\n',
    );
    expect((await cli(root, 'ingest', '-d', 'iris', file)).code).toBe(0);
    const ws = new Workspace(root);
    const r = infer(ws, ws.loadSpec('iris'), { now });
    expect(r.predicted).toBe(1);
    expect(r.waitingForLabel).toBe(1);
    const id = logLines(root, 'iris').pop()!.split(',')[0];
    expect(logLines(root, 'iris').pop()).toMatch(
      new RegExp(`^${id},2026-11-24T08:00:00Z,.*,Virginica,[0-9.]+,$`),
    );
    writeFileSync(file, `id,variety\n${id},Virginica\n1,Setosa\n`);
    const labels = await cli(root, 'ingest', '-d', 'iris', file);
    expect(labels.code).toBe(2);
    expect(labels.out).toContain('added 1 late labels');
    expect(labels.out).toContain("obs.csv line 3: id 1 already has label 'Setosa'");
    const again = infer(ws, ws.loadSpec('iris'), { now });
    expect(again).toMatchObject({ predicted: 0, actualsFilled: 1, waitingForLabel: 0 });
    expect(logLines(root, 'iris').pop()).toMatch(/,Virginica,[0-9.]+,Virginica$/);
  });

  it('refuses a truncated or hand-edited log and overwrites nothing', async () => {
    const w = await trained(['iris']);
    await cli(w, 'generate', '--days', '3');
    await cli(w, 'infer');
    await cli(
      w,
      'generate',
      '--date',
      '2026-11-24',
      '--days',
      '1',
      '--rows',
      '1',
      '--now',
      '2026-11-25T01:00:00Z',
    );
    const p = path.join(w, 'reports/iris/predictions-2026-11.csv');
    const original = readFileSync(p, 'utf8');
    for (const broken of [
      original.slice(0, original.length - 9),
      original.replace(/,(Setosa|Versicolor|Virginica),([0-9.]+),/, ',Setosa,0.5,'),
    ]) {
      writeFileSync(p, broken);
      const before = fingerprint(path.join(w, 'reports'));
      const r = await cli(w, 'infer');
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        'reports/iris/predictions-2026-11.csv: content does not match the log entry of reports/iris/monitoring.json (sha256 differs)',
      );
      expect(fingerprint(path.join(w, 'reports'))).toBe(before);
    }
    writeFileSync(p, original);
    expect((await cli(w, 'infer')).code).toBe(0);
  });

  it('refuses without a champion, and refuses a model whose features do not match, naming the feature', async () => {
    const w = makeWorkspace(['iris']);
    await cli(w, 'backfill');
    const none = await cli(w, 'infer');
    expect(none.code).toBe(1);
    expect(none.err).toContain('iris: no champion model in models/iris/ — run train first');
    await cli(w, 'train', '--algorithm', 'gaussian-nb', '--folds', '3');
    // The registry checks model.json against the sha256 it recorded (test/features/integrity.test.ts); to reach the
    // checks below, each replacement is registered as the registry would (its hash recorded).
    const modelPath = path.join(w, 'models/iris/v1/model.json');
    const replaceModel = (text: string) => {
      writeFileSync(modelPath, text);
      const index = JSON.parse(read(w, 'models/iris/index.json'));
      index.versions[0].modelSha256 = createHash('sha256').update(text).digest('hex');
      writeFileSync(path.join(w, 'models/iris/index.json'), JSON.stringify(index));
    };
    replaceModel(read(w, 'models/iris/v1/model.json').replaceAll('"petal_width"', '"petal_area"'));
    const before = fingerprint(w);
    const r = await cli(w, 'infer');
    expect(r.code).toBe(1);
    expect(r.err).toContain("the model reads feature 'petal_area', which the feature group does not have");
    expect(fingerprint(w)).toBe(before);
    replaceModel('{"format":"something-else"}');
    const foreign = await cli(w, 'infer');
    expect(foreign.err).toContain(
      'models/iris/v1/model.json: format "something-else" is not \'gitml.model\'',
    );
  });
});

/** The next day's row, and inference on that day: one new prediction for the log. */
const NEXT_DAY = '2026-11-25T12:00:00Z';
const ONE_MORE_ROW = ['generate', '--date', '2026-11-25', '--days', '1', '--now', NEXT_DAY];
const INFER_NEXT_DAY = ['infer', '--now', NEXT_DAY];

describe('the log manifest lives in monitoring.json', () => {
  it('infer writes just the log entry; monitor fills in the report and keeps the entry as infer wrote it', async () => {
    const w = await trained(['iris']);
    await cli(w, 'generate', '--days', '3');
    expect((await cli(w, 'infer')).code).toBe(0);
    const file = path.join(w, 'reports/iris/monitoring.json');
    const first = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(first).sort()).toEqual(['dataset', 'format', 'log', 'version']);
    expect(first.log.partitions['2026-11'].rows).toBe(3);
    const report = await cli(w, 'report');
    expect(report.code).toBe(1);
    expect(report.err).toContain(
      'reports/iris/monitoring.json holds no monitoring report yet: run monitor first',
    );

    expect((await cli(w, 'monitor')).code).toBe(0);
    const full = JSON.parse(readFileSync(file, 'utf8'));
    expect(full.log).toEqual(first.log);
    expect(full.totals.predictions).toBe(3);
    // The next infer rewrites the entry and leaves the rest of the report as monitor wrote it.
    await cli(w, ...ONE_MORE_ROW);
    expect((await cli(w, ...INFER_NEXT_DAY)).code).toBe(0);
    const after = JSON.parse(readFileSync(file, 'utf8'));
    expect(after.log.partitions['2026-11'].rows).toBe(4);
    expect({ ...after, log: full.log }).toEqual(full);
  });

  it('reads a log whose manifest is the earlier predictions.json, and removes that file on the next write', async () => {
    const w = await trained(['iris']);
    await cli(w, 'generate', '--days', '3');
    await cli(w, 'infer');
    await cli(w, 'monitor');
    const dir = path.join(w, 'reports/iris');
    const current = JSON.parse(readFileSync(path.join(dir, 'monitoring.json'), 'utf8'));
    const { log, ...withoutLog } = current;
    writeFileSync(path.join(dir, 'monitoring.json'), JSON.stringify(withoutLog));
    writeFileSync(
      path.join(dir, 'predictions.json'),
      JSON.stringify({ format: 'gitml.prediction-log', version: 1, partitions: log.partitions }),
    );
    expect((await cli(w, 'monitor')).code).toBe(0);
    expect(existsSync(path.join(dir, 'predictions.json'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(dir, 'monitoring.json'), 'utf8')).log).toEqual(log);
  });

  it('refuses a hand-edited log entry or a corrupt monitoring.json, naming it, and overwrites nothing', async () => {
    const w = await trained(['iris']);
    await cli(w, 'generate', '--days', '3');
    await cli(w, 'infer');
    await cli(w, ...ONE_MORE_ROW);
    const file = path.join(w, 'reports/iris/monitoring.json');
    const original = readFileSync(file, 'utf8');
    const month = JSON.parse(original).log.partitions['2026-11'];
    expect(month.rows).toBe(3);
    for (const [broken, message] of [
      [
        original.replace(/"rows": ?3/, '"rows": 2'),
        'predictions-2026-11.csv: 3 rows, the log entry of reports/iris/monitoring.json says 2',
      ],
      [
        original.replace(/"sha256": ?"[0-9a-f]{64}"/, '"sha256": "x"'),
        "reports/iris/monitoring.json: corrupt manifest (partition '2026-11' needs a whole number of rows and a sha256)",
      ],
      [original.slice(0, 40), 'reports/iris/monitoring.json: corrupt monitoring report, it ends too early'],
    ]) {
      writeFileSync(file, broken);
      const before = fingerprint(path.join(w, 'reports'));
      const r = await cli(w, ...INFER_NEXT_DAY);
      expect(r.code).toBe(1);
      expect(r.err).toContain(message);
      expect(fingerprint(path.join(w, 'reports'))).toBe(before);
    }
  });
});

describe('the log writer', () => {
  it('writes probabilities like String(round(p·1e6)/1e6), without formatting doubles', () => {
    const reference = (p: number) => String(Math.round(p * 1e6) / 1e6);
    for (let micro = 0; micro <= 1e6; micro += 7)
      expect(formatProbability(micro / 1e6)).toBe(reference(micro / 1e6));
    for (const p of [0, 1, -0, 1e-7, 4.9e-7, 5e-7, 0.5, 0.1, 0.000001, 0.9999994, 0.9999995, 0.123456789])
      expect(formatProbability(p), String(p)).toBe(reference(p));
  });

  it('renders thousands of rows a month in order, the same bytes as one line per record joined', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gitml-log-'));
    try {
      const log = new PredictionLog(new Workspace(dir), 'toy', ['a', 'b']);
      const records = Array.from({ length: 9000 }, (_, i) => ({
        id: 9000 - i,
        eventTime: `2026-${i % 3 === 0 ? '10' : '11'}-0${1 + (i % 9)}T00:00:00Z`,
        predictedAt: '2026-11-24T12:00:00Z',
        modelVersion: 1,
        predicted: i % 2 ? 'a' : 'b',
        probability: (i % 1000) / 999,
        actual: i % 5 ? null : 'a',
      }));
      const { partitions, manifest } = log.render(records);
      const sorted = [...records].sort((x, y) =>
        x.eventTime < y.eventTime ? -1 : x.eventTime > y.eventTime ? 1 : x.id - y.id,
      );
      for (const month of ['2026-10', '2026-11']) {
        const lines = sorted
          .filter((r) => r.eventTime.startsWith(month))
          .map(
            (r) =>
              `${r.id},${r.eventTime},${r.predictedAt},1,${r.predicted},${formatProbability(r.probability)},${r.actual ?? ''}`,
          );
        const text = `id,event_time,predicted_at,model_version,predicted,probability,actual\n${lines.join('\n')}\n`;
        const write = partitions.find((w) => w.path.endsWith(`predictions-${month}.csv`))!;
        expect(Buffer.from(write.content).toString('utf8')).toBe(text);
        expect(manifest.partitions[month].rows).toBe(lines.length);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a daily commit', () => {
  it('touches five files per dataset: its partition, stats, log month, monitoring.json and dashboard', async () => {
    // Each file a daily commit changes costs a blob, a tree entry and an index entry in the repository
    // (the growth bench measures the bytes); the README, the contract and the model stay as they were.
    const w = makeWorkspace(['iris'], { git: true });
    await cli(w, 'backfill');
    await cli(w, 'train', '--algorithm', 'gaussian-nb', '--folds', '3');
    expect((await cli(w, 'daily', '--days', '3', '--now', '2026-11-24T12:00:00Z')).code).toBe(0);
    commit(w, 'three days', '2026-11-24T13:00:00Z');
    expect((await cli(w, 'daily', '--now', '2026-11-25T12:00:00Z')).code).toBe(0);
    commit(w, 'one more day', '2026-11-25T13:00:00Z');
    const changed = execFileSync('git', ['diff', '--name-only', 'HEAD~1', 'HEAD'], {
      cwd: w,
      encoding: 'utf8',
    });
    expect(changed.trim().split('\n')).toEqual([
      'data/iris/v1/rows-2026-11.csv',
      'data/iris/v1/stats.json',
      'reports/iris/dashboard.svg',
      'reports/iris/monitoring.json',
      'reports/iris/predictions-2026-11.csv',
    ]);
  });
});

describe('monitoring', () => {
  it('reports accuracy over time, per version, confusion matrices and no drift on an undrifted stream', async () => {
    const w = await trained(['iris']);
    await cli(w, 'generate', '--days', '30', '--rows', '2');
    await cli(w, 'infer');
    const ws = new Workspace(w);
    const r = monitor(ws, ws.loadSpec('iris'), { now });
    expect(r.totals.predictions).toBe(60);
    expect(r.totals.accuracy).toBeGreaterThan(0.85);
    expect(r.daily).toHaveLength(30);
    expect(r.daily[29].rolling7).not.toBeNull();
    expect(r.byVersion).toEqual([expect.objectContaining({ version: 1, rows: 60, labelled: 60 })]);
    expect(r.confusion.all.flat().reduce((s, x) => s + x, 0)).toBe(60);
    expect(r.recent).toHaveLength(20);
    expect(latestOf(r)?.eventTime).toBe('2026-11-24T00:00:00Z');
    expect(r.drift?.window).toEqual({ from: '2026-10-26', to: '2026-11-24', rows: 60, days: 30 });
    expect(r.drift?.datasetDrift).toBe(false);
    expect(r.alerts.find((a) => a.kind === 'dataset-drift')?.active).toBe(false);
    expect(r.alerts.find((a) => a.kind === 'accuracy')?.active).toBe(false);
    expectOneDriftRule(r);
  });

  it('says what live accuracy is measured on: rows by source, the 30-day interval, the holdout baseline', async () => {
    const w = await trained(['iris']);
    await cli(w, 'generate', '--days', '30', '--rows', '2');
    const obs = path.join(w, 'obs.csv');
    writeFileSync(
      obs,
      'sepal_length,sepal_width,petal_length,petal_width,variety,event_time\n' +
        '6.9,3.1,5.4,2.1,Virginica,2026-11-24T08:00:00Z\n5.0,3.4,1.5,0.2,Setosa,2026-11-24T09:00:00Z\n',
    );
    expect((await cli(w, 'ingest', '-d', 'iris', obs)).code).toBe(0);
    await cli(w, 'infer');
    const ws = new Workspace(w);
    const r = monitor(ws, ws.loadSpec('iris'), { now });
    expect(r.totals.bySource).toEqual({ synthetic: 60, ingest: 2 });
    const { low, high } = wilsonInterval(r.live.correct, r.live.labelled);
    expect(r.live).toMatchObject({
      days: 30,
      labelled: 62,
      low: Number(low.toFixed(6)),
      high: Number(high.toFixed(6)),
    });
    expect(r.live.low!).toBeLessThan(r.live.accuracy!);
    expect(r.live.high!).toBeGreaterThan(r.live.accuracy!);
    const metrics = JSON.parse(read(w, 'models/iris/v1/metrics.json'));
    expect(r.champion?.holdoutBaseline).toBeCloseTo(metrics.holdout.baselineAccuracy, 3);
    // A champion registered before the index kept the baseline: it is read from its metrics.json.
    const registry = new ModelRegistry(ws, 'iris');
    const entry = registry.requireChampion().entry;
    const { baselineAccuracy: _, ...older } = entry.holdout as {
      baselineAccuracy?: number;
      accuracy: number;
    };
    expect(registry.holdoutBaseline({ ...entry, holdout: older as typeof entry.holdout })).toBe(
      metrics.holdout.baselineAccuracy,
    );
  });

  it("trips dataset drift when the generator's drift setting shifts the population", async () => {
    const w = await trained(['iris']);
    await cli(w, 'generate', '--days', '30', '--rows', '2', '--drift', '0.1', '--drift-start', '2026-10-26');
    await cli(w, 'infer');
    const ws = new Workspace(w);
    const r = monitor(ws, ws.loadSpec('iris'), { now });
    expect(r.drift?.datasetDrift).toBe(true);
    expect(r.drift?.features.filter((f) => f.drifted).length).toBeGreaterThanOrEqual(2);
    expect(r.alerts.find((a) => a.kind === 'dataset-drift')).toMatchObject({ active: true });
    expectOneDriftRule(r);
  });

  /** What monitoring.json says agrees with the rule the chart and the report state (drift-decision.ts). */
  function expectOneDriftRule(r: MonitoringReport) {
    const d = r.drift!;
    const adjusted = benjaminiHochberg(d.features.map((f) => f.pValue));
    d.features.forEach((f, i) => {
      expect(f.adjustedPValue).toBeCloseTo(adjusted[i], 2);
      expect(f.status).toBe(driftStatus(f.adjustedPValue, f.psi, r.thresholds));
      expect(f.drifted).toBe(f.adjustedPValue < r.thresholds.pValue && f.psi > r.thresholds.psi);
    });
    expect(d.datasetDrift).toBe(d.features.some((f) => f.drifted));
    expect(d.prediction.drifted).toBe(
      d.prediction.pValue < r.thresholds.pValue && d.prediction.psi > r.thresholds.psi,
    );
    expect(r.alerts.find((a) => a.kind === 'dataset-drift')?.active).toBe(d.datasetDrift);
  }

  it('an explicitly requested drift window that is empty is an error and writes nothing', async () => {
    const w = await trained(['iris']);
    await cli(w, 'generate', '--days', '2');
    await cli(w, 'infer');
    const before = fingerprint(w);
    const r = await cli(w, 'monitor', '--window', '7');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'iris: the drift window 2026-11-18 … 2026-11-24 has 2 rows; drift needs at least 20',
    );
    expect(fingerprint(w)).toBe(before);
    const ok = await cli(w, 'monitor');
    expectCliOk(ok);
    expect(ok.out).toContain('drift skipped');
    rmSync(path.join(w, 'reports/iris/monitoring.json'));
  });
});
