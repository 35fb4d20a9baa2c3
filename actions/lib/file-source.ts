// Reading repository files either from the working tree or as they were at a git revision: the
// second is the feature store's time travel. Paths are repository-relative with forward slashes.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface FileSource {
  /** e.g. 'working tree' or 'revision 1a2b3c4'. */
  readonly description: string;
  readBytes(rel: string): Uint8Array | null;
  /** Files directly inside a folder (names only), sorted. */
  list(relDir: string): string[];
  /** Folders directly inside a folder (names only), sorted. */
  listDirs(relDir: string): string[];
}

export function workingTree(root: string): FileSource {
  return {
    description: 'working tree',
    readBytes(rel) {
      const p = path.join(root, rel);
      return existsSync(p) ? readFileSync(p) : null;
    },
    list: (relDir) => entries(path.join(root, relDir), false),
    listDirs: (relDir) => entries(path.join(root, relDir), true),
  };
}

export function gitRevision(root: string, rev: string): FileSource {
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: root, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  let sha: string;
  try {
    sha = git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])
      .toString()
      .trim();
  } catch {
    throw new Error(`git revision '${rev}' not found in ${root}`);
  }
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

/** The last commit at or before a UTC instant or date (YYYY-MM-DD means the end of that day). */
export function revisionAtDate(root: string, when: string): string {
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(when) ? `${when}T23:59:59Z` : when;
  if (Number.isNaN(Date.parse(instant)))
    throw new Error(`--as-of '${when}' is neither a git revision nor a UTC date`);
  const sha = execFileSync('git', ['rev-list', '-1', `--before=${instant}`, 'HEAD'], { cwd: root })
    .toString()
    .trim();
  if (!sha) throw new Error(`no commit at or before ${instant}`);
  return sha;
}

/** Resolves --as-of: a date/instant goes through the commit history, anything else is a revision. */
export function fileSourceAsOf(root: string, asOf?: string): FileSource {
  if (!asOf) return workingTree(root);
  const rev = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(asOf) ? revisionAtDate(root, asOf) : asOf;
  return gitRevision(root, rev);
}
