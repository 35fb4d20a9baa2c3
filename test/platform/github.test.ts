import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { core, unlessGitHubRefuses } from '../../actions/lib/platform/action-kit.js';
import {
  ALERT_LABEL,
  alertWatermark,
  createGitHubClient,
  type GitHubClient,
  metricsDiffMarkdown,
  syncAlertIssue,
  upsertPullRequestComment,
} from '../../actions/lib/platform/github.js';
import {
  DEFAULT_RETRY_POLICY,
  describeGitHubFailure,
  type RetryPolicy,
} from '../../actions/lib/platform/github-errors.js';
import { type FakeGitHub, GITHUB_ERRORS, startFakeGitHub } from '../helpers/github-fake-server.js';

const TOKEN = 'ghs_test_token_123';
const OWNER = 'acme';
const REPO = 'gitml';

let gh: FakeGitHub;
let client: GitHubClient;

beforeEach(async () => {
  gh = await startFakeGitHub({ authorization: `token ${TOKEN}`, pageSize: 2 });
  client = createGitHubClient(TOKEN, { baseUrl: gh.baseUrl });
});
afterEach(async () => {
  await gh.close();
});

const drift = (active: boolean, body: string, dataset = 'iris') =>
  syncAlertIssue(client, {
    owner: OWNER,
    repo: REPO,
    dataset,
    kind: 'drift',
    active,
    title: `Data drift on ${dataset}`,
    body,
    labels: ['drift'],
  });

