import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  changedPaths,
  commitAndPush,
  commitMessage,
  GITHUB_ACTIONS_BOT,
  GitCommandError,
  GitRebaseConflictError,
  headCommit,
  isInsideWorkTree,
  listFilesAt,
  resolveRevision,
  revisionAsOf,
  showFileAt,
} from '../../actions/lib/platform/git.js';
import {
  appendRepoFile,
  commitFiles,
  gitIn,
  initRepo,
  readRepoFile,
  remoteFile,
  remoteSubjects,
  remoteWithClones,
  tempDir,
  writeRepoFile,
} from '../helpers/git-repos.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function scratch(prefix: string): string {
  const t = tempDir(prefix);
  cleanups.push(t.cleanup);
  return t.path;
}

function cluster(n: number, seed: Record<string, string>) {
  const c = remoteWithClones(n, seed);
  cleanups.push(c.cleanup);
  return c;
}

const IRIS_HEADER = 'sepal_length,sepal_width,petal_length,petal_width,species\n';
const WINE_HEADER = 'alcohol,ph,quality\n';
const SEED = { 'data/iris.csv': IRIS_HEADER, 'data/wine.csv': WINE_HEADER, 'README.md': '# demo\n' };
const FAST = { backoffMs: 5 };

describe('time travel', () => {
  function history(dir = scratch('tt')) {
    const repo = initRepo(join(dir, 'repo'));
    const c1 = commitFiles(repo, { 'data/iris.csv': 'v1\n', 'models/a.json': '{}' }, '2024-01-01T10:00:00Z');
    const c2 = commitFiles(
      repo,
      { 'data/iris.csv': 'v2\n', 'data/sub/deep.csv': 'd\n' },
      '2024-02-01T10:00:00Z',
    );
    const c3 = commitFiles(repo, { 'data/iris.csv': null, 'data/wine.csv': 'w\n' }, '2024-03-01T10:00:00Z');
    return { repo, c1, c2, c3 };
  }

  // One read-only history shared by the tests that only read it.
  let shared: ReturnType<typeof history>;
  let sharedCleanup: () => void;
  beforeAll(() => {
    const t = tempDir('tt-shared');
    sharedCleanup = t.cleanup;
    shared = history(t.path);
  });
  afterAll(() => sharedCleanup());

  it('showFileAt reads a file as of any revision and returns null where it does not exist', () => {
    const { repo, c1, c2, c3 } = shared;
    expect(showFileAt(repo, c1, 'data/iris.csv')).toBe('v1\n');
    expect(showFileAt(repo, c2, './data/iris.csv')).toBe('v2\n');
    expect(showFileAt(repo, 'HEAD~1', 'data/iris.csv')).toBe('v2\n');
    expect(showFileAt(repo, c3, 'data/iris.csv')).toBeNull();
    expect(showFileAt(repo, c1, 'data/wine.csv')).toBeNull();
    expect(showFileAt(repo, c3, 'data/iris')).toBeNull(); // a prefix is not a file
    expect(() => showFileAt(repo, c2, 'data')).toThrow(/"data" at .* is a tree, not a file/);
    expect(() => showFileAt(repo, 'no-such-branch', 'data/iris.csv')).toThrow(
      /unknown revision "no-such-branch"/,
    );
  });

  it('listFilesAt lists recursively, sorted, root-relative', () => {
    const { repo, c1, c2, c3 } = shared;
    expect(listFilesAt(repo, c2, 'data')).toEqual(['data/iris.csv', 'data/sub/deep.csv']);
    expect(listFilesAt(repo, c3, 'data/')).toEqual(['data/sub/deep.csv', 'data/wine.csv']);
    expect(listFilesAt(repo, c1, '')).toEqual(['data/iris.csv', 'models/a.json']);
    expect(listFilesAt(repo, c1, 'reports')).toEqual([]);
    // Paths stay root-relative even when asked from a subdirectory.
    mkdirSync(join(repo, 'data', 'sub'), { recursive: true });
    expect(listFilesAt(join(repo, 'data', 'sub'), c2, 'models')).toEqual(['models/a.json']);
    expect(showFileAt(join(repo, 'data'), c1, 'models/a.json')).toBe('{}');
  });

  it('revisionAsOf picks the last commit at or before a UTC instant', () => {
    const { repo, c1, c2, c3 } = shared;
    expect(revisionAsOf(repo, '2024-01-15')).toBe(c1);
    expect(revisionAsOf(repo, '2024-02-01T09:59:59Z')).toBe(c1);
    expect(revisionAsOf(repo, '2024-02-01T10:00:00Z')).toBe(c2); // "at" is inclusive
    expect(revisionAsOf(repo, '2024-02-01T11:00:00+02:00')).toBe(c1); // 09:00 UTC
    expect(revisionAsOf(repo, '2024-02-01')).toBe(c2); // a bare date means the whole UTC day
    expect(revisionAsOf(repo, '2024-02-01T10:00:00')).toBe(c2); // no zone: UTC
    expect(revisionAsOf(repo, new Date('2024-02-15T00:00:00Z'))).toBe(c2);
    expect(revisionAsOf(repo, '2030-01-01')).toBe(c3);
    expect(() => revisionAsOf(repo, '2023-12-31')).toThrow(
      /no commit at or before 2023-12-31T23:59:59.999Z on the branch's first-parent history .*2024-01-01T10:00:00.000Z/,
    );
    expect(() => revisionAsOf(repo, 'last tuesday')).toThrow(
      "as-of 'last tuesday' is not a date or date-time (ISO 8601, like 2026-01-31T12:00:00Z)",
    );
    expect(() => revisionAsOf(repo, '2024-02-30')).toThrow(
      "as-of '2024-02-30' is not a date: 2024-02 has 29 days",
    );
  });

  it('revisionAsOf follows the branch as it stood (first parent), not commits merged in later', () => {
    const { repo, c1 } = history();
    gitIn(repo, ['checkout', '-q', '-b', 'side', c1]);
    commitFiles(repo, { 'side.txt': 's' }, '2024-01-10T00:00:00Z');
    gitIn(repo, ['checkout', '-q', 'main']);
    gitIn(repo, ['merge', '-q', '--no-ff', '-m', 'merge side', 'side'], {
      GIT_COMMITTER_DATE: '2024-04-01T00:00:00Z',
      GIT_AUTHOR_DATE: '2024-04-01T00:00:00Z',
    });
    // On 2024-01-15 main was still at c1: the side commit only arrived with the April merge.
    expect(revisionAsOf(repo, '2024-01-15')).toBe(c1);
    expect(showFileAt(repo, revisionAsOf(repo, '2024-04-02'), 'side.txt')).toBe('s');
  });

  it('resolveRevision, headCommit and isInsideWorkTree', () => {
    const { repo, c2 } = shared;
    expect(resolveRevision(repo, 'HEAD~1')).toBe(c2);
    expect(resolveRevision(repo, c2.slice(0, 8))).toBe(c2);
    expect(() => resolveRevision(repo, 'v9.9')).toThrow(/unknown revision "v9.9"/);
    expect(() => resolveRevision(repo, '--all')).toThrow(/unknown revision "--all"/);
    expect(headCommit(repo)).toMatch(/^[0-9a-f]{40}$/);

    const empty = initRepo(join(scratch('empty'), 'repo'));
    expect(headCommit(empty)).toBeNull();
    expect(() => revisionAsOf(empty, '2024-01-01')).toThrow(/has no commits yet/);
    expect(isInsideWorkTree(empty)).toBe(true);
    const plain = scratch('plain');
    expect(isInsideWorkTree(plain)).toBe(false);
    expect(isInsideWorkTree(join(plain, 'missing'))).toBe(false);
    expect(() => headCommit(plain)).toThrow(/not a git repository/);
  });

  it('changedPaths reports modified, staged, deleted and untracked paths, optionally filtered', () => {
    const { repo } = history();
    expect(changedPaths(repo)).toEqual([]);
    writeRepoFile(repo, 'data/wine.csv', 'w2\n');
    writeRepoFile(repo, 'data/new dir/rows 1.csv', 'x\n');
    writeRepoFile(repo, 'reports/r.md', '# r\n');
    gitIn(repo, ['rm', '-q', 'models/a.json']);
    writeRepoFile(repo, 'notes.txt', 'n');
    gitIn(repo, ['add', 'notes.txt']);
    expect(changedPaths(repo)).toEqual([
      'data/new dir/rows 1.csv',
      'data/wine.csv',
      'models/a.json',
      'notes.txt',
      'reports/r.md',
    ]);
    expect(changedPaths(repo, ['data', 'models'])).toEqual([
      'data/new dir/rows 1.csv',
      'data/wine.csv',
      'models/a.json',
    ]);
    expect(changedPaths(repo, ['missing'])).toEqual([]);
  });
});

