// In-process action tests: a core that records what an action's run() logged instead of writing
// workflow commands, and the deps run() is given (a workspace and no GitHub environment).

import { Workspace } from '../../actions/lib/files/workspace.js';
import { InputReader } from '../../actions/lib/platform/action-inputs.js';
import type { ActionCore, ActionDeps } from '../../actions/lib/platform/action-kit.js';

export interface Logged {
  level: 'info' | 'debug' | 'notice' | 'warning' | 'error';
  message: string;
  file?: string;
  line?: number;
}

export interface FakeCore extends ActionCore {
  logged: Logged[];
  secrets: string[];
  /** The logged messages of one level. */
  of(level: Logged['level']): string[];
}

export function fakeCore(): FakeCore {
  const logged: Logged[] = [];
  const secrets: string[] = [];
  const log = (level: Logged['level']) => (m: string | Error, p?: { file?: string; startLine?: number }) => {
    logged.push({
      level,
      message: m instanceof Error ? m.message : m,
      ...(p?.file ? { file: p.file } : {}),
      ...(p?.startLine ? { line: p.startLine } : {}),
    });
  };
  return {
    logged,
    secrets,
    setSecret: (s) => {
      secrets.push(s);
    },
    of: (level) => logged.filter((l) => l.level === level).map((l) => l.message),
    info: log('info'),
    debug: log('debug'),
    notice: log('notice'),
    warning: log('warning'),
    error: log('error'),
    group: async (_name, fn) => fn(),
  };
}

/** The deps of an in-process run on `root`, with the given GITHUB_* environment. */
export function fakeDeps(root: string, env: Record<string, string> = {}): ActionDeps & { core: FakeCore } {
  return { core: fakeCore(), ws: new Workspace(root), env };
}

/**
 * An InputReader over a record, as the runner gives an action's inputs ('' when absent); reading a name
 * that is not in `declared` (the action's INPUT_NAMES) fails the test.
 */
export function inputsOf<N extends string>(
  declared: readonly N[],
  values: Partial<Record<N, string>>,
): InputReader<N> {
  return new InputReader<N>((name) => {
    if (!(declared as readonly string[]).includes(name))
      throw new Error(`read input '${name}', which the action does not declare (${declared.join(', ')})`);
    return (values as Record<string, string | undefined>)[name] ?? '';
  });
}
