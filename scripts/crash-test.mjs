// The crash test (issue 12): kills each command exactly at each of its renames with strace's fault
// injection (the real syscall, no hook in our code), then proves for every crash point that
//   1. the workspace is not corrupt: the next command (`stats`, which repairs first) runs,
//   2. the re-run (or, for commands that add a version each run, the repair alone) finishes the work,
//   3. the bytes of data/, models/ and reports/ equal those of an uninterrupted run (temp files count).
// Usage: node scripts/build.mjs --cli && node scripts/crash-test.mjs [--json] [command …]
// Needs strace (Linux). Exit code 1 when any crash point is unsafe.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'dist/cli.js');
const DAY1 = '2026-11-24T12:00:00Z';
const DAY2 = '2026-11-25T12:00:00Z';
// Node renames with rename(2) on x86-64; the other two are listed so an arm64 runner (renameat) is covered.
const RENAMES = 'rename,renameat,renameat2';

const INCOMING = [
  'sepal_length,sepal_width,petal_length,petal_width,variety',
  '5.0,3.4,1.5,0.2,Setosa',
  '6.1,2.8,4.7,1.2,Versicolor',
  '6.9,3.1,5.4,2.1,Virginica',
  'abc,3.0,1.4,0.2,Setosa',
].join('\n');

/**
 * Each scenario: the commands that prepare the workspace, then the command under test. `addsVersion`:
 * the command is not idempotent (each run adds a model or feature-group version, or appends rows), so
 * it is re-run only when the repair did not report that it completed the interrupted write.
 */
const SCENARIOS = [
  { name: 'generate', prep: [['backfill']], cmd: ['generate', '--rows', '5', '--now', DAY1] },
  {
    name: 'ingest',
    prep: [['backfill']],
    cmd: ['ingest', '-d', 'iris', 'incoming.csv', '--now', DAY1],
    addsVersion: true,
  },
  { name: 'train', prep: [['backfill'], ['generate', '--rows', '5']], cmd: ['train'], addsVersion: true },
  { name: 'infer', prep: [['backfill'], ['generate', '--rows', '5'], ['train']], cmd: ['infer'] },
  {
    name: 'monitor',
    prep: [['backfill'], ['generate', '--rows', '5'], ['train'], ['infer']],
    cmd: ['monitor'],
  },
  {
    name: 'report',
    prep: [['backfill'], ['generate', '--rows', '5'], ['train'], ['infer'], ['monitor']],
    cmd: ['report'],
  },
  {
    name: 'daily',
    prep: [['backfill'], ['generate', '--rows', '5'], ['train'], ['infer'], ['monitor'], ['report']],
    cmd: ['daily', '--now', DAY2],
  },
  {
    name: 'backfill --new-version',
    prep: [['backfill'], ['generate', '--rows', '5']],
    cmd: ['backfill', '--new-version'],
    addsVersion: true,
  },
];

function cli(root, args, { strace } = {}) {
  const full = args.map((a) => (a === 'incoming.csv' ? path.join(root, a) : a));
  if (!full.includes('--now')) full.push('--now', DAY1);
  full.push('--root', root);
  const argv = strace
    ? ['strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${RENAMES}`, ...strace, 'node', CLI, ...full]]
    : ['node', [CLI, ...full]];
  const r = spawnSync(argv[0], argv[1], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, signal: r.signal, out: `${r.stdout}${r.stderr}` };
}

function countRenames(root, args) {
  const log = path.join(os.tmpdir(), `gitml-crash-strace-${process.pid}.log`);
  const full = args.map((a) => (a === 'incoming.csv' ? path.join(root, a) : a));
  if (!full.includes('--now')) full.push('--now', DAY1);
  const r = spawnSync(
    'strace',
    ['-f', '-qq', '-o', log, '-e', `trace=${RENAMES}`, 'node', CLI, ...full, '--root', root],
    {
      stdio: 'ignore',
    },
  );
  if (r.status !== 0 && r.status !== 2)
    throw new Error(`uninterrupted '${args.join(' ')}' failed (${r.status})`);
  const n = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => /\brename(at2?)?\(/.test(l) && !l.includes('resumed>')).length;
  rmSync(log, { force: true });
  return n;
}

/** path → sha256 of every file under data/, models/, reports/ (temp files included: they must be gone). */
function snapshot(root) {
  const out = {};
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(root, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  for (const d of ['data', 'models', 'reports']) walk(path.join(root, d));
  return out;
}

function diff(a, b) {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => a[k] !== b[k]).map((k) => (!(k in a) ? `+${k}` : !(k in b) ? `-${k}` : `~${k}`));
}

function freshWorkspace() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gitml-crash-'));
  for (const f of ['dataset.yml', 'source.csv'])
    cpSync(path.join(REPO, 'data/iris', f), path.join(root, 'data/iris', f));
  writeFileSync(path.join(root, 'incoming.csv'), `${INCOMING}\n`);
  return root;
}

