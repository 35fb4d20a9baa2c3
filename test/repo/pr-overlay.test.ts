// .github/scripts/overlay-pr-data.sh, which the pull-request checks (ingest / check, retrain /
// metrics-diff) run on a checkout of the BASE commit: the pull request's data paths replace the base's, its
// code never lands, symbolic links are refused, and no name from the pull request reaches stdout.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint, REPO_ROOT } from '../helpers/workspace.js';

const SCRIPT = path.join(REPO_ROOT, '.github/scripts/overlay-pr-data.sh');
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}
/** A base checkout with code, an inbox and data; the pull request's head checked out under .gitml-pr-head. */
function setUp(): void {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitml-overlay-'));
  write('actions/ingest/dist/index.js', 'base bundle');
  write('inbox/iris/old.csv', 'base inbox file');
  write('data/iris/dataset.yml', 'base spec');
  write('.gitml-pr-head/actions/ingest/dist/index.js', 'TAMPERED bundle');
  write('.gitml-pr-head/inbox/iris/new.csv', 'pr inbox file');
  write('.gitml-pr-head/data/iris/dataset.yml', 'pr spec');
}
const overlay = (paths: string) =>
  spawnSync('bash', [SCRIPT], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, PR_HEAD: '.gitml-pr-head', DATA_PATHS: paths },
  });
const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');

describe('overlay-pr-data.sh', () => {
  it("replaces only the data paths with the pull request's, keeps the base's code, and removes the head", () => {
    setUp();
    const run = overlay('inbox');
    expect(run.status, run.stderr).toBe(0);
    expect(read('inbox/iris/new.csv')).toBe('pr inbox file');
    expect(existsSync(path.join(dir, 'inbox/iris/old.csv'))).toBe(false); // as in the pull request
    expect(read('data/iris/dataset.yml')).toBe('base spec'); // not asked for
    expect(read('actions/ingest/dist/index.js')).toBe('base bundle');
    expect(existsSync(path.join(dir, '.gitml-pr-head'))).toBe(false);
    expect(run.stdout).toBe("inbox/: the pull request's version (1 files)\n");
  });

  it('overlays several paths, and deletes a path the pull request deleted', () => {
    setUp();
    rmSync(path.join(dir, '.gitml-pr-head/inbox'), { recursive: true });
    const run = overlay('data inbox');
    expect(run.status, run.stderr).toBe(0);
    expect(read('data/iris/dataset.yml')).toBe('pr spec');
    expect(existsSync(path.join(dir, 'inbox'))).toBe(false);
  });

  it('refuses a symbolic link anywhere in the data, changing nothing and printing no name from the pull request', () => {
    setUp();
    const evil = 'a\n::warning title=x::injected\nb.csv';
    symlinkSync('/etc/passwd', path.join(dir, '.gitml-pr-head/inbox/iris', evil));
    const before = fingerprint(path.join(dir, 'inbox'));
    const run = overlay('inbox');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      '::error title=symbolic link in inbox/::The pull request adds 1 symbolic link(s) under inbox/; only regular files are accepted there. Replace each link with the file itself.\n',
    );
    expect(fingerprint(path.join(dir, 'inbox'))).toBe(before);
    expect(read('actions/ingest/dist/index.js')).toBe('base bundle');
  });

  it('refuses a data path that is itself a symbolic link', () => {
    setUp();
    rmSync(path.join(dir, '.gitml-pr-head/inbox'), { recursive: true });
    symlinkSync('/etc', path.join(dir, '.gitml-pr-head/inbox'));
    const run = overlay('inbox');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('::error title=symbolic link in inbox/::');
    expect(read('inbox/iris/old.csv')).toBe('base inbox file');
  });

  it('refuses a path that is not plain and relative', () => {
    setUp();
    for (const bad of ['/etc', '../x', '.github']) {
      const run = overlay(bad);
      expect(run.status, bad).toBe(1);
      expect(run.stdout, bad).toContain('is not a plain relative path inside the repository');
    }
  });
});
