// The commit action end to end against a real bare remote: one bot commit with a summary and a JSON body,
// no commit when nothing changed, a remote that moved meanwhile, two runs pushing at once, and a true
// conflict that fails without losing the local commit or overwriting the remote.
import { rmSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, requireBundles, runActionBundle } from './helpers/action-runner.js';
import {
  commitFiles,
  gitIn,
  type RemoteWithClones,
  remoteFile,
  remoteSubjects,
  remoteWithClones,
  writeRepoFile,
} from './helpers/git-repos.js';

const SEED = { 'data/iris/rows.csv': 'id,x\n1,a\n', 'models/iris/index.json': '{}\n', 'README.md': 'seed\n' };
let repos: RemoteWithClones | undefined;

beforeAll(() => requireBundles('commit'));
afterEach(() => {
  repos?.cleanup();
  repos = undefined;
});

const commitStep = (clone: string, inputs: Record<string, string> = {}) =>
  runActionBundle('commit', { now: '2026-11-24T05:17:00Z', ...inputs }, { workspace: clone });

function expectOk(run: ActionRun): void {
  if (run.code !== 0) throw new Error(`commit step failed with ${run.code}:\n${run.stdout}\n${run.stderr}`);
}

const remoteHead = (remote: string) => gitIn(remote, ['rev-parse', 'main']);