function run() {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const only = args.filter((a) => a !== '--json');
  const scenarios = only.length ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
  const results = [];
  const scratch = [];
  for (const s of scenarios) {
    const base = freshWorkspace();
    scratch.push(base);
    for (const p of s.prep) {
      const r = cli(base, p);
      if (r.code !== 0 && r.code !== 2) throw new Error(`prep '${p.join(' ')}' failed (${r.code}): ${r.out}`);
    }
    const clean = mkdtempSync(path.join(os.tmpdir(), 'gitml-crash-'));
    scratch.push(clean);
    cpSync(base, clean, { recursive: true });
    const renames = countRenames(clean, s.cmd);
    const expected = snapshot(clean);
    for (let n = 1; n <= renames; n++) {
      const ws = mkdtempSync(path.join(os.tmpdir(), 'gitml-crash-'));
      cpSync(base, ws, { recursive: true });
      const problems = [];
      const killed = cli(ws, s.cmd, { strace: ['-e', `inject=${RENAMES}:signal=KILL:when=${n}`] });
      if (killed.code === 0) problems.push(`not killed at rename ${n}`);
      const left = Object.keys(snapshot(ws)).filter((f) => /(^|\/)\.[^/]+\.\d+\.tmp$/.test(f)).length;
      const next = cli(ws, ['stats']);
      if (left && !/interrupted write/.test(next.out))
        problems.push(`${left} temp file(s) left and the next command did not say it repaired anything`);
      if (next.code !== 0) problems.push(`next command 'stats' failed: ${next.out.trim().split('\n').pop()}`);
      const completed = /repaired an interrupted write/.test(next.out);
      if (!(s.addsVersion && completed)) {
        const again = cli(ws, s.cmd);
        if (again.code !== 0 && again.code !== 2)
          problems.push(`re-run failed (${again.code}): ${again.out.trim().split('\n').pop()}`);
      }
      const d = diff(expected, snapshot(ws));
      if (d.length) problems.push(`bytes differ from an uninterrupted run: ${d.slice(0, 6).join(' ')}`);
      results.push({
        command: s.name,
        rename: n,
        of: renames,
        safe: problems.length === 0,
        problems,
        repair: next.out.split('\n').filter((l) => /interrupted write/.test(l)),
      });
      rmSync(ws, { recursive: true, force: true });
      if (!json) {
        const r = results[results.length - 1];
        console.log(
          `${r.safe ? 'safe  ' : 'UNSAFE'} ${s.name} rename ${n}/${renames}${r.problems.length ? `: ${r.problems.join('; ')}` : ''}`,
        );
      }
    }
  }
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
  const unsafe = results.filter((r) => !r.safe).length;
  if (json) console.log(JSON.stringify(results, null, 2));
  console.log(`crash test: ${results.length} crash points, ${unsafe} unsafe`);
  return unsafe === 0 ? 0 : 1;
}

process.exitCode = run();
