// GitHub REST integration for the pipeline: one alert issue per dataset and alert kind, one
// self-updating comment per pull request, and the metrics table those comments carry.
// Everything is idempotent: running a stage twice never spams issues or comments; every request retries
// server errors and rate limits (github-errors.ts).

import { getOctokit } from '@actions/github';
import {
  DEFAULT_RETRY_POLICY,
  type HttpErrorLike,
  isRateLimited,
  type RetryPolicy,
  retryDelayMs,
  statusOf,
} from './github-errors.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** Label every alert issue carries; it keeps the open-issue scan small. */
export const ALERT_LABEL = 'gitml-alert';

/** Wraps every request of the client (paginated ones included) in the retry policy. */
function retryRequests(client: GitHubClient, policy: RetryPolicy): void {
  client.hook.wrap('request', async (request, options) => {
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(options);
      } catch (err) {
        const delay = retryDelayMs(err, attempt, waited, policy);
        if (delay === null) {
          if (err !== null && typeof err === 'object') (err as HttpErrorLike).gitmlAttempts = attempt;
          throw err;
        }
        policy.onRetry?.(
          `GitHub answered ${options.method} ${options.url} with HTTP ${statusOf(err)}` +
            `${isRateLimited(err) ? ' (rate limited)' : ''}; retry ${attempt} of ${policy.retries} in ${(delay / 1000).toFixed(1)} s`,
        );
        await policy.sleep(delay);
        waited += delay;
      }
    }
  });
}

/**
 * An authenticated client that retries server errors and rate limits (RetryPolicy). The API root is
 * `baseUrl`, else GITHUB_API_URL (set by the Actions runner, also on GitHub Enterprise), else the
 * public API — read at call time, not import time.
 */
export function createGitHubClient(
  token: string,
  opts: { baseUrl?: string; retry?: Partial<RetryPolicy> } = {},
): GitHubClient {
  if (!token)
    throw new Error('createGitHubClient: a token is required (GITHUB_TOKEN or a personal access token)');
  const baseUrl = (opts.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(
    /\/+$/,
    '',
  );
  const client = getOctokit(token, { baseUrl });
  retryRequests(client, { ...DEFAULT_RETRY_POLICY, ...opts.retry });
  return client;
}

// Watermark values live inside an HTML comment, so they must not be able to end it or contain spaces.
const WATERMARK_VALUE = /^[A-Za-z0-9._/-]+$/;

function checkWatermarkValue(what: string, value: string): void {
  if (!WATERMARK_VALUE.test(value)) {
    throw new Error(
      `${what} "${value}" must match ${WATERMARK_VALUE.source} (it is embedded in a hidden marker)`,
    );
  }
}

/** Hidden marker that identifies the alert issue of one dataset and alert kind. */
export function alertWatermark(dataset: string, kind: string): string {
  checkWatermarkValue('alert dataset', dataset);
  checkWatermarkValue('alert kind', kind);
  return `<!-- gitml-alert dataset=${dataset} kind=${kind} -->`;
}

/** Hidden marker that identifies one of our own pull-request comments. */
export function commentMarker(marker: string): string {
  checkWatermarkValue('comment marker', marker);
  return `<!-- gitml-comment ${marker} -->`;
}

function withMarker(body: string, marker: string): string {
  return `${body.trimEnd()}\n\n${marker}`;
}

// GitHub may hand a body back with CRLF line ends or without the trailing newline.
function sameText(a: string | null | undefined, b: string): boolean {
  const norm = (s: string) => s.replace(/\r\n/g, '\n').trimEnd();
  return norm(a ?? '') === norm(b);
}

export interface AlertIssueSpec {
  owner: string;
  repo: string;
  dataset: string;
  kind: string;
  /** Whether the alert condition holds now. */
  active: boolean;
  title: string;
  /** Current description; when inactive it explains the resolution. */
  body: string;
  /** Extra labels for a new issue, besides ALERT_LABEL. */
  labels?: string[];
}

export interface AlertIssueResult {
  action: 'opened' | 'updated' | 'unchanged' | 'closed' | 'none';
  number?: number;
}

/**
 * Keeps exactly one open issue per dataset and alert kind in step with the alert's state:
 * opens it when the alert fires, edits it in place while it stays active (no comment spam, no
 * request at all when nothing changed), and comments "resolved: …" and closes it when it clears.
 */
export async function syncAlertIssue(client: GitHubClient, spec: AlertIssueSpec): Promise<AlertIssueResult> {
  const { owner, repo } = spec;
  const watermark = alertWatermark(spec.dataset, spec.kind);
  const open = await client.paginate(client.rest.issues.listForRepo, {
    owner,
    repo,
    state: 'open',
    labels: ALERT_LABEL,
    per_page: 100,
  });
  // Oldest first: if a race ever opened two, the first one is the canonical issue.
  const mine = open
    .filter((issue) => !issue.pull_request && (issue.body ?? '').includes(watermark))
    .sort((a, b) => a.number - b.number);

  if (!spec.active) {
    if (mine.length === 0) return { action: 'none' };
    for (const issue of mine) {
      await client.rest.issues.createComment({
        owner,
        repo,
        issue_number: issue.number,
        body: `resolved: ${spec.body.trim()}`,
      });
      await client.rest.issues.update({
        owner,
        repo,
        issue_number: issue.number,
        state: 'closed',
        state_reason: 'completed',
      });
    }
    return { action: 'closed', number: mine[0].number };
  }

  const body = withMarker(spec.body, watermark);
  const [existing, ...duplicates] = mine;
  // A create retried after a 5xx whose first try went through leaves two: keep the oldest.
  for (const issue of duplicates) {
    await client.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.number,
      body: `Duplicate of #${existing.number}, which tracks this alert.`,
    });
    await client.rest.issues.update({
      owner,
      repo,
      issue_number: issue.number,
      state: 'closed',
      state_reason: 'not_planned',
    });
  }
  if (!existing) {
    const labels = [...new Set([ALERT_LABEL, ...(spec.labels ?? [])])];
    const created = await client.rest.issues.create({ owner, repo, title: spec.title, body, labels });
    return { action: 'opened', number: created.data.number };
  }
  if (sameText(existing.body, body) && existing.title === spec.title) {
    return { action: 'unchanged', number: existing.number };
  }
  await client.rest.issues.update({ owner, repo, issue_number: existing.number, title: spec.title, body });
  return { action: 'updated', number: existing.number };
}

