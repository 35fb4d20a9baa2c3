// Crash safety of the write layer (issue 12): a multi-file write is all-or-nothing across a crash,
// the next command repairs it (and says so), temp files are swept, and a full disk names the file and
// leaves no temp behind. The kill-at-every-rename test of every command is scripts/crash-test.mjs
// (npm run test:crash, run by .ci/run); these tests build the states a crash leaves by hand.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ATOMIC_TEMP_NAME,
  atomicTempPath,
  JOURNAL_NAME,
  type Journal,
  WriteError,
  writeFilesAtomically,
} from '../../actions/lib/files/atomic-write.js';
import { recoverInterruptedWrites } from '../../actions/lib/files/write-journal.js';
import { cli, expectCliOk, makeWorkspace, read } from '../helpers/workspace.js';

const DEAD_PID = 999_999_99; // above pid_max: never a running process

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});
function workspace(): string {
  const root = makeWorkspace(['iris']);
  roots.push(root);
  return root;
}

/** Every temp (or journal) file under dir. */
function temps(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (ATOMIC_TEMP_NAME.test(e.name)) found.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  walk(dir);
  return found.sort();
}

/** The state a crash leaves after the journal was committed and `renamed` of the temps were renamed. */
function crashAfterJournal(dir: string, files: Record<string, string>, renamed: number): void {
  const names = Object.keys(files);
  const tempOf = (n: string) => `.${path.basename(n)}.${DEAD_PID}.tmp`;
  names.forEach((n, i) => {
    mkdirSync(path.dirname(path.join(dir, n)), { recursive: true });
    const target = i < renamed ? n : path.join(path.dirname(n), tempOf(n));
    writeFileSync(path.join(dir, target), files[n]);
  });
  const journal: Journal = {
    writer: 'gitml generate',
    startedAt: '2026-11-24T12:00:01Z',
    files: names.map((n) => ({ target: n, temp: path.join(path.dirname(n), tempOf(n)) })),
  };
  writeFileSync(path.join(dir, `.gitml-journal.${DEAD_PID}.tmp`), JSON.stringify(journal));
}

describe('a multi-file write across a crash', () => {
  it('is finished by the next command when the crash came after its journal', async () => {
    const root = workspace();
    expect((await cli(root, 'backfill')).code).toBe(0);
    expect((await cli(root, 'generate', '--rows', '5')).code).toBe(0);
    const after = Object.fromEntries(
      ['metadata.json', 'rows-2026-11.csv', 'stats.json'].map((f) => [f, read(root, `data/iris/v1/${f}`)]),
    );
    // A second workspace before that generate, then the crash: rows renamed, metadata and stats not yet.
    const fresh = workspace();
    expect((await cli(fresh, 'backfill')).code).toBe(0);
    const before = read(fresh, 'data/iris/v1/stats.json');
    crashAfterJournal(path.join(fresh, 'data/iris/v1'), after, 1);
    expect(read(fresh, 'data/iris/v1/stats.json')).toBe(before); // half-applied on disk

    const r = await cli(fresh, 'stats');
    expectCliOk(r);
    expect(r.out.split('\n')[0]).toBe(
      'repaired an interrupted write from gitml generate at 2026-11-24T12:00:01Z: 3 files',
    );
    for (const [f, content] of Object.entries(after)) expect(read(fresh, `data/iris/v1/${f}`)).toBe(content);
    expect(temps(fresh)).toEqual([]);
    // The re-run finds the day done: nothing to add, nothing to repair.
    const again = await cli(fresh, 'generate', '--rows', '5');
    expect(again.out).not.toMatch(/interrupted/);
    for (const [f, content] of Object.entries(after)) expect(read(fresh, `data/iris/v1/${f}`)).toBe(content);
  });

  it('is undone when the crash came before its journal: temps removed, targets untouched', async () => {
    const root = workspace();
    expect((await cli(root, 'backfill')).code).toBe(0);
    const dir = path.join(root, 'data/iris/v1');
    const stats = read(root, 'data/iris/v1/stats.json');
    writeFileSync(path.join(dir, `.stats.json.${DEAD_PID}.tmp`), '{"half":');
    writeFileSync(path.join(dir, `.rows-2026-11.csv.${DEAD_PID}.tmp`), 'id,');
    const r = await cli(root, 'stats');
    expectCliOk(r);
    expect(r.out.split('\n')[0]).toBe(
      'undid an interrupted write: removed 2 temp files in data/iris/v1 (none of its files had been replaced; run the interrupted command again)',
    );
    expect(temps(root)).toEqual([]);
    expect(read(root, 'data/iris/v1/stats.json')).toBe(stats);
  });

  it('keeps the temp files of a write that is still running (its process is alive)', () => {
    const root = workspace();
    const live = path.join(root, 'data/iris', `.stats.json.${process.ppid}.tmp`);
    writeFileSync(live, 'x');
    expect(recoverInterruptedWrites(root)).toEqual([]);
    expect(existsSync(live)).toBe(true);
  });

  it('an interrupted prediction-log write does not wedge infer: the next infer completes it', async () => {
    const root = workspace();
    for (const c of [['backfill'], ['generate', '--rows', '5'], ['train']])
      expect((await cli(root, ...c)).code).toBe(0);
    const ok = makeWorkspace(['iris']);
    roots.push(ok);
    for (const c of [['backfill'], ['generate', '--rows', '5'], ['train'], ['infer']])
      expect((await cli(ok, ...c)).code).toBe(0);
    const files = {
      'predictions-2026-11.csv': read(ok, 'reports/iris/predictions-2026-11.csv'),
      'monitoring.json': read(ok, 'reports/iris/monitoring.json'),
    };
    // The log partition is in place, its manifest (monitoring.json) is not: on the old code every
    // later infer/monitor/daily refused with "partitions without a manifest … edited by hand".
    crashAfterJournal(path.join(root, 'reports/iris'), files, 1);
    const r = await cli(root, 'infer');
    expect(r.err).toBe('');
    expectCliOk(r);
    expect(r.out).toMatch(/^repaired an interrupted write from gitml generate at .*: 2 files\n/);
    expect(read(root, 'reports/iris/monitoring.json')).toBe(files['monitoring.json']);
    expect(read(root, 'reports/iris/predictions-2026-11.csv')).toBe(files['predictions-2026-11.csv']);
  });
});

