// Data-layer commands: backfill, generate, ingest, stats, show.

import path from 'node:path';
import { stableStringify } from '../../lib/core/json.js';
import { isoFromMs } from '../../lib/core/time.js';
import { FeatureGroup } from '../../lib/features/feature-group.js';
import { SOURCE_CODE, SOURCES, valueText } from '../../lib/features/feature-table.js';
import {
  anyGeneratorReport,
  type GeneratorReport,
  generatorReportLines,
  type RegressionGeneratorReport,
} from '../../lib/features/generator-report.js';
import { alreadyIngestedMessage } from '../../lib/features/ingested-files.js';
import { computeStats } from '../../lib/features/stats.js';
import { specOf } from '../../lib/files/workspace.js';
import { backfill } from '../../lib/pipelines/backfill.js';
import { DEFAULT_MAX_DAYS } from '../../lib/pipelines/daily-schedule.js';
import { generate } from '../../lib/pipelines/generate.js';
import { ingest } from '../../lib/pipelines/ingest.js';
import { DAYS, drift, lastDate, ROWS, SEED } from '../../lib/pipelines/options.js';
import { fileSourceAsOf } from '../../lib/platform/file-source.js';
import {
  asOfOpt,
  type Command,
  type CommandContext,
  DATASET_OPTION,
  dateOpt,
  EXIT,
  intOpt,
  perDataset,
  selectedDatasets,
  stringOpt,
  UsageError,
} from '../command.js';
import { reportMissed } from './missed-days.js';

const dataset = DATASET_OPTION;

export const backfillCommand: Command = {
  name: 'backfill',
  summary: 'Build each feature group from its raw source file (idempotent)',
  usage: 'backfill [--dataset NAME|all] [--new-version]',
  options: { ...dataset, 'new-version': { type: 'boolean' } },
  run(ctx) {
    return perDataset(ctx, selectedDatasets(ctx), (spec) => {
      const r = backfill(ctx.ws, spec, { now: ctx.now, newVersion: ctx.values['new-version'] === true });
      if (r.skipped) ctx.out(`${spec.name}: nothing to do, ${r.skipped}`);
      else
        ctx.out(`${spec.name}: v${r.version} backfilled, ${r.added} rows, ${r.rejected.length} quarantined`);
      for (const q of r.rejected) ctx.out(`  quarantined ${q.origin} line ${q.line}: ${q.reason}`);
      return r.rejected.length ? EXIT.quarantined : EXIT.ok;
    });
  },
};

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Add synthetic daily rows from a generator fitted to the real rows',
  usage:
    'generate [--dataset NAME|all] [--date YYYY-MM-DD] [--days N | --max-days N] [--rows N] [--drift SD_PER_DAY] [--drift-start YYYY-MM-DD]\n' +
    `       (without --days: catch up every day since the last generated one, at most --max-days, default ${DEFAULT_MAX_DAYS})\n` +
    '       generate --report [--dataset NAME|all] [--seed N] [--json]\n' +
    '       (writes nothing: how far generated rows are from real ones — two-sample AUC, KS, correlations, accuracy or, for a numeric label, MAE)',
  options: {
    ...dataset,
    date: { type: 'string' },
    days: { type: 'string' },
    'max-days': { type: 'string' },
    rows: { type: 'string' },
    drift: { type: 'string' },
    'drift-start': { type: 'string' },
    report: { type: 'boolean' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  },
  run(ctx) {
    if (ctx.values.report === true) return generateReport(ctx);
    for (const name of ['seed', 'json'])
      if (ctx.values[name] !== undefined) throw new UsageError(`--${name} goes with --report`);
    const options = generateOptions(ctx);
    const raw = { drift: stringOpt(ctx, 'drift'), driftStart: stringOpt(ctx, 'drift-start') };
    const demoDrift = drift(raw, { date: options.date, now: ctx.now });
    return perDataset(ctx, selectedDatasets(ctx), (spec) => {
      const r = generate(ctx.ws, spec, { ...options, drift: demoDrift });
      const skipped = r.dates.filter((d) => d.skipped).map((d) => d.date);
      ctx.out(
        `${spec.name}: ${r.added} synthetic rows for ${r.dates.length - skipped.length} day(s)` +
          (r.firstId !== null ? ` (ids ${r.firstId}–${r.lastId})` : '') +
          (skipped.length
            ? `; skipped ${skipped.length} day(s) that already had rows (${skipped[0]}${skipped.length > 1 ? ` … ${skipped[skipped.length - 1]}` : ''})`
            : ''),
      );
      reportMissed(ctx, r);
      return EXIT.ok;
    });
  },
};

