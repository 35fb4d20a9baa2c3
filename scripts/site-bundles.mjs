// esbuild options for the site's browser bundles, committed under site/assets/ so the Pages build runs
// without npm install. scripts/build-all.mjs builds them; CI checks the committed files are current.
// Deterministic: no source maps, no timestamps, fixed target.
// Paths are relative to the repository root: scripts/build-all.mjs sets absWorkingDir.
import path from 'node:path';

/**
 * vega-transforms' package entry defines all forty transforms with top-level calls a bundler cannot drop;
 * the dashboard imports the few its charts use from their own files (site/src/client/vega-runtime.ts), which
 * the package's exports map does not list, so they are resolved here.
 */
const vegaTransformFiles = {
  name: 'vega-transform-files',
  setup(build) {
    build.onResolve({ filter: /^vega-transforms\/src\/[A-Za-z]+\.js$/ }, (args) => ({
      path: path.resolve(build.initialOptions.absWorkingDir ?? process.cwd(), 'node_modules', args.path),
    }));
  },
};

const browser = {
  bundle: true,
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  charset: 'utf8',
  // Keep the bundled libraries' licence comments (Vega's dependencies mark theirs).
  legalComments: 'eof',
  logLevel: 'warning',
};

/** One entry per page script, the service worker and the stylesheet: site/src/<name> → site/assets/<name>. */
export const siteBundles = [
  {
    ...browser,
    format: 'esm',
    entryPoints: ['site/src/client/predictor.ts'],
    outfile: 'site/assets/predictor.js',
  },
  {
    ...browser,
    format: 'esm',
    entryPoints: ['site/src/client/dashboard.ts'],
    outfile: 'site/assets/dashboard.js',
    plugins: [vegaTransformFiles],
  },
  { ...browser, format: 'esm', entryPoints: ['site/src/client/home.ts'], outfile: 'site/assets/home.js' },
  // A classic script: service workers registered without { type: 'module' } cannot use import/export.
  { ...browser, format: 'iife', entryPoints: ['site/src/client/sw.ts'], outfile: 'site/assets/sw.js' },
  { ...browser, entryPoints: ['site/src/client/styles.css'], outfile: 'site/assets/styles.css' },
];
