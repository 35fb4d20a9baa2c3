// The ingest action's outputs and job summary, from each file's outcome (pure).

import { alreadyIngestedMessage } from '../../lib/features/ingested-files.js';
import type { IngestResult } from '../../lib/pipelines/ingest.js';
import {
  type ActionReport,
  PARTIAL_EXIT_CODE,
  type SummaryBlock,
  summaryTableBlock,
} from '../../lib/platform/action-kit.js';
import type { FileOutcome } from './check.js';

export function skippedMessage(r: IngestResult): string {
  const { sha256, prior } = r.alreadyIngested!;
  return alreadyIngestedMessage(r.file, sha256, prior, "input 'again: true'");
}

/** The error line of a partial run: the set-aside datasets' files wait for their dataset.yml. */
export function partialText(setAside: readonly FileOutcome[], dryRun: boolean, exitCode: number): string {
  const datasets = [...new Set(setAside.map((o) => o.file.dataset))].join(', ');
  return `partial: the files of ${datasets} stay in the inbox until its dataset.yml is fixed; the others were ${dryRun ? 'checked' : 'ingested'} — exit code ${exitCode}`;
}

export interface IngestOutcomes {
  /** Every file's outcome, sorted by path (the set-aside files included). */
  outcomes: FileOutcome[];
  /** Files that cannot be ingested (nothing was written). */
  failed: FileOutcome[];
  /** Files of datasets whose dataset.yml is invalid (they stay in the inbox). */
  setAside: FileOutcome[];
  found: number;
  /** Files whose dataset's spec could be read. */
  checked: number;
  dryRun: boolean;
  /** The pull-request comment GitHub refused, shown in the summary instead; null when posted or none. */
  comment: string | null;
}

export function ingestReport(o: IngestOutcomes): ActionReport {
  const { outcomes, failed, setAside, dryRun } = o;
  const ok = outcomes.filter((x) => x.result);
  const byDataset: Record<string, number> = {};
  for (const x of ok) byDataset[x.file.dataset] = (byDataset[x.file.dataset] ?? 0) + x.result!.added;
  const summary: SummaryBlock[] = [
    summaryTableBlock(
      dryRun ? 'Inbox check (dry run)' : 'Ingest',
      [
        'file',
        'dataset',
        dryRun ? 'rows accepted' : 'rows added',
        dryRun ? 'would be quarantined' : 'quarantined',
      ],
      outcomes.map((x) =>
        x.result?.alreadyIngested
          ? [x.file.rel, x.file.dataset, 0, `skipped: ${skippedMessage(x.result)}`]
          : x.result
            ? [x.file.rel, x.file.dataset, x.result.added, x.result.rejected.length]
            : [x.file.rel, x.file.dataset, '—', `cannot be ingested: ${x.error}`],
      ),
    ),
  ];
  if (o.comment !== null) summary.push({ kind: 'html', html: `\n${o.comment}\n` });
  const setAsideDatasets = [...new Set(setAside.map((x) => x.file.dataset))];
  const report: ActionReport = {
    outputs: {
      'rows-added': ok.reduce((s, x) => s + x.result!.added, 0),
      'rows-by-dataset': byDataset,
      quarantined: ok.reduce((s, x) => s + x.result!.rejected.length, 0),
      'failed-files': failed.length + setAside.length,
      'failed-datasets': setAsideDatasets.join(','),
      'skipped-files': ok.filter((x) => x.result!.alreadyIngested).length,
      files: outcomes.map((x) => ({
        file: x.file.rel,
        dataset: x.file.dataset,
        ...(x.result
          ? {
              kind: x.result.kind,
              added: x.result.added,
              quarantined: x.result.rejected.length,
              ...(x.result.alreadyIngested ? { skipped: skippedMessage(x.result) } : {}),
            }
          : { error: x.error }),
      })),
    },
    summary,
  };
  if (failed.length > 0)
    return {
      ...report,
      failure: `${failed.length + setAside.length} of ${o.found} file(s) cannot be ingested${dryRun ? '' : '; nothing was written'}: ${[...failed, ...setAside].map((x) => x.file.rel).join(', ')}`,
    };
  if (setAside.length > 0 && o.checked === 0)
    return {
      ...report,
      failure: `every file's dataset has an invalid dataset.yml (${setAsideDatasets.join(', ')}): nothing was ingested`,
    };
  return setAside.length > 0 ? { ...report, exitCode: PARTIAL_EXIT_CODE } : report;
}
