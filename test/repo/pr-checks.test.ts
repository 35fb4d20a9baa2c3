// The pull-request checks as written in the workflows, run step by step against real git repositories: a
// pull request that adds an inbox CSV with a bad line AND replaces the committed ingest and train bundles
// (and the overlay script) with code that passes everything. The check must run the base commit's bundle — the bad
// line is flagged, the tampered code never runs. The same runner on the design this replaced (a checkout of
// the pull request) runs the tampered bundle, so the test can fail.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ActionRun, runActionBundle } from '../helpers/action-runner.js';
import { gitIn, tempDir } from '../helpers/git-repos.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/github-fake-server.js';
import { cli, makeWorkspace, REPO_ROOT } from '../helpers/workspace.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  steps: Step[];
}

const TOKEN = 'ghs_pr_check_test';
const TAMPERED = 'TAMPERED-CODE-RAN';
const HEADER = 'sepal_length,sepal_width,petal_length,petal_width,variety\n';

let gh: FakeGitHub;
let tmp: { path: string; cleanup: () => void };
let origin: string;
let base: string;
let head: string;

function write(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

beforeAll(async () => {
  gh = await startFakeGitHub({ authorization: `token ${TOKEN}` });
  tmp = tempDir('pr-check');
  // The base: iris with its feature group and champion, the committed ingest and train bundles, the overlay script.
  origin = makeWorkspace(['iris'], { git: true });
  expect((await cli(origin, 'backfill', '--dataset', 'iris')).code).toBe(0);
  expect((await cli(origin, 'train', '--dataset', 'iris', '--algorithm', 'gaussian-nb')).code).toBe(0);
  for (const rel of [
    'actions/ingest/dist/index.js',
    'actions/ingest/action.yml',
    'actions/train/dist/index.js',
    'actions/train/action.yml',
    '.github/scripts/overlay-pr-data.sh',
  ])
    write(origin, rel, readFileSync(path.join(REPO_ROOT, rel), 'utf8'));
  gitIn(origin, ['add', '-A']);
  gitIn(origin, ['commit', '-qm', 'base']);
  base = gitIn(origin, ['rev-parse', 'HEAD']);
  // The pull request: a CSV with a bad line, and code that would make any check green.
  gitIn(origin, ['checkout', '-qb', 'pr']);
  write(origin, 'inbox/iris/batch.csv', `${HEADER}5.1,3.5,1.4,0.2,Setosa\n5.0,abc,1.4,0.2,Setosa\n`);
  // Runs whether node reads the file as CommonJS or as an ES module (a package.json above decides).
  const evil = `import('node:fs').then((fs) => { fs.writeFileSync('${TAMPERED}', ''); console.log('all good'); });\n`;
  write(origin, 'actions/ingest/dist/index.js', evil);
  write(origin, 'actions/train/dist/index.js', evil);
  write(origin, '.github/scripts/overlay-pr-data.sh', `touch ${TAMPERED}\n`);
  gitIn(origin, ['add', '-A']);
  gitIn(origin, ['commit', '-qm', 'pull request']);
  head = gitIn(origin, ['rev-parse', 'HEAD']);
  gitIn(origin, ['checkout', '-q', 'main']);
});
afterAll(async () => {
  await gh?.close();
  tmp?.cleanup();
  if (origin) rmSync(origin, { recursive: true, force: true });
});

/** Runs a job's steps as the runner would: checkouts from the origin, run scripts with bash, local actions. */
async function runJob(job: Job, prNumber: number): Promise<{ ws: string; runs: ActionRun[] }> {
  const context: Record<string, string> = {
    'github.event.pull_request.base.sha': base,
    'github.event.pull_request.head.sha': head,
    'github.event.pull_request.number': String(prNumber),
    'github.token': TOKEN,
  };
  const evaluate = (v: unknown) =>
    String(v).replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, e: string) => {
      if (!(e in context)) throw new Error(`runJob: no value for ${e}`);
      return context[e];
    });
  const ws = path.join(tmp.path, `ws-${prNumber}`);
  mkdirSync(ws);
  const runs: ActionRun[] = [];
  for (const step of job.steps) {
    const w = step.with ?? {};
    if (step.uses?.startsWith('actions/checkout@')) {
      // Without a ref, a pull_request run checks out the pull request (its merge commit; here the head).
      const dest = path.join(ws, w.path ? String(w.path) : '');
      gitIn(tmp.path, ['clone', '-q', origin, dest]);
      gitIn(dest, ['checkout', '-q', w.ref ? evaluate(w.ref) : head]);
    } else if (step.run !== undefined) {
      const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(v)]));
      const r = spawnSync('bash', ['-e', '-c', step.run], {
        cwd: ws,
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
      if (r.status !== 0) throw new Error(`step '${step.name}' failed: ${r.stdout}${r.stderr}`);
    } else if (step.uses?.startsWith('./actions/')) {
      const stage = step.uses.slice('./actions/'.length);
      const inputs = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, evaluate(v)]));
      runs.push(
        await runActionBundle(stage, inputs, {
          workspace: ws,
          bundle: path.join(ws, 'actions', stage, 'dist', 'index.js'),
          env: { GITHUB_API_URL: gh.baseUrl },
        }),
      );
    } else {
      throw new Error(`runJob: cannot run step ${step.uses}`);
    }
  }
  return { ws, runs };
}

