// Time travel (issue 18, item 10): one as-of for every command — the branch's first-parent history, "what
// main looked like then" — and, in a shallow checkout (actions/checkout's default fetch-depth: 1), a
// message that says so and how to fetch the history instead of "no commit at or before …".
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSourceAsOf } from '../../actions/lib/platform/file-source.js';
import { isShallowRepository, resolveRevision, revisionAsOf } from '../../actions/lib/platform/git.js';
import { commitFiles, gitIn, initRepo, tempDir } from '../helpers/git-repos.js';
import { cli, commit, makeWorkspace } from '../helpers/workspace.js';

const SHALLOW =
  /this checkout is shallow \(git rev-parse --is-shallow-repository\); fetch the full history \(actions\/checkout with fetch-depth: 0, or git fetch --unshallow\)/;

let scratch: { path: string; cleanup: () => void };
beforeAll(() => {
  scratch = tempDir('time-travel');
});
afterAll(() => scratch.cleanup());

describe('one as-of: first-parent history', () => {
  // main: c1 (Jan 1) ──────────────── merge (Feb 1)
  //          └─ side: s1 (Jan 10) ──┘
  // On Jan 15 main was still c1; `git rev-list --before` (the old file-source answer) says s1.
  let repo: string;
  let c1: string;
  let s1: string;
  let merge: string;
  beforeAll(() => {
    repo = initRepo(path.join(scratch.path, 'merged'));
    c1 = commitFiles(repo, { 'data/x.txt': 'main v1\n' }, '2024-01-01T00:00:00Z');
    gitIn(repo, ['checkout', '-q', '-b', 'side']);
    s1 = commitFiles(repo, { 'data/x.txt': 'side\n' }, '2024-01-10T00:00:00Z');
    gitIn(repo, ['checkout', '-q', 'main']);
    const date = { GIT_AUTHOR_DATE: '2024-02-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-02-01T00:00:00Z' };
    gitIn(repo, ['merge', '-q', '--no-ff', '-m', 'merge side', 'side'], date);
    merge = gitIn(repo, ['rev-parse', 'HEAD']);
  });

  it('a date inside the side branch window is main as it stood, not the merged commit', () => {
    expect(gitIn(repo, ['rev-list', '-1', '--before=2024-01-15T23:59:59Z', 'HEAD'])).toBe(s1); // the other answer
    expect(revisionAsOf(repo, '2024-01-15')).toBe(c1);
    const files = fileSourceAsOf(repo, '2024-01-15'); // what stats, show and train use
    expect(files.description).toBe(`revision ${c1.slice(0, 7)}`);
    expect(Buffer.from(files.readBytes('data/x.txt')!).toString()).toBe('main v1\n');
    expect(fileSourceAsOf(repo, '2024-02-01T00:00:00Z').description).toBe(`revision ${merge.slice(0, 7)}`);
    expect(fileSourceAsOf(repo, '2024-01-15T12:00:00+02:00').description).toBe(`revision ${c1.slice(0, 7)}`);
    expect(fileSourceAsOf(repo, s1).description).toBe(`revision ${s1.slice(0, 7)}`); // a revision is a revision
  });

  it('a full history is not shallow, and an early date says there is no commit yet', () => {
    expect(isShallowRepository(repo)).toBe(false);
    expect(() => revisionAsOf(repo, '2023-12-31')).toThrow(
      /no commit at or before 2023-12-31T23:59:59.999Z on the branch's first-parent history/,
    );
  });
});

describe('a shallow checkout', () => {
  let ws: string;
  let shallow: string;
  let first: string;
  beforeAll(async () => {
    ws = makeWorkspace(['iris'], { git: true });
    expect((await cli(ws, 'backfill')).code).toBe(0);
    first = commit(ws, 'backfill', '2026-11-01T06:00:00Z');
    expect((await cli(ws, 'generate', '--date', '2026-11-10', '--days', '3')).code).toBe(0);
    commit(ws, 'three days', '2026-11-10T06:00:00Z');
    shallow = path.join(scratch.path, 'shallow');
    gitIn(scratch.path, ['clone', '-q', '--depth', '1', `file://${ws}`, shallow]);
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  it('asking for a date before the fetched history says the checkout is shallow and how to fix it', async () => {
    expect(isShallowRepository(shallow)).toBe(true);
    expect(() => revisionAsOf(shallow, '2026-11-05')).toThrow(SHALLOW);
    expect(() => fileSourceAsOf(shallow, '2026-11-05')).toThrow(SHALLOW);
    const r = await cli(shallow, 'stats', '-d', 'iris', '--as-of', '2026-11-05');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(SHALLOW);
    expect(r.err).not.toContain('no commit at or before');
    // The full clone answers the same question.
    expect((await cli(ws, 'stats', '-d', 'iris', '--as-of', '2026-11-05')).out).toContain('150 rows');
  });

  it('a date the fetched history covers still works; a commit it lacks names the same fix', async () => {
    expect((await cli(shallow, 'stats', '-d', 'iris', '--as-of', '2026-11-11')).out).toContain('153 rows');
    expect(() => resolveRevision(shallow, first)).toThrow(SHALLOW);
    const r = await cli(shallow, 'stats', '-d', 'iris', '--as-of', first);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(SHALLOW);
  });
});
