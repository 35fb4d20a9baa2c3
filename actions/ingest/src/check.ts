// One inbox file's outcome, and the pull-request comment that summarises a dry run.

import { markdownCode, markdownText } from '../../lib/core/untrusted-text.js';
import type { IngestResult } from '../../lib/pipelines/ingest.js';
import type { InboxFile } from './inbox.js';

export interface FileOutcome {
  file: InboxFile;
  result?: IngestResult;
  /** Why the file as a whole cannot be ingested (nothing of it is written). */
  error?: string;
  /** The line of the file the error is about, when it is about one. */
  line?: number;
}

const MAX_LISTED = 50;

export function checkCommentMarkdown(outcomes: FileOutcome[]): string {
  const lines = [
    '### Inbox check',
    '',
    '| file | dataset | rows accepted | rows that would be quarantined |',
    '| --- | --- | ---: | ---: |',
  ];
  for (const o of outcomes) {
    const what = o.result?.kind === 'labels' ? ' (late labels)' : '';
    lines.push(
      o.result?.alreadyIngested
        ? `| ${markdownCode(o.file.rel)} | ${markdownText(o.file.dataset)} | — | already ingested on ${markdownText(o.result.alreadyIngested.prior.ingestedAt)}: skipped on merge |`
        : o.result
          ? `| ${markdownCode(o.file.rel)} | ${markdownText(o.file.dataset)} | ${o.result.added}${what} | ${o.result.rejected.length} |`
          : `| ${markdownCode(o.file.rel)} | ${markdownText(o.file.dataset)} | — | cannot be ingested: ${markdownText(o.error ?? '')} |`,
    );
  }
  const rejected = outcomes.flatMap((o) => o.result?.rejected ?? []);
  if (rejected.length > 0) {
    lines.push('', '<details><summary>Rows that would be quarantined, and why</summary>', '');
    lines.push('| file | line | reason |', '| --- | ---: | --- |');
    for (const q of rejected.slice(0, MAX_LISTED))
      lines.push(`| ${markdownCode(q.origin)} | ${q.line} | ${markdownText(q.reason)} |`);
    if (rejected.length > MAX_LISTED)
      lines.push(`| … | | ${rejected.length - MAX_LISTED} more in the check's annotations |`);
    lines.push('', '</details>');
  }
  const failed = outcomes.filter((o) => o.error).length;
  lines.push(
    '',
    failed > 0
      ? `**${failed} file(s) cannot be ingested**: fix them before merging.`
      : 'On merge to the default branch the accepted rows are appended to the feature store, the quarantined ones to its `rejected.csv`, and the files leave the inbox in the same commit.',
  );
  return lines.join('\n');
}
