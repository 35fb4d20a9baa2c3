// Issue 14, "one bad dataset never stops the others": an invalid dataset.yml, a corrupt feature group or a
// failing model in one dataset makes every command and action skip that dataset with its error, finish the
// others, write their files, and exit 3 (partial) naming it with its message; the site shows it as failing
// rather than dropping it; and the daily workflow, run step by step as the runner runs it against a real
// git remote, commits the three healthy datasets and ends red naming the fourth.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { type ActionRun, requireBundles, runActionBundle } from '../helpers/action-runner.js';
import { gitIn, tempDir } from '../helpers/git-repos.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/github-fake-server.js';
import { SITE_ASSETS } from '../helpers/site-workspace.js';
import { runWorkflowJob, type WorkflowStep } from '../helpers/workflow-job.js';
import { cli, fingerprint, makeWorkspace, NOW, REPO_ROOT } from '../helpers/workspace.js';

const FAST = ['--algorithm', 'gaussian-nb', '--folds', '3', '--no-search'];
const GOOD = ['iris', 'titanic', 'wine'];
const BROKEN = 'broken';

/** data/broken: Iris's rows under a spec with a typo in a feature's type (invalid whatever the parser's strictness). */
function addBrokenDataset(root: string): void {
  const dir = path.join(root, 'data', BROKEN);
  mkdirSync(dir, { recursive: true });
  const spec = readFileSync(path.join(REPO_ROOT, 'data/iris/dataset.yml'), 'utf8')
    .replace('name: iris', `name: ${BROKEN}`)
    .replace(
      '{ name: petal_width, title: Petal width, type: numeric',
      '{ name: petal_width, title: Petal width, type: numberz',
    );
  expect(spec).toContain('type: numberz');
  writeFileSync(path.join(dir, 'dataset.yml'), spec);
  cpSync(path.join(REPO_ROOT, 'data/iris/source.csv'), path.join(dir, 'source.csv'));
}

/** The error reading a dataset's spec gives: what every command must print for it. */
function specError(root: string, name = BROKEN): string {
  const [d] = new Workspace(root).selectEachDataset(name);
  expect(d.error, `${name}'s spec must be invalid`).toBeDefined();
  return d.error!.message;
}

const exists = (root: string, rel: string) => existsSync(path.join(root, rel));

/** Exit 3; the failure line and the closing summary name the dataset and its message; the others are done. */
function expectPartial(
  r: { code: number; out: string; err: string },
  name: string,
  message: string,
  done = GOOD,
) {
  expect(r.code, r.err).toBe(3);
  expect(r.err).toContain(`${name}: FAILED: ${message}`);
  expect(r.err).toMatch(new RegExp(`^partial: done ${done.join(', ')}; failed .*\\b${name}\\b`, 'm'));
  // The closing summary repeats each failure with its message, after the other datasets' output.
  expect(r.err.split('\n')).toContain(`  ${name}: ${message}`);
}

