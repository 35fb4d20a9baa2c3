// The daily cycle of the bundled datasets as the repository holds them (issue #17): `gitml daily` on a
// copy of data/, models/ and reports/ with the clock on the day after the last predicted one, so each run
// does exactly one day's work (generate one day → infer → monitor → report). One process per run, so the
// wall time includes process start; every run starts from the same copy. No peer: the goal is absolute.
// Beside it, the floor every command pays: `gitml --help` (process start and loading the bundle).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { addDays } from '../../actions/lib/core/time.js';
import { type Suite, summarize } from './harness.js';

const CLI = path.resolve('dist/cli.js');

/**
 * CPU time (user + system, ms) of this process's waited-for children, from /proc/self/stat (Linux; null
 * elsewhere). On a shared machine wall time grows with the load; a run's CPU time much less.
 */
function childrenCpuMs(): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the parenthesised command name: cutime and cstime are the 14th and 15th, in ticks (100 a second on Linux).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

function runCli(args: string[]): { ms: number; cpuMs: number | null; rssKb: number } {
  const c0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GITML_REPORT_RSS: '1' },
  });
  const ms = performance.now() - t0;
  const c1 = childrenCpuMs();
  if (r.status !== 0) throw new Error(`gitml ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return {
    ms,
    cpuMs: c0 === null || c1 === null ? null : c1 - c0,
    rssKb: Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? 0),
  };
}

/** Median CPU ms of the runs, when measured. */
function cpuMedian(runs: { cpuMs: number | null }[]): Record<string, number> {
  const cpu = runs.map((r) => r.cpuMs).filter((x): x is number => x !== null);
  return cpu.length ? { cpuMsMedian: Math.round(summarize(cpu).median) } : {};
}

/** The day after the latest prediction of any dataset (monitoring.json's asOf), at noon UTC. */
function nextDay(root: string): string {
  let last = '';
  const reports = path.join(root, 'reports');
  for (const d of readdirSync(reports)) {
    const file = path.join(reports, d, 'monitoring.json');
    if (!existsSync(file)) continue;
    const asOf = (JSON.parse(readFileSync(file, 'utf8')) as { asOf?: string | null }).asOf ?? '';
    if (asOf > last) last = asOf;
  }
  if (!last) throw new Error('bench daily: no reports/<dataset>/monitoring.json with a prediction to follow');
  return `${addDays(last.slice(0, 10), 1)}T12:00:00Z`;
}

export const suite: Suite = async (ctx) => {
  const source = path.join(ctx.tmpDir, 'daily-repo');
  rmSync(source, { recursive: true, force: true });
  for (const dir of ['data', 'models', 'reports'])
    cpSync(path.resolve(dir), path.join(source, dir), {
      recursive: true,
      filter: (p) => !p.startsWith(path.resolve('reports/bench')),
    });
  const datasets = readdirSync(path.join(source, 'data')).filter((d) =>
    existsSync(path.join(source, 'data', d, 'dataset.yml')),
  );
  const now = nextDay(source);
  const root = path.join(ctx.tmpDir, 'daily-run');
  const runs: ReturnType<typeof runCli>[] = [];
  for (let i = 0; i < ctx.repeats; i++) {
    rmSync(root, { recursive: true, force: true });
    cpSync(source, root, { recursive: true });
    runs.push(runCli(['daily', '--root', root, '--now', now]));
  }
  ctx.add({
    suite: 'daily',
    name: `daily cycle of the bundled datasets (${datasets.join(', ')}), one day, process start included`,
    ours: summarize(runs.map((r) => r.ms)),
    goal: '≤ 1 s wall',
    extra: {
      day: now.slice(0, 10),
      ...cpuMedian(runs),
      peakRssMB: Math.round(Math.max(...runs.map((r) => r.rssKb)) / 1024),
    },
  });
  const starts = Array.from({ length: ctx.repeats }, () => runCli(['--help']));
  ctx.add({
    suite: 'daily',
    name: 'process start and bundle load alone (gitml --help)',
    ours: summarize(starts.map((r) => r.ms)),
    extra: cpuMedian(starts),
  });
};
