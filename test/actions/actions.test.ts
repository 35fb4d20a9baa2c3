// The stage actions as the runner runs them: each committed bundle in its own node process against a git
// workspace, inputs from INPUT_* variables, GitHub API calls against a loopback fake. One workspace goes
// through the pipeline in order (backfill → train → generate → infer → monitor → commit → alerts → ingest →
// train on a PR).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_LABEL } from '../../actions/lib/platform/github.js';
import { type ActionRun, requireBundles, runActionBundle } from '../helpers/action-runner.js';
import { type FakeGitHub, GITHUB_ERRORS, startFakeGitHub } from '../helpers/github-fake-server.js';
import { fingerprint, makeWorkspace, NOW, REPO_ROOT } from '../helpers/workspace.js';

const TOKEN = 'ghs_action_test';
let ws: string;
let gh: FakeGitHub;

beforeAll(async () => {
  requireBundles(
    'alerts',
    'backfill',
    'build-site',
    'commit',
    'generate',
    'infer',
    'ingest',
    'monitor',
    'train',
  );
  ws = makeWorkspace(['iris'], { git: true });
  gh = await startFakeGitHub({ authorization: `token ${TOKEN}` });
});
afterAll(async () => {
  await gh?.close();
  if (ws) rmSync(ws, { recursive: true, force: true });
});

const step = (stage: string, inputs: Record<string, string> = {}) =>
  runActionBundle(stage, { now: NOW, ...inputs }, { workspace: ws, env: { GITHUB_API_URL: gh.baseUrl } });

function expectOk(run: ActionRun): void {
  if (run.code !== 0) throw new Error(`step failed with ${run.code}:\n${run.stdout}\n${run.stderr}`);
}

const errors = (run: ActionRun) => run.annotations.filter((a) => a.level === 'error');

