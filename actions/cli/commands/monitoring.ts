// Batch inference and monitoring commands: infer, monitor, report, daily.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { errorText } from '../../lib/charts/regression-values.js';
import { percent } from '../../lib/core/format.js';
import { readJsonFile } from '../../lib/files/read-json.js';
import {
  isMonitoringReport,
  MONITORING_FILE,
  type MonitoringReport,
} from '../../lib/monitoring/monitoring-types.js';
import { DEFAULT_MAX_DAYS } from '../../lib/pipelines/daily-schedule.js';
import { generate } from '../../lib/pipelines/generate.js';
import { infer } from '../../lib/pipelines/infer.js';
import { monitor, writeMonitoring } from '../../lib/pipelines/monitor.js';
import { WINDOW_DAYS } from '../../lib/pipelines/options.js';
import { inferShard } from '../../lib/pipelines/shards/infer-shard.js';
import { mergeInferShards } from '../../lib/pipelines/shards/merge-infer.js';
import { type Shard, shardText } from '../../lib/pipelines/shards/plan.js';
import { writeReports } from '../../lib/reports/reports.js';
import type { DatasetSpec } from '../../lib/spec/spec.js';
import {
  afterWritten,
  type Command,
  type CommandContext,
  DATASET_OPTION,
  EXIT,
  intOpt,
  perDataset,
  selectedDatasets,
  stringOpt,
} from '../command.js';
import { generateOptions } from './data.js';
import { reportMissed } from './missed-days.js';
import { shardMode } from './shard-options.js';

const dataset = DATASET_OPTION;

/** Returns how many log rows it wrote (predictions and actuals). */
function runInfer(ctx: CommandContext, spec: DatasetSpec): number {
  const r = infer(ctx.ws, spec, { now: ctx.now });
  ctx.out(
    `${spec.name}: predicted ${r.predicted} new row(s) with champion v${r.modelVersion}${r.actualsFilled ? `, filled ${r.actualsFilled} actual(s) that arrived` : ''}; log has ${r.total} rows, ${r.waitingForLabel} waiting for a label`,
  );
  return r.predicted + r.actualsFilled;
}

function windowOpt(ctx: CommandContext): number | undefined {
  return intOpt(ctx, 'window', WINDOW_DAYS);
}

function runMonitor(ctx: CommandContext, spec: DatasetSpec): MonitoringReport {
  const r = monitor(ctx.ws, spec, { now: ctx.now, windowDays: windowOpt(ctx) });
  writeMonitoring(ctx.ws, r);
  const live = r.regression?.live;
  const acc = live
    ? live.mae === null
      ? `no labelled predictions in the last ${live.days} days`
      : `MAE ${errorText(r, live.mae)} over ${live.labelled} in the last ${live.days} days`
    : r.totals.accuracy === null
      ? 'no labelled predictions'
      : `accuracy ${percent(r.totals.accuracy)} over ${r.totals.labelled}`;
  const drift = r.drift
    ? `drift ${r.drift.features.filter((f) => f.drifted).length}/${r.drift.features.length} features${r.drift.datasetDrift ? ' (DATASET DRIFT)' : ''}`
    : `drift skipped: ${r.driftSkipped}`;
  ctx.out(`${spec.name}: monitoring ${r.totals.predictions} predictions, ${acc}; ${drift}`);
  for (const a of r.alerts.filter((x) => x.active)) ctx.out(`  ALERT ${a.kind}: ${a.message}`);
  return r;
}

async function runReport(ctx: CommandContext, spec: DatasetSpec, report?: MonitoringReport): Promise<void> {
  const r = report ?? readMonitoringReport(ctx, spec);
  const { files } = await writeReports(ctx.ws.reportsDir, r);
  ctx.out(
    `${spec.name}: report ${ctx.ws.rel(path.join(ctx.ws.reportsDir, spec.name, 'README.md'))} and ${files
      .filter((f) => f.endsWith('.svg'))
      .map((f) => path.basename(f))
      .join(', ')}`,
  );
}

/**
 * reports/<dataset>/monitoring.json, checked. It also lists the prediction log's partitions, so once the
 * log exists it cannot be rebuilt by monitor: a missing, empty or truncated file is restored from git.
 */
