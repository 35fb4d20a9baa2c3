// Bundles every stage action (actions/<stage>/src/main.ts → actions/<stage>/dist/index.js, committed, so
// workflows run them without npm install) and the browser bundles of the site (scripts/site-bundles.mjs).
// Deterministic: fixed options, paths relative to the repository, no timestamps, no source maps, so
// scripts/check-dist.mjs can rebuild and compare byte for byte.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { nodeBundle } from './esbuild-config.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Stage names: every actions/<stage>/ that has src/main.ts, sorted. */
export function actionStages(root = REPO_ROOT) {
  const dir = path.join(root, 'actions');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
}

async function siteBundles() {
  const file = path.join(REPO_ROOT, 'scripts', 'site-bundles.mjs');
  if (!existsSync(file)) return [];
  const mod = await import('./site-bundles.mjs');
  if (!Array.isArray(mod.siteBundles))
    throw new Error('scripts/site-bundles.mjs must export siteBundles, an array of esbuild options');
  return mod.siteBundles;
}

/** Every esbuild run of the repository, with paths resolved against `root`. */
export async function bundleConfigs(root = REPO_ROOT) {
  const actions = actionStages(root).map((stage) => ({
    ...nodeBundle,
    entryPoints: [`actions/${stage}/src/main.ts`],
    outfile: `actions/${stage}/dist/index.js`,
  }));
  return [...actions, ...(await siteBundles())].map((options) => ({
    absWorkingDir: root,
    ...options,
    sourcemap: false,
    write: false,
  }));
}

/**
 * Builds everything. With `write` (the default) files whose bytes changed are written; either way it
 * returns every output as { path (repository-relative, forward slashes), contents (Uint8Array) }.
 */
export async function buildAll({ root = REPO_ROOT, write = true } = {}) {
  const outputs = [];
  for (const config of await bundleConfigs(root)) {
    const result = await build(config);
    for (const file of result.outputFiles) {
      outputs.push({
        path: path.relative(root, file.path).split(path.sep).join('/'),
        contents: file.contents,
      });
    }
  }
  outputs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (write) {
    for (const { path: rel, contents } of outputs) {
      const abs = path.join(root, rel);
      if (existsSync(abs) && Buffer.compare(readFileSync(abs), contents) === 0) continue;
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, contents);
    }
  }
  return outputs;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outputs = await buildAll();
  console.log(`built ${outputs.length} bundle file(s)`);
}
