// Builds the bundles: `--cli` the CLI (dist/cli.js, git-ignored); `--bench` the CLI and the benchmark
// runner (dist/bench.js); no flag: the CLI plus every action's committed dist/index.js and the site's
// committed browser bundles (scripts/build-all.mjs). The CLI, like the actions, keeps Vega in a chunk of
// its own (dist/chunk-<hash>.js) that only a command rendering an SVG loads.
import { build } from 'esbuild';
import { ACTION_SPLITTING } from './build-all.mjs';
import { nodeBundle } from './esbuild-config.mjs';

const flags = new Set(process.argv.slice(2));
await build({
  ...nodeBundle,
  ...ACTION_SPLITTING,
  entryPoints: { cli: 'actions/cli/index.ts' },
  outdir: 'dist',
  sourcemap: 'linked',
});
if (flags.has('--bench')) {
  await build({
    ...nodeBundle,
    entryPoints: ['test/bench/run.ts'],
    outfile: 'dist/bench.js',
    // The site suites drive the system's chromium; playwright-core, Lighthouse and chrome-launcher are
    // loaded from node_modules as they are (Lighthouse reads its own locale and asset files), and esbuild
    // too (it bundles the explanation library for the browser, test/bench/site-explain.ts).
    external: ['playwright-core', 'lighthouse', 'chrome-launcher', 'esbuild'],
    sourcemap: 'linked',
  });
} else if (!flags.has('--cli')) {
  const { buildAll } = await import('./build-all.mjs');
  await buildAll();
}
