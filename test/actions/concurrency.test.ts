// No cancellation loses work: GitHub's one-running-one-pending rule per concurrency group (modelled in
// test/helpers/concurrency-model.ts) applied to the real workflow files over sequences of arrivals —
// schedules (one dropped), inbox pushes, retrain dispatches, sharded runs — and cancellations. Afterwards
// every day is generated, every inbox file ingested, and every retrain and shard merge has run.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Arrival,
  at,
  dataJobs,
  type Outcome,
  parseWorkflows,
  simulate,
  type Workflows,
} from '../helpers/concurrency-model.js';
import { REPO_ROOT } from '../helpers/workspace.js';

const DIR = path.join(REPO_ROOT, '.github/workflows');
const workflows = parseWorkflows(
  Object.fromEntries(
    readdirSync(DIR)
      .filter((f) => f.endsWith('.yml'))
      .map((f) => [f, readFileSync(path.join(DIR, f), 'utf8')]),
  ),
);

// Long enough for arrivals to pile up behind a running job.
const MINUTES = {
  'daily.yml:pipeline': 12,
  'ingest.yml:ingest': 6,
  'retrain.yml:retrain': 25,
  'sharded.yml:train-merge': 15,
  'sharded.yml:infer-merge': 15,
};

/** What was lost: days never generated, inbox files never ingested, retrains or merges that never ran. */
function losses(outcome: Outcome, arrivals: Arrival[], firstDay: number, lastDay: number): string[] {
  const lost: string[] = [];
  for (let d = firstDay; d <= lastDay; d++) if (!outcome.generatedDays.has(d)) lost.push(`day ${d}`);
  for (const a of arrivals)
    if (a.event === 'push' && !outcome.ingested.has(a.file)) lost.push(`inbox file ${a.file}`);
  for (const u of outcome.requestedUnique)
    if (!outcome.completedUnique.includes(u)) lost.push(`unique work ${u}`);
  for (const c of outcome.cancelled) if (c.unique) lost.push(`${c.job} cancelled by ${c.by}`);
  return lost;
}

const run = (wfs: Workflows, arrivals: Arrival[], firstDay: number, lastDay: number) => {
  const outcome = simulate(wfs, arrivals, { lastGenerated: firstDay - 1, minutes: MINUTES, gap: 20 });
  return { outcome, lost: losses(outcome, arrivals, firstDay, lastDay) };
};

const schedule = (day: number): Arrival => ({ at: at(day, 5, 17), event: 'schedule' });
const push = (day: number, hh: number, mm: number, file: string): Arrival => ({
  at: at(day, hh, mm),
  event: 'push',
  file,
});
const dispatch = (day: number, hh: number, mm: number, workflow: string): Arrival => ({
  at: at(day, hh, mm),
  event: 'dispatch',
  workflow,
});

describe('the groups the workflows declare', () => {
  it('puts only idempotent catch-ups in the data group; retrains and shard merges never share a group', () => {
    const schedule = dataJobs(workflows, 'schedule', 1);
    const inbox = dataJobs(workflows, 'push', 2);
    expect(schedule.map((j) => j.label)).toEqual(['daily.yml:pipeline']);
    // An inbox push runs the very same job (ingest.yml calls daily.yml).
    expect(inbox.map((j) => j.label)).toEqual(['daily.yml:pipeline']);
    for (const j of [...schedule, ...inbox]) {
      expect(j.group).toBe('gitml-data-refs/heads/main');
      expect(j.work).toMatchObject({ ingestsInbox: true, generate: 'catch-up', maxDays: 31, unique: null });
    }
    const retrain = dataJobs(workflows, 'dispatch', 3, 'retrain.yml');
    const sharded = dataJobs(workflows, 'dispatch', 4, 'sharded.yml');
    expect(retrain.map((j) => j.label)).toEqual(['retrain.yml:retrain']);
    expect(sharded.map((j) => j.label)).toEqual(['sharded.yml:train-merge', 'sharded.yml:infer-merge']);
    const again = [
      ...dataJobs(workflows, 'dispatch', 5, 'retrain.yml'),
      ...dataJobs(workflows, 'dispatch', 6, 'sharded.yml'),
    ];
    const groups = [...retrain, ...sharded, ...again].map((j) => j.group);
    for (const g of groups) expect(g).not.toBe('gitml-data-refs/heads/main');
    // Two runs never share a group, so no newer run can cancel a pending one.
    expect(new Set([...retrain, ...again.slice(0, 1)].map((j) => j.group)).size).toBe(2);
    expect(new Set([sharded[0].group, again[1].group]).size).toBe(2);
  });
});