describe('backfill', () => {
  it('builds the feature group, reports it in outputs and summary, and is a no-op the second time', async () => {
    const first = await step('backfill', { dataset: 'iris' });
    expectOk(first);
    expect(first.outputs).toMatchObject({
      'rows-added': '150',
      'rows-by-dataset': '{"iris":150}',
      quarantined: '0',
      versions: '{"iris":1}',
    });
    expect(first.stdout).toContain('::group::backfill iris');
    expect(first.summary).toContain('<h3>Backfill</h3>');
    expect(first.summary).toMatch(/<td>iris<\/td><td>v1<\/td><td>150<\/td>/);
    expect(existsSync(path.join(ws, 'data/iris/v1/metadata.json'))).toBe(true);

    const before = fingerprint(path.join(ws, 'data'));
    const second = await step('backfill');
    expectOk(second);
    expect(second.outputs['rows-added']).toBe('0');
    expect(second.summary).toContain('already backfilled');
    expect(fingerprint(path.join(ws, 'data'))).toBe(before);
  });

  it('fails with ::error:: naming an unknown dataset, and with a message naming a bad input', async () => {
    const unknown = await step('backfill', { dataset: 'nope' });
    expect(unknown.code).toBe(1);
    expect(errors(unknown).map((a) => a.message)).toEqual([
      "unknown dataset 'nope' (known: iris): data/nope/dataset.yml not found",
    ]);
    const bad = await step('backfill', { 'new-version': 'maybe' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("::error::input 'new-version' must be true or false, got 'maybe'");
  });
});

describe('train', () => {
  it('registers the first model as champion and sets the single-dataset outputs', async () => {
    const run = await step('train', { dataset: 'iris', algorithm: 'gaussian-nb' });
    expectOk(run);
    expect(run.outputs).toMatchObject({
      trained: '1',
      'model-versions': '{"iris":1}',
      champions: '{"iris":1}',
      'model-version': '1',
      promoted: 'true',
    });
    expect(Number(run.outputs.accuracy)).toBeGreaterThan(0.85);
    expect(JSON.parse(run.outputs.results)[0]).toMatchObject({
      dataset: 'iris',
      version: 1,
      algorithm: 'gaussian-nb',
      status: 'champion',
    });
    expect(run.summary).toContain('<h3>Training</h3>');
    expect(existsSync(path.join(ws, 'models/iris/v1/model.json'))).toBe(true);

    const again = await step('train', { dataset: 'iris', algorithm: 'gaussian-nb' });
    expectOk(again);
    expect(again.outputs).toMatchObject({
      trained: '0',
      'model-versions': '{}',
      'model-version': '',
      accuracy: '',
    });
  });

  it('rejects an unknown algorithm before training', async () => {
    const run = await step('train', { algorithm: 'svm' });
    expect(run.code).toBe(1);
    expect(errors(run)[0].message).toBe(
      "input 'algorithm' must be one of auto, gaussian-nb, knn, random-forest, logistic-regression, hist-gradient-boosting, got 'svm'",
    );
  });
});

describe('generate and infer', () => {
  it('generates drifted days, predicts them, and re-running the same days changes nothing', async () => {
    const drifted = {
      date: '2026-10-20',
      days: '10',
      rows: '5',
      drift: '0.5',
      'drift-start': '2026-10-11',
    };
    const gen = await step('generate', drifted);
    expectOk(gen);
    expect(gen.outputs['rows-added']).toBe('50');
    expect(gen.outputs.dates.split(',')).toHaveLength(10);
    expect(gen.outputs.dates.split(',')[0]).toBe('2026-10-11');

    const inf = await step('infer');
    expectOk(inf);
    expect(inf.outputs).toMatchObject({
      predicted: '50',
      'predictions-by-dataset': '{"iris":50}',
      'model-versions': '{"iris":1}',
    });

    const before = fingerprint(ws);
    const again = await step('generate', drifted);
    expectOk(again);
    expect(again.outputs).toMatchObject({ 'rows-added': '0', dates: '' });
    expect(again.summary).toContain('2026-10-11 … 2026-10-20 (10 days)');
    expect((await step('infer')).outputs.predicted).toBe('0');
    expect(fingerprint(ws)).toBe(before);
  });

  it('fails on an out-of-range input without writing', async () => {
    const before = fingerprint(ws);
    const run = await step('generate', { days: '0' });
    expect(run.code).toBe(1);
    expect(errors(run)[0].message).toBe("input 'days' must be a whole number from 1 to 3660, got '0'");
    expect(fingerprint(ws)).toBe(before);
  });
});

describe('monitor, commit, then alert issues', () => {
  const driftIssues = () =>
    gh.issues.filter((i) => i.body?.includes('<!-- gitml-alert dataset=iris kind=dataset-drift -->'));
  // The commit step as the workflows run it, without a remote to push to.
  const commitStep = () => step('commit', { paths: 'data models reports', push: 'false' });
  const warnings = (run: ActionRun) => run.annotations.filter((a) => a.level === 'warning');

  it('monitor writes the reports and makes no GitHub call; alerts opens the issues from the committed reports', async () => {
    const requests = gh.requests.length;
    const first = await step('monitor');
    expectOk(first);
    expect(gh.requests).toHaveLength(requests);
    expect(first.outputs.issues).toBeUndefined();
    expect(first.outputs.drift).toBe('true');
    expect(first.outputs['drifted-datasets']).toBe('iris');
    expect(JSON.parse(first.outputs.alerts).map((a: { kind: string }) => a.kind)).toContain('dataset-drift');
    expect(existsSync(path.join(ws, 'reports/iris/monitoring.json'))).toBe(true);
    expect(existsSync(path.join(ws, 'reports/iris/README.md'))).toBe(true);
    expect(first.summary).toContain('<h3>Monitoring</h3>');
    expect(first.summary).toContain('https://acme.github.io/gitml/');
    expect(
      first.annotations.some(
        (a) => a.level === 'warning' && a.message.startsWith('iris: dataset-drift alert'),
      ),
    ).toBe(true);

    // Not committed yet: the alerts step acts on committed data only, so there is nothing to act on.
    const early = await step('alerts', { token: TOKEN });
    expectOk(early);
    expect(early.outputs).toMatchObject({ issues: '[]', degraded: 'false' });
    expect(early.annotations).toContainEqual(
      expect.objectContaining({
        level: 'notice',
        message: expect.stringContaining('no reports/iris/monitoring.json is committed yet'),
      }),
    );
    expect(driftIssues()).toHaveLength(0);

    expectOk(await commitStep());
    const alerts = await step('alerts', { token: TOKEN });
    expectOk(alerts);
    expect(alerts.outputs.degraded).toBe('false');
    expect(driftIssues()).toHaveLength(1);
    const issue = driftIssues()[0];
    expect(issue).toMatchObject({ state: 'open', labels: [ALERT_LABEL, 'dataset-drift'] });
    expect(issue.title).toBe('Iris flowers (iris): dataset-drift alert');
    expect(issue.body).toContain('https://github.example/acme/gitml/blob/HEAD/reports/iris/README.md');
    expect(issue.body).toContain('https://acme.github.io/gitml/');
    expect(JSON.parse(alerts.outputs.issues)).toContainEqual({
      dataset: 'iris',
      kind: 'dataset-drift',
      action: 'opened',
      number: issue.number,
    });
    expect(alerts.summary).toContain('<h3>Alerts</h3>');
    expect(alerts.summary).toMatch(/<td>iris<\/td><td>dataset-drift<\/td><td>ACTIVE<\/td>/);
    expect(alerts.summary).toContain(`<td>#${issue.number} opened</td>`);

    const writes = gh.writes().length;
    const second = await step('alerts', { token: TOKEN });
    expectOk(second);
    expect(JSON.parse(second.outputs.issues)).toContainEqual({
      dataset: 'iris',
      kind: 'dataset-drift',
      action: 'unchanged',
      number: issue.number,
    });
    expect(gh.writes()).toHaveLength(writes);
  });

  it('closes the issue only once the report that clears the alert is committed', async () => {
    const issue = driftIssues()[0];
    // A month of undrifted days pushes the drifted ones out of the 30-day window.
    expectOk(await step('generate', { date: '2026-11-24', days: '30', rows: '5', drift: '0' }));
    expectOk(await step('infer'));
    const monitor = await step('monitor');
    expectOk(monitor);
    expect(monitor.outputs.drift).toBe('false');

    const before = await step('alerts', { token: TOKEN });
    expectOk(before);
    expect(driftIssues()[0].state).toBe('open');
    expect(before.annotations).toContainEqual(
      expect.objectContaining({
        level: 'notice',
        message: expect.stringContaining('has changes that are not committed'),
      }),
    );

    expectOk(await commitStep());
    const after = await step('alerts', { token: TOKEN });
    expectOk(after);
    expect(driftIssues()).toHaveLength(1);
    expect(driftIssues()[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    const closing = gh.comments.filter((c) => c.issueNumber === issue.number);
    expect(closing).toHaveLength(1);
    expect(closing[0].body).toMatch(/^resolved: No feature drifted in the last 30 days/);
  });

  it('degrades to a warning, the job summary and degraded=true when issues are disabled (410) or the token is read-only (403)', async () => {
    for (const [fault, why] of [
      [GITHUB_ERRORS.issuesDisabled, 'issues are disabled on this repository (HTTP 410'],
      [
        GITHUB_ERRORS.forbidden,
        'the token may not do this (HTTP 403: Resource not accessible by integration',
      ],
    ] as const) {
      const requests = gh.requests.length;
      gh.fault({ ...fault, times: 1 });
      const run = await step('alerts', { token: TOKEN });
      expectOk(run); // exit 0: the data is committed, an issue is a courtesy
      expect(gh.requests.length - requests).toBe(1); // no retry of a refusal, no call after it
      expect(run.outputs.degraded).toBe('true');
      const issues = JSON.parse(run.outputs.issues) as { action: string }[];
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.every((i) => i.action === 'skipped')).toBe(true);
      expect(warnings(run).map((a) => a.message)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${why.replace(/[()]/g, '\\$&')}.*: alert issues not opened, updated or closed; the alerts are in reports/iris/README.md and this job's summary$`,
          ),
        ),
      ]);
      expect(run.summary).toContain('<h3>Alerts</h3>');
      expect(run.summary).toMatch(/<td>iris<\/td><td>dataset-drift<\/td><td>ok<\/td>/);
      expect(run.summary).toContain('Alert issues not in step');
    }
  });

  it('rides out a rate limit (retry-after) and a 502, then brings the issues in step', async () => {
    gh.fault({ ...GITHUB_ERRORS.secondaryRateLimit, times: 1 });
    gh.fault({ ...GITHUB_ERRORS.badGateway, times: 1 });
    const started = Date.now();
    const run = await step('alerts', { token: TOKEN });
    expectOk(run);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // retry-after: 1 was honoured
    expect(run.outputs.degraded).toBe('false');
    expect(warnings(run)).toEqual([]);
    expect(run.stdout).toMatch(/HTTP 403 \(rate limited\); retry 1 of 4 in 1\.0 s/);
    expect(run.stdout).toMatch(/HTTP 502; retry 2 of 4 in/); // the same request, tried a third time
    expect(JSON.parse(run.outputs.issues).map((i: { action: string }) => i.action)).not.toContain('skipped');
  });

  it('fails only on a bad input', async () => {
    const run = await step('alerts', { token: TOKEN, dataset: 'nope' });
    expect(run.code).toBe(1);
    expect(errors(run)[0].message).toContain("unknown dataset 'nope'");
  });
});

