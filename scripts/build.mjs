// Builds the bundles: `--cli` the CLI (dist/cli.js, git-ignored); `--bench` the CLI and the benchmark
// runner (dist/bench.js); no flag: the CLI plus every action's committed dist/index.js and the site's
// committed browser bundles (scripts/build-all.mjs).
import { build } from 'esbuild';
import { nodeBundle } from './esbuild-config.mjs';

const flags = new Set(process.argv.slice(2));
await build({
  ...nodeBundle,
  entryPoints: ['actions/cli/index.ts'],
  outfile: 'dist/cli.js',
  sourcemap: 'linked',
});
if (flags.has('--bench')) {
  await build({
    ...nodeBundle,
    entryPoints: ['test/bench/run.ts'],
    outfile: 'dist/bench.js',
    // The site suite drives the system's chromium; playwright-core is loaded from node_modules as is.
    external: ['playwright-core'],
    sourcemap: 'linked',
  });
} else if (!flags.has('--cli')) {
  const { buildAll } = await import('./build-all.mjs');
  await buildAll();
}
