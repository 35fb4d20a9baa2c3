// commit action: one commit per run with the pipeline's results, pushed with fetch + rebase + retry.

import { clearStageRuns, type StageRun, stageJournalPath } from '../../lib/pipelines/stage-journal.js';
import type { ActionDeps, ActionReport } from '../../lib/platform/action-kit.js';
import { commitAndPush, commitMessage, tokenCredential } from '../../lib/platform/git.js';
import { commitBody } from './body.js';
import type { CommitInputs } from './inputs.js';
import { refreshInput, stageReplay } from './replay.js';
import { commitReport } from './summary.js';

export async function run(inputs: CommitInputs, { core, ws }: ActionDeps): Promise<ActionReport> {
  const { summary, token } = inputs;
  const body = commitBody(inputs.body);
  if (token) {
    core.setSecret(token);
    core.setSecret(tokenCredential(token));
    core.info("pushing with the token given in input 'token', not the checkout's credentials");
  }
  // After a replay the message states the new run's facts: inputs that were a stage's output take its new value.
  const stages = stageReplay(
    ws.root,
    inputs.maxReplays,
    (line) => core.info(line),
    (runs, remoteTip, times) => replayedMessage(inputs, stages.recorded, runs, remoteTip, times),
  );
  let result: Awaited<ReturnType<typeof commitAndPush>>;
  try {
    result = await core.group('commit and push', () =>
      commitAndPush({
        repoDir: ws.root,
        paths: inputs.paths,
        message: commitMessage(summary, body),
        push: inputs.push,
        branch: inputs.branch,
        remote: inputs.remote,
        maxAttempts: inputs.maxAttempts,
        token,
        replay: stages.replay,
        log: (line) => core.info(line),
      }),
    );
  } finally {
    stages.dispose();
  }
  // The recorded stages' results are now in the remote (or were not needed): a later commit step in this
  // job must not run them again.
  const journal = stageJournalPath(ws.root);
  if (journal && (result.pushed || !result.committed)) clearStageRuns(journal);
  return commitReport(result, summary);
}

/**
 * The commit message after a replay, stating the new run's facts: inputs that were a stage's output
 * (`recorded`) take its new value (`runs`).
 */
function replayedMessage(
  inputs: CommitInputs,
  recorded: StageRun[],
  runs: StageRun[],
  remoteTip: string,
  times: number,
): string {
  const refresh = (text: string) => refreshInput(text, recorded, runs);
  const again = commitBody({
    date: inputs.body.date,
    datasets: refresh(inputs.body.datasets),
    rowsAdded: refresh(inputs.body.rowsAdded),
    modelVersions: refresh(inputs.body.modelVersions),
    details: refresh(inputs.body.details),
  });
  return commitMessage(inputs.summary, {
    ...again,
    replayed: { onto: remoteTip, stages: runs.map((r) => r.stage), times },
  });
}
