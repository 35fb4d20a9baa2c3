// The commit action end to end against a real bare remote: one bot commit with a summary and a JSON body,
// no commit when nothing changed, a remote that moved meanwhile, two runs pushing at once, a true
// conflict that fails without losing the local commit or overwriting the remote, a protected branch
// (a pre-receive hook answering as GitHub does), a push token over a loopback https-like remote, and
// files that must never be committed (temp files, files over GitHub's size limit).
import { chmodSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { protectedBranchRule, tokenAuthEnv } from '../../actions/lib/platform/git.js';
import { type ActionRun, requireBundles, runActionBundle } from '../helpers/action-runner.js';
import { basicAuthFor, type GitHttpServer, startGitHttpServer } from '../helpers/git-http-server.js';
import {
  commitFiles,
  gitIn,
  type RemoteWithClones,
  remoteFile,
  remoteSubjects,
  remoteWithClones,
  writeRepoFile,
} from '../helpers/git-repos.js';

const SEED = { 'data/iris/rows.csv': 'id,x\n1,a\n', 'models/iris/index.json': '{}\n', 'README.md': 'seed\n' };
let repos: RemoteWithClones | undefined;
let server: GitHttpServer | undefined;

beforeAll(() => requireBundles('commit'));
afterEach(async () => {
  await server?.close();
  server = undefined;
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
      ['date', '24.11.2026', "input 'date' '24.11.2026' is not a date (YYYY-MM-DD, UTC)"],
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

  it('never commits the temp file of an interrupted atomic write', async () => {
    repos = remoteWithClones(1, SEED);
    const [clone] = repos.clones;
    writeRepoFile(clone, 'data/iris/rows.csv', 'id,x\n1,a\n2,b\n');
    writeRepoFile(clone, 'data/iris/.rows.csv.4242.tmp', 'id,x\n1,a\n2,');
    writeRepoFile(clone, 'reports/iris/.monitoring.json.77.tmp', '{');
    const run = await commitStep(clone);
    expectOk(run);
    expect(gitIn(repos.remote, ['show', '--name-only', '--format=', 'main'])).toBe('data/iris/rows.csv');
    // Only reports/ changed besides the temp files: no commit at all. (The action's start-up repair
    // sweeps temps whose process is gone, so this one may already be removed.)
    rmSync(join(clone, 'data/iris/.rows.csv.4242.tmp'), { force: true });
    const again = await commitStep(clone);
    expectOk(again);
    expect(again.outputs.committed).toBe('false');
  });

  it('refuses a file over 95 MiB before committing, naming it, its size and the 100 MiB limit', async () => {
    repos = remoteWithClones(1, SEED);
    const [clone] = repos.clones;
    const head = gitIn(clone, ['rev-parse', 'HEAD']);
    writeRepoFile(clone, 'data/iris/rows.csv', 'id,x\n1,a\n2,b\n');
    mkdirSync(join(clone, 'data/iris/v2'), { recursive: true });
    writeFileSync(join(clone, 'data/iris/v2/big.csv'), '');
    truncateSync(join(clone, 'data/iris/v2/big.csv'), 96 * 1024 * 1024); // sparse: no disk used
    const run = await commitStep(clone);
    expect(run.code).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toBe(
      'commitAndPush: data/iris/v2/big.csv is 96.0 MiB: GitHub rejects files over 100 MiB, so this step refuses ' +
        'any over 95.0 MiB; nothing was committed. Split the data into smaller files (e.g. more partitions) or ' +
        'leave the file out of the committed paths.',
    );
    expect(gitIn(clone, ['rev-parse', 'HEAD'])).toBe(head);
    expect(gitIn(clone, ['diff', '--cached', '--name-only'])).toBe(''); // nothing staged either
    expect(remoteHead(repos.remote)).toBe(head);
  });
});

// What GitHub prints when branch protection (GH006) or a ruleset (GH013) refuses a push.
const GITHUB_REFUSALS = {
  GH006: [
    'error: GH006: Protected branch update failed for refs/heads/main.',
    'error: Changes must be made through a pull request.',
  ],
  GH013: [
    'error: GH013: Repository rule violations found for refs/heads/main.',
    'Review all repository rules at https://github.com/acme/gitml/rules?ref=refs%2Fheads%2Fmain',
    '',
    '- Changes must be made through a pull request.',
    '',
  ],
};

/** A pre-receive hook on the bare remote that prints GitHub's refusal and counts the pushes it saw. */
function protectBranch(remote: string, lines: readonly string[]): () => number {
  const log = join(remote, 'pushes.log');
  const hook = join(remote, 'hooks', 'pre-receive');
  mkdirSync(join(remote, 'hooks'), { recursive: true });
  writeFileSync(
    hook,
    `#!/bin/sh\ncat >/dev/null\necho push >> '${log}'\n${lines.map((l) => `printf '%s\\n' '${l}' >&2`).join('\n')}\nexit 1\n`,
  );
  chmodSync(hook, 0o755);
  return () => {
    try {
      return readFileSync(log, 'utf8').trim().split('\n').length;
    } catch {
      return 0;
    }
  };
}

describe('commit action on a protected branch', () => {
  it('fails at once on GH006 or GH013 with the rule and the fix, keeping the local commit', async () => {
    for (const [code, lines] of Object.entries(GITHUB_REFUSALS)) {
      repos = remoteWithClones(1, SEED);
      const [clone] = repos.clones;
      const head = remoteHead(repos.remote);
      const pushes = protectBranch(repos.remote, lines);
      writeRepoFile(clone, 'data/iris/rows.csv', 'id,x\n1,a\n2,b\n');
      const run = await commitStep(clone, { summary: 'daily' });
      expect(run.code).toBe(1);
      expect(pushes()).toBe(1); // no retry loop: another try cannot pass a rule
      const error = run.annotations.find((a) => a.level === 'error')?.message ?? '';
      const rule =
        code === 'GH006'
          ? 'GH006: Protected branch update failed for refs/heads/main. Changes must be made through a pull request.'
          : 'GH013: Repository rule violations found for refs/heads/main. Review all repository rules at https://github.com/acme/gitml/rules?ref=refs%2Fheads%2Fmain Changes must be made through a pull request.';
      expect(error).toContain(`push to branch 'main' was rejected by its protection rules (${rule})`);
      expect(error).toContain("the workflow's GITHUB_TOKEN cannot bypass branch protection or rulesets");
      expect(error).toContain(
        'set the repository secret GITML_PUSH_TOKEN to a fine-grained personal access token',
      );
      expect(error).toContain('Or allow the bot to push, or remove the rule. See README "Set up on GitHub".');
      expect(error).toMatch(/The local commit \w{12} was kept, nothing was force-pushed\.$/);
      expect(remoteHead(repos.remote)).toBe(head);
      expect(gitIn(clone, ['log', '-1', '--format=%s'])).toBe('daily');
      repos.cleanup();
      repos = undefined;
    }
  });

  it("reads the rule from GitHub's report and ignores every other rejection", () => {
    const report = [
      'To https://github.com/acme/gitml',
      '!\trefs/heads/main:refs/heads/main\t[remote rejected] (protected branch hook declined)',
      'remote: error: GH006: Protected branch update failed for refs/heads/main.        ',
      'remote: error: At least 1 approving review is required by reviewers with write access.',
    ].join('\n');
    expect(protectedBranchRule(report)).toBe(
      'GH006: Protected branch update failed for refs/heads/main. At least 1 approving review is required by reviewers with write access.',
    );
    expect(protectedBranchRule(' ! [remote rejected] main -> main (protected branch hook declined)')).toBe(
      'protected branch hook declined',
    );
    expect(protectedBranchRule('! [rejected] main -> main (fetch first)')).toBeNull();
    expect(
      protectedBranchRule('remote: Permission to acme/gitml.git denied to github-actions[bot].'),
    ).toBeNull();
  });
});

describe('commit action with a push token', () => {
  const PUSH_TOKEN = 'github_pat_11ABCDEFG0push0token0for0tests';
  const CHECKOUT_TOKEN = 'ghs_checkoutPersistedToken123';

  /** A clone whose origin is the loopback https-like remote, with the credential actions/checkout persists. */
  async function checkedOutClone(): Promise<string> {
    repos = remoteWithClones(2, SEED);
    server = await startGitHttpServer(repos.remote, basicAuthFor(PUSH_TOKEN));
    const [clone] = repos.clones;
    gitIn(clone, ['remote', 'set-url', 'origin', server.url]);
    gitIn(clone, [
      'config',
      `http.${server.origin}/.extraheader`,
      `AUTHORIZATION: ${basicAuthFor(CHECKOUT_TOKEN)}`,
    ]);
    return clone;
  }

  it('pushes, and fetches for the rebase, with the token instead of the checkout credential, which never touches disk or logs', async () => {
    const clone = await checkedOutClone();
    const other = repos!.clones[1];
    const gitConfigBefore = readFileSync(join(clone, '.git/config'), 'utf8');

    writeRepoFile(clone, 'data/iris/rows.csv', 'id,x\n1,a\n2,b\n');
    const refused = await commitStep(clone, { summary: 'without token', 'max-attempts': '1' });
    expect(refused.code).toBe(1); // the checkout's credential may not push here
    expect(
      server!.requests.filter((r) => r.service === 'git-receive-pack').map((r) => r.authorization),
    ).toEqual([basicAuthFor(CHECKOUT_TOKEN)]);
    gitIn(clone, ['reset', '-q', '--hard', 'HEAD~1']);

    // The remote moves meanwhile: the step must fetch and rebase, with the token too.
    commitFiles(other, { 'models/iris/index.json': '{"champion":2}\n' });
    gitIn(other, ['push', '-q', 'origin', 'main']);
    server!.requests.length = 0;
    writeRepoFile(clone, 'data/iris/rows.csv', 'id,x\n1,a\n2,b\n');
    const run = await commitStep(clone, { summary: 'with token', token: PUSH_TOKEN });
    expectOk(run);
    expect(run.outputs).toMatchObject({ pushed: 'true', attempts: '2' });
    expect(remoteSubjects(repos!.remote).slice(0, 2)).toEqual([
      'with token',
      'update models/iris/index.json',
    ]);
    expect(server!.requests.map((r) => r.service)).toEqual(
      expect.arrayContaining(['git-receive-pack', 'git-upload-pack']),
    );
    expect(server!.requests.every((r) => r.authorization === basicAuthFor(PUSH_TOKEN))).toBe(true);

    // Never on disk; in the log only as the runner's mask commands, which hide it everywhere else.
    const credential = basicAuthFor(PUSH_TOKEN).slice('basic '.length);
    expect(readFileSync(join(clone, '.git/config'), 'utf8')).toBe(gitConfigBefore);
    const masks = run.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toEqual([`::add-mask::${PUSH_TOKEN}`, `::add-mask::${credential}`]);
    const rest = `${run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n')}${run.stderr}`;
    expect(rest).not.toContain(PUSH_TOKEN);
    expect(rest).not.toContain(credential);
  });

  it('says that the token may not bypass the rule when a protected branch refuses it too', async () => {
    const clone = await checkedOutClone();
    const pushes = protectBranch(repos!.remote, GITHUB_REFUSALS.GH006);
    writeRepoFile(clone, 'data/iris/rows.csv', 'id,x\n1,a\n2,b\n');
    const run = await commitStep(clone, { token: PUSH_TOKEN });
    expect(run.code).toBe(1);
    expect(pushes()).toBe(1);
    const error = run.annotations.find((a) => a.level === 'error')?.message ?? '';
    expect(error).toContain("push to branch 'main' was rejected by its protection rules (GH006:");
    expect(error).toContain(
      "the token given to the commit step (input 'token') is not allowed to bypass this rule: add its user or GitHub App as a bypass actor",
    );
  });

  it('gives git the header through its environment, after resetting the persisted one', () => {
    const saved = process.env.GIT_CONFIG_COUNT;
    process.env.GIT_CONFIG_COUNT = '1'; // someone else's pair stays first
    try {
      expect(
        tokenAuthEnv(['https://github.com/acme/gitml', 'https://github.com/acme/gitml.git'], 't0k'),
      ).toEqual({
        GIT_CONFIG_COUNT: '3',
        GIT_CONFIG_KEY_1: 'http.https://github.com/.extraheader',
        GIT_CONFIG_VALUE_1: '',
        GIT_CONFIG_KEY_2: 'http.https://github.com/.extraheader',
        GIT_CONFIG_VALUE_2: `AUTHORIZATION: ${basicAuthFor('t0k')}`,
      });
    } finally {
      if (saved === undefined) delete process.env.GIT_CONFIG_COUNT;
      else process.env.GIT_CONFIG_COUNT = saved;
    }
    expect(() => tokenAuthEnv(['git@github.com:acme/gitml.git'], 't0k')).toThrow(
      "a push token needs an https remote, but the remote is 'git@github.com:acme/gitml.git'",
    );
  });
});
