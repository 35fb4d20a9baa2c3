// The sharding options train and infer share: --shard i/n (map) or --merge (reduce), both with --partials DIR.
import path from 'node:path';
import { parseShard, type Shard } from '../../lib/pipelines/sharding.js';
import { type CommandContext, stringOpt, UsageError } from '../command.js';

/** --shard i/n | --merge, both with --partials DIR; null when neither is given (the unsharded run). */
export function shardMode(ctx: CommandContext): { shard: Shard | null; partials: string } | null {
  const shard = stringOpt(ctx, 'shard');
  const partials = stringOpt(ctx, 'partials');
  const merge = ctx.values.merge === true;
  if (shard === undefined && !merge) {
    if (partials !== undefined) throw new UsageError('--partials needs --shard i/n or --merge');
    return null;
  }
  if (shard !== undefined && merge) throw new UsageError('--shard and --merge are separate steps; give one');
  if (partials === undefined)
    throw new UsageError(
      `${merge ? '--merge' : '--shard'} needs --partials DIR (where shards leave their partial files)`,
    );
  try {
    return { shard: shard === undefined ? null : parseShard(shard), partials: path.resolve(partials) };
  } catch (err) {
    throw new UsageError(`--${(err as Error).message}`);
  }
}

/** Options that belong to the other step of a sharded run are refused, not silently ignored. */
export function refuse(ctx: CommandContext, names: readonly string[], why: string): void {
  const given = names.filter((n) => ctx.values[n] !== undefined);
  if (given.length) throw new UsageError(`${given.map((n) => `--${n}`).join(', ')}: ${why}`);
}