describe('syncAlertIssue', () => {
  it('opens one issue, updates it in place, leaves it alone when unchanged, and closes it when resolved', async () => {
    const opened = await drift(true, 'PSI of petal_length is 0.31');
    expect(opened.action).toBe('opened');
    const issue = gh.issues.find((i) => i.number === opened.number)!;
    expect(issue.labels).toEqual([ALERT_LABEL, 'drift']);
    expect(issue.body).toBe(`PSI of petal_length is 0.31\n\n${alertWatermark('iris', 'drift')}`);

    let writes = gh.writes().length;
    expect(await drift(true, 'PSI of petal_length is 0.31')).toEqual({
      action: 'unchanged',
      number: opened.number,
    });
    expect(gh.writes()).toHaveLength(writes); // not even an edit

    expect(await drift(true, 'PSI of petal_length is 0.42')).toEqual({
      action: 'updated',
      number: opened.number,
    });
    expect(
      gh
        .writes()
        .slice(writes)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([`PATCH /repos/${OWNER}/${REPO}/issues/${opened.number}`]);
    expect(issue.body).toContain('0.42');
    expect(gh.comments).toHaveLength(0); // updates never add comments

    // Another dataset's alert of the same kind is its own issue.
    const wine = await drift(true, 'PSI of alcohol is 0.5', 'wine-quality');
    expect(wine.action).toBe('opened');
    expect(wine.number).not.toBe(opened.number);
    expect(gh.issues.filter((i) => i.state === 'open')).toHaveLength(2);

    writes = gh.writes().length;
    expect(await drift(false, 'PSI back under 0.1 at abc1234')).toEqual({
      action: 'closed',
      number: opened.number,
    });
    expect(
      gh
        .writes()
        .slice(writes)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([
      `POST /repos/${OWNER}/${REPO}/issues/${opened.number}/comments`,
      `PATCH /repos/${OWNER}/${REPO}/issues/${opened.number}`,
    ]);
    expect(gh.comments.map((c) => [c.issueNumber, c.body])).toEqual([
      [opened.number, 'resolved: PSI back under 0.1 at abc1234'],
    ]);
    expect(issue.state).toBe('closed');
    expect(issue.state_reason).toBe('completed');
    expect(gh.issues.find((i) => i.number === wine.number)!.state).toBe('open');

    writes = gh.writes().length;
    expect(await drift(false, 'still fine')).toEqual({ action: 'none' });
    expect(gh.writes()).toHaveLength(writes);

    // The alert firing again after resolution opens a fresh issue.
    const again = await drift(true, 'PSI of petal_length is 0.35');
    expect(again.action).toBe('opened');
    expect(again.number).not.toBe(opened.number);
    expect(gh.issues.filter((i) => i.body?.includes(alertWatermark('iris', 'drift')))).toHaveLength(2);
  });

  it('finds its issue across pages, ignoring other alerts and pull requests that carry the watermark', async () => {
    // An older pull request quoting the watermark must not be mistaken for the alert issue.
    gh.addPullRequest(`${OWNER}/${REPO}`, 'quotes the marker', `see ${alertWatermark('iris', 'drift')}`, [
      ALERT_LABEL,
    ]);
    const first = await drift(true, 'first');
    expect(first.action).toBe('opened');
    for (const kind of ['accuracy', 'schema', 'latency', 'freshness', 'nulls']) {
      await syncAlertIssue(client, {
        owner: OWNER,
        repo: REPO,
        dataset: 'iris',
        kind,
        active: true,
        title: kind,
        body: kind,
      });
    }
    const before = gh.requests.length;
    expect(await drift(true, 'first')).toEqual({ action: 'unchanged', number: first.number });
    const lists = gh.requests.slice(before).filter((r) => r.method === 'GET');
    expect(lists.length).toBe(4); // 7 labelled items, 2 per page
    expect(lists[0].query).toMatchObject({ state: 'open', labels: ALERT_LABEL });
    expect(gh.writes().filter((r) => r.method === 'POST' && r.path.endsWith('/issues'))).toHaveLength(6);
  });

  it('sends the token on every request and reports a rejected one', async () => {
    await drift(true, 'x');
    expect(gh.requests.length).toBeGreaterThan(0);
    expect(gh.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);

    const wrong = createGitHubClient('not-the-token', { baseUrl: gh.baseUrl });
    await expect(
      syncAlertIssue(wrong, {
        owner: OWNER,
        repo: REPO,
        dataset: 'iris',
        kind: 'drift',
        active: true,
        title: 't',
        body: 'b',
      }),
    ).rejects.toThrow(/Bad credentials/);
  });

  it('takes the API root from GITHUB_API_URL when none is given', async () => {
    const saved = process.env.GITHUB_API_URL;
    process.env.GITHUB_API_URL = `${gh.baseUrl}/`;
    try {
      const fromEnv = createGitHubClient(TOKEN);
      const result = await syncAlertIssue(fromEnv, {
        owner: OWNER,
        repo: REPO,
        dataset: 'titanic',
        kind: 'accuracy-drop',
        active: true,
        title: 'Accuracy drop on titanic',
        body: 'accuracy 0.71 < 0.75',
      });
      expect(result.action).toBe('opened');
      expect(gh.issues).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_API_URL;
      else process.env.GITHUB_API_URL = saved;
    }
    expect(() => createGitHubClient('')).toThrow(/a token is required/);
  });

  it('refuses dataset or kind values that could break out of the hidden watermark', async () => {
    await expect(drift(true, 'x', 'iris -->')).rejects.toThrow(/alert dataset "iris -->" must match/);
    expect(gh.requests).toHaveLength(0);
  });
});

describe('retries and refusals', () => {
  // The waits a client asked for, instead of waiting: retries run at test speed and are checked exactly.
  let waits: number[];
  const retrying = (retry: Partial<RetryPolicy> = {}) =>
    createGitHubClient(TOKEN, {
      baseUrl: gh.baseUrl,
      retry: {
        sleep: async (ms) => {
          waits.push(ms);
        },
        random: () => 0.5, // jitter factor 1: the exact backoff
        now: () => Date.parse('2026-11-24T05:00:00Z'),
        ...retry,
      },
    });
  const alert = (c: GitHubClient) =>
    syncAlertIssue(c, {
      owner: OWNER,
      repo: REPO,
      dataset: 'iris',
      kind: 'drift',
      active: true,
      title: 'Data drift on iris',
      body: 'PSI 0.3',
    });
  const failureOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return { err, failure: describeGitHubFailure(err) };
    }
    throw new Error('expected the call to fail');
  };
  beforeEach(() => {
    waits = [];
  });

  it('retries a 502 with backoff and then succeeds, on reads and on writes', async () => {
    gh.fault({ ...GITHUB_ERRORS.badGateway, times: 1 });
    gh.fault({ ...GITHUB_ERRORS.badGateway, times: 1, method: 'POST' });
    const c = retrying();
    expect(await alert(c)).toEqual({ action: 'opened', number: 1 });
    expect(waits).toEqual([1000, 1000]); // one retry of the list, one of the create
    expect(gh.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'POST', 'POST']);
    expect(gh.issues).toHaveLength(1);
  });

  it('gives up on a persistent 500 after its retries, with exponential backoff, and says so', async () => {
    gh.fault(GITHUB_ERRORS.serverError);
    const { failure } = await failureOf(alert(retrying()));
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    expect(gh.requests).toHaveLength(DEFAULT_RETRY_POLICY.retries + 1);
    expect(failure).toMatchObject({ status: 500, kind: 'server' });
    expect(failure?.reason).toBe(
      'GitHub kept failing (HTTP 500 after 5 tries: Internal Server Error - https://docs.github.com/rest)',
    );
  });

  it('keeps all the waits of one request within the bound and jitters them', async () => {
    gh.fault(GITHUB_ERRORS.badGateway);
    await failureOf(alert(retrying({ maxTotalWaitMs: 5000 })));
    expect(waits).toEqual([1000, 2000]); // a third wait (4000) would pass 5 s
    waits = [];
    await failureOf(alert(retrying({ random: () => 0, retries: 2 })));
    expect(waits).toEqual([500, 1000]);
  });

  it("honours a secondary rate limit's retry-after, and gives up at once when it is beyond the bound", async () => {
    gh.fault({ ...GITHUB_ERRORS.secondaryRateLimit, times: 1 });
    expect((await alert(retrying())).action).toBe('opened');
    expect(waits).toEqual([1000]);

    waits = [];
    gh.fault({ ...GITHUB_ERRORS.secondaryRateLimit, headers: { 'retry-after': '600' } });
    const { failure } = await failureOf(alert(retrying()));
    expect(waits).toEqual([]);
    expect(failure?.kind).toBe('rate-limited');
    expect(failure?.reason).toMatch(
      /^GitHub's rate limit still held \(HTTP 403: You have exceeded a secondary rate limit/,
    );
  });

  it('waits for x-ratelimit-reset when the primary rate limit is used up', async () => {
    const reset = Date.parse('2026-11-24T05:00:20Z') / 1000;
    gh.fault({
      status: 403,
      message: 'API rate limit exceeded for installation ID 1.',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      times: 1,
    });
    expect((await alert(retrying())).action).toBe('opened');
    expect(waits).toEqual([21_000]); // to the reset, plus a second
    waits = [];
    gh.fault({ status: 429, message: 'Too many requests', times: 1 });
    expect((await alert(retrying())).action).toBe('unchanged');
    expect(waits).toEqual([60_000]); // no header: GitHub asks for at least a minute
  });

  it('does not retry a refusal: issues disabled (410), a fork token (403), not found (404)', async () => {
    for (const [fault, kind, reason] of [
      [
        GITHUB_ERRORS.issuesDisabled,
        'disabled',
        /^issues are disabled on this repository \(HTTP 410: Issues are disabled for this repo/,
      ],
      [
        GITHUB_ERRORS.forbidden,
        'forbidden',
        /^the token may not do this \(HTTP 403: Resource not accessible by integration.*\) — a pull request from a fork gets a read-only token/,
      ],
      [{ status: 404, message: 'Not Found' }, 'not-found', /^GitHub found no such repository/],
    ] as const) {
      await gh.close();
      gh = await startFakeGitHub({ authorization: `token ${TOKEN}` });
      gh.fault(fault);
      const { failure } = await failureOf(alert(retrying()));
      expect(gh.requests).toHaveLength(1);
      expect(waits).toEqual([]);
      expect(failure?.kind).toBe(kind);
      expect(failure?.reason).toMatch(reason);
    }
  });

  it('turns a persistent 500 into a warning, not a failure, and still fails on a bug', async () => {
    gh.fault(GITHUB_ERRORS.serverError);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const outcome = await unlessGitHubRefuses(
        core,
        'alert issues not opened',
        () => alert(retrying()),
        'see the report',
      );
      expect(outcome).toEqual({ failure: expect.objectContaining({ status: 500, kind: 'server' }) });
      expect(stdout.mock.calls.map((c) => String(c[0])).join('')).toContain(
        '::warning title=GitHub API call skipped::GitHub kept failing (HTTP 500 after 5 tries: Internal Server Error - https://docs.github.com/rest): alert issues not opened; see the report',
      );
      await expect(
        unlessGitHubRefuses(core, 'x', async () => {
          throw new TypeError('cannot read properties of undefined');
        }),
      ).rejects.toThrow(TypeError);
    } finally {
      stdout.mockRestore();
    }
  });

  it('tells a bug from a GitHub failure: only errors GitHub answered are described', () => {
    expect(describeGitHubFailure(new TypeError('x is undefined'))).toBeNull();
    expect(describeGitHubFailure(new Error('alert dataset "a b" must match'))).toBeNull();
  });

  it('closes a duplicate alert issue (a retried create that had gone through) and keeps the oldest', async () => {
    const first = await drift(true, 'PSI 0.3');
    gh.issues.push({ ...gh.issues[0], number: 99 }); // the same watermark, opened twice
    expect(await drift(true, 'PSI 0.3')).toEqual({ action: 'unchanged', number: first.number });
    expect(gh.issues.find((i) => i.number === 99)).toMatchObject({
      state: 'closed',
      state_reason: 'not_planned',
    });
    expect(gh.comments.map((c) => [c.issueNumber, c.body])).toEqual([
      [99, `Duplicate of #${first.number}, which tracks this alert.`],
    ]);
  });
});

