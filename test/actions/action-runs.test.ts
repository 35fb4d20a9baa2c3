// Every action's run(), in-process, in pipeline order on one workspace: the inputs as the runner gives
// them (through the action's own readInputs), a fake core, and the report each returns — its outputs are
// exactly the ones its action.yml declares. (test/actions/actions.test.ts runs the committed bundles as the
// runner does; this file reaches the same code without a process per step.)
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Workspace } from '../../actions/lib/files/workspace.js';
import type { InputReader } from '../../actions/lib/platform/action-inputs.js';
import type { ActionDeps, ActionReport } from '../../actions/lib/platform/action-kit.js';
import { fakeDeps, inputsOf } from '../helpers/fake-core.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/github-fake-server.js';
import { makeWorkspace, NOW, REPO_ROOT } from '../helpers/workspace.js';

const TOKEN = 'in-process-token';
const ENV = { GITHUB_REPOSITORY: 'acme/gitml', GITHUB_SERVER_URL: 'https://github.example' };
let ws: string;
let gh: FakeGitHub;
beforeAll(async () => {
  ws = makeWorkspace(['iris'], { git: true });
  gh = await startFakeGitHub({ authorization: `token ${TOKEN}` });
});
afterAll(async () => {
  await gh?.close();
  if (ws) rmSync(ws, { recursive: true, force: true });
});

interface ActionModules {
  inputs: {
    INPUT_NAMES: readonly string[];
    readInputs(input: InputReader<string>, ws: Workspace): unknown;
  };
  main: { run(inputs: unknown, deps: ActionDeps): Promise<ActionReport> | ActionReport };
}

/** One in-process run of `stage` with `values` as its inputs; the report and what the core logged. */
async function step(stage: string, values: Record<string, string> = {}) {
  const inputs = (await import(`../../actions/${stage}/src/inputs.ts`)) as ActionModules['inputs'];
  const { run } = (await import(`../../actions/${stage}/src/main.ts`)) as ActionModules['main'];
  const deps = fakeDeps(ws, { ...ENV, GITHUB_API_URL: gh.baseUrl });
  const report = await run(
    inputs.readInputs(inputsOf(inputs.INPUT_NAMES, { now: NOW, ...values }), deps.ws),
    deps,
  );
  const declared = Object.keys(
    (
      parse(readFileSync(path.join(REPO_ROOT, 'actions', stage, 'action.yml'), 'utf8')) as {
        outputs?: object;
      }
    ).outputs ?? {},
  );
  // Train's `mae` output exists only for a full run; every other output is always set.
  expect(Object.keys(report.outputs).sort(), `${stage}: outputs vs action.yml`).toEqual(
    declared.filter((o) => o in report.outputs || !(stage === 'train' && o === 'mae')).sort(),
  );
  return { report, core: deps.core };
}

const tableOf = (report: ActionReport, heading: string) =>
  report.summary.find((b) => b.kind === 'table' && b.heading === heading);

describe('every action run() in-process, in pipeline order', () => {
  it('backfill → plan-shards → train → generate → infer → monitor → build-site', async () => {
    const backfill = await step('backfill');
    expect(backfill.report.outputs['rows-added']).toBe(150);

    // Shards split a group by month: iris's rows share one event month, so one shard however small max-rows.
    const plan = await step('plan-shards', { 'max-rows': '100' });
    expect(plan.report.outputs).toMatchObject({ count: 1, shards: [1], sharded: false, rows: { iris: 150 } });

    const train = await step('train', { promote: 'true' });
    expect(train.report.outputs).toMatchObject({ trained: 1, promoted: true, 'model-version': '1' });
    expect(tableOf(train.report, 'Training')).toBeDefined();
    expect(train.core.of('info').some((l) => l.startsWith('v1 → champion.'))).toBe(true);

    const generate = await step('generate', { date: '2026-11-24', days: '1' });
    expect(generate.report.outputs).toMatchObject({ dates: '2026-11-24', missed: '' });

    const infer = await step('infer');
    expect(infer.report.outputs).toMatchObject({ 'model-versions': { iris: 1 } });
    expect(infer.report.outputs.predicted).toBeGreaterThan(0);

    const monitor = await step('monitor', { 'dashboard-url': 'https://acme.github.io/gitml/' });
    expect(monitor.report.outputs['failed-datasets']).toBe('');
    const links = monitor.report.summary.find((b) => b.kind === 'html-list');
    expect(links).toEqual({
      kind: 'html-list',
      items: [
        '<a href="https://github.example/acme/gitml/blob/HEAD/reports/iris/README.md">iris report</a>',
        '<a href="https://acme.github.io/gitml/">dashboard</a>',
      ],
    });

    // The checkout the runner builds from has the committed browser bundles.
    cpSync(path.join(REPO_ROOT, 'site', 'assets'), path.join(ws, 'site', 'assets'), { recursive: true });
    const site = await step('build-site', { 'out-dir': '_site' });
    expect(site.report.outputs).toMatchObject({ path: '_site', 'failed-datasets': '' });
    expect(site.report.outputs.pages).toBeGreaterThan(1);
    expect(site.report.exitCode).toBeUndefined();
    rmSync(path.join(ws, '_site'), { recursive: true, force: true });
  });

  it('commit → alerts: one commit, then the issues in step with what was committed', async () => {
    const commit = await step('commit', { push: 'false' });
    expect(commit.report.outputs).toMatchObject({ committed: true, pushed: false, attempts: 0 });
    const alerts = await step('alerts', { token: TOKEN });
    expect(alerts.report.outputs.degraded).toBe(false);
    expect(gh.issues.length).toBe(
      (alerts.report.outputs.issues as { action: string }[]).filter((i) => i.action === 'opened').length,
    );
  });

  it('ingest: a dry run writes nothing; a bad line fails the step after its outputs and summary', async () => {
    mkdirSync(path.join(ws, 'inbox/iris'), { recursive: true });
    const header = 'sepal_length,sepal_width,petal_length,petal_width,variety\n';
    writeFileSync(path.join(ws, 'inbox/iris/ok.csv'), `${header}5.1,3.5,1.4,0.2,Setosa\n`);
    const dry = await step('ingest', { 'dry-run': 'true' });
    expect(dry.report.outputs).toMatchObject({ 'rows-added': 1, 'failed-files': 0 });
    expect(dry.report.failure).toBeUndefined();

    writeFileSync(path.join(ws, 'inbox/iris/bad.csv'), `${header}5.1,3.5,1.4\n`);
    const bad = await step('ingest');
    expect(bad.report.outputs['failed-files']).toBe(1);
    expect(bad.report.failure).toMatch(
      /^1 of 2 file\(s\) cannot be ingested; nothing was written: inbox\/iris\/bad\.csv/,
    );
    expect(bad.core.logged.find((l) => l.level === 'error')).toMatchObject({ file: 'inbox/iris/bad.csv' });
  });
});
