// Finding what to ingest: CSV files under the inbox, each with the dataset it belongs to.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../lib/features/csv-input.js';
import { checkInputPath } from '../../lib/files/input-file.js';
import type { Workspace } from '../../lib/files/workspace.js';
import { ActionInputError } from '../../lib/platform/action-kit.js';

export interface InboxFile {
  abs: string;
  /** Repository-relative path: the origin recorded for each row and the annotation target. */
  rel: string;
  dataset: string;
}

const isCsv = (name: string) => /\.csv$/i.test(name);

/**
 * CSV files at `given` (a folder searched recursively, or one file), sorted by path. The walk never
 * follows a symbolic link: a link (to a file or a folder) or a FIFO/device named *.csv is listed, so that
 * reading it fails with a message naming it (checkInputFile), instead of being read or silently skipped.
 */
export function inboxFiles(ws: Workspace, given: string, dataset: string): InboxFile[] {
  const abs = path.resolve(ws.root, given);
  const rel = ws.rel(abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new ActionInputError(`input 'path' must be inside the repository, got '${given}'`);
  }
  const { stat } = checkInputPath(ws.root, abs);
  if (stat === null) {
    if (isCsv(abs)) throw new InputError(`${rel}: file not found`);
    return []; // an inbox that git no longer has (its last file was ingested): nothing to do
  }
  if (!stat.isDirectory() && !isCsv(abs)) throw new InputError(`${rel}: not a .csv file`);
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isSymbolicLink() || isCsv(entry.name)) found.push(p);
    }
  };
  if (stat.isDirectory()) walk(abs);
  else found.push(abs);
  return found
    .map((f) => ({ abs: f, rel: ws.rel(f), dataset: dataset || path.basename(path.dirname(f)) }))
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
