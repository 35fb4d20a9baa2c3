// The commit action's outputs and job summary, from the commit-and-push result (pure).
import { type ActionReport, summaryTableBlock } from '../../lib/platform/action-kit.js';
import type { commitAndPush } from '../../lib/platform/git.js';

export type CommitResult = Awaited<ReturnType<typeof commitAndPush>>;

export function commitReport(result: CommitResult, summary: string): ActionReport {
  return {
    outputs: {
      committed: result.committed,
      pushed: result.pushed,
      sha: result.sha ?? '',
      attempts: result.attempts,
      replays: result.replays,
    },
    summary: [
      summaryTableBlock(
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
      ),
    ],
  };
}
