// A model of GitHub Actions' concurrency rule, driven by the workflow files themselves, to show that no
// cancellation loses work. GitHub keeps at most one running and one pending job per concurrency group; a
// job that arrives while one runs becomes the pending one and cancels the pending job it replaces
// (docs.github.com/en/actions/using-jobs/using-concurrency). The model reads, from the parsed workflows,
// which jobs an event starts (following `uses:` of a local reusable workflow, as workflow_call does), each
// job's concurrency group, and what the job's steps do to the repository: ingest the inbox, generate days
// (N days ending today, or a catch-up when `days` is empty), retrain, merge shards. A job reads the branch
// tip when it starts and its commit lands when it ends.
import { parse } from 'yaml';

type Obj = Record<string, unknown>;
interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  needs?: string | string[];
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  steps?: Step[];
}
export interface Workflow {
  on: Obj;
  jobs: Record<string, Job>;
}
export type Workflows = Record<string, Workflow>;

export function parseWorkflows(files: Record<string, string>): Workflows {
  return Object.fromEntries(Object.entries(files).map(([f, text]) => [f, parse(text) as Workflow]));
}

export const REF = 'refs/heads/main';
const DAY = 24 * 60;

/** What a data-writing job does, read from its steps. */
export interface Work {
  /** Ingests every file in inbox/ at its start. */
  ingestsInbox: boolean;
  /** Generates days: a number N (N days ending today) or 'catch-up' (every missing day, at most maxDays). */
  generate: number | 'catch-up' | null;
  maxDays: number;
  /** Work that no later run redoes (a retrain, a shard merge): its loss is a loss. */
  unique: string | null;
}

export interface JobRun {
  id: number;
  label: string;
  group: string | null;
  work: Work;
  arrives: number;
  minutes: number;
}

export type Arrival =
  | { at: number; event: 'schedule' }
  | { at: number; event: 'push'; file: string }
  | { at: number; event: 'dispatch'; workflow: string };

/** Evaluates the few expression shapes the data jobs use: `inputs.x`, literals and `a || b`. */
function evaluate(value: unknown, inputs: Record<string, string>, runId: number): string {
  const text = String(value ?? '');
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, e: string) => {
    for (const operand of e.split('||').map((s) => s.trim())) {
      let v: string;
      if (operand === 'github.ref') v = REF;
      else if (operand === 'github.run_id') v = String(runId);
      else if (operand.startsWith('inputs.')) v = inputs[operand.slice('inputs.'.length)] ?? '';
      else if (/^'.*'$/.test(operand)) v = operand.slice(1, -1);
      else if (/^\d+$/.test(operand)) v = operand;
      else if (/^(secrets|steps|needs|github|matrix)\./.test(operand)) v = `<${operand}>`;
      else throw new Error(`concurrency model: cannot evaluate '${operand}'`);
      if (v !== '') return v;
    }
    return '';
  });
}

function triggers(wf: Workflow, event: Arrival['event']): boolean {
  const on = wf.on ?? {};
  if (event === 'schedule') return 'schedule' in on;
  if (event === 'push') {
    const push = on.push as { paths?: string[] } | undefined;
    return !!push && (push.paths ?? ['**']).some((p) => p === '**' || p.startsWith('inbox/'));
  }
  return 'workflow_dispatch' in on;
}

/** A job's `if:` for an event, as far as these workflows use it: `github.event_name == '…'` tests. */
function runsOn(job: Job, event: string): boolean {
  if (!job.if) return true;
  const equal = [...job.if.matchAll(/github\.event_name\s*==\s*'(\w+)'/g)].map((m) => m[1]);
  const unequal = [...job.if.matchAll(/github\.event_name\s*!=\s*'(\w+)'/g)].map((m) => m[1]);
  if (equal.length && !equal.includes(event)) return false;
  return !unequal.includes(event);
}

function workOf(job: Job, inputs: Record<string, string>, runId: number, label: string): Work {
  const work: Work = { ingestsInbox: false, generate: null, maxDays: Infinity, unique: null };
  for (const s of job.steps ?? []) {
    const w = s.with ?? {};
    if (s.uses === './actions/ingest' && evaluate(w['dry-run'], inputs, runId) !== 'true')
      work.ingestsInbox = true;
    if (s.uses === './actions/generate') {
      const days = evaluate(w.days ?? '1', inputs, runId);
      work.generate = days === '' ? 'catch-up' : Number(days);
      work.maxDays = Number(evaluate(w['max-days'] ?? '31', inputs, runId) || 31);
    }
    if (s.uses === './actions/train') work.unique = label;
    if (s.uses === './actions/infer' && w.merge) work.unique = label;
  }
  return work;
}

/** The contents-writing jobs an event starts, in the order of their `needs`, following reusable workflows. */
export function dataJobs(
  workflows: Workflows,
  event: Arrival['event'],
  runId: number,
  only?: string,
): { label: string; group: string | null; work: Work }[] {
  const out: { label: string; group: string | null; work: Work }[] = [];
  const visit = (file: string, inputs: Record<string, string>, eventName: string) => {
    const wf = workflows[file];
    if (!wf) throw new Error(`concurrency model: no workflow ${file}`);
    const ids = Object.keys(wf.jobs);
    const ordered: string[] = [];
    const place = (id: string) => {
      if (ordered.includes(id)) return;
      const needs = wf.jobs[id].needs;
      for (const n of typeof needs === 'string' ? [needs] : (needs ?? [])) place(n);
      ordered.push(id);
    };
    ids.forEach(place);
    for (const id of ordered) {
      const job = wf.jobs[id];
      if (!runsOn(job, eventName)) continue;
      const label = `${file}:${id}`;
      if (job.uses?.startsWith('./.github/workflows/')) {
        const called = job.uses.slice('./.github/workflows/'.length);
        const withInputs = Object.fromEntries(
          Object.entries(job.with ?? {}).map(([k, v]) => [k, evaluate(v, inputs, runId)]),
        );
        visit(called, withInputs, eventName);
        continue;
      }
      if (job.permissions?.contents !== 'write') continue;
      const group = job.concurrency ? evaluate(job.concurrency.group, inputs, runId) : null;
      out.push({ label, group, work: workOf(job, inputs, runId, label) });
    }
  };
  const eventName = event === 'dispatch' ? 'workflow_dispatch' : event;
  for (const file of Object.keys(workflows).sort()) {
    if (only && file !== only) continue;
    if (triggers(workflows[file], event)) visit(file, {}, eventName);
  }
  return out;
}

