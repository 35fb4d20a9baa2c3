// Runs one job of a workflow file step by step as the Actions runner does, against a checked-out
// workspace: each step's `if` (with the implicit success() when no status function is given), its
// expressions (`inputs`, `secrets`, `github`, `steps.<id>.outputs|outcome|conclusion`, `||`, `&&`, `==`,
// `!=`, `!`, parentheses, success() / failure() / always() / cancelled()), `continue-on-error` (outcome
// 'failure', conclusion 'success': docs/adrs/0274-step-outcome-and-conclusion.md in actions/runner), local
// actions through their committed bundles, `run:` scripts with bash -e and their env. Outputs a failed
// step wrote are kept: the runner processes GITHUB_OUTPUT in a finally block after the action ran
// (src/Runner.Worker/ActionRunner.cs). Checkout steps are skipped (the workspace is the checkout).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ActionRun, parseAnnotations, parseOutputFile, runActionBundle } from './action-runner.js';

export interface WorkflowStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
}

export interface StepResult {
  step: WorkflowStep;
  outcome: 'success' | 'failure' | 'skipped';
  conclusion: 'success' | 'failure' | 'skipped';
  /** The action's run, or the script's exit code, stdout and summary. */
  run: ActionRun | null;
}

export interface JobRun {
  /** 'failure' when a step's conclusion was failure. */
  result: 'success' | 'failure';
  steps: StepResult[];
  byId: (id: string) => StepResult;
}

export interface JobContext {
  workspace: string;
  inputs?: Record<string, string>;
  secrets?: Record<string, string>;
  github?: Record<string, string>;
  /** Environment for every step (e.g. GITHUB_API_URL of a fake server, RUNNER_TEMP). */
  env?: Record<string, string>;
  /** The jobs this one needs: their outputs (`needs.<job>.outputs.<name>`). */
  needs?: Record<string, Record<string, string>>;
  /**
   * A third-party action (not checkout) does not run here: this gives its outputs, as if it had succeeded,
   * and sees its inputs; without it such a step is an error.
   */
  thirdParty?: (uses: string, inputs: Record<string, string>) => Record<string, string>;
}

type Value = string | boolean | null;

/** GitHub's truthiness: '' , false, null and 0 are falsy. */
const truthy = (v: Value) => v !== null && v !== false && v !== '' && v !== '0';

