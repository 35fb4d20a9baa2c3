// Replay on conflict: two runners on a real bare remote write the same files (the daily stages of the same
// dataset, each for its own day). Both run generate → infer → monitor from the same tip, as the committed
// bundles on the runner; the first commit step pushes; the second one's rebase conflicts in data/ and
// reports/, so it resets them to the remote tip, runs its recorded stages again there with the same inputs
// (the same clock) and pushes. Every round both days must reach the remote, and the remote must hold
// exactly what one runner doing the days one after the other writes (stats, predictions, monitoring).
//
// Rounds: REPLAY_ROUNDS (default 3, about 20 s on a shared core); `npm run test:replay` runs the issue's
// 20 rounds (about two minutes), which is too slow for every `npm test`.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, requireBundles, runActionBundle } from './helpers/action-runner.js';
import {
  commitFiles,
  gitIn,
  type RemoteWithClones,
  remoteFile,
  remoteWithClones,
  writeRepoFile,
} from './helpers/git-repos.js';
import { cli, makeWorkspace } from './helpers/workspace.js';

const ROUNDS = Number(process.env.REPLAY_ROUNDS ?? 3);
const FIRST_DAY = Date.parse('2026-11-02T05:17:00Z');
const DAY_MS = 86_400_000;
const nowOf = (day: number) => new Date(FIRST_DAY + day * DAY_MS).toISOString().replace('.000Z', 'Z');
const dateOf = (day: number) => nowOf(day).slice(0, 10);

const temps: string[] = [];
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `gitml-${prefix}-`));
  temps.push(dir);
  return dir;
}

/** Every file under `dir` (not .git), relative path → content. */
function filesUnder(dir: string, sub = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(path.join(dir, sub)).sort()) {
    if (name === '.git') continue;
    const rel = sub ? `${sub}/${name}` : name;
    if (statSync(path.join(dir, rel)).isDirectory()) Object.assign(files, filesUnder(dir, rel));
    else files[rel] = readFileSync(path.join(dir, rel), 'utf8');
  }
  return files;
}

/** The seed: iris backfilled and a champion trained, as the repository stands before the daily runs. */
let seed: Record<string, string>;
beforeAll(async () => {
  requireBundles('generate', 'infer', 'monitor', 'commit');
  const ws = makeWorkspace(['iris']);
  temps.push(ws);
  for (const args of [['backfill'], ['train']]) {
    const r = await cli(ws, ...args, '--now', '2026-11-01T06:00:00Z');
    if (r.code !== 0) throw new Error(`seed: ${args.join(' ')} failed: ${r.err}`);
  }
  seed = filesUnder(ws);
}, 60_000);
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function expectOk(run: ActionRun, what: string): void {
  if (run.code !== 0) throw new Error(`${what} failed with ${run.code}:\n${run.stdout}\n${run.stderr}`);
}

/** What a fresh actions/checkout gives a job: the remote's main, nothing else. */
function checkout(clone: string): void {
  gitIn(clone, ['fetch', '-q', 'origin', '+refs/heads/main:refs/remotes/origin/main']);
  gitIn(clone, ['reset', '-q', '--hard', 'origin/main']);
  gitIn(clone, ['clean', '-q', '-fdx']);
}

/** The daily stages of one job for `day`; each records its run in the job's RUNNER_TEMP. */
async function dailyStages(ws: string, day: number, runnerTemp: string): Promise<Record<string, ActionRun>> {
  const opts = { workspace: ws, env: { RUNNER_TEMP: runnerTemp } };
  const now = nowOf(day);
  const generate = await runActionBundle('generate', { dataset: 'iris', rows: '3', now }, opts);
  expectOk(generate, `generate ${dateOf(day)}`);
  const infer = await runActionBundle('infer', { dataset: 'iris', now }, opts);
  expectOk(infer, `infer ${dateOf(day)}`);
  const monitor = await runActionBundle('monitor', { dataset: 'iris', now }, opts);
  expectOk(monitor, `monitor ${dateOf(day)}`);
  return { generate, infer, monitor };
}

