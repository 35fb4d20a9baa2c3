// start: what `npm start` runs — the whole pipeline on the repository's data, then the site on loopback.
// Every stage is idempotent: backfill writes nothing when the groups exist, train skips unchanged data,
// and the daily cycle adds only the days that are missing. A dataset that fails (an invalid spec, a corrupt
// group, a failing model) is skipped by every stage; the others run to the site, and start exits 3 naming it.
import { PORT } from '../../lib/pipelines/options.js';
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
    intOpt(ctx, 'port', PORT); // checked before the pipeline runs, not after
    // Each failed dataset with the stages it failed in and the first message, for the closing summary.
    const failed = new Map<string, { stages: string[]; message: string }>();
    const step = async (
      title: string,
      command: Command,
      values: Record<string, string | boolean>,
      positionals: string[] = [],
    ) => {
      ctx.out(`\n== ${title}`);
      const code = await command.run({
        ...ctx,
        values: { dataset: 'all', ...values },
        positionals,
        onDatasetFailed: (name, message) => {
          const f = failed.get(name) ?? { stages: [], message };
          f.stages.push(title);
          failed.set(name, f);
        },
      });
      if (code !== EXIT.ok && code !== EXIT.quarantined && code !== EXIT.partial)
        throw new Error(`${command.name} exited with ${code}`);
    };
    await step('backfill', backfillCommand, {});
    await step('train', trainCommand, {});
    await step('daily', dailyCommand, {});
    // Before the site: a served site blocks until Ctrl-C, and the failures must be seen now.
    const report = ctx.err ?? ctx.out;
    if (failed.size > 0) {
      report(
        `\nstart: ${failed.size} dataset(s) failed and were skipped; the others ran: ${[...failed.keys()].join(', ')}`,
      );
      for (const [name, f] of failed) report(`  ${name} (${f.stages.join(', ')}): ${f.message}`);
    }
    const port = intOpt(ctx, 'port', PORT);
    await step('site', siteCommand, { ...(port !== undefined ? { port: String(port) } : {}) }, [
      ctx.values['no-serve'] ? 'build' : 'serve',
    ]);
    return failed.size === 0 ? EXIT.ok : EXIT.partial;
  },
};
