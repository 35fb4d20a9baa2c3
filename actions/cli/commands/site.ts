// The GitHub Pages site: build it from the repository's files, or build and serve it on loopback.
import path from 'node:path';
import { buildSite } from '../../../site/src/build/site-build.js';
import { loadChartCompiler } from '../../../site/src/build/site-charts.js';
import { PORT } from '../../lib/pipelines/options.js';
import { serveStatic } from '../../lib/platform/static-server.js';
import { type Command, type CommandContext, EXIT, intOpt, stringOpt, UsageError } from '../command.js';

/** Builds the site; a failing dataset is shown as failing on it, reported here and makes the exit code 3. */
function build(ctx: CommandContext): { out: string; code: number } {
  const out = path.resolve(ctx.ws.root, stringOpt(ctx, 'out') ?? path.join('site', 'build'));
  const assets = stringOpt(ctx, 'assets');
  const r = buildSite(ctx.ws.root, out, {
    now: ctx.now,
    assets: assets ? path.resolve(ctx.ws.root, assets) : undefined,
    siteUrl: siteUrlOpt(ctx),
  });
  ctx.out(`site: ${r.pages.length} pages, ${r.files.length} files in ${ctx.ws.rel(out) || '.'}`);
  if (r.failed.length === 0) return { out, code: EXIT.ok };
  const report = ctx.err ?? ctx.out;
  for (const f of r.failed) {
    report(`${f.dataset}: FAILED: ${f.message}`);
    ctx.onDatasetFailed?.(f.dataset, f.message);
  }
  report(
    `partial: the site shows ${r.failed.map((f) => f.dataset).join(', ')} as failing (its pages say why); the other datasets are built`,
  );
  return { out, code: EXIT.partial };
}

/** --site-url: where the site will be served, for the canonical and social tags (an http(s) address). */
function siteUrlOpt(ctx: CommandContext): string | undefined {
  const given = stringOpt(ctx, 'site-url');
  if (given === undefined) return undefined;
  let url: URL | null = null;
  try {
    url = new URL(given);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new UsageError(
      `--site-url '${given}' is not an http(s) address: give where the site is served, e.g. https://owner.github.io/repo/`,
    );
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/** Resolves on Ctrl-C or SIGTERM, so the server stops cleanly. */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const siteCommand: Command = {
  name: 'site',
  summary: 'Build the GitHub Pages site into site/build/, or build and serve it on 127.0.0.1',
  usage:
    'site build [--out DIR] [--assets DIR] [--site-url URL] | site serve [--out DIR] [--assets DIR] [--site-url URL] [--port N] [--no-build]',
  options: {
    out: { type: 'string' },
    assets: { type: 'string' },
    'site-url': { type: 'string' },
    port: { type: 'string' },
    'no-build': { type: 'boolean' },
  },
  async run(ctx) {
    const sub = ctx.positionals[0];
    if (sub !== 'serve' && ctx.values.port !== undefined) throw new UsageError('--port is for site serve');
    // The dashboards' Vega-Lite compiler, from the bundle's lazily loaded Vega chunk, when building.
    if (sub === 'build' || (sub === 'serve' && !ctx.values['no-build'])) await loadChartCompiler();
    if (sub === 'build') return build(ctx).code;
    if (sub === 'serve') {
      const port = intOpt(ctx, 'port', PORT) ?? 8080; // checked before the site is built
      const { out, code } = ctx.values['no-build']
        ? {
            out: path.resolve(ctx.ws.root, stringOpt(ctx, 'out') ?? path.join('site', 'build')),
            code: EXIT.ok,
          }
        : build(ctx);
      const server = await serveStatic(out, port);
      ctx.out(`serving ${ctx.ws.rel(out) || '.'} at ${server.url} (Ctrl-C to stop)`);
      await interrupted();
      await server.close();
      return code;
    }
    throw new UsageError(`site needs a subcommand: build or serve${sub ? ` (got '${sub}')` : ''}`);
  },
};
