// A loopback stand-in for the GitHub REST API: just the issue and comment endpoints the pipeline
// uses, kept in memory, with GitHub's pagination (Link headers) and every request recorded; faults make
// it answer as GitHub does when it refuses or fails (GITHUB_ERRORS).

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeIssue {
  repo: string; // owner/name
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  pull_request?: { url: string };
}

export interface FakeComment {
  repo: string;
  id: number;
  issueNumber: number;
  body: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
}

/** An error answer: GitHub's status, message body and headers. */
export interface Fault {
  status: number;
  message: string;
  headers?: Record<string, string>;
  /** How many matching requests get it; default every one. */
  times?: number;
  /** Only requests with this method (GET, POST, PATCH). */
  method?: string;
}

/** GitHub's answers when it refuses or fails, as documented and as seen on real repositories. */
export const GITHUB_ERRORS = {
  /** Issues turned off in the repository's settings (the default on forks). */
  issuesDisabled: { status: 410, message: 'Issues are disabled for this repo' },
  /** A pull request from a fork runs with a read-only GITHUB_TOKEN. */
  forbidden: {
    status: 403,
    message: 'Resource not accessible by integration',
    headers: { 'x-ratelimit-remaining': '4999' },
  },
  secondaryRateLimit: {
    status: 403,
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    headers: { 'retry-after': '1' },
  },
  badGateway: { status: 502, message: 'Server Error' },
  serverError: { status: 500, message: 'Internal Server Error' },
} satisfies Record<string, Fault>;

export interface FakeGitHub {
  baseUrl: string;
  requests: RecordedRequest[];
  issues: FakeIssue[];
  comments: FakeComment[];
  /** Requests that changed something (anything but GET). */
  writes(): RecordedRequest[];
  addPullRequest(repo: string, title: string, body: string, labels?: string[]): FakeIssue;
  /** From now on, matching requests get this error (in the order faults were added) until used up. */
  fault(fault: Fault): void;
  close(): Promise<void>;
}

export interface FakeGitHubOptions {
  /** Accepted Authorization header value, e.g. 'token abc'; anything else gets 401. */
  authorization: string;
  /** Server-side page size cap, to exercise pagination with few items. */
  pageSize?: number;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

export async function startFakeGitHub(opts: FakeGitHubOptions): Promise<FakeGitHub> {
  const pageSize = opts.pageSize ?? 30;
  const requests: RecordedRequest[] = [];
  const issues: FakeIssue[] = [];
  const comments: FakeComment[] = [];
  const faults: Fault[] = [];
  let nextNumber = 1;
  let nextCommentId = 1000;
  let baseUrl = '';

  const issueJson = (i: FakeIssue) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    labels: i.labels.map((name) => ({ name })),
    html_url: `https://github.example/${i.repo}/issues/${i.number}`,
    ...(i.pull_request ? { pull_request: i.pull_request } : {}),
  });
  const commentJson = (c: FakeComment) => ({
    id: c.id,
    body: c.body,
    issue_url: `${baseUrl}/repos/${c.repo}/issues/${c.issueNumber}`,
    user: { login: 'github-actions[bot]', type: 'Bot' },
  });

  function send(
    res: ServerResponse,
    status: number,
    data: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(data));
  }

  function page<T>(res: ServerResponse, url: URL, items: T[]): void {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), pageSize);
    const pageNo = Number(url.searchParams.get('page') ?? 1);
    const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
    const headers: Record<string, string> = {};
    if (pageNo * perPage < items.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(pageNo + 1));
      headers.link = `<${baseUrl}${next.pathname}${next.search}>; rel="next"`;
    }
    send(res, 200, slice, headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const body = await readJson(req);
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      body,
    });
    if (req.headers.authorization !== opts.authorization) {
      return send(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    const fault = faults.find((f) => (f.times ?? 1) > 0 && (!f.method || f.method === req.method));
    if (fault) {
      if (fault.times !== undefined) fault.times--;
      return send(
        res,
        fault.status,
        { message: fault.message, documentation_url: 'https://docs.github.com/rest' },
        fault.headers,
      );
    }
    const b = (body ?? {}) as Record<string, unknown>;
    let m: RegExpMatchArray | null;

    if ((m = url.pathname.match(/^\/repos\/([^/]+\/[^/]+)\/issues$/))) {
      const repo = m[1];
      if (req.method === 'GET') {
        const state = url.searchParams.get('state') ?? 'open';
        const wanted = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
        const found = issues
          .filter((i) => i.repo === repo && (state === 'all' || i.state === state))
          .filter((i) => wanted.every((l) => i.labels.includes(l)))
          .sort((x, y) => y.number - x.number); // newest first, as GitHub does
        return page(res, url, found.map(issueJson));
      }
      if (req.method === 'POST') {
        const issue: FakeIssue = {
          repo,
          number: nextNumber++,
          title: String(b.title),
          body: typeof b.body === 'string' ? b.body : null,
          state: 'open',
          state_reason: null,
          labels: Array.isArray(b.labels) ? b.labels.map(String) : [],
        };
        issues.push(issue);
        return send(res, 201, issueJson(issue));
      }
    }
    if ((m = url.pathname.match(/^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)$/)) && req.method === 'PATCH') {
      const issue = issues.find((i) => i.repo === m![1] && i.number === Number(m![2]));
      if (!issue) return send(res, 404, { message: 'Not Found' });
      if (typeof b.title === 'string') issue.title = b.title;
      if (typeof b.body === 'string') issue.body = b.body;
      if (b.state === 'open' || b.state === 'closed') issue.state = b.state;
      if (typeof b.state_reason === 'string') issue.state_reason = b.state_reason;
      return send(res, 200, issueJson(issue));
    }
    if ((m = url.pathname.match(/^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/))) {
      const repo = m[1];
      const issueNumber = Number(m[2]);
      if (!issues.some((i) => i.repo === repo && i.number === issueNumber)) {
        return send(res, 404, { message: 'Not Found' });
      }
      if (req.method === 'GET') {
        return page(
          res,
          url,
          comments.filter((c) => c.repo === repo && c.issueNumber === issueNumber).map(commentJson),
        );
      }
      if (req.method === 'POST') {
        const comment: FakeComment = { repo, id: nextCommentId++, issueNumber, body: String(b.body) };
        comments.push(comment);
        return send(res, 201, commentJson(comment));
      }
    }
    if (
      (m = url.pathname.match(/^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/)) &&
      req.method === 'PATCH'
    ) {
      const comment = comments.find((c) => c.repo === m![1] && c.id === Number(m![2]));
      if (!comment) return send(res, 404, { message: 'Not Found' });
      comment.body = String(b.body);
      return send(res, 200, commentJson(comment));
    }
    send(res, 404, { message: `Not Found: ${req.method} ${url.pathname}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    requests,
    issues,
    comments,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    addPullRequest(repo, title, body, labels = []) {
      const pr: FakeIssue = {
        repo,
        number: nextNumber++,
        title,
        body,
        state: 'open',
        state_reason: null,
        labels,
        pull_request: { url: `${baseUrl}/repos/${repo}/pulls/${nextNumber - 1}` },
      };
      issues.push(pr);
      return pr;
    },
    fault(f) {
      faults.push({ ...f, times: f.times ?? Number.POSITIVE_INFINITY });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
