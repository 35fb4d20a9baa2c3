// commit action: one commit per run with the pipeline's results, pushed with fetch + rebase + retry.
import { core, input, output, runAction, summaryTable, workspace } from '../../lib/action-kit.js';
import { commitAndPush, commitMessage, tokenCredential } from '../../lib/git.js';
import { commitBody } from './body.js';

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
  const body = commitBody({
    date,
    datasets: input.string('datasets'),
    rowsAdded: input.string('rows-added'),
    modelVersions: input.string('model-versions'),
    details: input.string('details'),
  });
  const push = input.boolean('push', true);
  const branch = input.string('branch') || undefined;
  const remote = input.string('remote', 'origin');
  const maxAttempts = input.integer('max-attempts', { min: 1, max: 20 }) ?? 5;
  // Empty (the GITML_PUSH_TOKEN secret is not set): push with the credentials actions/checkout persisted.
  const token = input.string('token').trim() || undefined;
  if (token) {
    core.setSecret(token);
    core.setSecret(tokenCredential(token));
    core.info("pushing with the token given in input 'token', not the checkout's credentials");
  }

  const result = await core.group('commit and push', () =>
    commitAndPush({
      repoDir: ws.root,
      paths,
      message: commitMessage(summary, body),
      push,
      branch,
      remote,
      maxAttempts,
      token,
      log: (line) => core.info(line),
    }),
  );

  output('committed', result.committed);
  output('pushed', result.pushed);
  output('sha', result.sha ?? '');
  output('attempts', result.attempts);
  summaryTable(
    'Commit-back',
    ['commit', 'pushed', 'push attempts', 'summary'],
    [
      [
        result.committed ? (result.sha ?? '').slice(0, 12) : 'none (nothing changed)',
        result.pushed ? 'yes' : 'no',
        result.attempts,
        result.committed ? summary : '—',
      ],
    ],
  );
});
