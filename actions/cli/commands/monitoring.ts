// Batch inference and monitoring commands: infer, monitor, report, daily.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMonitoringReport, MONITORING_FILE, type MonitoringReport } from '../../lib/monitoring-types.js';
import { generate } from '../../lib/pipelines/generate.js';
import { infer } from '../../lib/pipelines/infer.js';
import { inferShard, mergeInferShards } from '../../lib/pipelines/infer-shards.js';
import { monitor, writeMonitoring } from '../../lib/pipelines/monitor.js';
import { writeReports } from '../../lib/reports.js';
import { type Shard, shardText } from '../../lib/sharding.js';
import type { DatasetSpec } from '../../lib/spec.js';
import { type Command, type CommandContext, DATASET_OPTION, EXIT, intOpt, stringOpt } from '../command.js';
import { reportMissed } from './missed-days.js';
import { shardMode } from './shard-options.js';

const dataset = DATASET_OPTION;

function runInfer(ctx: CommandContext, spec: DatasetSpec): void {
  const r = infer(ctx.ws, spec, { now: ctx.now });
  ctx.out(
    `${spec.name}: predicted ${r.predicted} new row(s) with champion v${r.modelVersion}${r.actualsFilled ? `, filled ${r.actualsFilled} actual(s) that arrived` : ''}; log has ${r.total} rows, ${r.waitingForLabel} waiting for a label`,
  );
}

function runMonitor(ctx: CommandContext, spec: DatasetSpec): MonitoringReport {
  const r = monitor(ctx.ws, spec, { now: ctx.now, windowDays: intOpt(ctx, 'window') });
  writeMonitoring(ctx.ws, r);
  const acc =
    r.totals.accuracy === null
      ? 'no labelled predictions'
      : `accuracy ${(r.totals.accuracy * 100).toFixed(1)}% over ${r.totals.labelled}`;
  const drift = r.drift
    ? `drift ${r.drift.features.filter((f) => f.drifted).length}/${r.drift.features.length} features${r.drift.datasetDrift ? ' (DATASET DRIFT)' : ''}`
    : `drift skipped: ${r.driftSkipped}`;
  ctx.out(`${spec.name}: monitoring ${r.totals.predictions} predictions, ${acc}; ${drift}`);
  for (const a of r.alerts.filter((x) => x.active)) ctx.out(`  ALERT ${a.kind}: ${a.message}`);
  return r;
}

async function runReport(ctx: CommandContext, spec: DatasetSpec, report?: MonitoringReport): Promise<void> {
  const file = path.join(ctx.ws.reportsDir, spec.name, MONITORING_FILE);
  if (!report && !existsSync(file)) throw new Error(`${ctx.ws.rel(file)} not found: run monitor first`);
  const r: unknown = report ?? JSON.parse(readFileSync(file, 'utf8'));
  if (!isMonitoringReport(r))
    throw new Error(`${ctx.ws.rel(file)} holds no monitoring report yet: run monitor first`);
  const { files } = await writeReports(ctx.ws.reportsDir, r);
  ctx.out(
    `${spec.name}: report ${ctx.ws.rel(path.join(ctx.ws.reportsDir, spec.name, 'README.md'))} and ${files
      .filter((f) => f.endsWith('.svg'))
      .map((f) => path.basename(f))
      .join(', ')}`,
  );
}

function runShardedInfer(
  ctx: CommandContext,
  spec: DatasetSpec,
  shard: Shard | null,
  partials: string,
): void {
  if (shard) {
    const r = inferShard(ctx.ws, spec, { now: ctx.now, shard, partials });
    ctx.out(
      `${spec.name}: shard ${shardText(shard)} read ${r.months.length} month(s)${r.months.length ? ` (${r.months.join(', ')})` : ''}: predicted ${r.predicted} new row(s)${r.actualsFilled ? `, filled ${r.actualsFilled} actual(s)` : ''} → ${r.file}`,
    );
    return;
  }
  // The clock is checked against the shards' only when given: the predictions carry the shards' time.
  const r = mergeInferShards(ctx.ws, spec, { partials, now: stringOpt(ctx, 'now') ? ctx.now : undefined });
  ctx.out(
    `${spec.name}: merged shards: predicted ${r.predicted} new row(s) with champion v${r.modelVersion}${r.actualsFilled ? `, filled ${r.actualsFilled} actual(s) that arrived` : ''}; log has ${r.total} rows, ${r.waitingForLabel} waiting for a label`,
  );
}

