// Real git repositories in a temp dir for tests: a bare "GitHub" remote and clones of it.

import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const TEST_IDENTITY = {
  GIT_AUTHOR_NAME: 'Test Human',
  GIT_AUTHOR_EMAIL: 'human@example.test',
  GIT_COMMITTER_NAME: 'Test Human',
  GIT_COMMITTER_EMAIL: 'human@example.test',
};

/** Runs git synchronously in `dir` and returns trimmed stdout; throws with stderr on failure. */
export function gitIn(dir: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...TEST_IDENTITY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export function tempDir(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), `gitml-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function writeRepoFile(repoDir: string, path: string, content: string): void {
  const full = join(repoDir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
}

export function appendRepoFile(repoDir: string, path: string, content: string): void {
  appendFileSync(join(repoDir, path), content);
}

export function readRepoFile(repoDir: string, path: string): string {
  return readFileSync(join(repoDir, path), 'utf8');
}

/** Writes the files and commits them with both author and committer date fixed to `isoDate`. */
export function commitFiles(repoDir: string, files: Record<string, string | null>, isoDate?: string): string {
  for (const [path, content] of Object.entries(files)) {
    if (content === null) gitIn(repoDir, ['rm', '-q', '--', path]);
    else writeRepoFile(repoDir, path, content);
  }
  gitIn(repoDir, ['add', '-A']);
  const dates: Record<string, string> = isoDate
    ? { GIT_AUTHOR_DATE: isoDate, GIT_COMMITTER_DATE: isoDate }
    : {};
  gitIn(repoDir, ['commit', '-q', '-m', `update ${Object.keys(files).join(', ')}`], dates);
  return gitIn(repoDir, ['rev-parse', 'HEAD']);
}

export function initRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  gitIn(dir, ['init', '-q', '-b', 'main']);
  return dir;
}

export interface RemoteWithClones {
  root: string;
  remote: string;
  clones: string[];
  cleanup: () => void;
}

// Building a remote and its clones costs a dozen git processes; tests copy a cached template instead.
const templates = new Map<string, string>();
let templateRoot: string | undefined;

function buildTemplate(dir: string, n: number, seed: Record<string, string>): void {
  const remote = join(dir, 'remote.git');
  gitIn(dir, ['init', '-q', '--bare', '-b', 'main', remote]);
  const seeder = initRepo(join(dir, 'seed'));
  commitFiles(seeder, seed);
  gitIn(seeder, ['remote', 'add', 'origin', remote]);
  gitIn(seeder, ['push', '-q', 'origin', 'main']);
  for (let i = 0; i < n; i++) {
    const clone = join(dir, `clone-${i}`);
    gitIn(dir, ['clone', '-q', remote, clone]);
    // Relative to the clone (git runs there), so a copied template points at its own remote.
    gitIn(clone, ['remote', 'set-url', 'origin', '../remote.git']);
  }
  rmSync(join(dir, 'seed'), { recursive: true, force: true });
}

/**
 * A bare remote seeded with `seed` files (one commit on main) and `n` clones of it, all in a fresh
 * temp dir: clones name their remote by a relative path, `../remote.git`.
 */
export function remoteWithClones(n: number, seed: Record<string, string>): RemoteWithClones {
  const key = JSON.stringify([n, seed]);
  let template = templates.get(key);
  if (!template) {
    if (!templateRoot) {
      const root = tempDir('templates').path;
      templateRoot = root;
      process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    }
    template = join(templateRoot, String(templates.size));
    mkdirSync(template);
    buildTemplate(template, n, seed);
    templates.set(key, template);
  }
  const { path: root, cleanup } = tempDir('remote');
  cpSync(template, root, { recursive: true });
  const clones = Array.from({ length: n }, (_, i) => join(root, `clone-${i}`));
  return { root, remote: join(root, 'remote.git'), clones, cleanup };
}

/** Commit subjects on the remote's main, newest first. */
export function remoteSubjects(remote: string): string[] {
  return gitIn(remote, ['log', '--format=%s', 'main']).split('\n');
}

export function remoteFile(remote: string, path: string): string {
  return gitIn(remote, ['show', `main:${path}`]);
}
