// The quarantine, data/<dataset>/v<N>/rejected.csv: every row (or late label) the store refused, with
// when, where from and why, appended to and never rewritten, so nothing is dropped silently. Node-only.
import { stringify } from 'csv-stringify/sync';
import type { FileSource } from '../platform/file-source.js';
import { FeatureGroupError } from './group-error.js';
import { brokenRejectedFile } from './group-integrity.js';

export interface RejectedRow {
  detectedAt: string;
  origin: string;
  line: number;
  reason: string;
  record: Record<string, string>;
}

const REJECTED_COLUMNS = ['detected_at', 'origin', 'line', 'reason', 'record'];

/**
 * rejected.csv after `quarantined` are appended (its header alone when the group has none yet); null
 * when there is nothing to write. The file as it is must hold the `recorded` rows countsFile says.
 */
export function rejectedFileText(
  files: FileSource,
  dir: string,
  quarantined: readonly RejectedRow[],
  recorded: number,
  countsFile: string,
): { path: string; text: string } | null {
  const path = `${dir}/rejected.csv`;
  const old = files.readBytes(path);
  if (quarantined.length === 0 && old) return null;
  const prefix = old ? Buffer.from(old).toString('utf8') : stringify([REJECTED_COLUMNS]);
  const broken = old ? brokenRejectedFile(path, prefix, REJECTED_COLUMNS, recorded, countsFile) : null;
  if (broken) throw new FeatureGroupError(broken);
  const body = quarantined.length
    ? stringify(
        quarantined.map((q) => [q.detectedAt, q.origin, String(q.line), q.reason, JSON.stringify(q.record)]),
      )
    : '';
  return { path, text: prefix + body };
}