describe('upsertPullRequestComment', () => {
  it('creates one comment, then edits it in place: exactly one after three calls', async () => {
    const pr = gh.addPullRequest(`${OWNER}/${REPO}`, 'Retrain iris', 'bump data');
    const spec = { owner: OWNER, repo: REPO, issueNumber: pr.number, marker: 'metrics-iris' };
    // Someone else's comments come first, spread over pages.
    for (const text of ['LGTM', 'nice', 'ship it']) {
      await client.rest.issues.createComment({
        owner: OWNER,
        repo: REPO,
        issue_number: pr.number,
        body: text,
      });
    }
    const created = await upsertPullRequestComment(client, { ...spec, body: 'accuracy 0.95' });
    expect(created.action).toBe('created');
    const unchanged = await upsertPullRequestComment(client, { ...spec, body: 'accuracy 0.95' });
    expect(unchanged).toEqual({ action: 'unchanged', id: created.id });
    const writes = gh.writes().length;
    const updated = await upsertPullRequestComment(client, { ...spec, body: 'accuracy 0.97' });
    expect(updated).toEqual({ action: 'updated', id: created.id });
    expect(
      gh
        .writes()
        .slice(writes)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([`PATCH /repos/${OWNER}/${REPO}/issues/comments/${created.id}`]);

    const ours = gh.comments.filter((c) => c.body.includes('<!-- gitml-comment metrics-iris -->'));
    expect(ours).toHaveLength(1);
    expect(ours[0].body).toBe('accuracy 0.97\n\n<!-- gitml-comment metrics-iris -->');
    expect(gh.comments.map((c) => c.body.split('\n')[0])).toEqual([
      'LGTM',
      'nice',
      'ship it',
      'accuracy 0.97',
    ]);

    // A different marker is a different comment.
    const wine = await upsertPullRequestComment(client, {
      ...spec,
      marker: 'metrics-wine',
      body: 'rmse 0.6',
    });
    expect(wine.action).toBe('created');
    expect(wine.id).not.toBe(created.id);
    expect(gh.comments).toHaveLength(5);
  });
});

describe('metricsDiffMarkdown', () => {
  it('tabulates sorted metrics with signed 4-decimal changes', () => {
    const table = metricsDiffMarkdown(
      { accuracy: 0.9333333, f1_macro: 0.93, log_loss: 0.2, n_rows: 150 },
      { accuracy: 0.9666667, f1_macro: 0.93, log_loss: 0.25, n_rows: 150, brier: 0.05 },
      { championLabel: 'champion (abc123)', challengerLabel: 'challenger (def456)' },
    );
    expect(table).toBe(
      [
        '| metric | champion (abc123) | challenger (def456) | change |',
        '| --- | ---: | ---: | ---: |',
        '| accuracy | 0.9333 | 0.9667 | +0.0333 |',
        '| brier | — | 0.0500 | — |',
        '| f1_macro | 0.9300 | 0.9300 | 0.0000 |',
        '| log_loss | 0.2000 | 0.2500 | +0.0500 |',
        '| n_rows | 150 | 150 | 0.0000 |',
      ].join('\n'),
    );
  });

  it('handles a first model with no champion, negative changes and awkward names', () => {
    expect(metricsDiffMarkdown(null, { rmse: 0.61234, 'a|b': 1 })).toBe(
      [
        '| metric | champion | challenger | change |',
        '| --- | ---: | ---: | ---: |',
        '| a\\|b | — | 1 | — |',
        '| rmse | — | 0.6123 | — |',
      ].join('\n'),
    );
    expect(metricsDiffMarkdown({ rmse: 0.7, constructor: 1 }, { rmse: 0.65 })).toContain(
      '| rmse | 0.7000 | 0.6500 | -0.0500 |',
    );
    expect(metricsDiffMarkdown({ rmse: 0.7, constructor: 1 }, { rmse: 0.65 })).toContain(
      '| constructor | 1 | — | — |',
    );
  });
});
