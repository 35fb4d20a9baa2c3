// The shape of a CLI command and the exit codes every command shares (documented in the README).
import type { ParseArgsConfig } from 'node:util';
import { Workspace } from '../lib/workspace.js';

export const EXIT = {
  ok: 0,
  /** The command failed; nothing was written. */
  error: 1,
  /** The command wrote its results but quarantined some rows (see the rejected file). */
  quarantined: 2,
  /** Wrong usage: unknown command or option. */
  usage: 64,
} as const;

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  ws: Workspace;
  now: Date;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  out: (line: string) => void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  /** Returns the exit code. */
  run(ctx: CommandContext): Promise<number> | number;
}

/** `--dataset NAME|a,b|all` (default all), shared by the commands that run per dataset. */
export const DATASET_OPTION = { dataset: { type: 'string', short: 'd', default: 'all' } } as const;

export const COMMON_OPTIONS: Options = {
  root: { type: 'string' },
  now: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export function stringOpt(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function intOpt(ctx: CommandContext, name: string): number | undefined {
  const v = stringOpt(ctx, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, got '${v}'`);
  return n;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function workspaceAt(root: string | undefined): Workspace {
  return new Workspace(root ?? process.cwd());
}