describe('the CLI: a dataset with an invalid dataset.yml next to three good ones', () => {
  let ws: string;
  let broken: string;
  beforeAll(() => {
    ws = makeWorkspace(GOOD);
    addBrokenDataset(ws);
    broken = specError(ws);
  });
  afterAll(() => {
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  it('the spec error names the file (so every message below does)', () => {
    expect(broken).toContain(`data/${BROKEN}/dataset.yml`);
    // Listing the datasets is not stopped by it: the four are listed, the three specs read.
    const listed = new Workspace(ws).selectEachDataset('all');
    expect(listed.map((d) => [d.name, d.spec ? 'spec' : 'error'])).toEqual([
      [BROKEN, 'error'],
      ['iris', 'spec'],
      ['titanic', 'spec'],
      ['wine', 'spec'],
    ]);
  });

  it('backfill, train, daily: the three are written, exit 3 naming the broken one and its error', async () => {
    const backfill = await cli(ws, 'backfill');
    expectPartial(backfill, BROKEN, broken);
    for (const d of GOOD) expect(exists(ws, `data/${d}/v1/metadata.json`), d).toBe(true);
    expect(exists(ws, `data/${BROKEN}/v1`)).toBe(false);

    const train = await cli(ws, 'train', ...FAST);
    expectPartial(train, BROKEN, broken);
    for (const d of GOOD) expect(exists(ws, `models/${d}/v1/model.json`), d).toBe(true);
    expect(exists(ws, `models/${BROKEN}`)).toBe(false);

    const daily = await cli(ws, 'daily');
    expectPartial(daily, BROKEN, broken);
    for (const d of GOOD) {
      expect(exists(ws, `reports/${d}/monitoring.json`), d).toBe(true);
      expect(exists(ws, `reports/${d}/README.md`), d).toBe(true);
    }
    expect(exists(ws, `reports/${BROKEN}`)).toBe(false);
  }, 180_000);

  it.each([
    [['monitor'], 'monitoring'],
    [['report'], 'report reports/'],
    [['stats'], 'v1 (working tree)'],
    [['models', 'list'], 'version(s), champion v1'],
    [['infer'], 'predicted'],
    [['generate', '--days', '1'], 'synthetic'],
  ])(
    '%j: the three are done, exit 3 naming the broken one',
    async (args, each) => {
      const r = await cli(ws, ...args);
      expectPartial(r, BROKEN, broken);
      for (const d of GOOD) expect(r.out, d).toContain(`${d}${args[0] === 'stats' ? ' ' : ': '}`);
      expect(r.out.split('\n').filter((l) => l.includes(each)).length).toBeGreaterThanOrEqual(GOOD.length);
    },
    60_000,
  );

  it('site build: the three as usual, the broken one as failing with its message on its card and its pages', async () => {
    const out = path.join(ws, 'site-out');
    const r = await cli(ws, 'site', 'build', '--out', out, '--assets', SITE_ASSETS);
    expect(r.code, r.err).toBe(3);
    expect(r.err).toContain(`${BROKEN}: FAILED: ${broken}`);
    expect(r.err).toContain(`partial: the site shows ${BROKEN} as failing`);
    const home = readFileSync(path.join(out, 'index.html'), 'utf8');
    const escaped = broken.replaceAll("'", '&#39;');
    const card = home.slice(home.indexOf(`data-dataset="${BROKEN}"`));
    expect(card.slice(0, card.indexOf('</article>'))).toContain(`<strong>Failing:</strong> ${escaped}`);
    expect(home).toContain(`<article class="card failing" data-dataset="${BROKEN}" data-failing="true"`);
    for (const page of ['index.html', 'dashboard.html']) {
      const html = readFileSync(path.join(out, BROKEN, page), 'utf8');
      expect(html, page).toContain(`<strong>This dataset is failing:</strong> ${escaped}`);
      expect(html, page).not.toContain('<script type="module" src="../assets/');
    }
    for (const d of GOOD) {
      expect(home).toContain(`<article class="card" data-dataset="${d}"`);
      expect(exists(out, `${d}/model.json`), d).toBe(true);
      expect(exists(out, `${d}/predictor.json`), d).toBe(true);
      expect(exists(out, `${d}/monitoring.json`), d).toBe(true);
    }
  });

  it('the broken dataset alone is an error (exit 1) with its message; a name that is no dataset stops before any work', async () => {
    const before = fingerprint(ws);
    const alone = await cli(ws, 'train', '-d', BROKEN, ...FAST);
    expect(alone.code).toBe(1);
    expect(alone.err).toBe(`gitml train: ${broken}`);
    const typo = await cli(ws, 'daily', '-d', 'iris,irsi');
    expect(typo.code).toBe(1);
    expect(typo.err).toContain("unknown dataset 'irsi'");
    expect(fingerprint(ws)).toBe(before);
  });
});

describe('the CLI: a corrupt feature group or a failing model in one dataset', () => {
  let ws: string;
  beforeAll(async () => {
    ws = makeWorkspace(GOOD);
    for (const args of [['backfill'], ['train', ...FAST], ['daily']]) {
      const r = await cli(ws, ...args);
      expect(r.code, r.err).toBe(0);
    }
  }, 180_000);
  afterAll(() => {
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  /** Runs `body` with `rel` replaced by `text`, then puts the file back. */
  async function withFile(rel: string, text: string, body: () => Promise<void>): Promise<void> {
    const file = path.join(ws, rel);
    const good = readFileSync(file);
    writeFileSync(file, text);
    try {
      await body();
    } finally {
      writeFileSync(file, good);
    }
  }

  it('a corrupt group: daily, stats, train, monitor and the site go on with the others', async () => {
    await withFile('data/wine/v1/metadata.json', '{', async () => {
      const message =
        'data/wine/v1/metadata.json: corrupt metadata, it ends too early, after 1 character (truncated); restore it with git (git checkout -- data/wine/v1/metadata.json)';
      const others = ['iris', 'titanic'];
      const daily = await cli(ws, 'daily', '--now', '2026-11-25T12:00:00Z');
      expectPartial(daily, 'wine', message, others);
      for (const d of others) expect(daily.out).toContain(`${d}: predicted 1 new row(s)`);
      expectPartial(await cli(ws, 'stats'), 'wine', message, others);
      expectPartial(
        await cli(ws, 'train', ...FAST, '--force', '--now', '2026-11-25T13:00:00Z'),
        'wine',
        message,
        others,
      );
      for (const d of others) expect(exists(ws, `models/${d}/v2/model.json`), d).toBe(true);
      expect(exists(ws, 'models/wine/v2')).toBe(false);
      expectPartial(await cli(ws, 'monitor'), 'wine', message, others);
      const out = path.join(ws, 'site-out');
      const site = await cli(ws, 'site', 'build', '--out', out, '--assets', SITE_ASSETS);
      expect(site.code).toBe(3);
      expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain(
        `<strong>Failing:</strong> ${message.replaceAll("'", '&#39;')}`,
      );
    });
  }, 180_000);

  it('a failing model: daily predicts the others; the site shows that dataset as failing', async () => {
    const champion = JSON.parse(readFileSync(path.join(ws, 'models/iris/index.json'), 'utf8')).champion;
    const model = `models/iris/v${champion}/model.json`;
    await withFile(model, '{"edited": true}\n', async () => {
      const daily = await cli(ws, 'daily', '--now', '2026-11-26T12:00:00Z');
      expect(daily.code, daily.err).toBe(3);
      // generate wrote iris's day before infer failed on its model: partly written, said so.
      expect(daily.err).toContain(`iris: FAILED: generate was written, then: ${model}: `);
      expect(daily.err).toMatch(/^partial: done titanic, wine; failed iris \(partly written\)/m);
      for (const d of ['titanic', 'wine']) expect(daily.out).toContain(`${d}: report reports/${d}/README.md`);
      const out = path.join(ws, 'site-out');
      const site = await cli(ws, 'site', 'build', '--out', out, '--assets', SITE_ASSETS);
      expect(site.code).toBe(3);
      expect(site.err).toContain(`iris: FAILED: ${model}: `);
      expect(readFileSync(path.join(out, 'iris/index.html'), 'utf8')).toContain('This dataset is failing:');
      expect(exists(out, 'iris/model.json')).toBe(false);
      expect(exists(out, 'wine/model.json')).toBe(true);
    });
  }, 180_000);
});

describe('npm start (gitml start --no-serve) with a broken dataset', () => {
  it('runs the pipeline and builds the site for the others, then exits 3 naming it', async () => {
    const ws = makeWorkspace(['iris']);
    try {
      addBrokenDataset(ws);
      cpSync(SITE_ASSETS, path.join(ws, 'site/assets'), { recursive: true });
      const r = await cli(ws, 'start', '--no-serve');
      expect(r.code, r.err).toBe(3);
      expect(r.err).toContain(`start: 1 dataset(s) failed and were skipped; the others ran: ${BROKEN}`);
      expect(r.err).toContain(`  ${BROKEN} (backfill, train, daily): ${specError(ws)}`);
      // Printed before the site (a served site blocks); the site build then names it again.
      expect(r.err).toContain(`partial: the site shows ${BROKEN} as failing`);
      expect(exists(ws, 'reports/iris/monitoring.json')).toBe(true);
      expect(exists(ws, 'site/build/iris/model.json')).toBe(true);
      expect(readFileSync(path.join(ws, 'site/build/index.html'), 'utf8')).toContain('data-failing="true"');
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  }, 300_000);
});

// ---------- the actions and the workflows, as the runner runs them ----------

interface Workflow {
  jobs: Record<string, { steps?: WorkflowStep[]; outputs?: Record<string, string> }>;
}
const workflow = (file: string) =>
  parse(readFileSync(path.join(REPO_ROOT, '.github/workflows', file), 'utf8')) as Workflow;
const errors = (run: ActionRun | null) =>
  (run?.annotations ?? []).filter((a) => a.level === 'error').map((a) => a.message);

describe('the daily workflow with a broken dataset next to three good ones, against a real remote', () => {
  const TOKEN = 'ghs_resilience_test';
  let gh: FakeGitHub;
  let tmp: { path: string; cleanup: () => void };
  let remote: string;
  let clone: string;
  let seed: string;
  let broken: string;

  beforeAll(async () => {
    requireBundles(
      'ingest',
      'generate',
      'infer',
      'monitor',
      'commit',
      'alerts',
      'build-site',
      'backfill',
      'train',
    );
    gh = await startFakeGitHub({ authorization: `token ${TOKEN}` });
    tmp = tempDir('resilience');
    // The repository: three datasets with their groups and champions, a fourth whose spec is invalid, the
    // workflow's script; pushed to a bare remote, then cloned as actions/checkout would.
    const origin = makeWorkspace(GOOD);
    addBrokenDataset(origin);
    broken = specError(origin);
    expect((await cli(origin, 'backfill')).code).toBe(3);
    expect((await cli(origin, 'train', ...FAST)).code).toBe(3);
    cpSync(SITE_ASSETS, path.join(origin, 'site/assets'), { recursive: true });
    // Waiting in the inbox: a file for a good dataset and one for the broken one.
    const header = 'sepal_length,sepal_width,petal_length,petal_width,variety\n';
    for (const d of ['iris', BROKEN]) {
      mkdirSync(path.join(origin, 'inbox', d), { recursive: true });
      writeFileSync(path.join(origin, 'inbox', d, 'batch.csv'), `${header}6.1,2.8,4.7,1.2,Versicolor\n`);
    }
    const script = '.github/scripts/report-failed-stages.sh';
    mkdirSync(path.join(origin, '.github/scripts'), { recursive: true });
    cpSync(path.join(REPO_ROOT, script), path.join(origin, script));
    remote = path.join(tmp.path, 'remote.git');
    gitIn(tmp.path, ['init', '-q', '--bare', '-b', 'main', remote]);
    gitIn(origin, ['init', '-q', '-b', 'main']);
    gitIn(origin, ['add', '-A']);
    gitIn(origin, ['commit', '-qm', 'four datasets, one broken']);
    gitIn(origin, ['push', '-q', remote, 'main']);
    rmSync(origin, { recursive: true, force: true });
    seed = gitIn(remote, ['rev-parse', 'main']);
    clone = path.join(tmp.path, 'clone');
    gitIn(tmp.path, ['clone', '-q', remote, clone]);
  }, 240_000);
  afterAll(async () => {
    await gh?.close();
    tmp?.cleanup();
  });

  it('commits the three, opens their alert issues, and ends red naming the fourth with its error', async () => {
    const job = await runWorkflowJob(workflow('daily.yml').jobs.pipeline.steps!, {
      workspace: clone,
      inputs: {},
      secrets: {},
      github: { token: TOKEN },
      env: { GITHUB_API_URL: gh.baseUrl, RUNNER_TEMP: path.join(tmp.path, 'runner-temp') },
    });

    // The good dataset's inbox file is ingested; the broken one's stays, named with the spec's error.
    const ingest = job.byId('ingest');
    expect(ingest.run?.code, ingest.run?.stdout).toBe(3);
    expect(ingest.run?.outputs).toMatchObject({ 'rows-by-dataset': '{"iris":1}', 'failed-datasets': BROKEN });
    expect(errors(ingest.run)).toContain(`inbox/${BROKEN}/batch.csv: ${broken}`);

    // Each stage did the three and failed the fourth with its message: exit 3, outputs for the three.
    for (const id of ['generate', 'infer', 'monitor']) {
      const s = job.byId(id);
      expect(s.run?.code, `${id}: ${s.run?.stdout}`).toBe(3);
      expect([s.outcome, s.conclusion], id).toEqual(['failure', 'success']);
      expect(s.run?.outputs['failed-datasets'], id).toBe(BROKEN);
      expect(errors(s.run), id).toContain(`${BROKEN}: ${broken}`);
      expect(s.run?.summary, id).toContain('Failed datasets');
    }
    expect(Object.keys(JSON.parse(job.byId('generate').run!.outputs['rows-by-dataset']))).toEqual(GOOD);
    expect(Object.keys(JSON.parse(job.byId('infer').run!.outputs['predictions-by-dataset']))).toEqual(GOOD);

    // The commit ran and pushed the three datasets' files, nothing of the fourth.
    const commit = job.byId('commit');
    expect(commit.outcome, commit.run?.stdout).toBe('success');
    expect(commit.run?.outputs).toMatchObject({ committed: 'true', pushed: 'true' });
    const head = gitIn(remote, ['rev-parse', 'main']);
    expect(gitIn(remote, ['rev-parse', 'main^'])).toBe(seed);
    const changed = gitIn(remote, ['diff', '--name-only', seed, head]).split('\n');
    const datasetsOf = (prefix: string) =>
      [...new Set(changed.filter((f) => f.startsWith(prefix)).map((f) => f.split('/')[1]))].sort();
    expect(datasetsOf('data/')).toEqual(GOOD);
    expect(datasetsOf('reports/')).toEqual(GOOD);
    expect(datasetsOf('inbox/')).toEqual(['iris']); // removed in the same commit; the broken one's stays
    expect(gitIn(remote, ['ls-tree', '-r', '--name-only', 'main', 'inbox'])).toBe(
      `inbox/${BROKEN}/batch.csv`,
    );
    const body = JSON.parse(gitIn(remote, ['log', '-1', '--format=%b', 'main']));
    expect(body.failed).toEqual({ generate: BROKEN, infer: BROKEN, monitor: BROKEN });
    expect(Object.keys(body.predictions)).toEqual(GOOD);

    // The alert issues follow the commit; the last step fails the job naming the fourth.
    expect(job.byId('alerts').outcome).toBe('success');
    const last = job.steps.at(-1)!;
    expect(last.outcome).toBe('failure');
    expect(job.result).toBe('failure');
    expect(errors(last.run)).toEqual([
      `${BROKEN} failed in generate, infer, monitor (the step's annotations and job summary give the error); the other datasets were done and committed. Fix ${BROKEN} and the next run catches it up.`,
      "Files in inbox/ could not be ingested (see the ingest step's annotations); everything else was committed. Fix or remove them in a pull request; the next run ingests them.",
    ]);
    expect(last.run?.annotations[0].properties.title).toBe(`${BROKEN} failed`);
    expect(last.run?.summary).toBe(
      `### Failed datasets\n\n- ${BROKEN}: failed in generate, infer, monitor\n`,
    );
  }, 240_000);

  it('pages: the site of the three is uploaded for the deploy, the fourth shown failing, and the run ends red naming it', async () => {
    const uploaded: string[] = [];
    const pages = workflow('pages.yml');
    const build = await runWorkflowJob(pages.jobs.build.steps!, {
      workspace: clone,
      github: { ref: 'refs/heads/main' },
      thirdParty: (uses, inputs) => {
        if (uses === 'actions/upload-pages-artifact') uploaded.push(inputs.path);
        const outputs: Record<string, string> = {};
        if (uses === 'actions/configure-pages') outputs.base_url = 'https://acme.github.io/gitml';
        return outputs;
      },
    });
    const site = build.byId('site');
    expect(site.run?.code, site.run?.stdout).toBe(3);
    expect(errors(site.run)).toContain(`${BROKEN}: ${broken}`);
    expect(build.result).toBe('success'); // the deploy job (needs: build) runs
    expect(uploaded).toEqual(['_site']);
    expect(readFileSync(path.join(clone, '_site/index.html'), 'utf8')).toContain('data-failing="true"');
    for (const d of GOOD) expect(exists(clone, `_site/${d}/model.json`), d).toBe(true);

    const failedDatasets = pages.jobs.build.outputs!['failed-datasets'].replace(
      /^\$\{\{\s*steps\.site\.outputs\.failed-datasets\s*\}\}$/,
      site.run!.outputs['failed-datasets'],
    );
    expect(failedDatasets).toBe(BROKEN);
    const failing = await runWorkflowJob(pages.jobs['failing-datasets'].steps!, {
      workspace: clone,
      needs: { build: { 'failed-datasets': failedDatasets } },
    });
    expect(failing.result).toBe('failure');
    expect(errors(failing.steps[0].run)).toEqual([
      `The site shows ${BROKEN} as failing, each page with its error (see the build job's annotations); the other datasets were built and deployed.`,
    ]);
  }, 120_000);

  it('retrain: the three get new models, committed; the fourth fails backfill and train and is named', async () => {
    const job = await runWorkflowJob(workflow('retrain.yml').jobs.retrain.steps!, {
      workspace: clone,
      inputs: {
        dataset: 'all',
        algorithm: 'gaussian-nb',
        promote: 'false',
        force: 'true',
        'new-version': 'false',
      },
      secrets: {},
      env: { RUNNER_TEMP: path.join(tmp.path, 'runner-temp-retrain') },
    });
    for (const id of ['backfill', 'train']) {
      const s = job.byId(id);
      expect(s.run?.code, `${id}: ${s.run?.stdout}`).toBe(3);
      expect(s.run?.outputs['failed-datasets'], id).toBe(BROKEN);
    }
    expect(JSON.parse(job.byId('train').run!.outputs['model-versions'])).toEqual({
      iris: 2,
      titanic: 2,
      wine: 2,
    });
    expect(job.byId('commit').run?.outputs).toMatchObject({ committed: 'true', pushed: 'true' });
    const changed = gitIn(remote, ['diff', '--name-only', 'main^', 'main']).split('\n');
    for (const d of GOOD) expect(changed, d).toContain(`models/${d}/v2/model.json`);
    expect(changed.some((f) => f.includes(BROKEN))).toBe(false);
    expect(job.result).toBe('failure');
    expect(errors(job.steps.at(-1)!.run)[0]).toMatch(new RegExp(`^${BROKEN} failed in backfill, train \\(`));
  }, 240_000);
  it('alerts: a committed report that cannot be read fails that dataset alone; the others keep their issues in step', async () => {
    writeFileSync(path.join(clone, 'reports/wine/monitoring.json'), '{"truncated": ');
    gitIn(clone, ['add', '-A']);
    gitIn(clone, [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.test',
      'commit',
      '-qm',
      'a corrupt report',
    ]);
    const run = await runActionBundle(
      'alerts',
      { dataset: 'all', token: TOKEN, now: NOW },
      { workspace: clone, env: { GITHUB_API_URL: gh.baseUrl } },
    );
    expect(run.code, run.stdout).toBe(3);
    expect(run.outputs['failed-datasets']).toBe('wine');
    expect(errors(run)[0]).toMatch(
      /^wine: reports\/wine\/monitoring\.json as committed at HEAD is not valid JSON/,
    );
    expect(run.summary).toContain('<h3>Failed datasets</h3>');
    const issues = JSON.parse(run.outputs.issues) as { dataset: string }[];
    expect([...new Set(issues.map((i) => i.dataset))].sort()).toEqual(['iris', 'titanic']);
  }, 60_000);
});

describe('each stage action with a broken dataset (the bundle as the runner runs it)', () => {
  let ws: string;
  let broken: string;
  beforeAll(async () => {
    requireBundles('backfill', 'train', 'generate', 'infer', 'monitor', 'build-site');
    ws = makeWorkspace(['iris'], { git: true });
    addBrokenDataset(ws);
    broken = specError(ws);
  });
  afterAll(() => {
    if (ws) rmSync(ws, { recursive: true, force: true });
  });
  const step = (stage: string, inputs: Record<string, string> = {}) =>
    runActionBundle(stage, { now: NOW, ...inputs }, { workspace: ws });

  it.each([
    ['backfill', {}, 'data/iris/v1/metadata.json'],
    ['train', { algorithm: 'gaussian-nb' }, 'models/iris/v1/model.json'],
    ['generate', {}, 'data/iris/v1/stats.json'],
    ['infer', {}, 'reports/iris/monitoring.json'],
    ['monitor', {}, 'reports/iris/README.md'],
  ] as const)(
    '%s: iris is written, exit 3, the summary and output failed-datasets name the broken one',
    async (stage, inputs, file) => {
      const run = await step(stage, inputs);
      expect(run.code, run.stdout).toBe(3);
      expect(run.outputs['failed-datasets']).toBe(BROKEN);
      expect(errors(run)).toContain(`${BROKEN}: ${broken}`);
      expect(errors(run)).toContain(`partial: done iris; failed ${BROKEN} — exit code 3`);
      expect(run.summary).toContain('<h3>Failed datasets</h3>');
      expect(run.summary).toContain(`<td>${BROKEN}</td>`);
      expect(exists(ws, file), file).toBe(true);
    },
    120_000,
  );

  it('train: a model that fails in one dataset does not stop the next (it used to stop the step)', async () => {
    // A second good dataset whose group is corrupt: train --force does iris and fails it.
    cpSync(path.join(REPO_ROOT, 'data/wine'), path.join(ws, 'data/wine'), { recursive: true });
    expect((await step('backfill', { dataset: 'wine' })).code).toBe(0);
    writeFileSync(path.join(ws, 'data/wine/v1/metadata.json'), '{');
    const run = await step('train', { dataset: 'wine,iris', algorithm: 'gaussian-nb', force: 'true' });
    expect(run.code, run.stdout).toBe(3);
    expect(run.outputs['failed-datasets']).toBe('wine');
    expect(JSON.parse(run.outputs['model-versions'])).toEqual({ iris: 2 });
    expect(Object.keys(JSON.parse(run.outputs.champions))).toEqual(['iris']);
    rmSync(path.join(ws, 'data/wine'), { recursive: true, force: true });
  }, 120_000);

  it("ingest: the broken dataset's inbox files stay (named with its error), the others are ingested, exit 3", async () => {
    const header = 'sepal_length,sepal_width,petal_length,petal_width,variety\n';
    for (const d of ['iris', BROKEN]) {
      mkdirSync(path.join(ws, 'inbox', d), { recursive: true });
      writeFileSync(path.join(ws, 'inbox', d, 'batch.csv'), `${header}5.1,3.5,1.4,0.2,Setosa\n`);
    }
    const run = await step('ingest', { path: 'inbox' });
    expect(run.code, run.stdout).toBe(3);
    expect(run.outputs).toMatchObject({
      'rows-by-dataset': '{"iris":1}',
      'failed-files': '1',
      'failed-datasets': BROKEN,
    });
    expect(errors(run)).toContain(`inbox/${BROKEN}/batch.csv: ${broken}`);
    expect(exists(ws, 'inbox/iris/batch.csv')).toBe(false);
    expect(exists(ws, `inbox/${BROKEN}/batch.csv`)).toBe(true);
    // Only the broken dataset's files left: nothing to ingest, exit 1.
    const again = await step('ingest', { path: 'inbox' });
    expect(again.code).toBe(1);
    expect(errors(again)).toContain(
      `every file's dataset has an invalid dataset.yml (${BROKEN}): nothing was ingested`,
    );
    rmSync(path.join(ws, 'inbox'), { recursive: true, force: true });
  });

  it('build-site: builds the site, shows the broken one failing, exit 3 with output failed-datasets', async () => {
    cpSync(SITE_ASSETS, path.join(ws, 'site/assets'), { recursive: true });
    const run = await step('build-site', { 'out-dir': '_site' });
    expect(run.code, run.stdout).toBe(3);
    expect(run.outputs).toMatchObject({ path: '_site', 'failed-datasets': BROKEN });
    expect(errors(run)).toContain(`${BROKEN}: ${broken}`);
    expect(run.summary).toContain('Failed datasets (shown as failing on the site)');
    expect(exists(ws, '_site/iris/model.json')).toBe(true);
  });
});