/** Evaluates one expression (without `${{ }}`). */
export function evaluate(expression: string, lookup: (name: string) => Value, failed: () => boolean): Value {
  const tokens = [...expression.matchAll(/\s*('(?:[^']|'')*'|\|\||&&|==|!=|!|\(|\)|[\w.-]+)/g)].map(
    (m) => m[1],
  );
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const primary = (): Value => {
    const t = next();
    if (t === undefined) throw new Error(`expression '${expression}' ends too early`);
    if (t === '!') return !truthy(primary());
    if (t === '(') {
      const v = or();
      if (next() !== ')') throw new Error(`expression '${expression}': missing )`);
      return v;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replaceAll("''", "'");
    if (t === 'true' || t === 'false') return t === 'true';
    if (peek() === '(') {
      next();
      if (next() !== ')') throw new Error(`expression '${expression}': ${t}() takes no arguments here`);
      if (t === 'success') return !failed();
      if (t === 'failure') return failed();
      if (t === 'always') return true;
      if (t === 'cancelled') return false;
      throw new Error(`expression '${expression}': function ${t} is not modelled`);
    }
    return lookup(t);
  };
  const comparison = (): Value => {
    let v = primary();
    while (peek() === '==' || peek() === '!=') {
      const op = next();
      const w = primary();
      // Strings compare ignoring case; a missing value compares as ''.
      const equal = String(v ?? '').toLowerCase() === String(w ?? '').toLowerCase();
      v = op === '==' ? equal : !equal;
    }
    return v;
  };
  const and = (): Value => {
    let v = comparison();
    while (peek() === '&&') {
      next();
      const w = comparison();
      v = truthy(v) ? w : v;
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (peek() === '||') {
      next();
      const w = and();
      v = truthy(v) ? v : w;
    }
    return v;
  };
  const v = or();
  if (i !== tokens.length) throw new Error(`expression '${expression}': unexpected '${tokens[i]}'`);
  return v;
}

const STATUS_FUNCTION = /\b(success|failure|always|cancelled)\(\)/;

export async function runWorkflowJob(steps: readonly WorkflowStep[], ctx: JobContext): Promise<JobRun> {
  const results: StepResult[] = [];
  const byId = new Map<string, StepResult>();
  let jobFailed = false;
  const lookup = (name: string): Value => {
    const [scope, ...rest] = name.split('.');
    if (scope === 'inputs') return ctx.inputs?.[rest.join('.')] ?? '';
    if (scope === 'secrets') return ctx.secrets?.[rest.join('.')] ?? '';
    if (scope === 'github') return ctx.github?.[rest.join('.')] ?? '';
    if (scope === 'needs' && rest[1] === 'outputs') return ctx.needs?.[rest[0]]?.[rest[2]] ?? '';
    if (scope === 'steps') {
      const [id, field, output] = rest;
      const r = byId.get(id);
      if (!r) return '';
      if (field === 'outcome') return r.outcome;
      if (field === 'conclusion') return r.conclusion;
      if (field === 'outputs') return r.run?.outputs[output] ?? '';
    }
    throw new Error(`runWorkflowJob: no value for ${name}`);
  };
  const expand = (text: unknown): string =>
    String(text).replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, e: string) => {
      const v = evaluate(e, lookup, () => jobFailed);
      return v === null ? '' : String(v);
    });

  for (const step of steps) {
    const condition = step.if?.replace(/^\$\{\{\s*([\s\S]*?)\s*\}\}$/, '$1');
    const wanted = condition
      ? (STATUS_FUNCTION.test(condition) || !jobFailed) &&
        truthy(evaluate(condition, lookup, () => jobFailed))
      : !jobFailed;
    let result: StepResult;
    if (!wanted || step.uses?.startsWith('actions/checkout@')) {
      result = { step, outcome: 'skipped', conclusion: 'skipped', run: null };
    } else {
      const run = step.uses ? await runAction(step, expand, ctx) : runScript(step, expand, ctx);
      const outcome = run.code === 0 ? 'success' : 'failure';
      const conclusion = outcome === 'failure' && step['continue-on-error'] ? 'success' : outcome;
      if (conclusion === 'failure') jobFailed = true;
      result = { step, outcome, conclusion, run };
    }
    results.push(result);
    if (step.id) byId.set(step.id, result);
  }
  return {
    result: jobFailed ? 'failure' : 'success',
    steps: results,
    byId: (id) => {
      const r = byId.get(id);
      if (!r) throw new Error(`no step with id '${id}'`);
      return r;
    },
  };
}

async function runAction(
  step: WorkflowStep,
  expand: (t: unknown) => string,
  ctx: JobContext,
): Promise<ActionRun> {
  const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(v)]));
  const stage = /^\.\/actions\/([\w-]+)$/.exec(step.uses ?? '')?.[1];
  if (stage) return runActionBundle(stage, inputs, { workspace: ctx.workspace, env: ctx.env });
  if (!ctx.thirdParty) throw new Error(`runWorkflowJob: cannot run step ${step.uses}`);
  const outputs = ctx.thirdParty(step.uses!.replace(/@.*/, ''), inputs);
  return { code: 0, stdout: '', stderr: '', outputs, summary: '', annotations: [] };
}

function runScript(step: WorkflowStep, expand: (t: unknown) => string, ctx: JobContext): ActionRun {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitml-run-step-'));
  const summary = path.join(dir, 'summary');
  const output = path.join(dir, 'output');
  writeFileSync(summary, '');
  writeFileSync(output, '');
  try {
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v)]));
    const r = spawnSync('bash', ['-e', '-c', step.run ?? ''], {
      cwd: ctx.workspace,
      encoding: 'utf8',
      env: { ...process.env, ...ctx.env, ...env, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output },
    });
    return {
      code: r.status ?? -1,
      stdout: r.stdout,
      stderr: r.stderr,
      outputs: parseOutputFile(readFileSync(output, 'utf8')),
      summary: readFileSync(summary, 'utf8'),
      annotations: parseAnnotations(r.stdout),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