/** The daily workflow's commit step, its inputs made from the stages' outputs as the workflow makes them. */
function commitStep(ws: string, day: number, runnerTemp: string, stages: Record<string, ActionRun>) {
  const { generate, infer } = stages;
  return runActionBundle(
    'commit',
    {
      paths: 'data reports',
      summary: 'gitml daily {date}',
      now: nowOf(day),
      'rows-added': generate.outputs['rows-by-dataset'],
      'model-versions': infer.outputs['model-versions'],
      details: `{"dates": "${generate.outputs.dates}", "predictions": ${infer.outputs['predictions-by-dataset']}}`,
    },
    { workspace: ws, env: { RUNNER_TEMP: runnerTemp } },
  );
}

describe('replay on conflict', () => {
  let repos: RemoteWithClones | undefined;
  afterAll(() => repos?.cleanup());

  it(`lands both runners' days on the remote in each of ${ROUNDS} rounds, as a sequential run would`, async () => {
    repos = remoteWithClones(2, seed);
    const [a, b] = repos.clones;
    const seedSha = gitIn(repos.remote, ['rev-parse', 'main']);

    for (let round = 0; round < ROUNDS; round++) {
      const dayA = 2 * round;
      const dayB = 2 * round + 1;
      checkout(a);
      checkout(b);
      const [tempA, tempB] = [scratchDir('runner-a'), scratchDir('runner-b')];
      // Both jobs start from the same tip and write the same files; after the first round B's catch-up
      // also makes A's day (the last generated one is the day before).
      const [stagesA, stagesB] = await Promise.all([dailyStages(a, dayA, tempA), dailyStages(b, dayB, tempB)]);
      expect(stagesB.generate.outputs.dates).toBe(round === 0 ? dateOf(dayB) : `${dateOf(dayA)},${dateOf(dayB)}`);

      const first = await commitStep(a, dayA, tempA, stagesA);
      expectOk(first, `round ${round}: runner A's commit`);
      expect(first.outputs).toMatchObject({ pushed: 'true', replays: '0' });
      const second = await commitStep(b, dayB, tempB, stagesB);
      expectOk(second, `round ${round}: runner B's commit`);
      expect(second.outputs).toMatchObject({ pushed: 'true', replays: '1', attempts: '2' });
      expect(second.stdout).toMatch(/rebase conflicts in data\/iris\/.+: resetting data, reports to origin\/main/);
      expect(second.stdout).toContain('[replay 1: generate]');

      // B's commit sits on A's and states the facts of the replayed run: its own day, 3 rows, 3 predictions.
      expect(gitIn(repos.remote, ['rev-parse', 'main^'])).toBe(first.outputs.sha);
      expect(second.outputs.sha).toBe(gitIn(repos.remote, ['rev-parse', 'main']));
      const body = JSON.parse(gitIn(repos.remote, ['log', '-1', '--format=%b', 'main']));
      expect(body).toMatchObject({
        date: dateOf(dayB),
        rowsAdded: { iris: 3 },
        dates: dateOf(dayB),
        predictions: { iris: 3 },
        replayed: { onto: first.outputs.sha, stages: ['generate', 'infer', 'monitor'], times: 1 },
      });
      // The journal was cleared with the push: a later commit step in the job replays nothing.
      expect(readdirSync(path.join(tempB, 'gitml'))).toEqual([]);
    }

    // One runner doing the same days one after the other, from the same seed, never committing.
    const reference = scratchDir('sequential');
    gitIn(repos.root, ['clone', '-q', repos.remote, reference]);
    gitIn(reference, ['reset', '-q', '--hard', seedSha]);
    for (let day = 0; day < 2 * ROUNDS; day++) await dailyStages(reference, day, scratchDir('runner-seq'));
    checkout(a);
    const remote = filesUnder(a);
    const sequential = filesUnder(reference);
    expect(Object.keys(remote).sort()).toEqual(Object.keys(sequential).sort());
    for (const file of Object.keys(sequential)) expect(remote[file], file).toBe(sequential[file]);

    // Every day is in the feature group (3 rows each) and in the prediction log.
    const stats = JSON.parse(remoteFile(repos.remote, 'data/iris/v1/stats.json'));
    expect(JSON.stringify(stats)).toContain(`"rows":${150 + 6 * ROUNDS}`);
    const commits = gitIn(repos.remote, ['log', '--format=%s', `${seedSha}..main`]).split('\n');
    expect(commits).toHaveLength(2 * ROUNDS);
  }, 60_000 + ROUNDS * 30_000);
});