export const inferCommand: Command = {
  name: 'infer',
  summary: 'Predict every new feature row with the champion and append to the ordered prediction log',
  usage:
    'infer [--dataset NAME|all]\n' +
    '       infer --shard i/n --partials DIR [--dataset NAME|all]   (predict the months of shard i of n into DIR)\n' +
    '       infer --merge --partials DIR [--dataset NAME|all]   (write all n shards into the log, as one infer would)',
  options: {
    ...dataset,
    shard: { type: 'string' },
    partials: { type: 'string' },
    merge: { type: 'boolean' },
  },
  run(ctx) {
    const sharded = shardMode(ctx);
    for (const spec of ctx.ws.selectDatasets(stringOpt(ctx, 'dataset')!)) {
      if (sharded) runShardedInfer(ctx, spec, sharded.shard, sharded.partials);
      else runInfer(ctx, spec);
    }
    return EXIT.ok;
  },
};

export const monitorCommand: Command = {
  name: 'monitor',
  summary: 'Recompute reports/<dataset>/monitoring.json: accuracy over time, confusion, drift, alerts',
  usage: 'monitor [--dataset NAME|all] [--window DAYS]',
  options: { ...dataset, window: { type: 'string' } },
  run(ctx) {
    for (const spec of ctx.ws.selectDatasets(stringOpt(ctx, 'dataset')!)) runMonitor(ctx, spec);
    return EXIT.ok;
  },
};

export const reportCommand: Command = {
  name: 'report',
  summary: 'Render the monitoring charts to SVG and write reports/<dataset>/README.md',
  usage: 'report [--dataset NAME|all]',
  options: { ...dataset },
  async run(ctx) {
    for (const spec of ctx.ws.selectDatasets(stringOpt(ctx, 'dataset')!)) await runReport(ctx, spec);
    return EXIT.ok;
  },
};

export const dailyCommand: Command = {
  name: 'daily',
  summary: 'The daily cycle for every dataset: generate → infer → monitor → report',
  usage:
    'daily [--dataset NAME|all] [--date YYYY-MM-DD] [--days N | --max-days N] [--rows N] [--window DAYS]\n' +
    '       (without --days: catch up every day since the last generated one, at most --max-days, default 31)',
  options: {
    ...dataset,
    date: { type: 'string' },
    days: { type: 'string' },
    'max-days': { type: 'string' },
    rows: { type: 'string' },
    window: { type: 'string' },
  },
  async run(ctx) {
    for (const spec of ctx.ws.selectDatasets(stringOpt(ctx, 'dataset')!)) {
      const g = generate(ctx.ws, spec, {
        now: ctx.now,
        date: stringOpt(ctx, 'date'),
        days: intOpt(ctx, 'days'),
        maxDays: intOpt(ctx, 'max-days'),
        rows: intOpt(ctx, 'rows'),
      });
      const made = g.dates.filter((d) => !d.skipped).map((d) => d.date);
      ctx.out(
        `${spec.name}: ${g.added} synthetic row(s) for ${made.length} day(s)${made.length > 1 ? ` (${made.join(', ')})` : ''}${g.dates.some((d) => d.skipped) ? `, ${g.dates.filter((d) => d.skipped).length} day(s) already done` : ''}`,
      );
      reportMissed(ctx, g);
      runInfer(ctx, spec);
      await runReport(ctx, spec, runMonitor(ctx, spec));
    }
    return EXIT.ok;
  },
};
