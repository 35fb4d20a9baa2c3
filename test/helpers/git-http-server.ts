// A loopback smart-HTTP git server (git's own `git http-backend` behind node:http), standing in for GitHub's
// https remote: it records each request's Authorization header, and answers 403 to a push whose
// credential is not the accepted one — as GitHub does for a token that may not push to the branch.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface GitHttpRequest {
  method: string;
  url: string;
  service: string | null;
  authorization: string | undefined;
}

export interface GitHttpServer {
  /** e.g. http://127.0.0.1:port/remote.git */
  url: string;
  origin: string;
  requests: GitHttpRequest[];
  close(): Promise<void>;
}

/** `Authorization: basic …` as git sends it for user x-access-token and this token. */
export const basicAuthFor = (token: string) =>
  `basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Serves the bare repository `bareRepo`; pushes need `Authorization: <pushAuthorization>` (case-insensitive scheme). */
export async function startGitHttpServer(
  bareRepo: string,
  pushAuthorization: string,
): Promise<GitHttpServer> {
  const requests: GitHttpRequest[] = [];
  const root = path.dirname(bareRepo);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const service =
      url.searchParams.get('service') ??
      (url.pathname.endsWith('/git-receive-pack') ? 'git-receive-pack' : null);
    const authorization = req.headers.authorization;
    requests.push({ method: req.method ?? '', url: `${url.pathname}${url.search}`, service, authorization });
    if (service === 'git-receive-pack' && authorization?.toLowerCase() !== pushAuthorization.toLowerCase()) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('Permission to push denied\n');
      return;
    }
    const body = await readBody(req);
    const child = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: 'x-access-token', // enables receive-pack
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      },
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stdin.end(body);
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', () => resolve());
    });
    // CGI: headers, a blank line, the body.
    const all = Buffer.concat(out);
    const split = all.indexOf('\r\n\r\n');
    const head = all.subarray(0, split).toString('utf8').split('\r\n');
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head) {
      const at = line.indexOf(':');
      const name = line.slice(0, at).trim();
      const value = line.slice(at + 1).trim();
      if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.end(all.subarray(split + 4));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/${path.basename(bareRepo)}`,
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
