// The monitoring reports as committed at HEAD: alert issues follow committed data only, never a file the
// commit step left out or a run that failed before committing.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../../lib/files/workspace.js';
import {
  isMonitoringReport,
  MONITORING_FILE,
  type MonitoringReport,
} from '../../lib/monitoring/monitoring-types.js';
import { headCommit, isInsideWorkTree, showFileAt } from '../../lib/platform/git.js';

/**
 * A dataset's committed report (uncommitted: the working tree holds another version), why there is none,
 * or the error that makes it unreadable (that dataset fails; the others' issues are still kept in step).
 */
export type CommittedReport =
  | { report: MonitoringReport; uncommitted: boolean }
  | { dataset: string; why: string }
  | { dataset: string; error: string };

/** Datasets by name: a dataset whose dataset.yml is invalid still has its committed report followed. */
export function committedReports(ws: Workspace, specs: readonly { name: string }[]): CommittedReport[] {
  if (!isInsideWorkTree(ws.root) || headCommit(ws.root) === null) {
    throw new Error(
      `${ws.root} is not a git checkout with commits: the alerts step reads the committed reports, so run it after the commit step in a checked-out repository`,
    );
  }
  return specs.map((spec) => {
    try {
      return committedReport(ws, spec.name);
    } catch (err) {
      return { dataset: spec.name, error: (err as Error).message };
    }
  });
}

/** One dataset's committed report; throws when the committed file is not a readable report of it. */
function committedReport(ws: Workspace, name: string): CommittedReport {
  const rel = path.posix.join('reports', name, MONITORING_FILE);
  const text = showFileAt(ws.root, 'HEAD', rel);
  if (text === null)
    return { dataset: name, why: `no ${rel} is committed yet (the monitor step has not run for it)` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${rel} as committed at HEAD is not valid JSON (${(err as Error).message}): restore it from an earlier commit (git log -- ${rel}) and re-run the monitor step`,
    );
  }
  if (!isMonitoringReport(parsed))
    return {
      dataset: name,
      why: `${rel} holds no monitoring report yet (only the prediction log's manifest)`,
    };
  if (parsed.dataset !== name)
    throw new Error(`${rel} as committed is the report of dataset '${parsed.dataset}', not '${name}'`);
  // e.g. the commit step was given other paths: the caller says so rather than silently acting on older data.
  const onDisk = path.join(ws.root, rel);
  return { report: parsed, uncommitted: existsSync(onDisk) && readFileSync(onDisk, 'utf8') !== text };
}