const exists = (ws: string, rel: string) => existsSync(path.join(ws, rel));

describe('ingest / check', () => {
  it("runs the base commit's bundle on the pull request's inbox: the bad line is flagged, the tampered code never runs", async () => {
    const wf = parse(readFileSync(path.join(REPO_ROOT, '.github/workflows/ingest.yml'), 'utf8')) as {
      jobs: Record<string, Job>;
    };
    const pr = gh.addPullRequest('acme/gitml', 'Add observations', '');
    const { ws, runs } = await runJob(wf.jobs.check, pr.number);
    expect(runs).toHaveLength(1);
    const [check] = runs;
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.outputs).toMatchObject({ 'rows-added': '1', quarantined: '1' });
    expect(check.stdout).toMatch(/^::warning file=inbox\/iris\/batch\.csv,line=3::would be quarantined/m);
    expect(exists(ws, TAMPERED)).toBe(false);
    expect(readFileSync(path.join(ws, 'actions/ingest/dist/index.js'), 'utf8')).not.toContain(TAMPERED);
    expect(gh.comments.filter((c) => c.issueNumber === pr.number)).toHaveLength(1);
  });

  it('the design it replaced (checking out the pull request) runs the tampered bundle', async () => {
    const old: Job = parse(`
steps:
  - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8
  - uses: ./actions/ingest
    with: {path: inbox, dry-run: true, token: '\${{ github.token }}', pull-request: '\${{ github.event.pull_request.number }}'}
`);
    const pr = gh.addPullRequest('acme/gitml', 'Add observations again', '');
    const { ws, runs } = await runJob(old, pr.number);
    expect(runs[0].stdout).toBe('all good\n');
    expect(exists(ws, TAMPERED)).toBe(true);
  });
});

describe('retrain / metrics-diff', () => {
  it("trains the pull request's data with the base commit's bundle and cites the pull request's head", async () => {
    const wf = parse(readFileSync(path.join(REPO_ROOT, '.github/workflows/retrain.yml'), 'utf8')) as {
      jobs: Record<string, Job>;
    };
    const pr = gh.addPullRequest('acme/gitml', 'More iris rows', '');
    const { ws, runs } = await runJob(wf.jobs['metrics-diff'], pr.number);
    expect(runs).toHaveLength(1);
    expect(runs[0].code, runs[0].stdout + runs[0].stderr).toBe(0);
    expect(exists(ws, TAMPERED)).toBe(false);
    const comments = gh.comments.filter((c) => c.issueNumber === pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain(`trained at ${head.slice(0, 12)} against`);
    expect(comments[0].body).not.toContain(base.slice(0, 12));
  });
});
