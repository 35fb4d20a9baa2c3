// The job's record of the stages it ran, so the commit step can run them again on a newer remote tip when
// its rebase conflicts ("replay on conflict"). Each stage action appends one JSON line when it ends: the
// bundle it ran from, its inputs as the runner gave them (INPUT_* variables, the clock it resolved, no
// token), its outputs and exit code. The file lives in RUNNER_TEMP, which the runner empties at the start
// and end of every job, so it never outlives the job and is never in the repository. Node-only.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';

/** One stage run, as the commit step needs it to run the stage again. */
export interface StageRun {
  /** The action's folder name, e.g. `generate`. */
  stage: string;
  /** Absolute path of the bundle the runner ran (`actions/<stage>/dist/index.js`). */
  bundle: string;
  /** The node binary that ran it (the runner's node24). */
  node: string;
  /** INPUT_* variables as the runner set them, plus the clock the stage resolved; never a token. */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  exitCode: number;
  /** Why this run cannot be replayed (e.g. a merge of shards computed in other jobs); absent when it can. */
  notReplayable?: string;
}

/** Set to a file path, overrides where stages record (the commit step points replayed stages elsewhere). */
export const STAGE_JOURNAL_ENV = 'GITML_STAGE_JOURNAL';

/** Inputs never recorded: a secret must not reach a file, and a replay must not comment on a pull request. */
const SECRET_INPUT = /^INPUT_.*(TOKEN|SECRET|PASSWORD|PRIVATE[-_]KEY)/i;

/**
 * The journal of the stages run on `workspaceRoot` in this job, or null outside the Actions runner (no
 * RUNNER_TEMP): then nothing is recorded and a conflicting rebase fails as before, naming the reason.
 */
export function stageJournalPath(workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const given = env[STAGE_JOURNAL_ENV];
  if (given) return given;
  if (!env.RUNNER_TEMP) return null;
  let root = workspaceRoot;
  try {
    root = realpathSync(workspaceRoot);
  } catch {
    // keep the path as given
  }
  const key = createHash('sha256').update(root).digest('hex').slice(0, 16);
  return path.join(env.RUNNER_TEMP, 'gitml', `stages-${key}.jsonl`);
}

/** The INPUT_* variables of this process, without secrets. */
export function recordableInputs(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && k.startsWith('INPUT_') && !SECRET_INPUT.test(k)) inputs[k] = v;
  }
  return inputs;
}

export function appendStageRun(journal: string, run: StageRun): void {
  mkdirSync(path.dirname(journal), { recursive: true });
  appendFileSync(journal, `${JSON.stringify(run)}\n`);
}

/** The runs recorded so far, in the order they ran; a line that is not a run is an error naming the file. */
export function readStageRuns(journal: string): StageRun[] {
  if (!existsSync(journal)) return [];
  const runs: StageRun[] = [];
  const lines = readFileSync(journal, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let run: StageRun;
    try {
      run = JSON.parse(line) as StageRun;
    } catch {
      throw new Error(`${journal} line ${i + 1}: not a JSON stage record; delete the file to start afresh`);
    }
    if (typeof run?.stage !== 'string' || typeof run.bundle !== 'string' || typeof run.inputs !== 'object') {
      throw new Error(`${journal} line ${i + 1}: not a stage record; delete the file to start afresh`);
    }
    runs.push(run);
  });
  return runs;
}

/** After a push, the recorded runs are in the remote: a later commit step must not replay them. */
export function clearStageRuns(journal: string): void {
  rmSync(journal, { force: true });
}
