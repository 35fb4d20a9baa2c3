// The train action on a pull request: one metrics-diff comment per dataset, kept up to date. GitHub
// refusing (a fork's read-only token, no permission) never fails the check: the comments' text goes to
// the job summary instead.

import type { TrainResult } from '../../lib/pipelines/train.js';
import {
  type ActionDeps,
  repository,
  type SummaryBlock,
  unlessGitHubRefuses,
} from '../../lib/platform/action-kit.js';
import { headCommit, isInsideWorkTree } from '../../lib/platform/git.js';
import { createGitHubClient, upsertPullRequestComment } from '../../lib/platform/github.js';
import type { DatasetSpec } from '../../lib/spec/spec.js';
import { metricsCommentMarkdown } from './comment.js';
import type { TrainInputs } from './inputs.js';

/** Posts the comments; returns the summary blocks of those GitHub did not take. */
export async function postMetricsComments(
  runs: readonly { spec: DatasetSpec; r: TrainResult }[],
  inputs: Pick<TrainInputs, 'token' | 'pullRequest' | 'headSha'>,
  { core, ws, env }: ActionDeps,
): Promise<SummaryBlock[]> {
  const { owner, repo } = repository(env);
  const client = createGitHubClient(inputs.token, {
    baseUrl: env.GITHUB_API_URL,
    retry: { onRetry: (message) => core.info(message) },
  });
  // The pull request's head as the reviewer knows it; the checkout may be the base commit (the check runs
  // the base's code on the pull request's data) or GitHub's temporary merge commit.
  const head = inputs.headSha || (isInsideWorkTree(ws.root) ? headCommit(ws.root) : null);
  // Refused once: the rest would be too; the job summary carries every comment the pull request did not get.
  const blocks: SummaryBlock[] = [];
  let refused = false;
  for (const { spec, r } of runs) {
    const body = metricsCommentMarkdown(spec, r, head);
    if (!refused) {
      const c = await unlessGitHubRefuses(
        core,
        `metrics comment for ${spec.name} not posted`,
        () =>
          upsertPullRequestComment(client, {
            owner,
            repo,
            issueNumber: inputs.pullRequest!,
            marker: `metrics-${spec.name}`,
            body,
          }),
        "the metrics diff is in this job's summary",
      );
      if ('value' in c) {
        core.info(`${spec.name}: pull-request comment ${c.value.action} (id ${c.value.id})`);
        continue;
      }
      refused = true;
      blocks.push({
        kind: 'html',
        html: '<p>Pull-request comment not posted (see the warning); here is its text:</p>',
      });
    }
    blocks.push({ kind: 'html', html: `\n${body}\n` });
  }
  return blocks;
}
