// The generate action's outputs and job summary, from each dataset's result (pure).

import { backfillCommands, dayRanges, rangeText } from '../../lib/pipelines/daily-schedule.js';
import type { GenerateResult } from '../../lib/pipelines/generate.js';
import {
  type ActionReport,
  type EachDatasetResult,
  type SummaryBlock,
  summaryTableBlock,
} from '../../lib/platform/action-kit.js';
import type { GenerateInputs } from './inputs.js';

const made = (r: GenerateResult) => r.dates.filter((d) => !d.skipped).map((d) => d.date);
const union = (dates: string[]) => [...new Set(dates)].sort();

/** Each range of days a run could not make good (more than max-days were missing), with its fix. */
export function notMadeGood(results: readonly GenerateResult[]): string[] {
  return results.flatMap((r) =>
    dayRanges(r.missed).map((range) => {
      const fix = backfillCommands(r.dataset, range);
      return `${r.dataset}: ${rangeText(range)} — backfill with \`${fix.cli}\` (then commit) or \`${fix.dispatch}\``;
    }),
  );
}

export function generateReport(
  { results, failed, summary, exitCode }: EachDatasetResult<GenerateResult>,
  { days, maxDays }: Pick<GenerateInputs, 'days' | 'maxDays'>,
): ActionReport {
  const blocks: SummaryBlock[] = [
    ...summary,
    summaryTableBlock(
      'Daily features',
      ['dataset', 'dates', 'rows added', 'ids', 'already generated'],
      results.map((r) => {
        const skipped = r.dates.filter((d) => d.skipped).map((d) => d.date);
        return [
          r.dataset,
          span(made(r)),
          r.added,
          r.firstId === null ? '—' : `${r.firstId}–${r.lastId}`,
          span(skipped) || '—',
        ];
      }),
    ),
  ];
  // A run that made more than its own day caught up missed runs: say which days, one by one.
  const caughtUp = results.filter((r) => made(r).length > 1);
  if (days === undefined && caughtUp.length > 0)
    blocks.push(
      { kind: 'heading', text: 'Missed days made good', level: 4 },
      { kind: 'list', items: caughtUp.map((r) => `${r.dataset}: ${made(r).join(', ')}`) },
    );
  const missed = notMadeGood(results);
  if (missed.length > 0)
    blocks.push(
      { kind: 'heading', text: `Days NOT made good (more than ${maxDays} days were missing)`, level: 4 },
      { kind: 'html-list', items: missed.map(codeSpans) },
    );
  return {
    outputs: {
      'failed-datasets': failed.join(','),
      'rows-added': results.reduce((s, r) => s + r.added, 0),
      'rows-by-dataset': Object.fromEntries(results.map((r) => [r.dataset, r.added])),
      dates: union(results.flatMap(made)).join(','),
      missed: union(results.flatMap((r) => r.missed)).join(','),
    },
    summary: blocks,
    exitCode,
  };
}

function span(dates: string[]): string {
  if (dates.length === 0) return '';
  return dates.length === 1 ? dates[0] : `${dates[0]} … ${dates[dates.length - 1]} (${dates.length} days)`;
}

/** The summary is HTML: backticked commands become <code> (they hold only names, dates and numbers). */
function codeSpans(text: string): string {
  return text.replace(/`([^`]*)`/g, '<code>$1</code>');
}
