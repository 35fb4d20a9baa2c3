// Builds the bundles: the CLI (dist/cli.js, git-ignored) and, without --cli, every action's committed
// dist/index.js and the static site. One esbuild config for all, so bundles are reproducible.
import { build } from 'esbuild';

const banner = {
  js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};

export const nodeBundle = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner,
  legalComments: 'none',
  logLevel: 'warning',
};

const cliOnly = process.argv.includes('--cli');
await build({
  ...nodeBundle,
  entryPoints: ['actions/cli/index.ts'],
  outfile: 'dist/cli.js',
  sourcemap: 'linked',
});
if (!cliOnly) {
  const { buildAll } = await import('./build-all.mjs');
  await buildAll();
}
