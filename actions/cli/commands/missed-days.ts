// What generate and daily print when a catch-up hit its bound: the days left out and how to backfill them.
import { backfillCommands, dayRanges, rangeText } from '../../lib/pipelines/daily-schedule.js';
import type { GenerateResult } from '../../lib/pipelines/generate.js';
import type { CommandContext } from '../command.js';

export function reportMissed(ctx: CommandContext, r: GenerateResult): void {
  if (r.missed.length === 0) return;
  ctx.out(
    `  ${r.missed.length} older missing day(s) NOT made good (more than the catch-up bound were missing); backfill:`,
  );
  for (const range of dayRanges(r.missed)) {
    const fix = backfillCommands(r.dataset, range);
    ctx.out(`    ${rangeText(range)}: ${fix.cli}  (or ${fix.dispatch})`);
  }
}
