// generate action: the daily feature pipeline (synthetic rows per UTC date). Without `days` it catches
// up every day missed since the last generated one, at most `max-days`; the days beyond are reported.
import { core, eachDataset, input, output, runStage, summaryTable, workspace } from '../../lib/action-kit.js';
import { backfillCommands, DEFAULT_MAX_DAYS, dayRanges, rangeText } from '../../lib/daily-schedule.js';
import { DRIFT_SD_PER_DAY, MAX_ROWS_PER_DAY } from '../../lib/option-bounds.js';
import { type GenerateResult, generate, MAX_DAYS } from '../../lib/pipelines/generate.js';

await runStage(async () => {
  const ws = workspace();
  const specs = input.datasets(ws);
  const now = input.now();
  const date = input.date('date');
  const days = input.integer('days', { min: 1, max: MAX_DAYS });
  const maxDays = input.integer('max-days', { min: 1, max: MAX_DAYS }) ?? DEFAULT_MAX_DAYS;
  const rows = input.integer('rows', { min: 1, max: MAX_ROWS_PER_DAY });
  const sdPerDay = input.number('drift', DRIFT_SD_PER_DAY);
  const driftStart = input.date('drift-start');
  // Empty drift input: the spec decides; 0 turns drift off; otherwise drift from drift-start (or date).
  const drift =
    sdPerDay === undefined
      ? undefined
      : sdPerDay === 0
        ? null
        : { start: driftStart ?? date ?? now.toISOString().slice(0, 10), sdPerDay };

  const { results, failed } = await eachDataset<GenerateResult>(
    specs,
    (spec) => `generate ${spec.name}`,
    (spec) => {
      const r = generate(ws, spec, { now, date, days, maxDays, rows, drift });
      for (const d of r.dates)
        core.info(`${d.date}: ${d.skipped ? 'already generated, skipped' : `${d.added} rows`}`);
      return r;
    },
  );
  output('failed-datasets', failed.join(','));

  const made = (r: GenerateResult) => r.dates.filter((d) => !d.skipped).map((d) => d.date);
  const union = (dates: string[]) => [...new Set(dates)].sort();
  output(
    'rows-added',
    results.reduce((s, r) => s + r.added, 0),
  );
  output('rows-by-dataset', Object.fromEntries(results.map((r) => [r.dataset, r.added])));
  output('dates', union(results.flatMap(made)).join(','));
  output('missed', union(results.flatMap((r) => r.missed)).join(','));
  summaryTable(
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
  );
  // A run that made more than its own day caught up missed runs: say which days, one by one.
  const caughtUp = results.filter((r) => made(r).length > 1);
  if (days === undefined && caughtUp.length > 0) {
    core.summary.addHeading('Missed days made good', 4);
    core.summary.addList(caughtUp.map((r) => `${r.dataset}: ${made(r).join(', ')}`));
  }
  const bounded = results.filter((r) => r.missed.length > 0);
  if (bounded.length > 0) {
    core.summary.addHeading(`Days NOT made good (more than ${maxDays} days were missing)`, 4);
    const items: string[] = [];
    for (const r of bounded) {
      for (const range of dayRanges(r.missed)) {
        const fix = backfillCommands(r.dataset, range);
        const text = `${r.dataset}: ${rangeText(range)} — backfill with \`${fix.cli}\` (then commit) or \`${fix.dispatch}\``;
        items.push(text);
        core.warning(`${text.replaceAll('`', '')}`, { title: 'gitml generate: days not made good' });
      }
    }
    core.summary.addList(items.map(codeSpans));
  }
});

function span(dates: string[]): string {
  if (dates.length === 0) return '';
  return dates.length === 1 ? dates[0] : `${dates[0]} … ${dates[dates.length - 1]} (${dates.length} days)`;
}

/** The summary is HTML: backticked commands become <code> (they hold only names, dates and numbers). */
function codeSpans(text: string): string {
  return text.replace(/`([^`]*)`/g, '<code>$1</code>');
}
