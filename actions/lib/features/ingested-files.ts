// The record of ingested files: data/<dataset>/v<N>/ingested.json maps the sha256 of every file ingested
// into the group to where it came from and when. Ingesting the same bytes again is skipped with a message
// (dropping a file twice is a mistake far more often than intended); --again (CLI) or `again: true`
// (ingest action) forces it. The record is written in the same atomic batch as the rows it accounts for,
// so a re-run after an interrupted ingest finds either both (and skips) or neither (and ingests once).
// Identical rows that arrive in different files are kept: rows carry no natural key but their id, and two
// observations with equal values are not evidence of a duplicate.

import { GitmlError } from '../core/gitml-error.js';
import { parseJsonText, stableStringify } from '../core/json.js';
import type { FileWrite } from '../files/atomic-write.js';
import type { FileSource } from '../platform/file-source.js';

export const INGESTED_FORMAT = 'gitml.ingested';
export const INGESTED_FILE = 'ingested.json';

export class IngestedFilesError extends GitmlError {
  override name = 'IngestedFilesError';
}

export interface IngestedEntry {
  /** The file's path as it was given (repository-relative when inside the repository). */
  file: string;
  ingestedAt: string;
  kind: 'rows' | 'labels';
}

export interface IngestedRecord {
  format: typeof INGESTED_FORMAT;
  formatVersion: 1;
  /** By sha256 of the file's bytes. */
  files: Record<string, IngestedEntry>;
}

/** The group's record (empty when nothing was ingested yet); `dir` is the group folder, repository-relative. */
export function readIngested(files: FileSource, dir: string): IngestedRecord {
  const where = `${dir}/${INGESTED_FILE}`;
  const bytes = files.readBytes(where);
  if (!bytes) return { format: INGESTED_FORMAT, formatVersion: 1, files: {} };
  const what = 'record of ingested files';
  // A file that parses but is not the record was edited by hand: the log shows what changed.
  const bad = (rule: string) =>
    new IngestedFilesError(
      `${where}: corrupt ${what}, ${rule}; restore it with git (git checkout -- ${where}; git log -p -- ${where} shows what changed)`,
    );
  const text = Buffer.from(bytes).toString('utf8');
  const r = parseJsonText(
    text,
    where,
    what,
    (m) => new IngestedFilesError(m),
  ) as Partial<IngestedRecord> | null;
  if (typeof r !== 'object' || r === null || r.format !== INGESTED_FORMAT)
    throw bad(`format must be '${INGESTED_FORMAT}'`);
  if (typeof r.files !== 'object' || r.files === null || Array.isArray(r.files))
    throw bad("'files' must be an object");
  for (const [sha, e] of Object.entries(r.files)) {
    if (!/^[0-9a-f]{64}$/.test(sha) || typeof e?.file !== 'string' || typeof e?.ingestedAt !== 'string')
      throw bad(`entry '${sha}' needs a sha256 key, a file and an ingestedAt`);
  }
  return r as IngestedRecord;
}

/** ingested.json with one more file (a forced re-ingest replaces the earlier entry: the latest counts). */
export function ingestedWrite(
  root: string,
  dir: string,
  record: IngestedRecord,
  sha256: string,
  entry: IngestedEntry,
): FileWrite {
  const next: IngestedRecord = { ...record, files: { ...record.files, [sha256]: entry } };
  return { path: `${root}/${dir}/${INGESTED_FILE}`, content: stableStringify(next) };
}

/** What a repeat says; `force` is how to force it from where the user is (--again, again: true). */
export function alreadyIngestedMessage(
  label: string,
  sha256: string,
  prior: IngestedEntry,
  force: string,
): string {
  const as = prior.file === label ? '' : ` as ${prior.file}`;
  return `${label} was already ingested on ${prior.ingestedAt}${as} (sha256 ${sha256}); use ${force} to ingest it again`;
}
