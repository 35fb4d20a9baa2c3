// Reading a JSON file the pipeline wrote (a registry index, a model, a manifest, a journal): the one
// reader, so every such file that is missing, cut short or edited into nonsense is reported the same
// way — the file, what it holds, the problem and `git checkout` as the way out. Node-only.
import { readFileSync } from 'node:fs';
import { type ErrorOf, parseJsonText } from '../core/json.js';

/**
 * The parsed JSON of `file` (read from disk as given); `display` is the path the message names (the
 * repository-relative one), `what` says what the file holds ("registry index").
 */
export function readJsonFile(file: string, what: string, errorOf: ErrorOf, display = file): unknown {
  return parseJsonText(readText(file, display, what, errorOf), display, what, errorOf);
}

function readText(file: string, display: string, what: string, errorOf: ErrorOf): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw errorOf(`${display}: missing ${what}; restore it with git (git checkout -- ${display})`);
    throw errorOf(`${display}: cannot read ${what} (${code ?? (err as Error).message})`);
  }
}
