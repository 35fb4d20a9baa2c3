// Replay on conflict: two runners on a real bare remote write the same files (the daily stages of the same
// dataset, each for its own day). Both run generate → infer → monitor from the same tip, as the committed
// bundles on the runner; the first commit step pushes; the second one's rebase conflicts in data/ and
// reports/, so it resets them to the remote tip, runs its recorded stages again there with the same inputs
// (the same clock) and pushes. Every round both days must reach the remote, and the remote must hold
// exactly what one runner doing the days one after the other writes (stats, predictions, monitoring).
//
// Rounds: REPLAY_ROUNDS, default 2 (about 25 s: round 1 starts from no generated day, round 2 is a
// catch-up where B's job makes both days); `npm run test:replay` (CI runs it) does the issue's 20 rounds,
// 3 to 9 minutes on two cores depending on their load — too slow for every `npm test`.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshInput } from '../../actions/commit/src/replay.js';
import {
  appendStageRun,
  readStageRuns,
  type StageRun,
  stageJournalPath,
} from '../../actions/lib/pipelines/stage-journal.js';
import { type ActionRun, requireBundles, runActionBundle } from '../helpers/action-runner.js';
import {
  commitFiles,
  gitIn,
  type RemoteWithClones,
  remoteFile,
  remoteWithClones,
  writeRepoFile,
} from '../helpers/git-repos.js';
import { cli, makeWorkspace, REPO_ROOT } from '../helpers/workspace.js';

const ROUNDS = Number(process.env.REPLAY_ROUNDS ?? 2);
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

  it(
    `lands both runners' days on the remote in each of ${ROUNDS} rounds, as a sequential run would`,
    async () => {
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
        const [stagesA, stagesB] = await Promise.all([
          dailyStages(a, dayA, tempA),
          dailyStages(b, dayB, tempB),
        ]);
        expect(stagesB.generate.outputs.dates).toBe(
          round === 0 ? dateOf(dayB) : `${dateOf(dayA)},${dateOf(dayB)}`,
        );

        const first = await commitStep(a, dayA, tempA, stagesA);
        expectOk(first, `round ${round}: runner A's commit`);
        expect(first.outputs).toMatchObject({ pushed: 'true', replays: '0' });
        const second = await commitStep(b, dayB, tempB, stagesB);
        expectOk(second, `round ${round}: runner B's commit`);
        expect(second.outputs).toMatchObject({ pushed: 'true', replays: '1', attempts: '2' });
        expect(second.stdout).toMatch(
          /rebase conflicts in data\/iris\/.+: resetting data, reports to origin\/main/,
        );
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

      // Every day is in the feature group (3 rows each), predicted and monitored, on the remote.
      const stats = JSON.parse(remoteFile(repos.remote, 'data/iris/v1/stats.json'));
      expect(stats.rows).toBe(150 + 6 * ROUNDS);
      expect(stats.bySource).toMatchObject({ backfill: 150, synthetic: 6 * ROUNDS });
      const monitoring = JSON.parse(remoteFile(repos.remote, 'reports/iris/monitoring.json'));
      const days = Array.from({ length: 2 * ROUNDS }, (_, d) => dateOf(d));
      const daily = new Map<string, { rows: number }>(
        monitoring.daily.map((p: { date: string }) => [p.date, p]),
      );
      for (const d of days.slice(-30)) expect(daily.get(d)?.rows, `monitoring of ${d}`).toBe(3);
      const logged = Object.keys(remote)
        .filter((f) => /^reports\/iris\/predictions-.*\.csv$/.test(f))
        .flatMap((f) => remote[f].trim().split('\n').slice(1));
      for (const d of days) {
        expect(
          logged.filter((line) => line.split(',')[1] === `${d}T00:00:00Z`),
          `predictions of ${d}`,
        ).toHaveLength(3);
      }
      const commits = gitIn(repos.remote, ['log', '--format=%s', `${seedSha}..main`]).split('\n');
      expect(commits).toHaveLength(2 * ROUNDS);
    },
    120_000 + ROUNDS * 60_000, // a round takes 5–25 s, depending on what else the cores run
  );
});

