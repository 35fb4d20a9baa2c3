// The preview server gzips text as GitHub Pages does, only for a client that accepts gzip, and leaves
// already-compressed or opaque bytes alone; the bytes a client unzips are the file's bytes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { acceptsGzip, isCompressible } from '../../actions/lib/platform/http-gzip.js';
import { type StaticServer, serveStatic } from '../../actions/lib/platform/static-server.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string>, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server gzip', () => {
  let dir: string;
  let server: StaticServer;
  const script = `${'const answer = 42; // a line that repeats compresses well\n'.repeat(200)}`;
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
  const bin = Buffer.alloc(4096, 7);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gitml-gzip-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'assets', 'app.js'), script);
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title><p>hello</p>\n');
    writeFileSync(path.join(dir, 'icon.png'), png);
    writeFileSync(path.join(dir, 'model.bin'), bin);
    server = await serveStatic(dir);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('text goes out gzipped to a client that accepts gzip; unzipped it is the file', async () => {
    const r = await get(`${server.url}assets/app.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers.vary).toBe('accept-encoding');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.body.length).toBeLessThan(script.length / 10);
    expect(gunzipSync(r.body).toString('utf8')).toBe(script);
    // A folder's index.html too, and again from the cache with the same bytes.
    const page = await get(server.url, { 'accept-encoding': 'gzip' });
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(page.body).toString('utf8')).toContain('<p>hello</p>');
    const again = await get(`${server.url}assets/app.js`, { 'accept-encoding': 'gzip' });
    expect(again.body.equals(r.body)).toBe(true);
  });

  test('HEAD gives the gzipped length and no body', async () => {
    const full = await get(`${server.url}assets/app.js`, { 'accept-encoding': 'gzip' });
    const head = await get(`${server.url}assets/app.js`, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.headers['content-length']).toBe(String(full.body.length));
    expect(head.body.length).toBe(0);
  });

  test('a client without gzip (or refusing it) gets the plain file', async () => {
    for (const accept of [undefined, 'identity', 'gzip;q=0', 'br', '*;q=0']) {
      const r = await get(`${server.url}assets/app.js`, accept ? { 'accept-encoding': accept } : {});
      expect(r.headers['content-encoding'], String(accept)).toBeUndefined();
      expect(r.body.toString('utf8')).toBe(script);
      expect(r.headers['content-length']).toBe(String(script.length));
    }
  });

  test('images and opaque bytes are never gzipped', async () => {
    const p = await get(`${server.url}icon.png`, { 'accept-encoding': 'gzip' });
    expect(p.headers['content-encoding']).toBeUndefined();
    expect(p.body.equals(png)).toBe(true);
    const b = await get(`${server.url}model.bin`, { 'accept-encoding': 'gzip' });
    expect(b.headers['content-encoding']).toBeUndefined();
    expect(b.body.equals(bin)).toBe(true);
  });

  test('Accept-Encoding parsing follows q-values and the wildcard', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('deflate, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('GZIP ; Q=1')).toBe(true);
    expect(acceptsGzip('x-gzip')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('*, gzip;q=0')).toBe(false);
    expect(acceptsGzip('gzip;q=0.000')).toBe(false);
    expect(acceptsGzip('br, deflate')).toBe(false);
    expect(acceptsGzip('')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip(['br', 'gzip'])).toBe(true);
  });

  test('only text-like types are compressible', () => {
    for (const t of ['text/html; charset=utf-8', 'application/json; charset=utf-8', 'image/svg+xml'])
      expect(isCompressible(t), t).toBe(true);
    for (const t of ['image/png', 'application/octet-stream', 'image/x-icon'])
      expect(isCompressible(t), t).toBe(false);
  });
});
