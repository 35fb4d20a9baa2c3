// What the GitHub API's errors mean for the pipeline: which ones are worth a retry and how long to wait
// (RetryPolicy), and what a refusal or a persistent failure means in words a user can act on. Free of
// @actions/*, so every action can describe a failure without bundling the API client.

/**
 * How a client retries (@actions/github's getOctokit retries nothing: it has no retry or throttling
 * plugin). Server errors wait a jittered exponential backoff; rate limits wait what GitHub asks
 * (retry-after, else x-ratelimit-reset, else a minute). Every wait of one request counts against
 * maxTotalWaitMs: past it the error is thrown, so a job never hangs on GitHub.
 */
export interface RetryPolicy {
  /** Retries after the first try. */
  retries: number;
  /** First server-error wait; doubles per retry, times a random factor in [0.5, 1.5). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Bound on all the waits of one request together. */
  maxTotalWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  /** Told before each wait, e.g. to log it. */
  onRetry?: (message: string) => void;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxTotalWaitMs: 120_000,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
});

/** What a failed request left on its error: the HTTP status and response headers (RequestError's shape). */
export interface HttpErrorLike {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, string | number | undefined> };
  /** Set by the retrying client: tries made before the error was thrown. */
  gitmlAttempts?: number;
}

export const statusOf = (err: unknown): number | null => {
  const s = (err as HttpErrorLike | null)?.status;
  return typeof s === 'number' && s > 0 ? s : null;
};

const headerOf = (err: unknown, name: string): string | undefined => {
  const v = (err as HttpErrorLike | null)?.response?.headers?.[name];
  return v === undefined ? undefined : String(v);
};

/**
 * GitHub's primary or secondary rate limit: a 429, or a 403 that says so (retry-after,
 * x-ratelimit-remaining 0, or a "rate limit" message) — a plain 403 is a permission refusal.
 */
export function isRateLimited(err: unknown): boolean {
  const status = statusOf(err);
  if (status === 429) return true;
  if (status !== 403) return false;
  return (
    headerOf(err, 'retry-after') !== undefined ||
    headerOf(err, 'x-ratelimit-remaining') === '0' ||
    /rate limit/i.test(String((err as HttpErrorLike).message ?? ''))
  );
}

/**
 * The wait before retry number `attempt` (1-based) of a request that failed with `err`, having already
 * waited `waitedMs`; null when it is not worth retrying or the wait would break the policy's bounds.
 */
export function retryDelayMs(
  err: unknown,
  attempt: number,
  waitedMs: number,
  policy: RetryPolicy,
): number | null {
  const status = statusOf(err);
  if (status === null || attempt > policy.retries) return null;
  let delay: number;
  if (isRateLimited(err)) {
    // GitHub's documented order: retry-after seconds, else the reset instant, else at least a minute.
    const retryAfter = Number(headerOf(err, 'retry-after'));
    const reset = Number(headerOf(err, 'x-ratelimit-reset'));
    if (Number.isFinite(retryAfter) && headerOf(err, 'retry-after') !== undefined) delay = retryAfter * 1000;
    else if (headerOf(err, 'x-ratelimit-remaining') === '0' && Number.isFinite(reset))
      delay = reset * 1000 - policy.now() + 1000;
    else delay = 60_000;
    delay = Math.max(0, Math.ceil(delay));
  } else if (status >= 500) {
    // Network failures reach here too: @octokit/request reports them as status 500.
    const exp = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
    delay = Math.round(exp * (0.5 + policy.random()));
  } else {
    return null;
  }
  return waitedMs + delay <= policy.maxTotalWaitMs ? delay : null;
}

/** Why GitHub did not do something, in words a user can act on. */
export interface GitHubFailure {
  status: number;
  kind: 'disabled' | 'forbidden' | 'not-found' | 'unauthorized' | 'rate-limited' | 'server' | 'rejected';
  reason: string;
}

/**
 * Describes an error from the GitHub API (after the client's retries); null for any other error (a
 * bug or a bad input), which must not be mistaken for GitHub refusing.
 */
export function describeGitHubFailure(err: unknown): GitHubFailure | null {
  const status = statusOf(err);
  if (status === null) return null;
  const e = err as HttpErrorLike;
  const said = String(e.message ?? '')
    .split('\n')[0]
    .trim();
  const tries = e.gitmlAttempts ?? 1;
  const after = tries > 1 ? ` after ${tries} tries` : '';
  if (isRateLimited(err))
    return {
      status,
      kind: 'rate-limited',
      reason: `GitHub's rate limit still held${after} (HTTP ${status}: ${said})`,
    };
  if (status >= 500)
    return { status, kind: 'server', reason: `GitHub kept failing (HTTP ${status}${after}: ${said})` };
  if (status === 410)
    return { status, kind: 'disabled', reason: `issues are disabled on this repository (HTTP 410: ${said})` };
  if (status === 403)
    return {
      status,
      kind: 'forbidden',
      reason:
        `the token may not do this (HTTP 403: ${said}) — a pull request from a fork gets a read-only ` +
        'token, and a job needs issues: write / pull-requests: write',
    };
  if (status === 404)
    return {
      status,
      kind: 'not-found',
      reason: `GitHub found no such repository, issue or pull request for this token (HTTP 404: ${said})`,
    };
  if (status === 401)
    return { status, kind: 'unauthorized', reason: `GitHub refused the token (HTTP 401: ${said})` };
  return { status, kind: 'rejected', reason: `GitHub refused the request (HTTP ${status}: ${said})` };
}
