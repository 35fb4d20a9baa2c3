// commit action: one commit per run with the pipeline's results, pushed with fetch + rebase + retry.
import { core, input, output, runAction, summaryTable, workspace } from '../../lib/action-kit.js';
import { commitAndPush, commitMessage, tokenCredential } from '../../lib/git.js';
import { clearStageRuns, type StageRun, stageJournalPath } from '../../lib/stage-journal.js';
import { commitBody } from './body.js';
import { refreshInput, stageReplay } from './replay.js';

await runAction(async () => {
  const ws = workspace();
  const paths = input
    .string('paths', 'data models reports')
    .split(/[\s,]+/)
    .filter(Boolean);
  const now = input.now();
  const date = input.date('date') ?? now.toISOString().slice(0, 10);
  const summary = input
    .string('summary', 'gitml: update {paths} for {date}')
    .replaceAll('{date}', date)
    .replaceAll('{paths}', paths.join(', '));
  const bodyInputs = {
    date,
    datasets: input.string('datasets'),
    rowsAdded: input.string('rows-added'),
    modelVersions: input.string('model-versions'),
    details: input.string('details'),
  };
  const body = commitBody(bodyInputs);
  const push = input.boolean('push', true);
  const branch = input.string('branch') || undefined;
  const remote = input.string('remote', 'origin');
  const maxAttempts = input.integer('max-attempts', { min: 1, max: 20 }) ?? 5;
  const maxReplays = input.integer('max-replays', { min: 0, max: 10 }) ?? 3;
  // Empty (the GITML_PUSH_TOKEN secret is not set): push with the credentials actions/checkout persisted.
  const token = input.string('token').trim() || undefined;
  if (token) {
    core.setSecret(token);
    core.setSecret(tokenCredential(token));
    core.info("pushing with the token given in input 'token', not the checkout's credentials");
  }

  // After a replay the message states the new run's facts: inputs that were a stage's output take its new value.
  const replayed = (runs: StageRun[], remoteTip: string, times: number): string => {
    const refresh = (text: string) => refreshInput(text, stages.recorded, runs);
    const again = commitBody({
      date,
      datasets: refresh(bodyInputs.datasets),
      rowsAdded: refresh(bodyInputs.rowsAdded),
      modelVersions: refresh(bodyInputs.modelVersions),
      details: refresh(bodyInputs.details),
    });
    return commitMessage(summary, {
      ...again,
      replayed: { onto: remoteTip, stages: runs.map((r) => r.stage), times },
    });
  };
  const stages = stageReplay(ws.root, maxReplays, (line) => core.info(line), replayed);
  let result: Awaited<ReturnType<typeof commitAndPush>>;
  try {
    result = await core.group('commit and push', () =>
      commitAndPush({
        repoDir: ws.root,
        paths,
        message: commitMessage(summary, body),
        push,
        branch,
        remote,
        maxAttempts,
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

  output('committed', result.committed);
  output('pushed', result.pushed);
  output('sha', result.sha ?? '');
  output('attempts', result.attempts);
  output('replays', result.replays);
  summaryTable(
    'Commit-back',
    ['commit', 'pushed', 'push attempts', 'replays on conflict', 'summary'],
    [
      [
        result.committed ? (result.sha ?? '').slice(0, 12) : 'none (nothing changed)',
        result.pushed ? 'yes' : 'no',
        result.attempts,
        result.replays,
        result.committed ? summary : '—',
      ],
    ],
  );
});