// A stand-in stage, recorded in the job's journal by hand: it writes the same file as the other runner,
// and, run again by a replay, can make that runner push first once more (or fail).
const FAKE_STAGE = `
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const replaying = Boolean(process.env.GITML_STAGE_JOURNAL); // the commit step's replay sets it
const other = process.env.INPUT_OTHER;
if (replaying && process.env.INPUT_FAIL === 'true') {
  console.log('::error::data/iris/rows.csv: the model it needs is gone');
  process.exit(1);
}
if (replaying && other) {
  const git = (...args) => execFileSync('git', args, { cwd: other, stdio: 'ignore', env: { ...process.env,
    GIT_AUTHOR_NAME: 'other', GIT_AUTHOR_EMAIL: 'o@example.test', GIT_COMMITTER_NAME: 'other', GIT_COMMITTER_EMAIL: 'o@example.test' } });
  writeFileSync(other + '/data/iris/rows.csv', 'id,x\\n1,theirs ' + process.pid + '\\n');
  git('commit', '-q', '-am', 'the other runner, again');
  git('push', '-q', 'origin', 'main');
}
writeFileSync(process.env.GITHUB_WORKSPACE + '/data/iris/rows.csv', 'id,x\\n1,' + process.env.INPUT_VALUE + '\\n');
`;