describe('ingest', () => {
  const inbox = (name: string, text: string) => {
    mkdirSync(path.join(ws, 'inbox/iris'), { recursive: true });
    writeFileSync(path.join(ws, 'inbox/iris', name), text);
    return `inbox/iris/${name}`;
  };
  const header = 'sepal_length,sepal_width,petal_length,petal_width,variety\n';

  it('checks a pull request: annotates bad lines, comments a summary, writes nothing', async () => {
    const file = inbox(
      'batch.csv',
      `${header}5.1,3.5,1.4,0.2,Setosa\n5.0,abc,1.4,0.2,Setosa\n6.3,3.3,6.0,2.5,Virginica\n`,
    );
    const pr = gh.addPullRequest('acme/gitml', 'Add observations', '');
    const data = fingerprint(path.join(ws, 'data'));
    const run = await step('ingest', { 'dry-run': 'true', token: TOKEN, 'pull-request': String(pr.number) });
    expectOk(run);
    expect(run.outputs).toMatchObject({ 'rows-added': '2', quarantined: '1', 'failed-files': '0' });
    expect(run.stdout).toMatch(
      /^::warning file=inbox\/iris\/batch\.csv,line=3::would be quarantined: .*sepal_width/m,
    );
    expect(fingerprint(path.join(ws, 'data'))).toBe(data);
    expect(existsSync(path.join(ws, file))).toBe(true);
    const comments = gh.comments.filter((c) => c.issueNumber === pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('| `inbox/iris/batch.csv` | iris | 2 | 1 |');
    expect(comments[0].body).toMatch(/\| `inbox\/iris\/batch\.csv` \| 3 \| .*sepal_width/);
  });

  it("passes a fork's pull-request check although it cannot comment: a warning, the comment in the job summary", async () => {
    const pr = gh.addPullRequest('acme/gitml', 'From a fork', '');
    gh.fault({ ...GITHUB_ERRORS.forbidden, times: 1 });
    const run = await step('ingest', { 'dry-run': 'true', token: TOKEN, 'pull-request': String(pr.number) });
    expectOk(run);
    expect(gh.comments.filter((c) => c.issueNumber === pr.number)).toHaveLength(0);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          /^the token may not do this \(HTTP 403: Resource not accessible by integration.*: pull-request comment not posted; the check results are in this job's summary and annotations$/,
        ),
      }),
    );
    expect(run.stdout).toMatch(/^::warning file=inbox\/iris\/batch\.csv,line=3::would be quarantined/m);
    expect(run.summary).toContain('### Inbox check');
    expect(run.summary).toContain('| `inbox/iris/batch.csv` | iris | 2 | 1 |');
  });

  it('ingests on the default branch: appends the rows, quarantines the bad one, removes the file', async () => {
    const run = await step('ingest');
    expectOk(run);
    expect(run.outputs).toMatchObject({
      'rows-added': '2',
      'rows-by-dataset': '{"iris":2}',
      quarantined: '1',
    });
    expect(JSON.parse(run.outputs.files)).toEqual([
      { file: 'inbox/iris/batch.csv', dataset: 'iris', kind: 'rows', added: 2, quarantined: 1 },
    ]);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ level: 'warning', properties: { file: 'inbox/iris/batch.csv', line: '3' } }),
    );
    expect(existsSync(path.join(ws, 'inbox/iris/batch.csv'))).toBe(false);
    expect(readFileSync(path.join(ws, 'data/iris/v1/rejected.csv'), 'utf8')).toContain(
      'inbox/iris/batch.csv',
    );

    const empty = await step('ingest');
    expectOk(empty);
    expect(empty.outputs['rows-added']).toBe('0');
  });

  it('refuses a file that cannot be ingested at all, annotating it, and writes nothing', async () => {
    inbox('good.csv', `${header}5.1,3.5,1.4,0.2,Setosa\n`);
    inbox('bad.csv', 'sepal_length,sepal_width,variety\n5.1,3.5,Setosa\n');
    const data = fingerprint(path.join(ws, 'data'));
    for (const dry of ['true', 'false']) {
      const run = await step('ingest', { 'dry-run': dry });
      expect(run.code).toBe(1);
      expect(run.outputs['failed-files']).toBe('1');
      expect(errors(run)[0]).toMatchObject({ properties: { file: 'inbox/iris/bad.csv', line: '1' } });
      expect(errors(run)[0].message).toContain("missing columns 'petal_length', 'petal_width'");
      expect(errors(run).at(-1)!.message).toMatch(
        /^1 of 2 file\(s\) cannot be ingested.*inbox\/iris\/bad\.csv/,
      );
    }
    expect(fingerprint(path.join(ws, 'data'))).toBe(data);
    expect(existsSync(path.join(ws, 'inbox/iris/good.csv'))).toBe(true);
    rmSync(path.join(ws, 'inbox'), { recursive: true });
  });

  it('fails with ::error:: on a CSV path that does not exist', async () => {
    const run = await step('ingest', { path: 'inbox/iris/none.csv' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::inbox/iris/none.csv: file not found');
  });
});

