// No lost day: a daily run without a day count makes good every day missed since the last generated
// one (at most max-days, default 31), and infer, monitor and report then cover all of them; days beyond
// the bound are named, with the command that backfills them, in the CLI output, the generate action's
// outputs and job summary, and the repository report.
import { cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitoringReport } from '../../actions/lib/monitoring/monitoring-types.js';
import { backfillCommands, dayRanges } from '../../actions/lib/pipelines/daily-schedule.js';
import { catchUpDays } from '../../actions/lib/pipelines/generate.js';
import { type ActionRun, requireBundles, runActionBundle } from '../helpers/action-runner.js';
import { cli, fingerprint, makeWorkspace, REPO_ROOT, read } from '../helpers/workspace.js';

const monitoringOf = (root: string): MonitoringReport =>
  JSON.parse(read(root, 'reports/iris/monitoring.json'));
const syntheticDates = (root: string): string[] =>
  [
    ...new Set(
      ['2026-09', '2026-10', '2026-11', '2026-12', '2027-01']
        .flatMap((m) => {
          try {
            return read(root, `data/iris/v1/rows-${m}.csv`).trim().split('\n').slice(1);
          } catch {
            return [];
          }
        })
        .filter((l) => l.split(',')[2] === 'synthetic')
        .map((l) => l.split(',')[1].slice(0, 10)),
    ),
  ].sort();

async function trainedIris(): Promise<string> {
  const ws = makeWorkspace(['iris']);
  for (const args of [['backfill'], ['train', '--algorithm', 'gaussian-nb', '--folds', '3']]) {
    const r = await cli(ws, ...args, '--now', '2026-11-01T12:00:00Z');
    expect(r.code, r.err).toBe(0);
  }
  return ws;
}

