// The sharding options train and infer share: --shard i/n (map) or --merge (reduce), both with --partials
// DIR; the rules are the one policy's (pipelines/options.ts shardStep), which the actions call too.
import { type ShardStep, shardStep } from '../../lib/pipelines/options.js';
import { type CommandContext, stringOpt, UsageError } from '../command.js';

/** --shard i/n | --merge, both with --partials DIR; null when neither is given (the unsharded run). */
export function shardMode(ctx: CommandContext): ShardStep | null {
  const raw = {
    shard: stringOpt(ctx, 'shard'),
    merge: ctx.values.merge === true,
    partials: stringOpt(ctx, 'partials'),
  };
  const step = shardStep(raw, process.cwd());
  return step.shard || step.merge ? step : null;
}

/** Options that belong to the other step of a sharded run are refused, not silently ignored. */
export function refuse(ctx: CommandContext, names: readonly string[], why: string): void {
  const given = names.filter((n) => ctx.values[n] !== undefined);
  if (given.length) throw new UsageError(`${given.map((n) => `--${n}`).join(', ')}: ${why}`);
}