/** `generate --report`: the generator's realism figures per dataset; reads only. */
async function generateReport(ctx: CommandContext): Promise<number> {
  for (const name of ['date', 'days', 'max-days', 'rows', 'drift', 'drift-start'])
    if (ctx.values[name] !== undefined) throw new UsageError(`--${name} does not go with --report`);
  const seed = intOpt(ctx, 'seed', SEED) ?? 42;
  const json: Record<string, GeneratorReport | RegressionGeneratorReport> = {};
  const code = await perDataset(ctx, selectedDatasets(ctx).map(specOf), (spec) => {
    const table = FeatureGroup.open(ctx.ws, spec).read();
    const r = anyGeneratorReport(spec, table, (i) => table.sources[i] !== SOURCE_CODE.synthetic, { seed });
    if (ctx.values.json) json[spec.name] = r;
    else for (const line of generatorReportLines(r)) ctx.out(line);
    return EXIT.ok;
  });
  if (ctx.values.json) ctx.out(stableStringify(json));
  return code;
}

/** The options generate and daily share, checked before any work: --date, --days, --max-days, --rows. */
export function generateOptions(ctx: CommandContext) {
  const given = dateOpt(ctx, 'date');
  const date = given === undefined ? undefined : lastDate(given, ctx.now);
  const days = intOpt(ctx, 'days', DAYS);
  const maxDays = intOpt(ctx, 'max-days', DAYS);
  return { now: ctx.now, date, days, maxDays, rows: intOpt(ctx, 'rows', ROWS) };
}

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'Append real rows from a CSV file through validation (bad rows are quarantined)',
  usage: 'ingest --dataset NAME FILE.csv [--dry-run] [--again]',
  options: {
    dataset: { type: 'string', short: 'd' },
    'dry-run': { type: 'boolean' },
    again: { type: 'boolean' },
  },
  run(ctx) {
    const name = stringOpt(ctx, 'dataset');
    if (!name || name === 'all') throw new UsageError('ingest needs --dataset NAME (one dataset)');
    const file = ctx.positionals[0];
    if (!file) throw new UsageError('ingest needs a CSV file');
    const spec = ctx.ws.loadSpec(name);
    const abs = path.resolve(file);
    const label = displayPath(ctx.ws.root, abs);
    const r = ingest(ctx.ws, spec, abs, {
      now: ctx.now,
      dryRun: ctx.values['dry-run'] === true,
      label,
      // Inside the repository every folder on the way is checked; a file the user names elsewhere must
      // itself be a regular file (not a link, a FIFO or a folder).
      within: label === abs ? { dir: path.dirname(abs), name: 'its folder' } : undefined,
      again: ctx.values.again === true,
    });
    if (r.alreadyIngested) {
      const { sha256, prior } = r.alreadyIngested;
      ctx.out(`${spec.name}: ${alreadyIngestedMessage(r.file, sha256, prior, '--again')}`);
      return EXIT.ok;
    }
    ctx.out(
      `${spec.name}: ${r.dryRun ? 'would add' : 'added'} ${r.added} ${r.kind === 'labels' ? 'late labels' : 'rows'} from ${r.file}, ${r.rejected.length} ${r.dryRun ? 'would be ' : ''}quarantined`,
    );
    for (const q of r.rejected) ctx.out(`  ${q.origin} line ${q.line}: ${q.reason}`);
    return r.rejected.length ? EXIT.quarantined : EXIT.ok;
  },
};