describe('replay on conflict, its bounds', () => {
  const SEED = {
    'data/iris/rows.csv': 'id,x\n1,a\n',
    'README.md': 'seed\n',
    '.gitignore': '.*.[0-9]*.tmp\n',
  };
  let repos: RemoteWithClones | undefined;
  afterAll(() => repos?.cleanup());

  /**
   * Our job: the stand-in stage ran (recorded with `inputs` of the other runner's clone, and `record`) and
   * wrote its file, while the other runner pushed the same file first.
   */
  function setUp(
    inputs: (theirs: string) => Record<string, string> = () => ({}),
    record: Partial<StageRun> = {},
  ) {
    repos?.cleanup();
    repos = remoteWithClones(2, SEED);
    const [ours, theirs] = repos.clones;
    commitFiles(theirs, { 'data/iris/rows.csv': 'id,x\n1,theirs\n' });
    gitIn(theirs, ['push', '-q', 'origin', 'main']);
    const bundle = path.join(scratchDir('stage'), 'fake', 'dist', 'index.mjs');
    writeRepoFile(path.dirname(bundle), 'index.mjs', FAKE_STAGE);
    const env = { RUNNER_TEMP: scratchDir('runner') };
    const journal = stageJournalPath(ours, env) as string;
    appendStageRun(journal, {
      stage: 'fake',
      bundle,
      node: process.execPath,
      inputs: { INPUT_VALUE: 'ours', ...inputs(theirs) },
      outputs: {},
      exitCode: 0,
      ...record,
    });
    writeRepoFile(ours, 'data/iris/rows.csv', 'id,x\n1,ours\n');
    // Outside the committed paths: a replay leaves both alone.
    writeRepoFile(ours, 'README.md', 'edited by an earlier step\n');
    writeRepoFile(ours, 'scratch.txt', 'not a result\n');
    // Left (git-ignored) in the committed paths by an interrupted write of the first run: gone after the reset.
    writeRepoFile(ours, 'data/iris/.rows.csv.4242.tmp', 'half a write');
    return { remote: repos.remote, ours, theirs, env, journal };
  }

  const commit = (ws: string, env: Record<string, string>, inputs: Record<string, string> = {}) =>
    runActionBundle(
      'commit',
      { paths: 'data', summary: 'ours', now: nowOf(0), ...inputs },
      { workspace: ws, env },
    );
  const errorOf = (run: ActionRun) => run.annotations.find((a) => a.level === 'error')?.message ?? run.stdout;
  const CONFLICT = /^rebase of local commit \w+ onto origin\/main conflicts in data\/iris\/rows\.csv; .*/;

  function expectOutsideUntouched(ours: string): void {
    expect(readFileSync(path.join(ours, 'README.md'), 'utf8')).toBe('edited by an earlier step\n');
    expect(readFileSync(path.join(ours, 'scratch.txt'), 'utf8')).toBe('not a result\n');
  }

  it('replays on the new tip and pushes, leaving files outside the committed paths as they were', async () => {
    const { remote, ours, env, journal } = setUp();
    const run = await commit(ours, env);
    expectOk(run, 'commit');
    expect(run.outputs).toMatchObject({ pushed: 'true', replays: '1', attempts: '2' });
    expect(remoteFile(remote, 'data/iris/rows.csv')).toBe('id,x\n1,ours');
    expect(gitIn(remote, ['log', '-1', '--format=%s', 'main^'])).toBe('update data/iris/rows.csv');
    expectOutsideUntouched(ours);
    expect(readStageRuns(journal)).toEqual([]); // pushed: nothing left to replay
    expect(existsSync(path.join(ours, 'data/iris/.rows.csv.4242.tmp'))).toBe(false);
  });

  it('makes no commit when the replay finds the remote already holding the same results', async () => {
    const { remote, ours, theirs, env } = setUp(() => ({ INPUT_VALUE: 'theirs' }));
    const run = await commit(ours, env);
    expectOk(run, 'commit');
    const tip = gitIn(theirs, ['rev-parse', 'HEAD']);
    expect(run.outputs).toMatchObject({ committed: 'false', pushed: 'false', replays: '1', sha: tip });
    expect(run.stdout).toContain('after the replay nothing differs from origin/main');
    expect(gitIn(remote, ['rev-parse', 'main'])).toBe(tip);
  });

  it('gives up after max-replays when another run pushes first every time, naming the way out', async () => {
    const { remote, ours, theirs, env } = setUp((theirs) => ({ INPUT_OTHER: theirs }));
    const run = await commit(ours, env, { 'max-replays': '2' });
    expect(run.code).toBe(1);
    expect(errorOf(run)).toMatch(CONFLICT);
    expect(errorOf(run)).toMatch(
      /Not replayed: the stages were already replayed 2 time\(s\) \(max-replays 2\) and each time another run pushed first; run the job again, or raise max-replays$/,
    );
    expect(run.stdout).toContain('(replay 2 of 2)');
    // Nothing forced: the remote holds the other runner's last commit.
    expect(gitIn(remote, ['rev-parse', 'main'])).toBe(gitIn(theirs, ['rev-parse', 'HEAD']));
    expect(remoteFile(remote, 'data/iris/rows.csv')).toMatch(/^id,x\n1,theirs \d+$/);
    expectOutsideUntouched(ours);
  }, 30_000);

  it('fails naming the stage when a replayed stage fails where its first run succeeded', async () => {
    const { remote, ours, theirs, env } = setUp(() => ({ INPUT_FAIL: 'true' }));
    const run = await commit(ours, env);
    expect(run.code).toBe(1);
    expect(errorOf(run)).toMatch(
      /^replay 1 on \w{12}: the fake step failed with exit code 1 where the first run succeeded \(.*the model it needs is gone\); nothing was pushed: the commit of the first run is still in this repository \(git reflog\), the remote is unchanged\. Run the job again\.$/,
    );
    expect(gitIn(remote, ['rev-parse', 'main'])).toBe(gitIn(theirs, ['rev-parse', 'HEAD']));
    expectOutsideUntouched(ours);
  });

  it('does not replay a merge of shards, nor with max-replays 0, nor without a readable record: the conflict fails as before', async () => {
    const cases: [() => ReturnType<typeof setUp>, Record<string, string>, string | RegExp][] = [
      [
        () => setUp(() => ({ INPUT_MERGE: 'true' }), { stage: 'infer', notReplayable: 'it is a merge' }),
        {},
        'Not replayed: the infer step cannot run again here: it is a merge',
      ],
      [() => setUp(), { 'max-replays': '0' }, "Not replayed: input 'max-replays' is 0"],
      [
        () => {
          const s = setUp();
          rmSync(s.journal);
          return s;
        },
        {},
        'Not replayed: no stage recorded its run in this job before the commit step',
      ],
      [
        () => {
          const s = setUp();
          writeRepoFile(path.dirname(s.journal), path.basename(s.journal), 'garbage\n');
          return s;
        },
        {},
        /Not replayed: the record of this job's stages is unreadable \(\S+\/gitml\/stages-\w+\.jsonl line 1: not a JSON stage record; delete the file to start afresh\)$/,
      ],
    ];
    for (const [make, inputs, said] of cases) {
      const { remote, ours, theirs, env } = make();
      const run = await commit(ours, env, inputs);
      expect(run.code).toBe(1);
      expect(errorOf(run)).toMatch(CONFLICT);
      expect(errorOf(run)).toMatch(said);
      expect(gitIn(ours, ['log', '-1', '--format=%s'])).toBe('ours'); // the local commit is kept
      expect(gitIn(remote, ['rev-parse', 'main'])).toBe(gitIn(theirs, ['rev-parse', 'HEAD']));
    }
  }, 30_000);
});

