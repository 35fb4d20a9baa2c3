// End-to-end pipeline benchmarks, one process per step so wall time includes process start and peak
// RSS is the step's own: train (read → Gaussian NB → write model) and batch inference (read → predict →
// write the ordered log) at 1M rows beside pandas + scikit-learn, the two sides alternating step by step
// (harness.ts timePairs; each side a fresh process, as the start-up is part of what is compared); and the
// three-dataset daily cycle.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { wineGroup } from './fixture-groups.js';
import {
  type BenchContext,
  PEERS_DIR,
  pairFields,
  peerOf,
  type Suite,
  summarize,
  timePairs,
} from './harness.js';

const CLI = path.resolve('dist/cli.js');

function runCli(args: string[]): { ms: number; rssKb: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GITML_REPORT_RSS: '1' },
    maxBuffer: 1 << 26,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`gitml ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, rssKb: Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? 0) };
}

function runPy(python: string, args: string[]): { ms: number; rssKb: number } {
  const t0 = performance.now();
  const out = execFileSync(python, [path.join(PEERS_DIR, 'pipeline.py'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  const ms = performance.now() - t0; // process start included, like ours
  return { ms, rssKb: JSON.parse(out.trim().split('\n').pop()!).maxrss_kb };
}

/**
 * Our CLI step and the peer's alternating pair by pair, each a fresh process; the largest peak RSS of
 * each side across the pairs.
 */
async function stepPairs(
  ctx: BenchContext,
  ours: () => { ms: number; rssKb: number },
  peer: (() => { ms: number; rssKb: number }) | null,
) {
  let oursRss = 0;
  const t = await timePairs(
    ctx.repeats,
    () => {
      oursRss = Math.max(oursRss, ours().rssKb);
    },
    peer && peerOf(() => peer()),
    () => ({}),
    false,
  );
  const peerRss = Math.max(0, ...t.answers.map((a) => a.rssKb as number));
  return { t, oursRss, peerRss };
}

async function endToEnd(ctx: BenchContext, size: number): Promise<void> {
  const { ws } = wineGroup(ctx.tmpDir, size, ctx.log);
  const root = ws.root;
  const train = [
    'train',
    '-d',
    'wine',
    '--root',
    root,
    '--algorithm',
    'gaussian-nb',
    '--no-search',
    '--include-synthetic',
    '--force',
  ];
  const rows = `${size / 1e6 >= 1 ? `${size / 1e6}M` : `${size / 1e3}k`} rows`;
  const extraOf = (oursRss: number, peerRss: number) => ({
    oursPeakRssMB: Math.round(oursRss / 1024),
    ...(peerRss > 0
      ? { peerPeakRssMB: Math.round(peerRss / 1024), rssRatio: (oursRss / peerRss).toFixed(2) }
      : {}),
  });
  const model = path.join(ctx.tmpDir, `nb-${size}.joblib`);
  const trained = await stepPairs(
    ctx,
    () => runCli(train),
    ctx.python ? () => runPy(ctx.python!, ['train', root, 'wine', model]) : null,
  );
  ctx.add({
    suite: 'pipeline',
    name: `train end to end (read → Gaussian NB → write model), ${rows}`,
    ...pairFields(trained.t, 'pandas + scikit-learn'),
    goal: '≤ 1.0× at 1M',
    extra: extraOf(trained.oursRss, trained.peerRss),
  });

  const logDir = path.join(root, 'reports/wine');
  const inferred = await stepPairs(
    ctx,
    () => {
      // Every run starts without a log: its partitions and monitoring.json, which holds its manifest.
      for (const f of existsSync(logDir) ? readdirSync(logDir) : [])
        if (/^predictions-|^monitoring\.json$/.test(f)) rmSync(path.join(logDir, f));
      return runCli(['infer', '-d', 'wine', '--root', root]);
    },
    ctx.python
      ? () => runPy(ctx.python!, ['infer', root, 'wine', model, path.join(ctx.tmpDir, `py-log-${size}`)])
      : null,
  );
  ctx.add({
    suite: 'pipeline',
    name: `batch inference end to end (read → predict → write ordered log), ${rows}`,
    ...pairFields(inferred.t, 'pandas + scikit-learn'),
    goal: '≤ 1.0× at 1M',
    extra: extraOf(inferred.oursRss, inferred.peerRss),
  });
}

async function dailyCycle(ctx: BenchContext): Promise<void> {
  const root = path.join(ctx.tmpDir, 'daily');
  rmSync(root, { recursive: true, force: true });
  for (const d of ['iris', 'titanic', 'wine']) {
    mkdirSync(path.join(root, 'data', d), { recursive: true });
    for (const f of ['dataset.yml', 'source.csv'])
      cpSync(path.resolve('data', d, f), path.join(root, 'data', d, f));
  }
  runCli(['backfill', '--root', root, '--now', '2026-11-01T12:00:00Z']);
  runCli(['train', '--root', root, '--no-search', '--now', '2026-11-01T12:00:00Z']);
  runCli(['daily', '--root', root, '--days', '30', '--now', '2026-11-01T12:00:00Z']);
  let day = 2;
  const runs = Array.from({ length: ctx.repeats }, () =>
    runCli(['daily', '--root', root, '--now', `2026-11-${String(day++).padStart(2, '0')}T12:00:00Z`]),
  );
  ctx.add({
    suite: 'pipeline',
    name: 'daily cycle, 3 datasets (generate → infer → monitor → report), process start included',
    ours: summarize(runs.map((r) => r.ms)),
    goal: '≤ 3 s wall',
    extra: { peakRssMB: Math.round(Math.max(...runs.map((r) => r.rssKb)) / 1024) },
  });
}

/**
 * Repository growth: 30 simulated days of the daily cycle on a fresh 3-dataset repository, one commit a
 * day, measured as the growth of `git count-objects -v` size-pack after `git gc`. The days cross a month
 * (and year) boundary, where new partitions start and the dashboard's time axes move on: a month's share
 * of that costs what it costs.
 */
async function repoGrowth(ctx: BenchContext): Promise<void> {
  const root = path.join(ctx.tmpDir, 'growth');
  rmSync(root, { recursive: true, force: true });
  for (const d of ['iris', 'titanic', 'wine']) {
    mkdirSync(path.join(root, 'data', d), { recursive: true });
    for (const f of ['dataset.yml', 'source.csv'])
      cpSync(path.resolve('data', d, f), path.join(root, 'data', d, f));
  }
  // Commits carry the simulated day as their date, so two runs of the same code pack to the same bytes.
  let commitDate = '2026-12-14T13:00:00Z';
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_DATE: commitDate, GIT_COMMITTER_DATE: commitDate },
    });
  const packKiB = () => Number(/size-pack: (\d+)/.exec(git('count-objects', '-v'))![1]);
  git('init', '-q', '-b', 'main');
  runCli(['backfill', '--root', root, '--now', '2026-11-01T12:00:00Z']);
  runCli(['train', '--root', root, '--no-search', '--now', '2026-11-01T12:00:00Z']);
  runCli(['daily', '--root', root, '--days', '44', '--now', '2026-12-14T12:00:00Z']);
  git('add', '-A');
  git('commit', '-qm', 'start');
  git('gc', '-q');
  const before = packKiB();
  const days = 30;
  const times: number[] = [];
  for (let i = 0; i < days; i++) {
    const date = new Date(Date.UTC(2026, 11, 15 + i, 12)).toISOString().replace('.000Z', 'Z');
    times.push(runCli(['daily', '--root', root, '--now', date]).ms);
    commitDate = date.replace('T12:', 'T13:');
    git('add', '-A');
    git('commit', '-qm', `daily ${date.slice(0, 10)}`);
  }
  git('gc', '-q');
  const grown = (packKiB() - before) * 1024;
  const lastDay = git('diff', '--name-only', 'HEAD~1', 'HEAD').trim().split('\n');
  ctx.add({
    suite: 'pipeline',
    name: `repository growth, ${days} daily commits × 3 datasets across a month end (git count-objects -v after gc)`,
    ours: summarize(times),
    goal: '≤ 2048 bytes per dataset per day',
    extra: {
      bytesPerDatasetPerDay: Math.round(grown / days / 3),
      packGrowthKiB: grown / 1024,
      filesPerDatasetPerDay: lastDay.length / 3,
    },
  });
}

/**
 * Ingest of a 1M-row CSV (the real Wine rows repeated) into a backfilled group: the file is streamed and
 * the rows kept as their partition lines, so peak RSS stays near the size of the new partitions and the
 * stats table, not a million row objects (2.7 GB before, issue 12). Every run starts from the backfill.
 */
async function ingestMillion(ctx: BenchContext): Promise<void> {
  const root = path.join(ctx.tmpDir, 'ingest-1m');
  const csv = path.join(ctx.tmpDir, 'wine-1m.csv');
  if (!existsSync(csv)) {
    const [header, ...rows] = readFileSync(path.resolve('data/wine/source.csv'), 'utf8').trim().split('\n');
    const lines = [header];
    for (let i = 0; i < 1_000_000; i++) lines.push(rows[i % rows.length]);
    writeFileSync(csv, `${lines.join('\n')}\n`);
  }
  const runs = Array.from({ length: ctx.repeats }, () => {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(path.join(root, 'data/wine'), { recursive: true });
    for (const f of ['dataset.yml', 'source.csv'])
      cpSync(path.resolve('data/wine', f), path.join(root, 'data/wine', f));
    runCli(['backfill', '-d', 'wine', '--root', root, '--now', '2026-11-01T12:00:00Z']);
    return runCli(['ingest', '-d', 'wine', csv, '--root', root, '--now', '2026-12-04T12:00:00Z']);
  });
  const pieces = readdirSync(path.join(root, 'data/wine/v1')).filter((f) => f.startsWith('rows-'));
  ctx.add({
    suite: 'pipeline',
    name: 'ingest of a 1M-row CSV end to end (stream → validate → split partitions → stats), process start included',
    ours: summarize(runs.map((r) => r.ms)),
    goal: '≤ 500 MB peak RSS',
    extra: {
      peakRssMB: Math.round(Math.max(...runs.map((r) => r.rssKb)) / 1024),
      partitionFiles: pieces.length,
    },
  });
}

export const suite: Suite = async (ctx) => {
  await dailyCycle(ctx);
  await repoGrowth(ctx);
  await ingestMillion(ctx);
  for (const size of [100_000, 1_000_000]) await endToEnd(ctx, size);
};
