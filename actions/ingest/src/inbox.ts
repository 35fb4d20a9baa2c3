// Finding what to ingest: CSV files under the inbox, each with the dataset it belongs to.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ActionInputError } from '../../lib/action-kit.js';
import { InputError } from '../../lib/csv-input.js';
import type { Workspace } from '../../lib/workspace.js';

export interface InboxFile {
  abs: string;
  /** Repository-relative path: the origin recorded for each row and the annotation target. */
  rel: string;
  dataset: string;
}

const isCsv = (name: string) => /\.csv$/i.test(name);

/** CSV files at `given` (a folder searched recursively, or one file), sorted by path. */
export function inboxFiles(ws: Workspace, given: string, dataset: string): InboxFile[] {
  const abs = path.resolve(ws.root, given);
  const rel = ws.rel(abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new ActionInputError(`input 'path' must be inside the repository, got '${given}'`);
  }
  if (!existsSync(abs)) {
    if (isCsv(abs)) throw new InputError(`${rel}: file not found`);
    return []; // an inbox that git no longer has (its last file was ingested): nothing to do
  }
  const found: string[] = [];
  const walk = (p: string) => {
    if (!statSync(p).isDirectory()) {
      if (isCsv(p)) found.push(p);
      return;
    }
    for (const name of readdirSync(p)) if (!name.startsWith('.')) walk(path.join(p, name));
  };
  if (statSync(abs).isFile() && !isCsv(abs)) throw new InputError(`${rel}: not a .csv file`);
  walk(abs);
  return found
    .map((f) => ({ abs: f, rel: ws.rel(f), dataset: dataset || path.basename(path.dirname(f)) }))
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
