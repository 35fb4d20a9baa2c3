// Action start-up: each committed stage bundle's size (actions/<stage>/dist, the entry and any chunk) and
// the wall time of `node actions/<stage>/dist/index.js` in an empty folder, where every stage fails at
// its first input read (no datasets, no branch; ingest finds nothing to ingest and is done): module
// loading plus that first read. The peer is a bare
// `node -e ''` (the runtime's own start), alternating with it pair by pair, so the ratio is what the
// bundle adds to starting node. Run `npm run build` first to measure the bundles of the working tree.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pairFields, peerOf, type Suite, timePairs } from './harness.js';

/** The stages with a built bundle, sorted. */
function stages(): string[] {
  return readdirSync('actions')
    .filter((s) => existsSync(path.join('actions', s, 'dist', 'index.js')))
    .sort();
}

export const suite: Suite = async (ctx) => {
  const empty = path.join(ctx.tmpDir, 'startup-empty');
  mkdirSync(empty, { recursive: true });
  // No GITHUB_* or INPUT_* variables: the stage runs as outside Actions, in a folder with nothing in it.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('GITHUB_') && !k.startsWith('INPUT_')),
  );
  const run = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: empty, env, encoding: 'utf8' });
    return { ms: performance.now() - t0, status: r.status, stderr: r.stderr, stdout: r.stdout };
  };
  const bare = peerOf(() => {
    const r = run(['-e', '']);
    if (r.status !== 0) throw new Error(`startup: node -e '' exited with ${r.status}: ${r.stderr}`);
    return { ms: r.ms };
  });
  for (const stage of stages()) {
    const dir = path.resolve('actions', stage, 'dist');
    const entry = path.join(dir, 'index.js');
    const scripts = readdirSync(dir).filter((f) => f.endsWith('.js'));
    const bytes = scripts.reduce((s, f) => s + statSync(path.join(dir, f)).size, 0);
    let firstError = '';
    const t = await timePairs(
      ctx.repeats,
      () => {
        const r = run([entry]);
        // A start-up ends by the stage's own hand (done, or failed on its first input read with a message),
        // never by a crash: a stack trace or another exit code is not a start-up time.
        const said = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
        if ((r.status !== 0 && r.status !== 1) || /^\s+at /m.test(r.stderr))
          throw new Error(`startup: ${stage} crashed (exit ${r.status}): ${r.stderr}`);
        const message = said.find((l) => l.startsWith('::error::')) ?? said[0] ?? '(nothing)';
        firstError = message.replace('::error::', '').replace(empty, '<empty folder>');
      },
      bare,
    );
    ctx.add({
      suite: 'startup',
      name: `${stage} action: node dist/index.js to its first input read`,
      ...pairFields(t, "bare node -e ''"),
      extra: {
        entryKiB: Math.round(statSync(entry).size / 1024),
        gzipKiB: Math.round(gzipSync(readFileSync(entry)).length / 1024),
        chunks: scripts.length - 1,
        allChunksKiB: Math.round(bytes / 1024),
        addedMs: (t.peer ? t.ours.median - t.peer.median : t.ours.median).toFixed(0),
        stopsAt: firstError.slice(0, 60),
      },
    });
  }
};
