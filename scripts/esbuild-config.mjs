// The one esbuild configuration for Node bundles (CLI, bench, every action), so bundles are reproducible.
// @actions/core 3 and @actions/github 9 are ESM-only and some dependencies still call require():
// the banner gives the ESM bundle a require.
export const nodeBundle = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
};
