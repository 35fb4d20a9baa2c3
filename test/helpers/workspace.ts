// Temp workspaces for tests: a fresh folder with the bundled dataset specs and raw sources copied in,
// optionally a git repository; plus a runner for the CLI and a fingerprint of every file under a folder.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { main } from '../../actions/cli/main.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NOW = '2026-11-24T12:00:00Z';

export function makeWorkspace(
  datasets: string[] = ['iris', 'titanic', 'wine'],
  opts: { git?: boolean } = {},
): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gitml-ws-'));
  for (const d of datasets) {
    const spec = path.join('data', d, 'dataset.yml');
    // The raw file as the spec names it: a sibling's (wine_score reads ../wine/source.csv) is copied to
    // the same relative place.
    const source = path.join(
      'data',
      d,
      (parse(readFileSync(path.join(REPO_ROOT, spec), 'utf8')) as { source: { file: string } }).source.file,
    );
    for (const f of [spec, source]) cpSync(path.join(REPO_ROOT, f), path.join(root, f));
  }
  if (opts.git) {
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    commit(root, 'datasets', '2026-11-01T00:00:00Z');
  }
  return root;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function commit(cwd: string, message: string, date: string): string {
  git(cwd, 'add', '-A');
  execFileSync(
    'git',
    [
      '-c',
      'user.name=test',
      '-c',
      'user.email=test@example.com',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      message,
    ],
    {
      cwd,
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    },
  );
  return git(cwd, 'rev-parse', 'HEAD').trim();
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process against a workspace, with the test clock unless --now is given. */
export async function cli(root: string, ...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const withNow = args.includes('--now') ? args : [...args, '--now', NOW];
  const code = await main(
    [...withNow, '--root', root],
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * Every file (path + sha256 of its bytes) under dir, one line each: equal fingerprints mean nothing
 * changed, and when they differ the test's diff names the files that did.
 */
export function fingerprint(dir: string): string {
  const lines: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d).sort()) {
      if (name === '.git') continue;
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else
        lines.push(
          `${path.relative(dir, p)} ${createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16)}`,
        );
    }
  };
  walk(dir);
  return lines.join('\n');
}

/** Fails with the command's own output when it did not exit 0 (a bare code comparison hides why). */
export function expectCliOk(
  r: { code: number | null } & Partial<Record<'out' | 'err' | 'stdout' | 'stderr', string>>,
): void {
  if (r.code !== 0)
    throw new Error(
      `exit code ${r.code}, expected 0\n--- stdout ---\n${r.out ?? r.stdout ?? ''}\n--- stderr ---\n${r.err ?? r.stderr ?? ''}`,
    );
}

export function read(root: string, rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}
