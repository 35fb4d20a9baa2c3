// Batch inference's peak memory per row (issue #17: ≤ 300 B/row at 3M rows): `gitml infer` from an empty
// log on the wine feature group grown to 1M and 3M rows (about 12 months of generated days), one process
// per run so the peak RSS is the command's own. Memory has no peer; the wall time is reported beside it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BENCH_NOW, wineGroup } from './fixture-groups.js';
import { type Suite, summarize } from './harness.js';

const CLI = path.resolve('dist/cli.js');
const SIZES = [1_000_000, 3_000_000];

function runCli(args: string[]): { ms: number; rssKb: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args, '--now', BENCH_NOW.toISOString()], {
    encoding: 'utf8',
    env: { ...process.env, GITML_REPORT_RSS: '1' },
    maxBuffer: 1 << 26,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`gitml ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, rssKb: Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? 0) };
}

export const suite: Suite = async (ctx) => {
  for (const size of SIZES) {
    const { ws } = wineGroup(ctx.tmpDir, size, ctx.log);
    const root = ws.root;
    if (!existsSync(path.join(root, 'models/wine')))
      runCli([
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
      ]);
    const logDir = path.join(root, 'reports/wine');
    const runs = Array.from({ length: Math.min(ctx.repeats, 3) }, () => {
      // Every run starts without a log: its partitions and monitoring.json, which holds its manifest.
      for (const f of existsSync(logDir) ? readdirSync(logDir) : [])
        if (/^predictions-|^monitoring\.json$/.test(f)) rmSync(path.join(logDir, f));
      return runCli(['infer', '-d', 'wine', '--root', root]);
    });
    const peakKb = Math.max(...runs.map((r) => r.rssKb));
    ctx.add({
      suite: 'infer-memory',
      name: `batch inference peak memory, ${size / 1e6}M rows (gitml infer from an empty log)`,
      ours: summarize(runs.map((r) => r.ms)),
      goal: '≤ 300 B/row peak RSS at 3M',
      extra: { peakRssMB: Math.round(peakKb / 1024), bytesPerRow: Math.round((peakKb * 1024) / size) },
    });
  }
};
