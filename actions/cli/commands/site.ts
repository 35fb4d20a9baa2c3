// The GitHub Pages site: build it from the repository's files, or build and serve it on loopback.
import path from 'node:path';
import { PORT } from '../../lib/option-bounds.js';
import { buildSite } from '../../lib/site-build.js';
import { serveStatic } from '../../lib/static-server.js';
import { type Command, type CommandContext, EXIT, intOpt, stringOpt, UsageError } from '../command.js';

function build(ctx: CommandContext): string {
  const out = path.resolve(ctx.ws.root, stringOpt(ctx, 'out') ?? path.join('site', 'build'));
  const assets = stringOpt(ctx, 'assets');
  const r = buildSite(ctx.ws.root, out, {
    now: ctx.now,
    assets: assets ? path.resolve(ctx.ws.root, assets) : undefined,
  });
  ctx.out(`site: ${r.pages.length} pages, ${r.files.length} files in ${ctx.ws.rel(out) || '.'}`);
  return out;
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
    'site build [--out DIR] [--assets DIR] | site serve [--out DIR] [--assets DIR] [--port N] [--no-build]',
  options: {
    out: { type: 'string' },
    assets: { type: 'string' },
    port: { type: 'string' },
    'no-build': { type: 'boolean' },
  },
  async run(ctx) {
    const sub = ctx.positionals[0];
    if (sub !== 'serve' && ctx.values.port !== undefined) throw new UsageError('--port is for site serve');
    if (sub === 'build') {
      build(ctx);
      return EXIT.ok;
    }
    if (sub === 'serve') {
      const port = intOpt(ctx, 'port', PORT.min, PORT.max) ?? 8080; // checked before the site is built
      const out = ctx.values['no-build']
        ? path.resolve(ctx.ws.root, stringOpt(ctx, 'out') ?? path.join('site', 'build'))
        : build(ctx);
      const server = await serveStatic(out, port);
      ctx.out(`serving ${ctx.ws.rel(out) || '.'} at ${server.url} (Ctrl-C to stop)`);
      await interrupted();
      await server.close();
      return EXIT.ok;
    }
    throw new UsageError(`site needs a subcommand: build or serve${sub ? ` (got '${sub}')` : ''}`);
  },
};
