// gitml command line: the same library functions the GitHub Actions call, for local runs.
import { parseArgs } from 'node:util';
import { didYouMean } from '../lib/core/did-you-mean.js';
import { setWriter } from '../lib/files/atomic-write.js';
import { recoverInterruptedWrites } from '../lib/files/write-journal.js';
import { clock } from '../lib/pipelines/options.js';
import { COMMON_OPTIONS, type Command, EXIT, exitCodeOf, messageOf, workspaceAt } from './command.js';
import {
  backfillCommand,
  generateCommand,
  ingestCommand,
  showCommand,
  statsCommand,
} from './commands/data.js';
import { initCommand } from './commands/init.js';
import {
  evaluateCommand,
  modelsCommand,
  predictCommand,
  promoteCommand,
  trainCommand,
} from './commands/models.js';
import { dailyCommand, inferCommand, monitorCommand, reportCommand } from './commands/monitoring.js';
import { siteCommand } from './commands/site.js';
import { startCommand } from './commands/start.js';
import { validateCommand } from './commands/validate.js';

export const COMMANDS: Command[] = [
  initCommand,
  backfillCommand,
  generateCommand,
  ingestCommand,
  statsCommand,
  showCommand,
  trainCommand,
  evaluateCommand,
  modelsCommand,
  promoteCommand,
  predictCommand,
  inferCommand,
  monitorCommand,
  reportCommand,
  dailyCommand,
  siteCommand,
  startCommand,
  validateCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: gitml <command> [options]   (npm run cli -- <command> …)',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'common options:',
    '  --root DIR     repository root (default: current directory)',
    '  --now ISO      the clock, UTC (default: now) — for reproducible runs and tests',
    '  -h, --help     help for a command',
    '',
    'exit codes: 0 ok · 1 error, nothing written · 2 written, but some rows quarantined ·',
    '            3 some datasets or steps done and written, others failed (listed) · 64 usage error',
  ].join('\n');
}

/** parseArgs' error, with the nearest option for a misspelt one: `unknown option '--datset' (did you mean '--dataset'?)`. */
function parseProblem(e: unknown, c: Command): string {
  const message = (e as Error).message;
  const given = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
  if (!given) return message;
  const names = Object.entries({ ...COMMON_OPTIONS, ...c.options }).flatMap(([long, o]) => [
    `--${long}`,
    ...(o.short ? [`-${o.short}`] : []),
  ]);
  return `unknown option '${given}'${didYouMean(given, names)} (a value that starts with '-' goes after '--')`;
}

function commandHelp(c: Command): string {
  return `usage: gitml ${c.usage}\n\n${c.summary}.\n\ncommon options: --root DIR, --now ISO, -h/--help`;
}

export async function main(
  argv: string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    err(
      `gitml: unknown command '${name}'${didYouMean(
        name,
        COMMANDS.map((c) => c.name),
      )}\n\n${help()}`,
    );
    return EXIT.usage;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    err(`gitml ${name}: ${parseProblem(e, command)}\n\n${commandHelp(command)}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    out(commandHelp(command));
    return EXIT.ok;
  }
  try {
    const now = clock(parsed.values.now as string | undefined);
    const ws = workspaceAt(parsed.values.root as string | undefined);
    // Before anything reads the workspace: finish or undo a write a crash cut short.
    for (const line of recoverInterruptedWrites(ws.root)) out(line);
    setWriter(`gitml ${name}`);
    return await command.run({
      ws,
      now,
      values: parsed.values as Record<string, string | boolean | string[] | undefined>,
      positionals: parsed.positionals,
      out,
      err,
    });
  } catch (e) {
    err(`gitml ${name}: ${messageOf(e)}`);
    if (process.env.GITML_DEBUG) err((e as Error).stack ?? '');
    return exitCodeOf(e);
  }
}
