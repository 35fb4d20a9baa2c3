// start: what `npm start` runs — the whole pipeline on the repository's data, then the site on loopback.
// Every stage is idempotent: backfill writes nothing when the groups exist, train skips unchanged data,
// and the daily cycle adds only the days that are missing.
import { PORT } from '../../lib/option-bounds.js';
import { type Command, EXIT, intOpt, UsageError } from '../command.js';
import { backfillCommand } from './data.js';
import { trainCommand } from './models.js';
import { dailyCommand } from './monitoring.js';
import { siteCommand } from './site.js';

export const startCommand: Command = {
  name: 'start',
  summary: 'Run the whole pipeline (backfill → train → daily) and build and serve the site',
  usage: 'start [--port N] [--no-serve]',
  options: { port: { type: 'string' }, 'no-serve': { type: 'boolean' } },
  async run(ctx) {
    if (ctx.values['no-serve'] && ctx.values.port !== undefined)
      throw new UsageError('--port serves the site; --no-serve does not');
    intOpt(ctx, 'port', PORT.min, PORT.max); // checked before the pipeline runs, not after
    const step = async (
      title: string,
      command: Command,
      values: Record<string, string | boolean>,
      positionals: string[] = [],
    ) => {
      ctx.out(`\n== ${title}`);
      const code = await command.run({ ...ctx, values: { dataset: 'all', ...values }, positionals });
      if (code !== EXIT.ok && code !== EXIT.quarantined)
        throw new Error(`${command.name} exited with ${code}`);
    };
    await step('backfill', backfillCommand, {});
    await step('train', trainCommand, {});
    await step('daily', dailyCommand, {});
    const port = intOpt(ctx, 'port', PORT.min, PORT.max);
    await step('site', siteCommand, { ...(port !== undefined ? { port: String(port) } : {}) }, [
      ctx.values['no-serve'] ? 'build' : 'serve',
    ]);
    return EXIT.ok;
  },
};