describe('what a stage records for a replay', () => {
  it('records its bundle, node, inputs with the clock it resolved, outputs and exit code — never a token; a merge is not replayable', async () => {
    const ws = scratchDir('ws');
    for (const [file, content] of Object.entries(seed)) writeRepoFile(ws, file, content);
    const env = { RUNNER_TEMP: scratchDir('runner') };
    const generate = await runActionBundle(
      'generate',
      { dataset: 'iris', rows: '3', token: 'ghs_secret', 'github-token': 'ghs_other' },
      { workspace: ws, env },
    );
    expectOk(generate, 'generate');
    const merge = await runActionBundle(
      'infer',
      { dataset: 'iris', merge: 'true', partials: 'parts', now: nowOf(0) },
      { workspace: ws, env },
    );
    expect(merge.code).toBe(1); // no partials: it fails, and is recorded as failed
    const journal = stageJournalPath(ws, env) as string;
    expect(path.dirname(journal)).toBe(path.join(env.RUNNER_TEMP, 'gitml')); // outside the repository
    const [first, second] = readStageRuns(journal);
    expect(first).toMatchObject({
      stage: 'generate',
      bundle: path.join(REPO_ROOT, 'actions/generate/dist/index.js'),
      node: process.execPath,
      outputs: { 'rows-by-dataset': '{"iris":3}' },
      exitCode: 0,
    });
    expect(first.notReplayable).toBeUndefined();
    expect(first.inputs).toMatchObject({ INPUT_DATASET: 'iris', INPUT_ROWS: '3' });
    // No `now` was given: the instant the stage used is recorded, so a replay runs on the same clock.
    expect(first.inputs.INPUT_NOW).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(JSON.stringify(readStageRuns(journal))).not.toContain('ghs_');
    expect(second).toMatchObject({ stage: 'infer', exitCode: 1 });
    expect(second.notReplayable).toMatch(/shard/);
  });
});

describe('the commit message after a replay', () => {
  const run = (stage: string, outputs: Record<string, string>): StageRun => ({
    stage,
    bundle: '',
    node: '',
    inputs: {},
    outputs,
    exitCode: 0,
  });
  const first = [
    run('generate', { 'rows-by-dataset': '{"iris":6}', dates: '2026-11-02,2026-11-03', missed: '' }),
    run('infer', { 'predictions-by-dataset': '{"iris":6}', 'model-versions': '{"iris":1}', shards: '' }),
  ];
  const again = [
    run('generate', { 'rows-by-dataset': '{"iris":3}', dates: '2026-11-03', missed: '' }),
    run('infer', { 'predictions-by-dataset': '{"iris":3}', 'model-versions': '{"iris":1}', shards: '0' }),
  ];

  it('gives an input that was exactly a stage output, or a value in a JSON object input, its replayed value', () => {
    expect(refreshInput('{"iris":1}', first, again)).toBe('{"iris":1}');
    expect(refreshInput('2026-11-02,2026-11-03', first, again)).toBe('2026-11-03');
    expect(
      JSON.parse(
        refreshInput(
          '{"dates": "2026-11-02,2026-11-03", "predictions": {"iris":6}, "note": "kept"}',
          first,
          again,
        ),
      ),
    ).toEqual({ dates: '2026-11-03', predictions: { iris: 3 }, note: 'kept' });
  });

  it('leaves a value that several outputs had and that now differ, and text that is no output, as they were', () => {
    // {"iris":6} was both rows-by-dataset and predictions-by-dataset: both became {"iris":3}, one answer.
    expect(refreshInput('{"iris":6}', first, again)).toBe('{"iris":3}');
    // '' was missed (still '') and shards (now '0'): ambiguous, kept.
    expect(JSON.parse(refreshInput('{"missed": ""}', first, again))).toEqual({ missed: '' });
    expect(refreshInput('not json', first, again)).toBe('not json');
    expect(refreshInput('', first, again)).toBe('');
  });
});