function readMonitoringReport(ctx: CommandContext, spec: DatasetSpec): MonitoringReport {
  const dir = path.join(ctx.ws.reportsDir, spec.name);
  const file = path.join(dir, MONITORING_FILE);
  const where = ctx.ws.rel(file);
  const hasLog = existsSync(dir) && readdirSync(dir).some((f) => /^predictions-.*\.csv$/.test(f));
  const restore = `restore it with git (git checkout -- ${where})${hasLog ? '' : ', or run infer and monitor to make it'}`;
  if (!existsSync(file)) {
    if (!hasLog) throw new Error(`${where} not found: run infer and monitor first`);
    throw new Error(
      `${where} not found, but the prediction log is there (it lists the log's files, so monitor cannot rebuild it): ${restore}`,
    );
  }
  const r = readJsonFile(file, 'monitoring report', (m) => new Error(m), where);
  // Infer writes just the log entry: a file without the report is one monitor has not filled in yet.
  if (!isMonitoringReport(r)) {
    if (r !== null && typeof r === 'object' && 'log' in r)
      throw new Error(`${where} holds no monitoring report yet: run monitor first`);
    throw new Error(`${where} holds no monitoring report: ${restore}`);
  }
  return r;
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
    return perDataset(ctx, selectedDatasets(ctx), (spec) => {
      if (sharded) runShardedInfer(ctx, spec, sharded.shard, sharded.partials);
      else runInfer(ctx, spec);
      return EXIT.ok;
    });
  },
};

export const monitorCommand: Command = {
  name: 'monitor',
  summary: 'Recompute reports/<dataset>/monitoring.json: accuracy over time, confusion, drift, alerts',
  usage: 'monitor [--dataset NAME|all] [--window DAYS]',
  options: { ...dataset, window: { type: 'string' } },
  run(ctx) {
    windowOpt(ctx);
    return perDataset(ctx, selectedDatasets(ctx), (spec) => {
      runMonitor(ctx, spec);
      return EXIT.ok;
    });
  },
};

export const reportCommand: Command = {
  name: 'report',
  summary: 'Render the monitoring charts to SVG and write reports/<dataset>/README.md',
  usage: 'report [--dataset NAME|all]',
  options: { ...dataset },
  run(ctx) {
    return perDataset(ctx, selectedDatasets(ctx), async (spec) => {
      await runReport(ctx, spec);
      return EXIT.ok;
    });
  },
};

export const dailyCommand: Command = {
  name: 'daily',
  summary: 'The daily cycle for every dataset: generate → infer → monitor → report',
  usage:
    'daily [--dataset NAME|all] [--date YYYY-MM-DD] [--days N | --max-days N] [--rows N] [--window DAYS]\n' +
    `       (without --days: catch up every day since the last generated one, at most --max-days, default ${DEFAULT_MAX_DAYS})`,
  options: {
    ...dataset,
    date: { type: 'string' },
    days: { type: 'string' },
    'max-days': { type: 'string' },
    rows: { type: 'string' },
    window: { type: 'string' },
  },
  run(ctx) {
    const options = generateOptions(ctx);
    windowOpt(ctx);
    return perDataset(ctx, selectedDatasets(ctx), async (spec) => {
      const g = generate(ctx.ws, spec, options);
      const made = g.dates.filter((d) => !d.skipped).map((d) => d.date);
      ctx.out(
        `${spec.name}: ${g.added} synthetic row(s) for ${made.length} day(s)${made.length > 1 ? ` (${made.join(', ')})` : ''}${g.dates.some((d) => d.skipped) ? `, ${g.dates.filter((d) => d.skipped).length} day(s) already done` : ''}`,
      );
      reportMissed(ctx, g);
      // Each step writes its own files: after a later step fails, the earlier steps' files stay (they are
      // right, and the re-run skips them); the exit code and the message say which were written.
      const written: string[] = g.added ? ['generate'] : [];
      const step = async (name: string, run: () => Promise<boolean> | boolean) => {
        const wrote = written.length ? await afterWritten(written.join(' and '), run) : await run();
        if (wrote) written.push(name);
      };
      await step('infer', () => runInfer(ctx, spec) > 0);
      let report: MonitoringReport | undefined;
      await step('monitor', () => {
        report = runMonitor(ctx, spec);
        return true;
      });
      await step('report', async () => {
        await runReport(ctx, spec, report);
        return true;
      });
      return EXIT.ok;
    });
  },
};
