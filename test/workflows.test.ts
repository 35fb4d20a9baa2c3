// Workflow lint: every workflow parsed with `yaml` and held to the project's rules (least privilege,
// pinned third-party actions, no expressions in run scripts, queued data writes), and every use of a
// local action checked against its action.yml: `with:` keys are declared inputs, referenced
// `steps.<id>.outputs.<name>` are declared outputs, and each action's source reads and sets exactly what
// its action.yml declares. (Not actionlint: see the comment in .github/workflows/ci.yml.)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { ALGORITHMS } from '../actions/lib/models/algorithms.js';
import { REPO_ROOT } from './helpers/workspace.js';

type Obj = Record<string, unknown>;
interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Obj;
}
interface Job {
  'runs-on'?: string;
  uses?: string;
  with?: Obj;
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  outputs?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  name: string;
  on: Obj;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
interface ActionMeta {
  name: string;
  description: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
  runs: { using: string; main: string };
}

const WORKFLOW_DIR = path.join(REPO_ROOT, '.github/workflows');
const STAGES = [
  'backfill',
  'build-site',
  'commit',
  'generate',
  'infer',
  'ingest',
  'monitor',
  'plan-shards',
  'train',
];
/** A GitHub expression as it appears in a workflow, `${{ <e> }}`. */
const expr = (e: string) => `\${{ ${e} }}`;
const DATA_GROUP = `gitml-data-${expr('github.ref')}`;

function load(file: string): { raw: string; wf: Workflow } {
  const raw = readFileSync(path.join(WORKFLOW_DIR, file), 'utf8');
  const doc = parseDocument(raw);
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return { raw, wf: doc.toJS() as Workflow };
}

const workflowFiles = readdirSync(WORKFLOW_DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const workflows = workflowFiles.map((file) => ({ file, ...load(file) }));
const byFile = (file: string) => workflows.find((w) => w.file === file)!.wf;

const actionCache = new Map<string, ActionMeta>();
function action(stage: string): ActionMeta {
  if (!actionCache.has(stage)) {
    const file = path.join(REPO_ROOT, 'actions', stage, 'action.yml');
    if (!existsSync(file)) throw new Error(`actions/${stage}/action.yml does not exist`);
    actionCache.set(stage, parse(readFileSync(file, 'utf8')) as ActionMeta);
  }
  return actionCache.get(stage)!;
}
const localStage = (uses: string | undefined) => /^\.\/actions\/([\w-]+)$/.exec(uses ?? '')?.[1];

/** Every string inside a value, depth first. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

function writeScopes(job: Job): string[] {
  return Object.entries(job.permissions ?? {})
    .filter(([, level]) => level === 'write')
    .map(([scope]) => scope);
}

it('finds the five workflows and every stage action', () => {
  expect(workflowFiles).toEqual([
    'ci.yml',
    'daily.yml',
    'ingest.yml',
    'pages.yml',
    'retrain.yml',
    'sharded.yml',
  ]);
  const stages = readdirSync(path.join(REPO_ROOT, 'actions')).filter((d) =>
    existsSync(path.join(REPO_ROOT, 'actions', d, 'action.yml')),
  );
  expect(stages.sort()).toEqual(STAGES);
});

describe.each(workflows.map((w) => [w.file, w] as const))('%s', (file, { raw, wf }) => {
  it('is least-privilege: contents: read at the top, writes only on jobs that need them', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of Object.entries(wf.jobs)) {
      const uses = (job.steps ?? []).map((s) => s.uses ?? '');
      const withs = (job.steps ?? []).map((s) => s.with ?? {});
      const justified: Record<string, boolean> = {
        contents: uses.includes('./actions/commit'),
        issues: (job.steps ?? []).some((s) => localStage(s.uses) === 'monitor' && s.with?.token),
        'pull-requests': withs.some((w) => 'pull-request' in w),
        pages:
          uses.some((u) => u.startsWith('actions/deploy-pages@')) ||
          job.uses === './.github/workflows/pages.yml',
        'id-token':
          uses.some((u) => u.startsWith('actions/deploy-pages@')) ||
          job.uses === './.github/workflows/pages.yml',
      };
      for (const scope of writeScopes(job)) {
        expect(justified[scope], `${file} job '${id}': ${scope}: write is not needed by its steps`).toBe(
          true,
        );
      }
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        expect(['read', 'write', 'none'], `${file} job '${id}' ${scope}`).toContain(level);
      }
    }
  });

  it('never runs on pull_request_target', () => {
    const triggers = typeof wf.on === 'string' ? [wf.on] : Array.isArray(wf.on) ? wf.on : Object.keys(wf.on);
    expect(triggers).not.toContain('pull_request_target');
  });

  it('pins every third-party action to a full commit SHA, with the release in a comment', () => {
    const refs = [
      ...Object.values(wf.jobs).flatMap((j) => [j.uses, ...(j.steps ?? []).map((s) => s.uses)]),
    ].filter((u): u is string => typeof u === 'string' && !u.startsWith('./'));
    for (const uses of refs)
      expect(uses, `${file}: ${uses}`).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
    for (const line of raw.split('\n').filter((l) => /uses:\s+[^.\s]/.test(l))) {
      expect(line, `${file}: say which release the SHA is`).toMatch(/@[0-9a-f]{40} # v\d+(\.\d+)*$/);
    }
  });

  it('puts no expression inside a run script (values go through env:)', () => {
    for (const [id, job] of Object.entries(wf.jobs)) {
      for (const s of job.steps ?? []) {
        if (s.run !== undefined)
          expect(s.run, `${file} job '${id}' step '${s.name ?? s.run}'`).not.toMatch(/\$\{\{/);
      }
    }
  });

  it('queues data-writing jobs in one group per branch and never cancels them', () => {
    for (const [id, job] of Object.entries(wf.jobs)) {
      if (!writeScopes(job).includes('contents')) continue;
      expect(job.concurrency, `${file} job '${id}'`).toEqual({
        group: DATA_GROUP,
        'cancel-in-progress': false,
      });
      // The job starts from the branch tip, so a run that waited builds on the runs before it.
      const checkout = job.steps?.find((s) => s.uses?.startsWith('actions/checkout@'));
      expect(checkout?.with?.ref, `${file} job '${id}' checkout ref`).toBe(expr('github.ref'));
    }
  });

  it('passes local actions only declared inputs, all required ones, and reads only declared outputs', () => {
    for (const [id, job] of Object.entries(wf.jobs)) {
      const where = `${file} job '${id}'`;
      const steps = job.steps ?? [];
      const stageOf = new Map(steps.filter((s) => s.id).map((s) => [s.id!, localStage(s.uses)]));
      expect(stageOf.size, `${where}: duplicate step ids`).toBe(steps.filter((s) => s.id).length);
      for (const s of steps) {
        const stage = localStage(s.uses);
        if (s.uses?.startsWith('./') && !stage)
          throw new Error(`${where}: unexpected local action ${s.uses}`);
        if (!stage) continue;
        const inputs = action(stage).inputs ?? {};
        for (const key of Object.keys(s.with ?? {})) {
          expect(Object.keys(inputs), `${where}: '${key}' is not an input of actions/${stage}`).toContain(
            key,
          );
        }
        for (const [name, spec] of Object.entries(inputs)) {
          if (spec.required && spec.default === undefined) {
            expect(s.with ?? {}, `${where}: actions/${stage} needs '${name}'`).toHaveProperty(name);
          }
        }
      }
      for (const text of strings(job)) {
        for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const [, stepId, name] = m;
          expect(stageOf.has(stepId), `${where}: no step with id '${stepId}'`).toBe(true);
          const stage = stageOf.get(stepId);
          if (stage) {
            expect(
              Object.keys(action(stage).outputs ?? {}),
              `${where}: actions/${stage} has no output '${name}'`,
            ).toContain(name);
          }
        }
        for (const m of text.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const [, needed, name] = m;
          const needs = typeof job.needs === 'string' ? [job.needs] : (job.needs ?? []);
          expect(needs, `${where}: reads needs.${needed} without needing it`).toContain(needed);
          expect(
            Object.keys(wf.jobs[needed]?.outputs ?? {}),
            `${where}: job '${needed}' has no output '${name}'`,
          ).toContain(name);
        }
      }
      if (job.uses?.startsWith('./')) {
        const called = parse(readFileSync(path.join(REPO_ROOT, job.uses), 'utf8')) as Workflow;
        const declared = Object.keys((called.on.workflow_call as { inputs?: Obj } | undefined)?.inputs ?? {});
        for (const key of Object.keys(job.with ?? {})) {
          expect(declared, `${where}: '${key}' is not an input of ${job.uses}`).toContain(key);
        }
      }
    }
  });
});

describe('daily.yml', () => {
  const wf = byFile('daily.yml');
  it('runs on a schedule at an odd minute UTC and by hand', () => {
    const cron = (wf.on.schedule as { cron: string }[])[0].cron;
    const minute = Number(cron.split(' ')[0]);
    expect(Number.isInteger(minute) && minute % 2 === 1, `cron '${cron}'`).toBe(true);
    expect(wf.on).toHaveProperty('workflow_dispatch');
  });

  it('runs generate → infer → monitor → commit from the committed bundles only, then deploys Pages', () => {
    const steps = wf.jobs.pipeline.steps!;
    expect(steps.map((s) => s.uses?.replace(/@.*/, ''))).toEqual([
      'actions/checkout',
      './actions/generate',
      './actions/infer',
      './actions/monitor',
      './actions/commit',
    ]);
    expect(steps.some((s) => s.run !== undefined)).toBe(false); // no npm install, no scripts
    expect(wf.jobs.pages).toMatchObject({ needs: 'pipeline', uses: './.github/workflows/pages.yml' });
    expect(wf.jobs.pages.with?.ref).toBe(expr('needs.pipeline.outputs.sha'));
  });
});

