// Ingest and backfill of a 1M-row Wine-shaped CSV (the real Wine rows repeated) in bounded memory, beside
// pandas read_csv + to_csv of the same file (the least any CSV store does with it). One process per run,
// so peak RSS is the run's own (VmHWM, GITML_REPORT_RSS) and wall time includes process start on both
// sides. Ours and the peer alternate run by run, ours first in even pairs (as timePairs); ratio = median
// of per-pair ratios. Goal (issue 17): ≤ 500 MB peak RSS for each.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BenchContext, PEERS_DIR, ratioOf, type Suite, summarize } from './harness.js';

const CLI = path.resolve('dist/cli.js');
const ROWS = 1_000_000;

interface Run {
  ms: number;
  rssKb: number;
}

function runCli(args: string[]): Run {
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

function runPandas(python: string, csv: string, out: string): Run {
  const t0 = performance.now();
  const stdout = execFileSync(python, [path.join(PEERS_DIR, 'ingest_csv.py'), csv, out], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  const ms = performance.now() - t0; // process start included, like ours
  return { ms, rssKb: JSON.parse(stdout.trim().split('\n').pop()!).maxrss_kb };
}

/** The Wine source's rows repeated to `rows` rows, header first (the shape of a user's big upload). */
function wineShapedCsv(file: string, rows: number): void {
  if (existsSync(file)) return;
  const [header, ...lines] = readFileSync(path.resolve('data/wine/source.csv'), 'utf8').trim().split('\n');
  const out = [header];
  for (let i = 0; i < rows; i++) out.push(lines[i % lines.length]);
  writeFileSync(file, `${out.join('\n')}\n`);
}

/** A fresh workspace with the Wine spec and `source` as its source file. */
function freshRoot(root: string, source: string): void {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(root, 'data/wine'), { recursive: true });
  cpSync(path.resolve('data/wine/dataset.yml'), path.join(root, 'data/wine/dataset.yml'));
  cpSync(source, path.join(root, 'data/wine/source.csv'));
}

/** `repeats` pairs of (ours, peer), ours first in even pairs; `prepare` runs untimed before ours. */
function pairs(n: number, prepare: () => void, ours: () => Run, peer: (() => Run) | null) {
  const mine: Run[] = [];
  const theirs: Run[] = [];
  const runOurs = () => {
    prepare();
    mine.push(ours());
  };
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0 || !peer) runOurs();
    if (peer) theirs.push(peer());
    if (i % 2 === 1 && peer) runOurs();
  }
  return { mine, theirs };
}

function addLine(ctx: BenchContext, name: string, mine: Run[], theirs: Run[], extra: Record<string, number>) {
  const ours = summarize(mine.map((r) => r.ms));
  const peer = theirs.length ? summarize(theirs.map((r) => r.ms)) : undefined;
  const oursMB = Math.round(Math.max(...mine.map((r) => r.rssKb)) / 1024);
  const peerMB = theirs.length ? Math.round(Math.max(...theirs.map((r) => r.rssKb)) / 1024) : undefined;
  ctx.add({
    suite: 'ingest-memory',
    name,
    ours,
    ...(peer ? { peerName: 'pandas read_csv + to_csv', peer, ratio: ratioOf(ours, peer) } : {}),
    goal: '≤ 500 MB peak RSS',
    extra: {
      oursPeakRssMB: oursMB,
      ...(peerMB !== undefined
        ? { peerPeakRssMB: peerMB, rssRatio: Number((oursMB / peerMB).toFixed(2)) }
        : {}),
      ...extra,
    },
  });
}

export const suite: Suite = async (ctx) => {
  const csv = path.join(ctx.tmpDir, 'wine-1m.csv');
  wineShapedCsv(csv, ROWS);
  const out = path.join(ctx.tmpDir, 'wine-1m-pandas.csv');
  const peer = ctx.python ? () => runPandas(ctx.python!, csv, out) : null;
  // A minute or more per run on a shared machine: three pairs are enough for a ratio.
  const n = Math.max(1, Math.min(ctx.repeats, 3));

  const backfillRoot = path.join(ctx.tmpDir, 'backfill-1m');
  const backfill = pairs(
    n,
    () => freshRoot(backfillRoot, csv),
    () => runCli(['backfill', '-d', 'wine', '--root', backfillRoot, '--now', '2026-11-01T12:00:00Z']),
    peer,
  );
  addLine(
    ctx,
    `backfill of a ${ROWS / 1e6}M-row Wine-shaped source, process start included`,
    backfill.mine,
    backfill.theirs,
    {
      partitionFiles: readdirSync(path.join(backfillRoot, 'data/wine/v1')).filter((f) =>
        f.startsWith('rows-'),
      ).length,
    },
  );

  // Ingest into the group backfilled from the bundled source (6,497 rows), as a user's big upload.
  const ingestRoot = path.join(ctx.tmpDir, 'ingest-1m');
  const ingest = pairs(
    n,
    () => {
      freshRoot(ingestRoot, path.resolve('data/wine/source.csv'));
      runCli(['backfill', '-d', 'wine', '--root', ingestRoot, '--now', '2026-11-01T12:00:00Z']);
    },
    () => runCli(['ingest', '-d', 'wine', csv, '--root', ingestRoot, '--now', '2026-12-04T12:00:00Z']),
    peer,
  );
  addLine(
    ctx,
    `ingest of a ${ROWS / 1e6}M-row Wine-shaped CSV into the bundled group, process start included`,
    ingest.mine,
    ingest.theirs,
    {
      partitionFiles: readdirSync(path.join(ingestRoot, 'data/wine/v1')).filter((f) => f.startsWith('rows-'))
        .length,
    },
  );
};
