// The one base of every error gitml reports to a user: the message is the whole story (`where: what,
// rule, and the way out`); `at` is the file and line it is about, when there is one, so the CLI and the
// action annotate that spot without reading it back out of the message; `kind` is what went wrong in the
// terms of the exit codes (the CLI maps it to its documented codes, the action to its own), so no caller
// decides an exit code by testing error classes.

export interface ErrorLocation {
  /** The file as the user knows it (a path relative to the repository, or as given). */
  file: string;
  /** 1-based line of the file. */
  line: number;
}

/**
 * - `usage`: the command line or an action's inputs are wrong; nothing ran (CLI exit 64).
 * - `partial`: some work was written before a later part failed (CLI exit 3).
 * - `input`: an input file or row breaks a rule; nothing was written (exit 1).
 * - `failure`: anything else — corrupt or inconsistent repository files, git, a model; nothing was written (exit 1).
 */
export type ErrorKind = 'usage' | 'partial' | 'input' | 'failure';

export class GitmlError extends Error {
  override name = 'GitmlError';
  readonly at: ErrorLocation | undefined;
  readonly kind: ErrorKind;

  constructor(message: string, at?: ErrorLocation, kind: ErrorKind = 'failure') {
    super(message);
    this.at = at;
    this.kind = kind;
  }
}

/** An error's kind: a GitmlError's own, else `failure` (a JavaScript error is a bug, reported as exit 1). */
export function kindOf(err: unknown): ErrorKind {
  return err instanceof GitmlError ? err.kind : 'failure';
}

/** `<file> line <n>: <rule>` — the message of an error about one line of a file, with its location. */
export function lineMessage(file: string, line: number, rule: string): [string, ErrorLocation] {
  return [`${file} line ${line}: ${rule}`, { file, line }];
}
