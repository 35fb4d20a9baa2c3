// A tiny static file server for the built site, on loopback only: for the browser tests and for local
// previews (npm start). Serves GET/HEAD, maps folders to index.html, never leaves its folder. Text files go
// out gzipped when the client accepts gzip, as GitHub Pages serves them, so what a browser measures here
// (transfer sizes, load times) is what a visitor gets.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { acceptsGzip, isCompressible } from './http-gzip.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** The file a URL path names inside dir, or null when it escapes dir or does not exist. */
export function resolveFile(dir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = path.resolve(dir);
  let file = path.resolve(base, `.${path.posix.normalize(`/${decoded}`)}`);
  if (file !== base && !file.startsWith(base + path.sep)) return null;
  if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

/** Gzipped bytes of each file, kept while its size and modification time stay the same. */
const GZ_CACHE = new Map<string, { key: string; body: Buffer }>();

function gzipped(file: string): Buffer {
  const st = statSync(file);
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = GZ_CACHE.get(file);
  if (hit?.key === key) return hit.body;
  // Level 6: zlib's default, what static hosts typically use on the fly.
  const body = gzipSync(readFileSync(file), { level: 6 });
  GZ_CACHE.set(file, { key, body });
  return body;
}

/** Serves dir on 127.0.0.1 (port 0: any free port). Resolves once listening. */
export function serveStatic(dir: string, port = 0): Promise<StaticServer> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
    // A folder without its trailing slash: redirect, so the page's relative links resolve inside it.
    const direct = resolveFile(dir, urlPath);
    if (
      direct &&
      !urlPath.endsWith('/') &&
      path.basename(direct) === 'index.html' &&
      !urlPath.endsWith('index.html')
    ) {
      res.writeHead(301, { location: `${urlPath}/` }).end();
      return;
    }
    if (!direct) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const type = TYPES[path.extname(direct).toLowerCase()] ?? 'application/octet-stream';
    const headers = {
      'content-type': type,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    };
    if (!isCompressible(type)) {
      res.writeHead(200, { ...headers, 'content-length': statSync(direct).size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(direct).pipe(res);
      return;
    }
    // The answer depends on Accept-Encoding: caches must keep the two apart.
    if (!acceptsGzip(req.headers['accept-encoding'])) {
      res.writeHead(200, { ...headers, 'content-length': statSync(direct).size, vary: 'accept-encoding' });
      if (req.method === 'HEAD') res.end();
      else createReadStream(direct).pipe(res);
      return;
    }
    const body = gzipped(direct);
    res.writeHead(200, {
      ...headers,
      'content-encoding': 'gzip',
      'content-length': body.length,
      vary: 'accept-encoding',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${bound}/`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.closeAllConnections();
            server.close((err) => (err ? fail(err) : done()));
          }),
      });
    });
  });
}
