// The facts a visitor must learn (site/src/build/site-facts.ts), checked against figures computed
// independently from the committed files with pandas and scipy (test/fixtures/sklearn/site-facts.py):
// live accuracy and its Wilson interval, the holdout baseline recomputed from the holdout ids, rows and
// predictions by source, the week's rows, the previous champion and the delta, the default threshold.
// Then the rules the committed data does not exercise, on hand-made inputs: an alert's first day, a
// rollback's previous champion, the spec's reason in its comment forms.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { SOURCES } from '../../actions/lib/features/feature-table.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import type { MonitoringReport } from '../../actions/lib/monitoring/monitoring-types.js';
import { ModelRegistry, type RegistryEntry } from '../../actions/lib/registry/model-registry.js';
import { taskOf } from '../../actions/lib/spec/spec.js';
import { type FactsInput, siteFacts, specReason } from '../../site/src/build/site-facts.js';
import { monitoringReport } from '../fixtures/monitoring-report.js';
import { REPO_ROOT } from '../helpers/workspace.js';

interface Expected {
  groupRows: { backfill: number; synthetic: number; ingest: number };
  predicted: { synthetic: number; ingest: number };
  week: { from: string; to: string; rowsAdded: { synthetic: number; ingest: number }; predicted: number };
  champion: { version: number; previous: number | null; delta: number | null };
  live?: { correct: number; labelled: number; accuracy: number; low: number; high: number };
  holdout?: { accuracy: number; rows: number; baseline: number };
  threshold?: number;
  error?: { labelled: number; liveMae: number; holdoutMae: number; baselineMae: number };
}

const EXPECTED: Record<string, Expected> = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'test/fixtures/sklearn/site-facts.json'), 'utf8'),
);

/** The input as the site build gathers it, read here with the library's own readers. */
function committedInput(name: string): FactsInput {
  const ws = new Workspace(REPO_ROOT);
  const spec = ws.loadSpec(name);
  const registry = new ModelRegistry(ws, name).index();
  const champion = registry.versions.find((v) => v.version === registry.champion);
  const group = FeatureGroup.open(ws, spec, { version: champion?.featureGroupVersion });
  const table = group.read();
  const specText = readFileSync(path.join(REPO_ROOT, 'data', name, 'dataset.yml'), 'utf8');
  return {
    task: taskOf(spec.label),
    registry,
    report: JSON.parse(readFileSync(path.join(REPO_ROOT, 'reports', name, 'monitoring.json'), 'utf8')),
    rows: {
      count: table.rows,
      source: (i) => SOURCES[table.sources[i]],
      eventTime: (i) => table.eventTimes[i],
    },
    monitoring: spec.monitoring,
    specText,
  };
}

