// Atomic writes: every file goes to a temp file in its own directory first, then is renamed over the
// target, so a reader (or a crash) never sees half a file. Writes start only after all content is built.
// A batch of several files is all-or-nothing: once every temp file is in place, a journal listing
// target + temp names is renamed into place (the commit point), then the temps are renamed over their
// targets, the files the batch deletes are removed, and the journal goes. The next command repairs a
// batch a crash cut short
// (recoverInterruptedWrites, actions/lib/files/write-journal.ts): it finishes a journalled batch and
// deletes the temps of one that never reached its journal.
import { copyFileSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GitmlError } from '../core/gitml-error.js';
import { isoSeconds } from '../core/time.js';

/**
 * The temp file a write goes through: `.<name>.<pid>.tmp` beside the target. The commit step never
 * commits one (a crash can leave it behind) and .gitignore lists the pattern.
 */
export const ATOMIC_TEMP_NAME = /^\..+\.\d+\.tmp$/;

/** A batch's journal, `.gitml-journal.<pid>.tmp`: also a temp name, so it is never committed either. */
export const JOURNAL_NAME = /^\.gitml-journal\.\d+\.tmp$/;

export function atomicTempPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

export interface FileWrite {
  path: string;
  content: string | Uint8Array;
}

/** A file whose new content is copied from another file on disk (too big to hold in memory). */
export interface FileCopy {
  path: string;
  copyFrom: string;
}

/**
 * A file the caller already wrote, streamed, to its temp path (atomicTempPath(path)): too big to hold
 * in memory or to copy. It joins the batch like the others; on a failure its temp is removed too.
 */
export interface FileStaged {
  path: string;
  staged: true;
}

/**
 * A file the batch deletes (a prediction-log piece the new manifest no longer lists): removed after the
 * renames, and listed in the journal, so a crash never leaves the new manifest beside a file it does not
 * list, nor the old one without a file it lists.
 */
export interface FileRemove {
  path: string;
  remove: true;
}

/**
 * What a journal holds: who wrote the batch, when, each target with its temp and the files it deletes
 * (paths relative to the journal; `removed` absent in journals without deletions).
 */
export interface Journal {
  writer: string;
  startedAt: string;
  files: { target: string; temp: string }[];
  removed?: string[];
}

/** A disk or file-system error, naming the file and what was done about it. */
export class WriteError extends GitmlError {
  override name = 'WriteError';
}

let writer = 'gitml';
/** Names the command in journals, so a repair can say which command was interrupted. */
export function setWriter(name: string): void {
  writer = name;
}

function ioError(err: unknown, file: string, doing: string): WriteError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EDQUOT'
        ? 'the disk quota is exceeded'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'the file system is read-only'
            : code === 'ENOENT'
              ? `${(err as NodeJS.ErrnoException).path ?? 'a file on its way'} does not exist`
              : ((err as Error).message ?? String(err));
  return new WriteError(`${file}: ${doing} failed: ${why}`);
}

export function writeFilesAtomically(
  files: readonly (FileWrite | FileCopy | FileStaged | FileRemove)[],
): void {
  const temps: { tmp: string; target: string }[] = [];
  const removals = files.filter((f): f is FileRemove => 'remove' in f).map((f) => f.path);
  for (const f of files) {
    if ('remove' in f) continue;
    const tmp = atomicTempPath(f.path);
    try {
      mkdirSync(path.dirname(f.path), { recursive: true });
      temps.push({ tmp, target: f.path }); // listed before writing: a partial temp is removed too
      if ('staged' in f) statSync(tmp);
      else if ('copyFrom' in f) copyFileSync(f.copyFrom, tmp);
      else writeFileSync(tmp, f.content);
    } catch (err) {
      for (const t of temps) rmSync(t.tmp, { force: true });
      throw ioError(err, f.path, 'writing');
    }
  }
  if (temps.length + removals.length === 0) return;
  // One file needs no journal: its rename (or removal) is the whole batch.
  const journal = temps.length + removals.length > 1 ? commitJournal(temps, removals) : null;
  for (const t of temps) {
    try {
      renameSync(t.tmp, t.target);
    } catch (err) {
      // Past the commit point the batch must complete: the journal stays for the next command to finish.
      throw ioError(err, t.target, 'renaming its temp file into place');
    }
  }
  for (const r of removals) {
    try {
      rmSync(r, { force: true });
    } catch (err) {
      throw ioError(err, r, 'removing it');
    }
  }
  if (journal) rmSync(journal, { force: true });
}

/** The deepest directory holding every target: where the batch's journal goes. */
function commonDir(targets: string[]): string {
  let dir = path.dirname(path.resolve(targets[0]));
  for (const t of targets) {
    const abs = path.resolve(t);
    while (!abs.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)) dir = path.dirname(dir);
  }
  return dir;
}

/** Writes the journal (atomically itself) and returns its path: from here on the batch completes. */
function commitJournal(temps: { tmp: string; target: string }[], removals: string[]): string {
  const dir = commonDir([...temps.map((t) => t.target), ...removals]);
  const journal = path.join(dir, `.gitml-journal.${process.pid}.tmp`);
  const body: Journal = {
    writer,
    startedAt: isoSeconds(new Date()),
    files: temps.map((t) => ({
      target: path.relative(dir, path.resolve(t.target)),
      temp: path.relative(dir, path.resolve(t.tmp)),
    })),
    ...(removals.length ? { removed: removals.map((r) => path.relative(dir, path.resolve(r))) } : {}),
  };
  const tmp = atomicTempPath(journal);
  try {
    writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
    renameSync(tmp, journal);
  } catch (err) {
    rmSync(tmp, { force: true });
    for (const t of temps) rmSync(t.tmp, { force: true });
    throw ioError(err, journal, 'writing the journal of a multi-file write');
  }
  return journal;
}