describe('catch-up days', () => {
  it('are the days after the last generated one through the date, the most recent max-days of them', () => {
    expect(catchUpDays(null, '2026-11-24', 31)).toEqual({ wanted: ['2026-11-24'], missed: [] });
    expect(catchUpDays('2026-11-24', '2026-11-24', 31)).toEqual({ wanted: ['2026-11-24'], missed: [] });
    expect(catchUpDays('2026-11-30', '2026-11-24', 31)).toEqual({ wanted: ['2026-11-24'], missed: [] });
    expect(catchUpDays('2026-11-27', '2026-12-02', 31).wanted).toEqual([
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
    const bounded = catchUpDays('2026-10-01', '2026-11-10', 31);
    expect(bounded.wanted).toHaveLength(31);
    expect(bounded.wanted[0]).toBe('2026-10-11');
    expect(bounded.wanted[30]).toBe('2026-11-10');
    expect(bounded.missed).toEqual(dayRangeDates('2026-10-02', 9));
  });

  it('missing days group into ranges, each with a CLI and a dispatch command', () => {
    expect(dayRanges(['2026-10-02', '2026-10-03', '2026-10-05'])).toEqual([
      { from: '2026-10-02', to: '2026-10-03', days: 2 },
      { from: '2026-10-05', to: '2026-10-05', days: 1 },
    ]);
    expect(backfillCommands('iris', { from: '2026-10-02', to: '2026-10-10', days: 9 })).toEqual({
      cli: 'npm run cli -- daily --dataset iris --date 2026-10-10 --days 9',
      dispatch: 'gh workflow run daily.yml -f dataset=iris -f date=2026-10-10 -f days=9',
    });
  });
});

describe('the daily CLI after missed runs', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await trainedIris();
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  it('after a 5-day gap, without --days, generates, predicts, monitors and reports all 5 days', async () => {
    const first = await cli(ws, 'daily', '--rows', '3', '--now', '2026-11-15T05:17:00Z');
    expect(first.code, first.err).toBe(0);
    expect(syntheticDates(ws)).toEqual(['2026-11-15']);
    const readme = read(ws, 'reports/iris/README.md');

    // Five scheduled runs were dropped; the clock moves on to 2026-11-21.
    const r = await cli(ws, 'daily', '--rows', '3', '--now', '2026-11-21T05:17:00Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      'iris: 18 synthetic row(s) for 6 day(s) (2026-11-16, 2026-11-17, 2026-11-18, 2026-11-19, 2026-11-20, 2026-11-21)',
    );
    expect(r.out).toContain('predicted 18 new row(s)');
    expect(syntheticDates(ws)).toEqual(dayRangeDates('2026-11-15', 7));
    const m = monitoringOf(ws);
    expect(m.daily.map((d) => [d.date, d.rows])).toEqual(dayRangeDates('2026-11-15', 7).map((d) => [d, 3]));
    expect(m.recent.at(-1)?.predictedAt).toBe('2026-11-21T05:17:00Z');
    expect(m.missingDays).toBeUndefined();
    // Nothing was left out, so the page says what it said (its bytes change only when its words do).
    expect(read(ws, 'reports/iris/README.md')).toBe(readme);
    expect(readme).toContain('If the last daily run is more than 36 hours ago, the schedule may be disabled');
    expect(readme).not.toContain('Days not made good');
    // The dashboard's first line names the last run.
    expect(read(ws, 'reports/iris/dashboard.svg')).toContain('Last daily run: 2026-11-21 05:17 UTC.');

    // Running again the same day makes nothing and changes nothing.
    const before = fingerprint(ws);
    const again = await cli(ws, 'daily', '--rows', '3', '--now', '2026-11-21T09:00:00Z');
    expect(again.out).toContain('iris: 0 synthetic row(s) for 0 day(s), 1 day(s) already done');
    expect(fingerprint(ws)).toBe(before);
  });

  it('after a 40-day gap makes good the latest 31, and names the 9 it did not with the backfill command', async () => {
    const r = await cli(ws, 'daily', '--rows', '2', '--now', '2026-12-31T05:17:00Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('iris: 62 synthetic row(s) for 31 day(s) (2026-12-01, ');
    expect(r.out).toContain(
      '9 older missing day(s) NOT made good (more than the catch-up bound were missing); backfill:',
    );
    const command = 'npm run cli -- daily --dataset iris --date 2026-11-30 --days 9';
    expect(r.out).toContain(
      `2026-11-22 … 2026-11-30 (9 days): ${command}  (or gh workflow run daily.yml -f dataset=iris -f date=2026-11-30 -f days=9)`,
    );
    expect(r.out).toContain('predicted 62 new row(s)');
    const m = monitoringOf(ws);
    expect(m.missingDays).toEqual([{ from: '2026-11-22', to: '2026-11-30', days: 9 }]);
    const readme = read(ws, 'reports/iris/README.md');
    expect(readme).toContain('**Days not made good:**');
    expect(readme).toContain(
      `- 2026-11-22 … 2026-11-30 (9 days): \`${command}\` or \`gh workflow run daily.yml -f dataset=iris -f date=2026-11-30 -f days=9\``,
    );

    // The printed command makes them good; the report's warning goes.
    const fix = await cli(ws, ...command.split(' ').slice(4), '--rows', '2', '--now', '2026-12-31T06:00:00Z');
    expect(fix.code, fix.err).toBe(0);
    expect(fix.out).toContain('predicted 18 new row(s)');
    expect(syntheticDates(ws)).toEqual(dayRangeDates('2026-11-15', 47));
    expect(monitoringOf(ws).missingDays).toBeUndefined();
    expect(read(ws, 'reports/iris/README.md')).not.toContain('Days not made good');
  });

  it('--days keeps its meaning (N days ending at the date), and --max-days sets the bound', async () => {
    const w = await trainedIris();
    try {
      expect((await cli(w, 'generate', '--days', '1', '--now', '2026-11-10T05:00:00Z')).code).toBe(0);
      const one = await cli(w, 'generate', '--days', '1', '--now', '2026-11-20T05:00:00Z');
      expect(one.out).toContain('iris: 1 synthetic rows for 1 day(s)');
      expect(syntheticDates(w)).toEqual(['2026-11-10', '2026-11-20']);
      const bounded = await cli(w, 'generate', '--max-days', '3', '--now', '2026-11-27T05:00:00Z');
      expect(bounded.out).toContain('iris: 3 synthetic rows for 3 day(s)');
      expect(bounded.out).toContain('2026-11-21 … 2026-11-24 (4 days): npm run cli -- daily --dataset iris');
      expect(syntheticDates(w).slice(-3)).toEqual(['2026-11-25', '2026-11-26', '2026-11-27']);
      const before = fingerprint(w);
      const bad = await cli(w, 'generate', '--max-days', '0');
      expect(bad.code).toBe(64); // a usage error, refused before any work (issue 12: was 1)
      expect(bad.err).toContain('--max-days must be a whole number from 1 to 3660');
      expect(fingerprint(w)).toBe(before);
    } finally {
      rmSync(w, { recursive: true, force: true });
    }
  });
});

describe('the generate action after missed runs', () => {
  let ws: string;
  const step = (stage: string, inputs: Record<string, string> = {}) =>
    runActionBundle(stage, { dataset: 'iris', ...inputs }, { workspace: ws });
  const ok = (run: ActionRun) => {
    if (run.code !== 0) throw new Error(`step failed with ${run.code}:\n${run.stdout}\n${run.stderr}`);
    return run;
  };
  beforeAll(async () => {
    requireBundles('build-site', 'generate', 'infer', 'monitor');
    ws = await trainedIris();
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  it('with empty days catches up a 5-day gap, lists the days in its summary, and infer predicts them', async () => {
    ok(await step('generate', { rows: '2', now: '2026-11-15T05:17:00Z' }));
    const gen = ok(await step('generate', { rows: '2', now: '2026-11-21T05:17:00Z' }));
    expect(gen.outputs).toMatchObject({
      'rows-added': '12',
      dates: dayRangeDates('2026-11-16', 6).join(','),
      missed: '',
    });
    expect(gen.summary).toContain('Missed days made good');
    expect(gen.summary).toContain(`iris: ${dayRangeDates('2026-11-16', 6).join(', ')}`);
    expect(gen.summary).not.toContain('NOT made good');
    const inf = ok(await step('infer', { now: '2026-11-21T05:18:00Z' }));
    expect(inf.outputs.predicted).toBe('14');
    ok(await step('monitor', { now: '2026-11-21T05:19:00Z' }));
    expect(monitoringOf(ws).daily.map((d) => d.date)).toEqual(dayRangeDates('2026-11-15', 7));
  });

  it('with a 40-day gap makes good 31, outputs the 9 missed, and says how to backfill them', async () => {
    const gen = ok(await step('generate', { rows: '1', now: '2026-12-31T05:17:00Z' }));
    expect(gen.outputs.dates.split(',')).toEqual(dayRangeDates('2026-12-01', 31));
    expect(gen.outputs.missed).toBe(dayRangeDates('2026-11-22', 9).join(','));
    expect(gen.summary).toContain('Days NOT made good (more than 31 days were missing)');
    expect(gen.summary).toContain(
      'iris: 2026-11-22 … 2026-11-30 (9 days) — backfill with <code>npm run cli -- daily --dataset iris --date 2026-11-30 --days 9</code> (then commit) or <code>gh workflow run daily.yml -f dataset=iris -f date=2026-11-30 -f days=9</code>',
    );
    expect(gen.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      'iris: 2026-11-22 … 2026-11-30 (9 days) — backfill with npm run cli -- daily --dataset iris --date 2026-11-30 --days 9 (then commit) or gh workflow run daily.yml -f dataset=iris -f date=2026-11-30 -f days=9',
    ]);
    ok(await step('infer', { now: '2026-12-31T05:18:00Z' }));
    ok(await step('monitor', { now: '2026-12-31T05:19:00Z' }));
    expect(readFileSync(path.join(ws, 'reports/iris/README.md'), 'utf8')).toContain(
      '- 2026-11-22 … 2026-11-30 (9 days): `npm run cli -- daily --dataset iris --date 2026-11-30 --days 9`',
    );
    const bound = ok(await step('generate', { 'max-days': '2', rows: '1', now: '2027-01-04T05:17:00Z' }));
    expect(bound.outputs).toMatchObject({ dates: '2027-01-03,2027-01-04', missed: '2027-01-01,2027-01-02' });
    const bad = await step('generate', { 'max-days': '0' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("::error::input 'max-days' must be a whole number from 1 to 3660, got '0'");
  });

  it("build-site links the pages' staleness warning to the repository's daily workflow", async () => {
    cpSync(path.join(REPO_ROOT, 'site/assets'), path.join(ws, 'site/assets'), { recursive: true });
    ok(await step('build-site', { now: '2027-01-04T05:20:00Z' }));
    const workflow = 'data-actions="https://github.example/acme/gitml/actions/workflows/daily.yml"';
    expect(readFileSync(path.join(ws, '_site/index.html'), 'utf8')).toContain(workflow);
    expect(readFileSync(path.join(ws, '_site/iris/dashboard.html'), 'utf8')).toContain(workflow);
    expect(readFileSync(path.join(ws, '_site/index.html'), 'utf8')).toContain(
      'data-last-run="2026-12-31T05:18:00Z"',
    );
  });
});

/** `count` consecutive UTC dates from `from`. */
function dayRangeDates(from: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10),
  );
}