export interface Outcome {
  generatedDays: Set<number>;
  ingested: Set<string>;
  inbox: Set<string>;
  completedUnique: string[];
  cancelled: { job: string; by: string; unique: string | null }[];
  /** Every unique piece of work an arrival asked for (a retrain, a shard merge). */
  requestedUnique: string[];
}

/**
 * Runs the arrivals through GitHub's rule. Times are minutes since day 0 00:00 UTC; `lastGenerated` is the
 * last day generated before the first arrival. A job lasts `minutes[label]` (default 10); the jobs of one
 * run arrive `gap` minutes apart (the shards run between them).
 */
export function simulate(
  workflows: Workflows,
  arrivals: Arrival[],
  opts: { lastGenerated: number; minutes?: Record<string, number>; gap?: number },
): Outcome {
  const state: Outcome = {
    generatedDays: new Set(),
    ingested: new Set(),
    inbox: new Set(),
    completedUnique: [],
    cancelled: [],
    requestedUnique: [],
  };
  let lastGenerated = opts.lastGenerated;
  let runId = 1000;
  const jobs: JobRun[] = [];
  const inboxAt: { at: number; file: string }[] = [];
  for (const a of [...arrivals].sort((x, y) => x.at - y.at)) {
    runId += 1;
    if (a.event === 'push') inboxAt.push({ at: a.at, file: a.file });
    const started = dataJobs(workflows, a.event, runId, a.event === 'dispatch' ? a.workflow : undefined);
    started.forEach((j, i) => {
      jobs.push({
        id: jobs.length,
        ...j,
        arrives: a.at + i * (opts.gap ?? 30),
        minutes: opts.minutes?.[j.label] ?? 10,
      });
    });
  }

  // Event loop over arrivals and completions.
  const running = new Map<string, { job: JobRun; ends: number; snapshot: Snapshot }>();
  const pending = new Map<string, JobRun>();
  const free: { job: JobRun; ends: number; snapshot: Snapshot }[] = [];
  interface Snapshot {
    inbox: string[];
    today: number;
  }
  const snapshot = (t: number): Snapshot => {
    for (const f of inboxAt.filter((x) => x.at <= t))
      if (!state.ingested.has(f.file)) state.inbox.add(f.file);
    return { inbox: [...state.inbox], today: Math.floor(t / DAY) };
  };
  const finish = (job: JobRun, snap: Snapshot) => {
    const w = job.work;
    if (w.ingestsInbox) {
      for (const f of snap.inbox) {
        state.ingested.add(f);
        state.inbox.delete(f);
      }
    }
    if (w.generate !== null) {
      const days: number[] = [];
      if (w.generate === 'catch-up') {
        for (let d = lastGenerated + 1; d <= snap.today; d++) days.push(d);
        days.splice(0, Math.max(0, days.length - w.maxDays));
      } else {
        for (let d = snap.today - w.generate + 1; d <= snap.today; d++) days.push(d);
      }
      for (const d of days) state.generatedDays.add(d);
      lastGenerated = Math.max(lastGenerated, ...days);
    }
    if (w.unique) state.completedUnique.push(`${w.unique}#${job.id}`);
  };
  const start = (job: JobRun, t: number) => {
    const entry = { job, ends: t + job.minutes, snapshot: snapshot(t) };
    if (job.group) running.set(job.group, entry);
    else free.push(entry);
  };

  const events = [...jobs].sort((a, b) => a.arrives - b.arrives || a.id - b.id);
  for (const j of events) if (j.work.unique) state.requestedUnique.push(`${j.work.unique}#${j.id}`);
  const nextCompletion = () =>
    [...running.values(), ...free].reduce<{ ends: number } | null>(
      (min, e) => (min === null || e.ends < min.ends ? e : min),
      null,
    );
  let i = 0;
  for (;;) {
    const done = nextCompletion();
    const arrival = events[i];
    if (!done && !arrival) break;
    if (done && (!arrival || done.ends <= arrival.arrives)) {
      const t = done.ends;
      for (const [group, e] of running) {
        if (e.ends !== t) continue;
        finish(e.job, e.snapshot);
        running.delete(group);
        const next = pending.get(group);
        if (next) {
          pending.delete(group);
          start(next, t);
        }
      }
      for (const e of free.filter((x) => x.ends === t)) {
        finish(e.job, e.snapshot);
        free.splice(free.indexOf(e), 1);
      }
      continue;
    }
    i += 1;
    const t = arrival.arrives;
    if (!arrival.group || !running.has(arrival.group)) {
      start(arrival, t);
      continue;
    }
    const replaced = pending.get(arrival.group);
    if (replaced) {
      state.cancelled.push({ job: replaced.label, by: arrival.label, unique: replaced.work.unique });
    }
    pending.set(arrival.group, arrival);
  }
  snapshot(Number.MAX_SAFE_INTEGER);
  return state;
}

export const at = (day: number, hh: number, mm: number) => day * DAY + hh * 60 + mm;