describe('site facts of the committed datasets equal pandas/scipy figures', () => {
  for (const name of Object.keys(EXPECTED)) {
    test(name, () => {
      const want = EXPECTED[name];
      const f = siteFacts(committedInput(name));
      expect(f.groupRows).toEqual(want.groupRows);
      expect(f.predicted).toEqual(want.predicted);
      expect(f.week).toMatchObject(want.week);
      expect(f.champion?.version).toBe(want.champion.version);
      expect(f.champion?.previous?.version ?? null).toBe(want.champion.previous);
      if (want.champion.delta === null) expect(f.champion?.delta).toBeNull();
      else expect(f.champion?.delta).toBeCloseTo(want.champion.delta, 12);
      if (want.live && want.holdout) {
        const a = f.accuracy!;
        expect(a.live?.correct).toBe(want.live.correct);
        expect(a.live?.labelled).toBe(want.live.labelled);
        // monitoring.json keeps six decimals.
        expect(a.live?.accuracy).toBeCloseTo(want.live.accuracy, 6);
        expect(a.live?.low).toBeCloseTo(want.live.low, 6);
        expect(a.live?.high).toBeCloseTo(want.live.high, 6);
        expect(a.holdout).toBeCloseTo(want.holdout.accuracy, 12);
        expect(a.holdoutRows).toBe(want.holdout.rows);
        expect(a.baseline).toBeCloseTo(want.holdout.baseline, 6);
        const side = (x: number) => (x < want.live!.low ? 'below' : x > want.live!.high ? 'above' : 'inside');
        expect(a.baselineSide).toBe(side(want.holdout.baseline));
        expect(a.holdoutSide).toBe(side(want.holdout.accuracy));
        expect(f.alertRule).toMatchObject({ kind: 'accuracy', setBy: 'default', threshold: want.threshold });
        expect(f.alertRule?.margin).toBeCloseTo(0.15, 4);
      } else {
        const e = want.error!;
        expect(f.accuracy).toBeNull();
        expect(f.error?.labelled).toBe(e.labelled);
        // The log keeps predictions to the label's decimals + 2; monitoring.json rounds the MAE to six.
        expect(f.error?.liveMae).toBeCloseTo(e.liveMae, 5);
        expect(f.error?.holdoutMae).toBeCloseTo(e.holdoutMae, 12);
        expect(f.error?.baselineMae).toBeCloseTo(e.baselineMae, 12);
        expect(f.alertRule?.kind).toBe('mae');
      }
    });
  }

  test('Wine: the majority-class baseline is inside the live interval, and the spec says why its rule stands', () => {
    const f = siteFacts(committedInput('wine'));
    expect(f.accuracy?.baselineSide).toBe('inside');
    // The spec's comment block naming the key, as one paragraph without the comment marks.
    const spec = readFileSync(path.join(REPO_ROOT, 'data/wine/dataset.yml'), 'utf8').split('\n');
    const at = spec.findIndex((l) => l.startsWith('#') && l.includes('accuracyThreshold'));
    let from = at;
    while (from > 0 && spec[from - 1].startsWith('#')) from--;
    let to = at;
    while (spec[to + 1]?.startsWith('#')) to++;
    expect(at).toBeGreaterThan(0);
    expect(f.alertRule?.reason).toBe(
      spec
        .slice(from, to + 1)
        .map((l) => l.replace(/^#\s?/, '').trim())
        .join(' '),
    );
    // Iris's model is clearly better than guessing.
    expect(siteFacts(committedInput('iris')).accuracy?.baselineSide).toBe('below');
  });
});

describe('spec reason', () => {
  test('a comment block naming the key, a trailing comment, none', () => {
    const block =
      'model:\n  algorithm: x\n# Lowered by hand:\n# accuracyThreshold 0.5 because of Y.\nmonitoring:\n  accuracyThreshold: 0.5\n';
    expect(specReason(block, 'accuracyThreshold')).toBe(
      'Lowered by hand: accuracyThreshold 0.5 because of Y.',
    );
    const trailing = 'monitoring:\n  maeMargin: 0.4 # the label is noisy: tasters disagree by half a point\n';
    expect(specReason(trailing, 'maeMargin')).toBe('the label is noisy: tasters disagree by half a point');
    expect(specReason('monitoring:\n  maeMargin: 0.4\n', 'maeMargin')).toBeNull();
    expect(specReason(null, 'maeMargin')).toBeNull();
  });
});

describe('alerts and champion changes the committed data does not show', () => {
  /** The fixture report with its accuracy rule made to break from `fromDate` on (and drift active). */
  function brokenFrom(fromDate: string): MonitoringReport {
    const r = monitoringReport();
    const threshold = 0.8;
    r.thresholds = { ...r.thresholds, accuracy: threshold, minWindowRows: 1 };
    r.daily = r.daily.map((d) => ({ ...d, labelled: 1, rolling30: d.date >= fromDate ? 0.5 : 0.9 }));
    r.alerts = [
      { kind: 'accuracy', active: true, message: 'm', value: 0.5, threshold },
      { kind: 'dataset-drift', active: true, message: 'd', value: 1, threshold: 0 },
    ];
    return r;
  }
  const input = (report: MonitoringReport): FactsInput => ({
    task: 'classification',
    registry: null,
    report,
    rows: null,
    monitoring: {},
    specText: null,
  });

  test("an alert's first day: in the week, before it; drift has no history", () => {
    const last = monitoringReport().daily.at(-1)!.date;
    const day = (n: number) =>
      new Date(Date.parse(`${last}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
    const recent = siteFacts(input(brokenFrom(day(2)))).week!;
    expect(recent.from).toBe(day(6));
    expect(recent.alerts).toEqual([
      { kind: 'accuracy', since: day(2), thisWeek: true },
      { kind: 'dataset-drift', since: null, thisWeek: false },
    ]);
    const old = siteFacts(input(brokenFrom(day(10)))).week!;
    expect(old.alerts[0]).toEqual({ kind: 'accuracy', since: day(10), thisWeek: false });
  });

  test('after a rollback the previous champion is the retired version registered last', () => {
    const entry = (version: number, status: RegistryEntry['status'], createdAt: string, accuracy: number) =>
      ({
        version,
        status,
        createdAt,
        decision: `d${version}`,
        holdout: { accuracy, rows: 10 },
      }) as RegistryEntry;
    const f = siteFacts({
      ...input(monitoringReport()),
      registry: {
        champion: 1,
        versions: [
          entry(1, 'champion', '2026-01-01T00:00:00Z', 0.7),
          entry(2, 'retired', '2026-01-03T00:00:00Z', 0.6),
          entry(3, 'challenger', '2026-01-04T00:00:00Z', 0.9),
        ],
      },
    });
    expect(f.champion).toMatchObject({
      version: 1,
      previous: { version: 2 },
      value: 0.7,
      previousValue: 0.6,
    });
    expect(f.champion?.delta).toBeCloseTo(0.1, 12);
  });
});