export interface PullRequestCommentSpec {
  owner: string;
  repo: string;
  issueNumber: number;
  /** Identifies this comment among all comments of the pull request, e.g. 'metrics-iris'. */
  marker: string;
  body: string;
}

/** Creates our comment on the pull request once, then edits that same comment on every later run. */
export async function upsertPullRequestComment(
  client: GitHubClient,
  spec: PullRequestCommentSpec,
): Promise<{ action: 'created' | 'updated' | 'unchanged'; id: number }> {
  const { owner, repo, issueNumber } = spec;
  const hidden = commentMarker(spec.marker);
  const body = withMarker(spec.body, hidden);
  const comments = await client.paginate(client.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const previous = comments.find((c) => (c.body ?? '').includes(hidden));
  if (!previous) {
    const created = await client.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    return { action: 'created', id: created.data.id };
  }
  if (sameText(previous.body, body)) return { action: 'unchanged', id: previous.id };
  await client.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
  return { action: 'updated', id: previous.id };
}

function formatValue(v: number | undefined): string {
  if (v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

function formatChange(before: number | undefined, after: number | undefined): string {
  if (before === undefined || after === undefined) return '—';
  const delta = after - before;
  if (!Number.isFinite(delta)) return String(delta);
  const rounded = Math.round(delta * 1e4) / 1e4;
  if (rounded === 0) return '0.0000';
  return `${rounded > 0 ? '+' : '-'}${Math.abs(rounded).toFixed(4)}`;
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * A markdown table in the spirit of `dvc metrics diff`: one row per metric (sorted by name), the
 * champion's and challenger's values, and the signed change. A missing side shows '—'.
 */
export function metricsDiffMarkdown(
  champion: Record<string, number> | null,
  challenger: Record<string, number>,
  opts: { championLabel?: string; challengerLabel?: string } = {},
): string {
  const championLabel = opts.championLabel ?? 'champion';
  const challengerLabel = opts.challengerLabel ?? 'challenger';
  const names = [...new Set([...Object.keys(champion ?? {}), ...Object.keys(challenger)])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const lines = [
    `| metric | ${escapeCell(championLabel)} | ${escapeCell(challengerLabel)} | change |`,
    '| --- | ---: | ---: | ---: |',
  ];
  for (const name of names) {
    const before = champion && Object.hasOwn(champion, name) ? champion[name] : undefined;
    const after = Object.hasOwn(challenger, name) ? challenger[name] : undefined;
    lines.push(
      `| ${escapeCell(name)} | ${formatValue(before)} | ${formatValue(after)} | ${formatChange(before, after)} |`,
    );
  }
  return lines.join('\n');
}