describe('commit action', () => {
  it('makes one bot commit of the given paths with a summary and a JSON body, and pushes it', async () => {
    repos = remoteWithClones(1, SEED);
    const [clone] = repos.clones;
    writeRepoFile(clone, 'data/iris/rows.csv', 'id,x\n1,a\n2,b\n');
    writeRepoFile(clone, 'data/iris/new.csv', 'id\n3\n');
    writeRepoFile(clone, 'scratch.txt', 'not a pipeline result\n');
    const run = await commitStep(clone, {
      paths: 'data models',
      summary: 'gitml daily {date}: features',
      'rows-added': '{"iris":1}',
      'model-versions': '{"iris":2}',
      details: '{"activeAlerts":[]}',
    });
    expectOk(run);
    expect(run.outputs).toMatchObject({ committed: 'true', pushed: 'true', attempts: '1' });
    expect(run.outputs.sha).toBe(remoteHead(repos.remote));
    expect(remoteSubjects(repos.remote)[0]).toBe('gitml daily 2026-11-24: features');

    const message = gitIn(repos.remote, ['log', '-1', '--format=%B', 'main']);
    const [summary, blank, ...body] = message.split('\n');
    expect([summary, blank]).toEqual(['gitml daily 2026-11-24: features', '']);
    expect(JSON.parse(body.join('\n'))).toEqual({
      activeAlerts: [],
      date: '2026-11-24',
      datasets: ['iris'],
      rowsAdded: { iris: 1 },
      modelVersions: { iris: 2 },
    });
    expect(gitIn(repos.remote, ['log', '-1', '--format=%an <%ae>', 'main'])).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
    );
    expect(gitIn(repos.remote, ['show', '--name-only', '--format=', 'main']).split('\n').sort()).toEqual([
      'data/iris/new.csv',
      'data/iris/rows.csv',
    ]);
    expect(gitIn(clone, ['status', '--porcelain'])).toBe('?? scratch.txt'); // outside paths: left alone
    expect(run.summary).toContain('<h3>Commit-back</h3>');
  });

  it('makes no commit when nothing under its paths changed, so re-running a day is a no-op', async () => {
    repos = remoteWithClones(1, SEED);
    const [clone] = repos.clones;
    const head = remoteHead(repos.remote);
    writeRepoFile(clone, 'elsewhere.txt', 'x\n');
    const run = await commitStep(clone);
    expectOk(run);
    expect(run.outputs).toMatchObject({ committed: 'false', pushed: 'false', attempts: '0', sha: head });
    expect(remoteHead(repos.remote)).toBe(head);
  });

  it('rebases onto a remote that moved meanwhile and pushes, keeping both commits', async () => {
    repos = remoteWithClones(2, SEED);
    const [ours, theirs] = repos.clones;
    commitFiles(theirs, { 'models/iris/index.json': '{"champion":2}\n' });
    gitIn(theirs, ['push', '-q', 'origin', 'main']);
    const theirSha = remoteHead(repos.remote);

    writeRepoFile(ours, 'data/iris/rows.csv', 'id,x\n1,a\n2,b\n');
    const run = await commitStep(ours, { paths: 'data', 'rows-added': '1' });
    expectOk(run);
    expect(run.outputs).toMatchObject({ committed: 'true', pushed: 'true', attempts: '2' });
    expect(gitIn(repos.remote, ['rev-parse', 'main^'])).toBe(theirSha);
    expect(remoteFile(repos.remote, 'models/iris/index.json')).toBe('{"champion":2}');
    expect(remoteFile(repos.remote, 'data/iris/rows.csv')).toBe('id,x\n1,a\n2,b');
    expect(JSON.parse(gitIn(repos.remote, ['log', '-1', '--format=%b', 'main'])).rowsAdded).toBe(1);
  });

  it('lands both of two runs that push at once', async () => {
    repos = remoteWithClones(2, SEED);
    const [a, b] = repos.clones;
    writeRepoFile(a, 'data/iris/a.csv', 'id\n1\n');
    writeRepoFile(b, 'models/iris/v2.json', '{}\n');
    const runs = await Promise.all([
      commitStep(a, { summary: 'run a' }),
      commitStep(b, { summary: 'run b' }),
    ]);
    runs.forEach(expectOk);
    expect(runs.map((r) => r.outputs.pushed)).toEqual(['true', 'true']);
    // Both started from the same commit: whichever pushed second was rejected once and rebased.
    expect(runs.map((r) => Number(r.outputs.attempts)).sort()).toEqual([1, 2]);
    expect(remoteSubjects(repos.remote).slice(0, 2).sort()).toEqual(['run a', 'run b']);
    expect(remoteFile(repos.remote, 'data/iris/a.csv')).toBe('id\n1');
    expect(remoteFile(repos.remote, 'models/iris/v2.json')).toBe('{}');
  });

  it('fails on a true conflict without force-pushing and keeps the local commit', async () => {
    repos = remoteWithClones(2, SEED);
    const [ours, theirs] = repos.clones;
    commitFiles(theirs, { 'data/iris/rows.csv': 'id,x\n1,theirs\n' });
    gitIn(theirs, ['push', '-q', 'origin', 'main']);
    const theirSha = remoteHead(repos.remote);

    writeRepoFile(ours, 'data/iris/rows.csv', 'id,x\n1,ours\n');
    const run = await commitStep(ours, { summary: 'ours' });
    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === 'error');
    expect(error?.message).toMatch(
      /rebase of local commit \w+ onto origin\/main conflicts in data\/iris\/rows\.csv/,
    );
    expect(remoteHead(repos.remote)).toBe(theirSha);
    expect(gitIn(ours, ['log', '-1', '--format=%s'])).toBe('ours');
    expect(gitIn(ours, ['show', 'HEAD:data/iris/rows.csv'])).toBe('id,x\n1,ours');
  });

  it('rejects malformed body inputs before committing anything', async () => {
    repos = remoteWithClones(1, SEED);
    const [clone] = repos.clones;
    writeRepoFile(clone, 'data/iris/rows.csv', 'changed\n');
    const head = gitIn(clone, ['rev-parse', 'HEAD']);
    for (const [name, value, rule] of [
      ['rows-added', 'many', "input 'rows-added' must be JSON, got 'many'"],
      [
        'model-versions',
        '{"iris":"two"}',
        "input 'model-versions' must be a JSON object of versions per dataset",
      ],
      ['date', '24.11.2026', "input 'date' must be a UTC date YYYY-MM-DD, got '24.11.2026'"],
    ]) {
      const run = await commitStep(clone, { [name]: value });
      expect(run.code).toBe(1);
      expect(run.annotations.find((a) => a.level === 'error')?.message).toContain(rule);
    }
    expect(gitIn(clone, ['rev-parse', 'HEAD'])).toBe(head);
  });

  it('commits without pushing when push is false', async () => {
    repos = remoteWithClones(1, SEED);
    const [clone] = repos.clones;
    const head = remoteHead(repos.remote);
    writeRepoFile(clone, 'reports/iris/README.md', '# report\n');
    const run = await commitStep(clone, { push: 'false' });
    expectOk(run);
    expect(run.outputs).toMatchObject({ committed: 'true', pushed: 'false' });
    expect(run.outputs.sha).toBe(gitIn(clone, ['rev-parse', 'HEAD']));
    expect(remoteHead(repos.remote)).toBe(head);
    rmSync(`${clone}/reports`, { recursive: true, force: true });
  });
});
