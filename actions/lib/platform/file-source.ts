// Reading repository files either from the working tree or as they were at a git revision: the
// second is the feature store's time travel. Paths are repository-relative with forward slashes.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readInputFileIfExists } from '../files/input-file.js';
import { isAsOfDate, resolveRevision, revisionAsOf } from './git.js';

export interface FileSource {
  /** e.g. 'working tree' or 'revision 1a2b3c4'. */
  readonly description: string;
  readBytes(rel: string): Uint8Array | null;
  /** Files directly inside a folder (names only), sorted. */
  list(relDir: string): string[];
  /** Folders directly inside a folder (names only), sorted. */
  listDirs(relDir: string): string[];
}

/** The working tree's FileSource description: what the feature group's schema check is for. */
export const WORKING_TREE = 'working tree';

export function workingTree(root: string): FileSource {
  return {
    description: WORKING_TREE,
    // Files of a pull request's checkout are data: never read through a link (see input-file.ts).
    readBytes: (rel) => readInputFileIfExists(root, rel),
    list: (relDir) => entries(path.join(root, relDir), false),
    listDirs: (relDir) => entries(path.join(root, relDir), true),
  };
}

export function gitRevision(root: string, rev: string): FileSource {
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: root, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  const sha = resolveRevision(root, rev);
  return {
    description: `revision ${sha.slice(0, 7)}`,
    readBytes(rel) {
      try {
        return git(['show', `${sha}:${rel}`]);
      } catch {
        return null;
      }
    },
    list: (relDir) => tree(relDir, 'blob'),
    listDirs: (relDir) => tree(relDir, 'tree'),
  };

  function tree(relDir: string, type: 'blob' | 'tree'): string[] {
    const out = git(['ls-tree', sha, `${relDir.replace(/\/$/, '')}/`]).toString();
    return out
      .split('\n')
      .filter((l) => l.split(' ')[1] === type)
      .map((l) => l.slice(l.lastIndexOf('/') + 1))
      .sort();
  }
}

function entries(dir: string, dirs: boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => (dirs ? d.isDirectory() : d.isFile()))
    .map((d) => d.name)
    .sort();
}

/**
 * Resolves --as-of: a date or date-time is the branch as it stood then (revisionAsOf: first-parent
 * history, with a clear message in a shallow checkout); anything else is a git revision.
 */
export function fileSourceAsOf(root: string, asOf?: string): FileSource {
  if (!asOf) return workingTree(root);
  return gitRevision(root, isAsOfDate(asOf) ? revisionAsOf(root, asOf) : asOf);
}
