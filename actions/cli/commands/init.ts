// init: a new dataset from a CSV — infers data/<name>/dataset.yml and copies the file beside it.
import { type InitResult, initDataset } from '../../lib/spec/init/init-dataset.js';
import { type Command, EXIT, stringOpt, UsageError } from '../command.js';

export const initCommand: Command = {
  name: 'init',
  summary: 'Start a dataset from a CSV file: infer data/<name>/dataset.yml and copy the file as its source',
  usage:
    'init FILE.csv [--name NAME] [--label COLUMN] [--key COLUMN] [--time COLUMN] [--title TEXT] [--force] [--no-header]',
  options: {
    name: { type: 'string' },
    label: { type: 'string' },
    key: { type: 'string' },
    time: { type: 'string' },
    title: { type: 'string' },
    force: { type: 'boolean' },
    'no-header': { type: 'boolean' },
  },
  run(ctx) {
    if (ctx.positionals.length !== 1)
      throw new UsageError(
        ctx.positionals.length === 0
          ? 'init needs the CSV file: gitml init FILE.csv'
          : `init takes one CSV file, got ${ctx.positionals.length}`,
      );
    const r = initDataset(ctx.ws, {
      file: ctx.positionals[0],
      name: stringOpt(ctx, 'name'),
      label: stringOpt(ctx, 'label'),
      key: stringOpt(ctx, 'key'),
      time: stringOpt(ctx, 'time'),
      title: stringOpt(ctx, 'title'),
      force: ctx.values.force === true,
      noHeader: ctx.values['no-header'] === true,
      now: ctx.now,
      progress: ctx.err ?? ctx.out,
    });
    for (const line of decisionsTable(r)) ctx.out(line);
    return EXIT.ok;
  },
};

/** What init decided, one line per column in file order, then what to do next. */
export function decisionsTable(r: InitResult): string[] {
  const { plan } = r;
  const rows: [string, string, string][] = [];
  const byHeader = new Map<string, [string, string]>();
  byHeader.set(plan.label.header, [
    plan.label.type === 'numeric'
      ? 'label, a number (regression)'
      : `label, ${plan.label.classes.length} classes`,
    plan.label.why,
  ]);
  if (plan.key) byHeader.set(plan.key.header, ['primary key', plan.key.why]);
  if (plan.time) byHeader.set(plan.time.header, ['event time', plan.time.why]);
  for (const f of plan.features)
    byHeader.set(f.header, [
      `${f.type} ${f.name}${f.missingFlag ? ` + ${f.missingFlag}` : ''}${f.group ? ` [${f.group}]` : ''}`,
      f.why,
    ]);
  for (const d of plan.dropped) byHeader.set(d.header, ['dropped', d.why]);
  for (const [header, [becomes, why]] of byHeader) rows.push([header, becomes, why]);
  const order = new Map(r.plan.order.map((h, i) => [h, i]));
  rows.sort((a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0));
  const w0 = Math.max(6, ...rows.map((x) => x[0].length));
  const w1 = Math.max(7, ...rows.map((x) => x[1].length));
  return [
    `init: wrote ${r.specFile} and ${r.sourceFile} (${r.rows} rows, ${r.columns} columns)`,
    ...r.reading.map((l) => `  ${l}`),
    '',
    `  ${'column'.padEnd(w0)}  ${'becomes'.padEnd(w1)}  because`,
    ...rows.map(([h, b, why]) => `  ${h.padEnd(w0)}  ${b.padEnd(w1)}  ${why}`),
    ...plan.notes.map((n) => `note: ${n}`),
    ...(r.staleGroup
      ? [`note: data/${r.name}/v1 was backfilled from the old spec: use backfill --new-version`]
      : []),
    '',
    'next:',
    `  npm run cli -- backfill -d ${r.name}${r.staleGroup ? ' --new-version' : ''}`,
    `  npm run cli -- train -d ${r.name}`,
  ];
}
