// Repair after a crash, run by every command before it reads or writes the workspace: a multi-file
// write (atomic-write.ts) that reached its journal is finished (rolled forward: its renames, then its
// deletions); temp files of one that
// did not are removed (rolled back: none of its targets had been replaced). Either way readers then see
// a whole batch or none of it, and no temp file is left to be committed or to fill the disk.
import { type Dirent, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ATOMIC_TEMP_NAME, JOURNAL_NAME, type Journal, WriteError } from './atomic-write.js';

/** The folders our writes go to; the root itself is searched too (not recursively). */
const WRITTEN_DIRS = ['data', 'models', 'reports'];

/** True when the process that owns a temp file (pid in its name) still runs: its write is in flight. */
function ownerRunning(name: string): boolean {
  const pid = Number(/\.(\d+)\.tmp$/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid === process.pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tempFiles(root: string): string[] {
  const found: string[] = [];
  const scan = (dir: string, deep: boolean) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return; // nothing written there (the command says what is wrong)
      throw new WriteError(
        `${dir}: cannot list it to look for interrupted writes (${code ?? (err as Error).message})`,
      );
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (deep) scan(p, true);
      } else if (e.isFile() && ATOMIC_TEMP_NAME.test(e.name) && !ownerRunning(e.name)) found.push(p);
    }
  };
  scan(root, false);
  for (const d of WRITTEN_DIRS) scan(path.join(root, d), true);
  return found.sort();
}

function readJournal(file: string, rel: string): Journal {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as Journal;
    if (
      typeof j.writer === 'string' &&
      Array.isArray(j.files) &&
      (j.removed === undefined || (Array.isArray(j.removed) && j.removed.every((r) => typeof r === 'string')))
    )
      return j;
  } catch {
    // reported below
  }
  throw new WriteError(
    `${rel}: the journal of an interrupted write is unreadable; delete it and restore data/, models/ and reports/ with git (git checkout -- data models reports)`,
  );
}

/**
 * Finishes or undoes every write a crash interrupted under `root`; returns one line per repair
 * (nothing when the workspace was clean).
 */
export function recoverInterruptedWrites(root: string): string[] {
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  const lines: string[] = [];
  let temps = tempFiles(root);
  for (const file of temps.filter((t) => JOURNAL_NAME.test(path.basename(t)))) {
    const journal = readJournal(file, rel(file));
    const dir = path.dirname(file);
    for (const f of journal.files) {
      const temp = path.resolve(dir, f.temp);
      const target = path.resolve(dir, f.target);
      if (!existsSync(temp)) continue; // renamed before the crash
      try {
        renameSync(temp, target);
      } catch (err) {
        throw new WriteError(
          `${rel(target)}: finishing an interrupted write failed (${(err as Error).message}); free the disk or fix permissions and run again`,
        );
      }
    }
    // The files the batch deletes go after its renames, as in writeFilesAtomically.
    const removed = journal.removed ?? [];
    for (const r of removed) {
      try {
        rmSync(path.resolve(dir, r), { force: true });
      } catch (err) {
        throw new WriteError(
          `${rel(path.resolve(dir, r))}: finishing an interrupted write failed (${(err as Error).message}); fix permissions and run again`,
        );
      }
    }
    rmSync(file, { force: true });
    lines.push(
      `repaired an interrupted write from ${journal.writer} at ${journal.startedAt}: ${journal.files.length + removed.length} files`,
    );
  }
  temps = temps.filter((t) => existsSync(t));
  if (temps.length) {
    for (const t of temps) rmSync(t, { force: true });
    const where = [...new Set(temps.map((t) => rel(path.dirname(t)) || '.'))].join(', ');
    lines.push(
      `undid an interrupted write: removed ${temps.length} temp file${temps.length > 1 ? 's' : ''} in ${where} (none of its files had been replaced; run the interrupted command again)`,
    );
  }
  return lines;
}