describe('GitHub one-running-one-pending rule over the real workflows', () => {
  it('makes good a dropped schedule: the next daily generates both days', () => {
    const arrivals = [schedule(1), schedule(2), /* day 3 dropped */ schedule(4), schedule(5)];
    const { outcome, lost } = run(workflows, arrivals, 1, 5);
    expect(lost).toEqual([]);
    expect([...outcome.generatedDays].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('loses nothing when a pending daily is cancelled by an inbox push', () => {
    const arrivals = [
      push(1, 5, 10, 'inbox/iris/a.csv'), // runs 05:10–05:22
      schedule(1), // 05:17: pending behind it
      push(1, 5, 18, 'inbox/iris/b.csv'), // cancels the pending daily of day 1
      schedule(2),
    ];
    const { outcome, lost } = run(workflows, arrivals, 1, 2);
    expect(outcome.cancelled.map((c) => c.job)).toEqual(['daily.yml:pipeline']);
    expect(lost).toEqual([]);
  });

  it('loses nothing on a busy morning: pushes, a retrain and a sharded run around the schedule', () => {
    const arrivals = [
      dispatch(1, 4, 50, 'sharded.yml'), // merges arrive 04:50 and 05:10 and run 15 min each
      schedule(1),
      push(1, 5, 18, 'inbox/iris/1.csv'),
      push(1, 5, 19, 'inbox/wine/2.csv'),
      dispatch(1, 5, 20, 'retrain.yml'),
      push(1, 5, 21, 'inbox/titanic/3.csv'),
      dispatch(1, 5, 22, 'retrain.yml'),
      dispatch(1, 5, 23, 'retrain.yml'),
      push(1, 5, 40, 'inbox/iris/4.csv'),
      schedule(2),
    ];
    const { outcome, lost } = run(workflows, arrivals, 1, 2);
    expect(lost).toEqual([]);
    expect(outcome.cancelled.length).toBeGreaterThan(0); // the pending catch-ups were cancelled…
    expect(outcome.cancelled.every((c) => c.unique === null)).toBe(true); // …and only they
    expect(outcome.completedUnique).toHaveLength(5);
  });

  it('loses nothing over 300 random fortnights (dropped schedules, bursts of pushes and dispatches)', () => {
    let seed = 18;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 300; trial++) {
      const arrivals: Arrival[] = [];
      let files = 0;
      for (let day = 1; day <= 14; day++) {
        if (day === 14 || random() > 0.25) arrivals.push(schedule(day)); // a quarter of schedules dropped
        for (let k = Math.floor(random() * 4); k > 0; k--) {
          const t = at(day, 5, 0) + Math.floor(random() * 60); // around the schedule
          arrivals.push({ at: t, event: 'push', file: `inbox/iris/${trial}-${++files}.csv` });
        }
        if (random() < 0.3)
          arrivals.push({
            at: at(day, 5, 10 + Math.floor(random() * 20)),
            event: 'dispatch',
            workflow: 'retrain.yml',
          });
        if (random() < 0.2)
          arrivals.push({
            at: at(day, 4, 40 + Math.floor(random() * 40)),
            event: 'dispatch',
            workflow: 'sharded.yml',
          });
      }
      const { lost } = run(workflows, arrivals, 1, 14);
      expect(lost, `trial ${trial}`).toEqual([]);
    }
  });
});

// The same model on the design this replaced (every data job in one group, the daily `days: 1`, the
// inbox push job ingesting only), so the checks above are shown able to fail.
describe('the model catches the losses of the old design', () => {
  const old = parseWorkflows({
    'daily.yml': `
on: {schedule: [{cron: '17 5 * * *'}], workflow_dispatch: {}}
jobs:
  pipeline:
    permissions: {contents: write}
    concurrency: {group: 'gitml-data-\${{ github.ref }}', cancel-in-progress: false}
    steps:
      - uses: ./actions/generate
        with: {days: '\${{ inputs.days || 1 }}'}
      - uses: ./actions/infer
      - uses: ./actions/commit
`,
    'ingest.yml': `
on: {push: {branches: [main], paths: ['inbox/**']}}
jobs:
  ingest:
    if: github.event_name == 'push'
    permissions: {contents: write}
    concurrency: {group: 'gitml-data-\${{ github.ref }}', cancel-in-progress: false}
    steps:
      - uses: ./actions/ingest
        with: {path: inbox}
      - uses: ./actions/commit
`,
    'retrain.yml': `
on: {workflow_dispatch: {}}
jobs:
  retrain:
    permissions: {contents: write}
    concurrency: {group: 'gitml-data-\${{ github.ref }}', cancel-in-progress: false}
    steps:
      - uses: ./actions/train
      - uses: ./actions/commit
`,
  });

  it('a dropped schedule loses its day', () => {
    expect(run(old, [schedule(1), schedule(2), schedule(4)], 1, 4).lost).toEqual(['day 3']);
  });

  it('a pending daily cancelled by an inbox push loses its day', () => {
    // The ingest runs 05:14–05:20; the daily waits from 05:17; the push at 05:18 cancels it.
    const arrivals = [push(1, 5, 14, 'a.csv'), schedule(1), push(1, 5, 18, 'b.csv'), schedule(2)];
    const { outcome, lost } = run(old, arrivals, 1, 2);
    expect(outcome.cancelled).toEqual([{ job: 'daily.yml:pipeline', by: 'ingest.yml:ingest', unique: null }]);
    expect(lost).toEqual(['day 1']);
  });

  it('a pending ingest cancelled by a daily strands its file in the inbox', () => {
    // The daily runs 05:17–05:29; the push's ingest waits from 05:20; a dispatched daily cancels it.
    const arrivals = [schedule(1), push(1, 5, 20, 'x.csv'), dispatch(1, 5, 25, 'daily.yml'), schedule(2)];
    expect(run(old, arrivals, 1, 2).lost).toEqual(['inbox file x.csv']);
  });

  it('a daily cancels a pending retrain', () => {
    const arrivals = [schedule(1), dispatch(1, 5, 20, 'retrain.yml'), dispatch(1, 5, 25, 'daily.yml')];
    const { lost } = run(old, arrivals, 1, 1);
    expect(lost).toEqual([
      expect.stringMatching(/^unique work retrain\.yml:retrain#\d+$/),
      'retrain.yml:retrain cancelled by daily.yml:pipeline',
    ]);
  });
});