describe('commitAndPush', () => {
  it('makes no commit when nothing under the paths changed', async () => {
    const { remote, clones } = cluster(1, SEED);
    const [a] = clones;
    writeRepoFile(a, 'scratch.txt', 'not part of the pipeline output');
    const before = gitIn(remote, ['rev-parse', 'main']);
    const result = await commitAndPush({
      repoDir: a,
      paths: ['data', 'models'],
      message: 'nothing',
      ...FAST,
    });
    expect(result).toEqual({ committed: false, pushed: false, sha: before, attempts: 0, replays: 0 });
    expect(gitIn(remote, ['rev-parse', 'main'])).toBe(before);
    expect(changedPaths(a)).toEqual(['scratch.txt']);
  });

  it('commits only the given paths, as the GitHub Actions bot, and pushes', async () => {
    const { remote, clones } = cluster(1, SEED);
    const [a] = clones;
    appendRepoFile(a, 'data/iris.csv', '5.1,3.5,1.4,0.2,setosa\n');
    writeRepoFile(a, 'models/iris/v1.json', '{"acc":0.9}\n');
    writeRepoFile(a, 'scratch.txt', 'untracked, outside the paths');
    writeRepoFile(a, 'README.md', '# staged by someone else\n');
    gitIn(a, ['add', 'README.md']);
    const logs: string[] = [];
    const message = commitMessage('train iris', { run: 7 });
    const result = await commitAndPush({
      repoDir: a,
      paths: ['data', 'models', 'reports'],
      message,
      log: (m) => logs.push(m),
      ...FAST,
    });
    expect(result.committed).toBe(true);
    expect(result.pushed).toBe(true);
    expect(result.attempts).toBe(1);
    expect(gitIn(remote, ['rev-parse', 'main'])).toBe(result.sha);
    expect(gitIn(remote, ['log', '-1', '--format=%an <%ae>|%cn <%ce>', 'main'])).toBe(
      `${GITHUB_ACTIONS_BOT.name} <${GITHUB_ACTIONS_BOT.email}>|${GITHUB_ACTIONS_BOT.name} <${GITHUB_ACTIONS_BOT.email}>`,
    );
    expect(gitIn(remote, ['log', '-1', '--format=%B', 'main'])).toBe(message);
    expect(gitIn(remote, ['show', '--name-only', '--format=', 'main']).split('\n')).toEqual([
      'data/iris.csv',
      'models/iris/v1.json',
    ]);
    // What lies outside the paths is untouched: still staged / untracked, and git config unchanged.
    expect(changedPaths(a)).toEqual(['README.md', 'scratch.txt']);
    expect(gitIn(a, ['diff', '--cached', '--name-only'])).toBe('README.md');
    expect(() => gitIn(a, ['config', '--local', 'user.name'])).toThrow();
    expect(logs.some((l) => l.startsWith('pushed'))).toBe(true);
  });

  it('with push: false commits locally only; a custom author is honoured', async () => {
    const { remote, clones } = cluster(1, SEED);
    const [a] = clones;
    const before = gitIn(remote, ['rev-parse', 'main']);
    writeRepoFile(a, 'reports/iris.md', '# report\n');
    const result = await commitAndPush({
      repoDir: a,
      paths: ['reports'],
      message: 'report',
      push: false,
      author: { name: 'Pipeline', email: 'pipeline@example.test' },
    });
    expect(result).toMatchObject({ committed: true, pushed: false, attempts: 0 });
    expect(gitIn(a, ['log', '-1', '--format=%an <%ae>'])).toBe('Pipeline <pipeline@example.test>');
    expect(gitIn(remote, ['rev-parse', 'main'])).toBe(before);
  });

  it('rebases onto a remote that moved meanwhile and pushes both commits, keeping local edits', async () => {
    const { root, remote, clones } = cluster(1, SEED);
    const [b] = clones;
    // actions/checkout clones with depth 1 by default: the rebase must work from a shallow clone.
    const a = join(root, 'shallow');
    gitIn(root, ['clone', '-q', '--depth', '1', `file://${remote}`, a]);
    expect(gitIn(a, ['rev-parse', '--is-shallow-repository'])).toBe('true');
    appendRepoFile(b, 'data/wine.csv', '12.1,3.2,6\n');
    gitIn(b, ['commit', '-qam', 'other run: wine row']);
    gitIn(b, ['push', '-q', 'origin', 'main']);

    appendRepoFile(a, 'data/iris.csv', '5.1,3.5,1.4,0.2,setosa\n');
    writeRepoFile(a, 'README.md', '# local edit outside the paths\n'); // must survive the rebase (autostash)
    const result = await commitAndPush({
      repoDir: a,
      paths: ['data'],
      message: 'this run: iris row',
      ...FAST,
    });
    expect(result).toMatchObject({ committed: true, pushed: true, attempts: 2 });
    expect(remoteSubjects(remote).slice(0, 2)).toEqual(['this run: iris row', 'other run: wine row']);
    expect(gitIn(remote, ['rev-parse', 'main'])).toBe(result.sha);
    expect(remoteFile(remote, 'data/iris.csv')).toBe(`${IRIS_HEADER}5.1,3.5,1.4,0.2,setosa`);
    expect(remoteFile(remote, 'data/wine.csv')).toBe(`${WINE_HEADER}12.1,3.2,6`);
    expect(readRepoFile(a, 'README.md')).toBe('# local edit outside the paths\n');
    expect(changedPaths(a)).toEqual(['README.md']);
  });

  it('two runs pushing at once to different files: both land, no commit or row lost', async () => {
    const { remote, clones } = cluster(2, SEED);
    const [a, b] = clones;
    const ROUNDS = 2;
    for (let round = 0; round < ROUNDS; round++) {
      appendRepoFile(a, 'data/iris.csv', `${round}.1,3.5,1.4,0.2,setosa\n`);
      appendRepoFile(b, 'data/wine.csv', `${round}.2,3.2,6\n`);
      writeRepoFile(a, `reports/round-${round}.md`, `# ${round}\n`);
      const results = await Promise.all([
        commitAndPush({ repoDir: a, paths: ['data', 'reports'], message: `iris ${round}`, ...FAST }),
        commitAndPush({ repoDir: b, paths: ['data'], message: `wine ${round}`, ...FAST }),
      ]);
      expect(results.every((r) => r.committed && r.pushed)).toBe(true);
      expect(results.some((r) => r.attempts > 1)).toBe(true); // they really raced
    }
    const subjects = remoteSubjects(remote);
    for (let round = 0; round < ROUNDS; round++) {
      expect(subjects).toEqual(expect.arrayContaining([`iris ${round}`, `wine ${round}`]));
    }
    expect(subjects).toHaveLength(1 + 2 * ROUNDS);
    expect(gitIn(remote, ['rev-list', '--merges', '--count', 'main'])).toBe('0'); // linear history
    expect(remoteFile(remote, 'data/iris.csv').split('\n')).toEqual([
      IRIS_HEADER.trim(),
      '0.1,3.5,1.4,0.2,setosa',
      '1.1,3.5,1.4,0.2,setosa',
    ]);
    expect(remoteFile(remote, 'data/wine.csv').split('\n')).toEqual([
      WINE_HEADER.trim(),
      '0.2,3.2,6',
      '1.2,3.2,6',
    ]);
    expect(gitIn(remote, ['ls-tree', '--name-only', 'main', 'reports/'])).toBe(
      'reports/round-0.md\nreports/round-1.md',
    );
  });

  it('two runs appending to the same CSV at once merge cleanly when the CSV is marked merge=union', async () => {
    const { remote, clones } = cluster(2, { ...SEED, '.gitattributes': 'data/*.csv merge=union\n' });
    const [a, b] = clones;
    appendRepoFile(a, 'data/iris.csv', '5.1,3.5,1.4,0.2,setosa\n');
    appendRepoFile(b, 'data/iris.csv', '6.3,3.3,6.0,2.5,virginica\n');
    const results = await Promise.all([
      commitAndPush({ repoDir: a, paths: ['data'], message: 'run a', ...FAST }),
      commitAndPush({ repoDir: b, paths: ['data'], message: 'run b', ...FAST }),
    ]);
    expect(results.map((r) => r.pushed)).toEqual([true, true]);
    expect(remoteSubjects(remote)).toEqual(expect.arrayContaining(['run a', 'run b']));
    const rows = remoteFile(remote, 'data/iris.csv').split('\n');
    expect(rows[0]).toBe(IRIS_HEADER.trim());
    expect(rows.slice(1).sort()).toEqual(['5.1,3.5,1.4,0.2,setosa', '6.3,3.3,6.0,2.5,virginica']);
  });

  it('a true conflict aborts the rebase, keeps the local commit and names the conflicting path', async () => {
    const { remote, clones } = cluster(2, SEED);
    const [a, b] = clones;
    appendRepoFile(a, 'data/iris.csv', '5.1,3.5,1.4,0.2,setosa\n');
    appendRepoFile(b, 'data/iris.csv', '6.3,3.3,6.0,2.5,virginica\n');
    const settled = await Promise.allSettled([
      commitAndPush({ repoDir: a, paths: ['data'], message: 'run a', ...FAST }),
      commitAndPush({ repoDir: b, paths: ['data'], message: 'run b', ...FAST }),
    ]);
    const won = settled.findIndex((s) => s.status === 'fulfilled');
    const lost = 1 - won;
    expect(won).toBeGreaterThanOrEqual(0);
    const failure = settled[lost];
    expect(failure.status).toBe('rejected');
    const error = (failure as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(GitRebaseConflictError);
    expect(error.conflictingPaths).toEqual(['data/iris.csv']);
    expect(error.message).toMatch(
      /conflicts in data\/iris\.csv; the rebase was aborted and the local commit kept/,
    );

    const loser = clones[lost];
    const loserRow = lost === 0 ? '5.1,3.5,1.4,0.2,setosa' : '6.3,3.3,6.0,2.5,virginica';
    // The local commit is still HEAD, with its row, and no rebase is left half-done.
    expect(gitIn(loser, ['rev-parse', 'HEAD'])).toBe(error.localSha);
    expect(gitIn(loser, ['log', '-1', '--format=%s'])).toBe(lost === 0 ? 'run a' : 'run b');
    expect(gitIn(loser, ['show', 'HEAD:data/iris.csv'])).toBe(`${IRIS_HEADER}${loserRow}`);
    expect(gitIn(loser, ['status', '--porcelain'])).toBe('');
    // The remote holds the winner's commit only: nothing was force-pushed over it.
    expect(remoteSubjects(remote)[0]).toBe(won === 0 ? 'run a' : 'run b');
    expect(remoteFile(remote, 'data/iris.csv')).not.toContain(loserRow);
  });

  it('gives up after maxAttempts without force-pushing, and fails fast on non-retryable rejections', async () => {
    const { remote, clones } = cluster(2, SEED);
    const [a, b] = clones;
    appendRepoFile(b, 'data/wine.csv', '12.1,3.2,6\n');
    gitIn(b, ['commit', '-qam', 'other']);
    gitIn(b, ['push', '-q', 'origin', 'main']);
    appendRepoFile(a, 'data/iris.csv', '5.1,3.5,1.4,0.2,setosa\n');
    await expect(
      commitAndPush({ repoDir: a, paths: ['data'], message: 'mine', maxAttempts: 1, ...FAST }),
    ).rejects.toThrow(
      /push to origin\/main still rejected after 1 attempt\(s\); local commit [0-9a-f]{12} kept/,
    );
    expect(gitIn(a, ['log', '-1', '--format=%s'])).toBe('mine');
    expect(remoteSubjects(remote)[0]).toBe('other');

    // A server-side hook that declines every push is not cured by retrying.
    writeRepoFile(remote, 'hooks/pre-receive', '#!/bin/sh\necho "protected branch" >&2\nexit 1\n');
    chmodSync(join(remote, 'hooks', 'pre-receive'), 0o755);
    appendRepoFile(a, 'data/iris.csv', '4.9,3.0,1.4,0.2,setosa\n');
    const attempt = commitAndPush({
      repoDir: a,
      paths: ['data'],
      message: 'mine 2',
      maxAttempts: 5,
      ...FAST,
    });
    await expect(attempt).rejects.toBeInstanceOf(GitCommandError);
    await expect(attempt).rejects.toThrow(/protected branch/);
    expect(gitIn(a, ['log', '-1', '--format=%s'])).toBe('mine 2');
    expect(remoteSubjects(remote)[0]).toBe('other');
  });
});

describe('commitMessage', () => {
  it('puts a one-line summary over key-sorted pretty JSON', () => {
    const msg = commitMessage('  train\niris  ', { z: 1, a: { y: [3, { d: 1, c: 2 }], b: null } });
    expect(msg).toBe(
      'train iris\n\n{\n  "a": {\n    "b": null,\n    "y": [\n      3,\n      {\n        "c": 2,\n        "d": 1\n      }\n    ]\n  },\n  "z": 1\n}',
    );
    expect(() => commitMessage(' \n', {})).toThrow(/summary line must not be empty/);
  });
});

describe('commitAndPush argument checks', () => {
  it('rejects empty paths and a detached HEAD without a branch', async () => {
    const { clones } = cluster(1, SEED);
    const [a] = clones;
    await expect(commitAndPush({ repoDir: a, paths: [], message: 'm' })).rejects.toThrow(/paths must name/);
    gitIn(a, ['checkout', '-q', '--detach']);
    await expect(commitAndPush({ repoDir: a, paths: ['data'], message: 'm' })).rejects.toThrow(
      /HEAD in .* is detached; pass the branch/,
    );
  });
});
