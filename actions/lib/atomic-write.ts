// Atomic writes: every file goes to a temp file in its own directory first, then is renamed over the
// target, so a reader (or a crash) never sees half a file. Writes start only after all content is built.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The temp file a write goes through: `.<name>.<pid>.tmp` beside the target. The commit step never
 * commits one (a crash can leave it behind) and .gitignore lists the pattern.
 */
export const ATOMIC_TEMP_NAME = /^\..+\.\d+\.tmp$/;

export function atomicTempPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

export interface FileWrite {
  path: string;
  content: string | Uint8Array;
}

export function writeFilesAtomically(files: readonly FileWrite[]): void {
  const temps: { tmp: string; target: string }[] = [];
  try {
    for (const f of files) {
      mkdirSync(path.dirname(f.path), { recursive: true });
      const tmp = atomicTempPath(f.path);
      writeFileSync(tmp, f.content);
      temps.push({ tmp, target: f.path });
    }
  } catch (err) {
    for (const t of temps) rmSync(t.tmp, { force: true });
    throw err;
  }
  for (const t of temps) renameSync(t.tmp, t.target);
}

export function writeFileAtomically(file: string, content: string | Uint8Array): void {
  writeFilesAtomically([{ path: file, content }]);
}