describe('retrain.yml', () => {
  const wf = byFile('retrain.yml');
  it('offers dataset, algorithm (the ones the library has) and promote by hand', () => {
    const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { options?: string[] }> }).inputs;
    expect(Object.keys(inputs)).toEqual(expect.arrayContaining(['dataset', 'algorithm', 'promote']));
    expect(inputs.algorithm.options).toEqual(['auto', ...ALGORITHMS.map((a) => a.name)]);
  });

  it('backfills (a no-op unless a dataset is new), trains and commits by hand', () => {
    const steps = wf.jobs.retrain.steps!.map((s) => s.uses?.replace(/@.*/, ''));
    expect(steps).toEqual(['actions/checkout', './actions/backfill', './actions/train', './actions/commit']);
  });

  it('trains pull requests without committing, commenting the metrics diff', () => {
    expect(wf.on).toHaveProperty('pull_request');
    const pr = Object.values(wf.jobs).find((j) => j.if?.includes("'pull_request'"))!;
    const train = pr.steps!.find((s) => s.uses === './actions/train')!;
    expect(train.with).toMatchObject({
      'pull-request': expr('github.event.pull_request.number'),
      token: expr('github.token'),
    });
    expect(pr.steps!.some((s) => s.uses === './actions/commit')).toBe(false);
    expect(writeScopes(pr)).toEqual(['pull-requests']);
  });
});