describe('the write layer', () => {
  it('a batch of several files goes through a journal that is gone afterwards', () => {
    const root = workspace();
    const a = path.join(root, 'data/iris/a.txt');
    const b = path.join(root, 'data/iris/sub/b.txt');
    writeFilesAtomically([
      { path: a, content: 'A' },
      { path: b, content: 'B' },
    ]);
    expect(readFileSync(a, 'utf8')).toBe('A');
    expect(readFileSync(b, 'utf8')).toBe('B');
    expect(temps(root)).toEqual([]);
    expect(JOURNAL_NAME.test(`.gitml-journal.${process.pid}.tmp`)).toBe(true);
    expect(ATOMIC_TEMP_NAME.test(`.gitml-journal.${process.pid}.tmp`)).toBe(true); // never committed
  });

  it('takes files the caller streamed to their temp path, and names one whose temp is missing', () => {
    const root = workspace();
    const big = path.join(root, 'data/iris/big.csv');
    const other = path.join(root, 'data/iris/other.txt');
    writeFileSync(atomicTempPath(big), 'streamed');
    writeFilesAtomically([
      { path: big, staged: true },
      { path: other, content: 'O' },
    ]);
    expect(readFileSync(big, 'utf8')).toBe('streamed');
    expect(temps(root)).toEqual([]);
    expect(() => writeFilesAtomically([{ path: big, staged: true }])).toThrow(
      `${big}: writing failed: ${atomicTempPath(big)} does not exist`,
    );
    expect(readFileSync(big, 'utf8')).toBe('streamed');
  });

  it('deletes files in the batch, after its renames; a crash past the journal is finished by the next command', async () => {
    const root = workspace();
    const dir = path.join(root, 'reports/iris');
    mkdirSync(dir, { recursive: true });
    const manifest = path.join(dir, 'monitoring.json');
    const stale = path.join(dir, 'predictions-2026-11-2.csv');
    writeFileSync(stale, 'old piece');
    writeFilesAtomically([
      { path: manifest, content: 'new manifest' },
      { path: stale, remove: true },
    ]);
    expect(readFileSync(manifest, 'utf8')).toBe('new manifest');
    expect(existsSync(stale)).toBe(false);
    expect(temps(root)).toEqual([]);

    // Killed after the journal and the rename, before the deletion: the next command deletes it.
    writeFileSync(stale, 'old piece');
    const journal: Journal = {
      writer: 'gitml infer',
      startedAt: '2026-11-24T12:00:01Z',
      files: [{ target: 'monitoring.json', temp: `.monitoring.json.${DEAD_PID}.tmp` }],
      removed: ['predictions-2026-11-2.csv'],
    };
    writeFileSync(path.join(dir, `.gitml-journal.${DEAD_PID}.tmp`), JSON.stringify(journal));
    expect(recoverInterruptedWrites(root)).toEqual([
      'repaired an interrupted write from gitml infer at 2026-11-24T12:00:01Z: 2 files',
    ]);
    expect(existsSync(stale)).toBe(false);
    expect(readFileSync(manifest, 'utf8')).toBe('new manifest');
    expect(temps(root)).toEqual([]);
  });

  it('a full disk names the file, says the disk is full, removes every temp and changes nothing', () => {
    const root = workspace();
    const dir = path.join(root, 'data/iris');
    const first = path.join(dir, 'first.txt');
    const full = path.join(dir, 'full.txt');
    writeFileSync(full, 'old');
    // The second file's temp is /dev/full: every write to it fails with ENOSPC.
    symlinkSync('/dev/full', atomicTempPath(full));
    let error: unknown;
    try {
      writeFilesAtomically([
        { path: first, content: 'new' },
        { path: full, content: 'new' },
      ]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WriteError);
    expect((error as Error).message).toBe(`${full}: writing failed: the disk is full`);
    expect(temps(root)).toEqual([]);
    expect(existsSync(first)).toBe(false);
    expect(readFileSync(full, 'utf8')).toBe('old');
  });
});