describe('train on a pull request', () => {
  it('comments the metrics diff once and edits that comment on the next push', async () => {
    const pr = gh.addPullRequest('acme/gitml', 'Tune the model', '');
    const inputs = {
      dataset: 'iris',
      algorithm: 'knn',
      force: 'true',
      token: TOKEN,
      'pull-request': String(pr.number),
    };
    const first = await step('train', inputs);
    expectOk(first);
    const mine = () => gh.comments.filter((c) => c.issueNumber === pr.number);
    expect(mine()).toHaveLength(1);
    const body = mine()[0].body;
    expect(body).toContain('### Model metrics: Iris flowers (`iris`)');
    expect(body).toMatch(/\| metric \| champion v1 \| this pull request \(knn\) \| change \|/);
    expect(body).toMatch(/\| accuracy \| 0\.\d{4} \| 0\.\d{4} \| [+-]?0\.\d{4} \|/);
    expect(body).toContain('<!-- gitml-comment metrics-iris -->');

    // The workflow passes the pull request's head: the checkout is the base commit (or a merge commit).
    const headSha = 'c0ffee0123456789abcdef0123456789abcdef01';
    const second = await step('train', { ...inputs, algorithm: 'random-forest', 'head-sha': headSha });
    expectOk(second);
    expect(mine()).toHaveLength(1);
    expect(mine()[0].body).toContain('this pull request (random-forest)');
    expect(mine()[0].body).toContain('trained at c0ffee012345 against');
    const edits = gh.requests.filter(
      (r) => r.method === 'PATCH' && r.path === `/repos/acme/gitml/issues/comments/${mine()[0].id}`,
    );
    expect(edits).toHaveLength(1);
  });

  it("degrades on a fork's pull request: a warning and the metrics diff in the job summary, exit 0", async () => {
    const pr = gh.addPullRequest('acme/gitml', 'From a fork', '');
    gh.fault({ ...GITHUB_ERRORS.forbidden, times: 1 });
    const run = await step('train', {
      dataset: 'iris',
      algorithm: 'knn',
      force: 'true',
      token: TOKEN,
      'pull-request': String(pr.number),
    });
    expectOk(run);
    expect(gh.comments.filter((c) => c.issueNumber === pr.number)).toHaveLength(0);
    expect(run.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toContainEqual(
      expect.stringMatching(
        /: metrics comment for iris not posted; the metrics diff is in this job's summary$/,
      ),
    );
    expect(run.summary).toContain('### Model metrics: Iris flowers (`iris`)');
    // The champion is whichever model won the previous test's gate (on rows the champion never saw, the
    // random forest of the second push now wins it: the kNN champion's lead came from rows it trained on).
    expect(run.summary).toMatch(/\| metric \| champion v\d+ \| this pull request \(knn\) \| change \|/);
    expect(run.summary).toMatch(/on the \d+ of its 30 holdout rows the champion never saw:/);
  });

  it('refuses a head-sha that is not a commit SHA', async () => {
    const run = await step('train', { token: TOKEN, 'pull-request': '1', 'head-sha': 'main; echo' });
    expect(run.code).toBe(1);
    expect(errors(run)[0].message).toContain("input 'head-sha' must be a commit SHA");
  });

  it('refuses to promote on a pull request', async () => {
    const run = await step('train', { promote: 'true', token: TOKEN, 'pull-request': '1' });
    expect(run.code).toBe(1);
    expect(errors(run)[0].message).toContain("input 'promote' must be false with 'pull-request'");
  });
});

describe('build-site', () => {
  it('builds the Pages folder with a predictor and a dashboard per dataset', async () => {
    cpSync(path.join(REPO_ROOT, 'site/assets'), path.join(ws, 'site/assets'), { recursive: true });
    const run = await step('build-site', {
      'out-dir': '_site',
      'dashboard-url': 'https://pages.example/gitml/',
    });
    expectOk(run);
    expect(run.outputs).toMatchObject({ path: '_site', pages: '4' }); // home, predictor, dashboard, model card
    expect(Number(run.outputs.files)).toBe(
      readdirSync(path.join(ws, '_site'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
        .length,
    );
    for (const page of ['index.html', 'iris/index.html', 'iris/dashboard.html']) {
      expect(existsSync(path.join(ws, '_site', page)), page).toBe(true);
    }
    expect(run.summary).toContain('<a href="https://pages.example/gitml/iris/dashboard.html">open</a>');
  });

  it('refuses to overwrite a folder that is not a site build', async () => {
    const before = fingerprint(path.join(ws, 'data'));
    const run = await step('build-site', { 'out-dir': 'data' });
    expect(run.code).toBe(1);
    expect(errors(run)[0].message).toContain(
      'is not empty and is not a site build: refusing to overwrite it',
    );
    expect(fingerprint(path.join(ws, 'data'))).toBe(before);
  });
});