describe('ingest.yml', () => {
  const wf = byFile('ingest.yml');
  it('checks inbox CSVs on pull requests and ingests them on merge to main, removing them in the same commit', () => {
    expect(wf.on).toEqual({
      pull_request: { paths: ['inbox/**'] },
      push: { branches: ['main'], paths: ['inbox/**'] },
    });
    const check = wf.jobs.check.steps!.find((s) => s.uses === './actions/ingest')!;
    expect(check.with).toMatchObject({
      'dry-run': true,
      'pull-request': expr('github.event.pull_request.number'),
    });
    const steps = wf.jobs.ingest.steps!;
    expect(steps.find((s) => s.uses === './actions/ingest')!.with?.['dry-run']).toBeUndefined();
    expect(String(steps.find((s) => s.uses === './actions/commit')!.with?.paths).split(/\s+/)).toEqual([
      'data',
      'inbox',
    ]);
  });
});

describe('pages.yml', () => {
  const wf = byFile('pages.yml');
  it('is reusable and deploys from a job that alone holds pages and id-token write', () => {
    expect(wf.on).toHaveProperty('workflow_call');
    expect(wf.jobs.deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(wf.jobs.build.permissions).toBeUndefined();
    expect(wf.jobs.build.steps!.map((s) => s.uses?.replace(/@.*/, ''))).toEqual([
      'actions/checkout',
      'actions/configure-pages',
      './actions/build-site',
      'actions/upload-pages-artifact',
    ]);
    expect(wf.jobs.deploy.steps!.map((s) => s.uses?.replace(/@.*/, ''))).toEqual(['actions/deploy-pages']);
  });
});

describe('ci.yml', () => {
  it('runs on push and pull_request: install, lint, type check, tests, check-dist, workflow lint', () => {
    const wf = byFile('ci.yml');
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    const runs = wf.jobs.test.steps!.map((s) => s.run).filter(Boolean);
    for (const command of [
      'npm ci',
      'npm run lint',
      'npm run typecheck',
      'npx vitest run',
      'node scripts/check-dist.mjs',
      'npx vitest run test/workflows.test.ts',
    ]) {
      expect(runs).toContain(command);
    }
  });
});

describe.each(STAGES)('actions/%s', (stage) => {
  const meta = action(stage);
  const dir = path.join(REPO_ROOT, 'actions', stage);
  const source = readdirSync(path.join(dir, 'src'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(path.join(dir, 'src', f), 'utf8'))
    .join('\n');

  it('runs its committed bundle on node24 and documents every input and output', () => {
    expect(meta.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(meta.name).toMatch(/^gitml /);
    expect(meta.description.length).toBeGreaterThan(40);
    for (const [name, spec] of Object.entries(meta.inputs ?? {})) {
      expect(spec.description, `input ${name}`).toBeTruthy();
      expect(
        spec.required === true || typeof spec.default === 'string',
        `input ${name}: a default or required`,
      ).toBe(true);
    }
    for (const [name, spec] of Object.entries(meta.outputs ?? {}))
      expect(spec.description, `output ${name}`).toBeTruthy();
    expect(existsSync(path.join(dir, 'dist', 'index.js')), 'dist/index.js: run npm run build').toBe(true);
  });

  it('reads exactly the inputs and sets exactly the outputs its action.yml declares', () => {
    const read = new Set([...source.matchAll(/\binput\s*\.\w+\(\s*'([\w-]+)'/g)].map((m) => m[1]));
    if (/\binput\.now\(\)/.test(source)) read.add('now');
    if (/\binput\.datasets\(/.test(source)) read.add('dataset');
    if (/\binput\.pullRequest\(\)/.test(source)) read.add('pull-request');
    if (/\binput\.shardStep\(/.test(source))
      for (const name of ['shard', 'merge', 'partials']) read.add(name);
    expect([...read].sort()).toEqual(Object.keys(meta.inputs ?? {}).sort());
    const set = new Set([...source.matchAll(/\boutput\(\s*'([\w-]+)'/g)].map((m) => m[1]));
    expect([...set].sort()).toEqual(Object.keys(meta.outputs ?? {}).sort());
  });
});
