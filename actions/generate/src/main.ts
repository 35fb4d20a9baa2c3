// generate action: the daily feature pipeline (synthetic rows per UTC date).
import { core, input, output, runAction, summaryTable, workspace } from '../../lib/action-kit.js';
import { type GenerateResult, generate } from '../../lib/pipelines/generate.js';

await runAction(async () => {
  const ws = workspace();
  const specs = input.datasets(ws);
  const now = input.now();
  const date = input.date('date');
  const days = input.integer('days', { min: 1, max: 3660 });
  const rows = input.integer('rows', { min: 1 });
  const sdPerDay = input.number('drift');
  const driftStart = input.date('drift-start');
  // Empty drift input: the spec decides; 0 turns drift off; otherwise drift from drift-start (or date).
  const drift =
    sdPerDay === undefined
      ? undefined
      : sdPerDay === 0
        ? null
        : { start: driftStart ?? date ?? now.toISOString().slice(0, 10), sdPerDay };

  const results: GenerateResult[] = [];
  for (const spec of specs) {
    results.push(
      await core.group(`generate ${spec.name}`, async () => {
        const r = generate(ws, spec, { now, date, days, rows, drift });
        for (const d of r.dates)
          core.info(`${d.date}: ${d.skipped ? 'already generated, skipped' : `${d.added} rows`}`);
        return r;
      }),
    );
  }

  const dates = [
    ...new Set(results.flatMap((r) => r.dates.filter((d) => !d.skipped).map((d) => d.date))),
  ].sort();
  output(
    'rows-added',
    results.reduce((s, r) => s + r.added, 0),
  );
  output('rows-by-dataset', Object.fromEntries(results.map((r) => [r.dataset, r.added])));
  output('dates', dates.join(','));
  summaryTable(
    'Daily features',
    ['dataset', 'dates', 'rows added', 'ids', 'already generated'],
    results.map((r) => {
      const made = r.dates.filter((d) => !d.skipped).map((d) => d.date);
      const skipped = r.dates.filter((d) => d.skipped).map((d) => d.date);
      return [
        r.dataset,
        span(made),
        r.added,
        r.firstId === null ? '—' : `${r.firstId}–${r.lastId}`,
        span(skipped) || '—',
      ];
    }),
  );
});

function span(dates: string[]): string {
  if (dates.length === 0) return '';
  return dates.length === 1 ? dates[0] : `${dates[0]} … ${dates[dates.length - 1]} (${dates.length} days)`;
}
