// Atomic writes: every file goes to a temp file in its own directory first, then is renamed over the
// target, so a reader (or a crash) never sees half a file. Writes start only after all content is built.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface FileWrite {
  path: string;
  content: string | Uint8Array;
}

export function writeFilesAtomically(files: readonly FileWrite[]): void {
  const temps: { tmp: string; target: string }[] = [];
  try {
    for (const f of files) {
      mkdirSync(path.dirname(f.path), { recursive: true });
      const tmp = path.join(path.dirname(f.path), `.${path.basename(f.path)}.${process.pid}.tmp`);
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