export const statsCommand: Command = {
  name: 'stats',
  summary: "Print a feature group's schema, size and statistics (optionally as of a revision or date)",
  usage: 'stats [--dataset NAME|all] [--as-of REV|YYYY-MM-DD] [--json]',
  options: { ...dataset, 'as-of': { type: 'string' }, json: { type: 'boolean' } },
  run(ctx) {
    const files = fileSourceAsOf(ctx.ws.root, asOfOpt(ctx));
    return perDataset(ctx, selectedDatasets(ctx), (spec) => {
      const fg = FeatureGroup.open(ctx.ws, spec, { files });
      const stats = computeStats(fg.read(), fg.meta.features, fg.meta.label);
      if (ctx.values.json) {
        ctx.out(
          JSON.stringify(
            { dataset: spec.name, version: fg.meta.version, at: files.description, stats },
            null,
            2,
          ),
        );
        return EXIT.ok;
      }
      ctx.out(
        `${spec.name} v${fg.meta.version} (${files.description}): ${stats.rows} rows (${SOURCES.map((s) => `${stats.bySource[s]} ${s}`).join(', ')}), ${fg.meta.rejected} quarantined`,
      );
      ctx.out(
        `  event time ${stats.firstEventTime ?? '-'} … ${stats.lastEventTime ?? '-'}; partitions ${Object.keys(fg.meta.partitions).length}`,
      );
      for (const f of fg.meta.features) {
        const s = stats.features[f.name];
        if (s.type === 'numeric') {
          ctx.out(
            `  ${f.name.padEnd(22)} numeric     mean ${s.mean} sd ${s.sd} min ${s.min} median ${s.median} max ${s.max}${f.unit ? ` ${f.unit}` : ''}`,
          );
        } else {
          ctx.out(
            `  ${f.name.padEnd(22)} categorical ${Object.entries(s.counts)
              .map(([k, v]) => `${k}:${v}`)
              .join(' ')}`,
          );
        }
      }
      const l = stats.label;
      const unlabelled = l.unlabelled ? ` unlabelled:${l.unlabelled}` : '';
      const unit = fg.meta.label.unit ? ` ${fg.meta.label.unit}` : '';
      ctx.out(
        'counts' in l
          ? `  ${`label ${l.name}`.padEnd(22)} classes     ${Object.entries(l.counts)
              .map(([k, v]) => `${k}:${v}`)
              .join(' ')}${unlabelled}`
          : `  ${`label ${l.name}`.padEnd(22)} numeric     mean ${l.mean} sd ${l.sd} min ${l.min} max ${l.max}${unit}${unlabelled}`,
      );
      return EXIT.ok;
    });
  },
};

export const showCommand: Command = {
  name: 'show',
  summary: 'Print rows of a feature group as CSV (optionally as of a revision or date)',
  usage: 'show --dataset NAME [--as-of REV|YYYY-MM-DD] [--limit N] [--tail]',
  options: {
    dataset: { type: 'string', short: 'd' },
    'as-of': { type: 'string' },
    limit: { type: 'string' },
    tail: { type: 'boolean' },
  },
  run(ctx) {
    const name = stringOpt(ctx, 'dataset');
    if (!name || name === 'all') throw new UsageError('show needs --dataset NAME');
    const limit = intOpt(ctx, 'limit', { min: 0, max: MAX_SHOW_LIMIT }) ?? 20;
    const spec = ctx.ws.loadSpec(name);
    const fg = FeatureGroup.open(ctx.ws, spec, { files: fileSourceAsOf(ctx.ws.root, asOfOpt(ctx)) });
    const t = fg.read();
    const from = ctx.values.tail ? Math.max(0, t.rows - limit) : 0;
    const to = Math.min(t.rows, from + limit);
    ctx.out(fg.meta.columns.join(','));
    for (let i = from; i < to; i++) {
      const cells = [String(t.ids[i]), isoFromMs(t.eventTimes[i]), SOURCES[t.sources[i]]];
      fg.meta.features.forEach((f, j) => {
        cells.push(valueText(f, t.columns[j][i]));
      });
      cells.push(
        t.labels[i] < 0
          ? ''
          : fg.numericLabel
            ? String(t.targets[i])
            : fg.meta.label.classes[t.labels[i]].value,
      );
      ctx.out(cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','));
    }
    ctx.out(`(${to - from} of ${t.rows} rows)`);
    return EXIT.ok;
  },
};

/** show prints rows to a terminal: more than this is a job for the partition files themselves. */
const MAX_SHOW_LIMIT = 1_000_000;

/** A path for messages: relative to the repository when inside it, else as given. */
function displayPath(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
}
