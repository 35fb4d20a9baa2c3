// Reading a file whose path comes from outside (the inbox, a spec's source.file, a command-line argument):
// only a regular file inside the repository, never through a symbolic link. A pull request can add
// `inbox/iris/leak.csv -> /etc/passwd` or make a folder on the way a link; following it would read, and
// echo into annotations, a file outside the repository. Every path component from the repository root is
// checked with lstat, and the file is opened with O_NOFOLLOW | O_NONBLOCK (a FIFO must not block the job).
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/input-error.js';

/** The rule in every refusal; `within` names the folder files must be inside (by default the repository). */
const rule = (within = 'the repository') => `only regular files inside ${within} are read`;

/** What a non-regular file is, for messages. */
function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

const slash = (p: string) => p.split(path.sep).join('/');

/** lstat, or null when nothing is there. */
function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return null;
    throw err;
  }
}

export interface InputPath {
  /** Repository-relative, forward slashes: the name used in every message. */
  rel: string;
  /** lstat of the last component, or null when it does not exist. */
  stat: Stats | null;
}

/**
 * Checks `file` (absolute, or relative to root) against the rule: inside `root`, no component from root
 * down a symbolic link, every one before the last a directory. Whether the last is missing, a folder or
 * a file is the caller's question (see checkInputFile). Throws an InputError naming the file, the
 * offending component and the rule.
 */
export function checkInputPath(root: string, file: string, label?: string, within?: string): InputPath {
  const abs = path.resolve(root, file);
  const rel = slash(path.relative(root, abs));
  const name = label ?? (rel || '.');
  if (rel.startsWith('../') || rel === '..' || path.isAbsolute(rel)) {
    throw new InputError(
      `${name} is outside ${within ?? 'the repository'}; ${rule(within)} (copy it in first)`,
    );
  }
  const parts = rel === '' ? [] : rel.split('/');
  let at = root;
  let stat: Stats | null = lstatOrNull(root); // the root itself may be reached through a link: ours, not data
  for (const [i, part] of parts.entries()) {
    at = path.join(at, part);
    stat = lstatOrNull(at);
    if (stat === null) return { rel, stat: null };
    const shown = parts.slice(0, i + 1).join('/');
    const last = i === parts.length - 1;
    if (stat.isSymbolicLink() || (!last && !stat.isDirectory())) {
      const kind = stat.isFile() ? 'a file, not a folder' : kindOf(stat);
      throw new InputError(`${last ? name : `${name}: ${shown}`} is ${kind}; ${rule(within)}`);
    }
  }
  return { rel, stat };
}

/**
 * Checks that `file` is a regular file inside the repository (see checkInputPath) without reading it;
 * throws an InputError naming it: "<file>: file not found", "<file> is a symbolic link; only regular
 * files inside the repository are read", "… is a directory", "… is a named pipe (FIFO)".
 */
export function checkInputFile(root: string, file: string, label?: string, within?: string): string {
  const { rel, stat } = checkInputPath(root, file, label, within);
  const name = label ?? rel;
  if (stat === null) throw new InputError(`${name}: file not found`);
  if (!stat.isFile()) throw new InputError(`${name} is ${kindOf(stat)}; ${rule(within)}`);
  return name;
}

/** The bytes of a regular file inside the repository (see checkInputFile); nothing else is ever read. */
export function readInputFile(root: string, file: string, label?: string, within?: string): Buffer {
  const { fd } = openInputFile(root, file, label, within);
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens a regular file inside the repository for reading (see checkInputFile), for a reader that
 * streams it instead of holding it whole; the caller closes `fd`. `name` is how messages name it.
 */
export function openInputFile(
  root: string,
  file: string,
  label?: string,
  within?: string,
): { fd: number; name: string } {
  const name = checkInputFile(root, file, label, within);
  // The lstat walk gave the message; the open re-checks what is really opened (no link, no blocking).
  let fd: number;
  try {
    fd = openSync(path.resolve(root, file), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new InputError(`${name} is a symbolic link; ${rule(within)}`);
    if (code === 'ENOENT') throw new InputError(`${name}: file not found`);
    throw new InputError(`${name}: cannot be read (${code ?? (err as Error).message})`);
  }
  const opened = fstatSync(fd);
  if (!opened.isFile()) {
    closeSync(fd);
    throw new InputError(`${name} is ${kindOf(opened)}; ${rule(within)}`);
  }
  return { fd, name };
}

/** Like readInputFile, but null when the file does not exist (an optional file of the repository). */
export function readInputFileIfExists(root: string, file: string, label?: string): Buffer | null {
  const { stat } = checkInputPath(root, file, label);
  return stat === null ? null : readInputFile(root, file, label);
}
