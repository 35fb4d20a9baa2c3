// Replay on conflict for the commit action: the stages this job ran (recorded by each stage in the job's
// stage journal, lib/stage-journal.ts) are run again, in order, as the runner ran them — the same bundle,
// node and inputs — on the remote tip the commit step has reset its paths to. The stages are deterministic,
// so the new results equal those of a run that started from that tip.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  readStageRuns,
  STAGE_JOURNAL_ENV,
  type StageRun,
  stageJournalPath,
} from '../../lib/pipelines/stage-journal.js';
import type { ReplayOnConflict } from '../../lib/platform/git.js';

export interface StageReplay {
  /** For commitAndPush's `replay`. */
  replay: ReplayOnConflict;
  /** The runs recorded before the commit step (what a replay runs again). */
  recorded: StageRun[];
  /** Removes the bundle copies; call when the commit step ends. */
  dispose: () => void;
}

/** The last lines a failed stage printed (its ::error:: among them), for the message that names it. */
function tail(text: string, lines = 5): string {
  return text.trim().split('\n').slice(-lines).join(' | ');
}

/** Runs one recorded stage again in `root`; its record of the new run (outputs, exit code). */
function runStage(
  root: string,
  run: StageRun,
  bundle: string,
  scratch: string,
): Promise<StageRun & { log: string }> {
  const journal = path.join(scratch, 'journal.jsonl');
  const outputFile = path.join(scratch, 'output');
  const summaryFile = path.join(scratch, 'summary');
  rmSync(journal, { force: true });
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('INPUT_')) env[k] = v;
  // The replayed step's outputs and summary are its own, not the commit step's: they go to scratch files,
  // and it records itself into a journal of its own (not the job's, which lists what to replay).
  Object.assign(env, run.inputs, {
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    [STAGE_JOURNAL_ENV]: journal,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(run.node, [bundle], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (c: Buffer) => {
      log += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      log += c.toString('utf8');
    });
    child.on('error', (err) => reject(new Error(`replay: cannot run ${run.node} ${bundle}: ${err.message}`)));
    child.on('close', (code) => {
      const again = readStageRuns(journal).at(-1);
      resolve({
        ...run,
        outputs: again?.outputs ?? {},
        exitCode: code ?? -1,
        log,
      });
    });
  });
}

/**
 * The replay of the stages recorded for `root` in this job. The bundles are copied first: the reset to
 * the remote tip may change actions/ in the work tree, and the replay must run the code that ran.
 */
export function stageReplay(
  root: string,
  maxReplays: number,
  log: (line: string) => void,
  onReplayed: (runs: StageRun[], remoteTip: string, replay: number) => string | undefined,
): StageReplay {
  const journal = stageJournalPath(root);
  let recorded: StageRun[] = [];
  let unreadable = '';
  try {
    recorded = journal ? readStageRuns(journal) : [];
  } catch (err) {
    unreadable = (err as Error).message; // without a conflict the commit still goes ahead
  }
  const blocked = recorded.find((r) => r.notReplayable);
  let unavailable = unreadable
    ? `the record of this job's stages is unreadable (${unreadable})`
    : !journal
      ? 'no stage recorded its run (stages record into RUNNER_TEMP, which the Actions runner sets)'
      : recorded.length === 0
        ? 'no stage recorded its run in this job before the commit step'
        : blocked
          ? `the ${blocked.stage} step cannot run again here: ${blocked.notReplayable}`
          : maxReplays === 0
            ? "input 'max-replays' is 0"
            : undefined;
  let scratch = '';
  const bundles: string[] = [];
  if (!unavailable) {
    scratch = mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'gitml-replay-'));
    for (const [i, r] of recorded.entries()) {
      // Keep actions/<stage>/dist/ in the copy's path: a stage names itself after it. `.mjs`: no
      // package.json beside the copy says the bundle is an ES module. The bundle's chunks (code split off
      // and loaded on demand, e.g. Vega for the monitor's SVGs) come along, with a package.json that makes
      // those `.js` files ES modules too.
      const copy = path.join(scratch, `${i}`, r.stage, 'dist', 'index.mjs');
      try {
        mkdirSync(path.dirname(copy), { recursive: true });
        copyFileSync(r.bundle, copy);
        const chunks = readdirSync(path.dirname(r.bundle)).filter((f) => /^chunk-[\w-]+\.js$/.test(f));
        for (const f of chunks)
          copyFileSync(path.join(path.dirname(r.bundle), f), path.join(path.dirname(copy), f));
        if (chunks.length > 0)
          writeFileSync(path.join(path.dirname(copy), 'package.json'), '{"type":"module"}\n');
      } catch (err) {
        unavailable = `the bundle the ${r.stage} step ran from cannot be copied (${(err as Error).message})`;
        break;
      }
      bundles.push(copy);
    }
  }
  const dispose = () => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  if (unavailable)
    return { replay: { maxReplays, unavailable, run: async () => undefined }, recorded, dispose };

  const run = async (remoteTip: string, replay: number): Promise<string | undefined> => {
    const runs: StageRun[] = [];
    for (const [i, r] of recorded.entries()) {
      const again = await runStage(root, r, bundles[i], scratch);
      for (const line of again.log.split('\n'))
        if (line.trim()) log(`[replay ${replay}: ${r.stage}] ${line}`);
      // A step that failed in the first run (continue-on-error) may fail again; one that succeeded must not.
      if (again.exitCode !== 0 && r.exitCode === 0) {
        throw new Error(
          `replay ${replay} on ${remoteTip.slice(0, 12)}: the ${r.stage} step failed with exit code ${again.exitCode} ` +
            `where the first run succeeded (${tail(again.log)}); nothing was pushed: the commit of the first run ` +
            'is still in this repository (git reflog), the remote is unchanged. Run the job again.',
        );
      }
      runs.push(again);
    }
    return onReplayed(runs, remoteTip, replay);
  };
  return { replay: { maxReplays, run }, recorded, dispose };
}

/**
 * An input of the commit step that is exactly a recorded stage output (e.g. `rows-added:
 * ${{ steps.generate.outputs.rows-by-dataset }}`) takes that output's value from the replay, so the
 * commit message states the facts of the run that made the commit. In a JSON object input (`details`),
 * each top-level value is matched the same way. Ambiguous matches (one value, outputs that differ after
 * the replay) are left as they are.
 */
export function refreshInput(text: string, first: StageRun[], again: StageRun[]): string {
  const replacement = (value: string): string | undefined => {
    const found = new Set<string>();
    first.forEach((r, i) => {
      for (const [name, v] of Object.entries(r.outputs)) {
        if (v === value && again[i]?.outputs[name] !== undefined) found.add(again[i].outputs[name]);
      }
    });
    return found.size === 1 ? [...found][0] : undefined;
  };
  if (text === '') return text;
  const whole = replacement(text);
  if (whole !== undefined) return whole;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return text;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    const asText = typeof v === 'string' ? v : JSON.stringify(v);
    const next = replacement(asText);
    if (next === undefined) out[k] = v;
    else if (typeof v === 'string') out[k] = next;
    else {
      try {
        out[k] = JSON.parse(next);
      } catch {
        out[k] = next;
      }
    }
  }
  return JSON.stringify(out);
}
