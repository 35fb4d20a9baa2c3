// The one base of every error gitml reports to a user: the message is the whole story (`where: what,
// rule, and the way out`); `at` is the file and line it is about, when there is one, so the CLI and the
// action annotate that spot without reading it back out of the message.
export interface ErrorLocation {
  /** The file as the user knows it (a path relative to the repository, or as given). */
  file: string;
  /** 1-based line of the file. */
  line: number;
}

export class GitmlError extends Error {
  override name = 'GitmlError';
  readonly at: ErrorLocation | undefined;

  constructor(message: string, at?: ErrorLocation) {
    super(message);
    this.at = at;
  }
}

/** `<file> line <n>: <rule>` — the message of an error about one line of a file, with its location. */
export function lineMessage(file: string, line: number, rule: string): [string, ErrorLocation] {
  return [`${file} line ${line}: ${rule}`, { file, line }];
}
