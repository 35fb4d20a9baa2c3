// Writes the repository dashboard of one dataset: reports/<dataset>/dashboard.svg (every chart, stacked)
// and README.md (which changes only when what it says changes), beside monitoring.json and the prediction
// log. One directory and one SVG per dataset: each file a day's commit touches costs a blob, a tree entry
// and an index entry, whatever its size.
// Everything is rendered in memory first, then written atomically, then charts no longer produced are
// removed — so a failed render leaves the previous dashboard intact.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { type Chart, DEFAULT_WIDTH } from '../charts/chart-kit.js';
import { allCharts, latestChart } from '../charts/chart-list.js';
import { renderSvg } from '../charts/render-svg.js';
import { GitmlError } from '../core/gitml-error.js';
import { utcDate } from '../core/time.js';
import { comparePieceKeys, parsePieceKey } from '../features/size-limits.js';
import { writeFilesAtomically } from '../files/atomic-write.js';
import { latestOf, type MonitoringReport } from '../monitoring/monitoring-types.js';
import { logPartitionFile } from './prediction-log.js';
import { type ReportImage, reportMarkdown } from './report-page.js';

export const DASHBOARD_SVG = 'dashboard.svg';

/** All charts stacked in one SVG: one file (one blob, one tree entry) a day instead of one per chart. */
export function dashboardSpec(specs: TopLevelSpec[]): TopLevelSpec {
  const parts = specs.map((spec) => {
    const { $schema: _s, config: _c, description: _d, ...rest } = spec as unknown as Record<string, unknown>;
    return unnamed(rest);
  });
  return {
    $schema: (specs[0] as { $schema?: string }).$schema,
    config: (specs[0] as { config?: unknown }).config,
    spacing: 48,
    // Each chart keeps its own colours and legend (Vega-Lite would merge compatible colour scales).
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    vconcat: parts,
  } as TopLevelSpec;
}

/** Inline data without its name: two charts may use the same name for different rows. */
function unnamed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unnamed);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 2 && 'name' in o && 'values' in o) return { values: o.values };
  return Object.fromEntries(keys.map((k) => [k, unnamed(o[k])]));
}

/** The key of a log month's last piece (where its newest predictions are): the month itself unless split. */
function lastPieceOf(r: MonitoringReport, month: string): string {
  const keys = Object.keys(r.log?.partitions ?? {}).filter((k) => parsePieceKey(k)?.month === month);
  return keys.sort(comparePieceKeys).pop() ?? month;
}

export class ReportsError extends GitmlError {
  override name = 'ReportsError';
}

export async function writeReports(reportsDir: string, r: MonitoringReport): Promise<{ files: string[] }> {
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(r.dataset)) {
    throw new ReportsError(
      `monitoring report: dataset '${r.dataset}' must be a plain name (letters, digits, '-' and '_')`,
    );
  }
  const datasetDir = path.join(reportsDir, r.dataset);
  const window = calendarWindow(r);
  const latest = latestOf(r);
  const opts = { width: DEFAULT_WIDTH, interactive: false, timeDomain: window.domain };
  // The latest prediction and totals lead as text; the Vega text table of recent predictions is left
  // out: every row of it would move each day, and the log's current month is a table on GitHub already.
  const charts: Chart[] = [
    latestChart(r, opts),
    ...allCharts(window.report, opts).filter((c) => c.id !== 'recent-predictions'),
  ];

  const writes: { path: string; content: string }[] = [];
  let svg: string;
  try {
    svg = await renderSvg(dashboardSpec(charts.map((c) => c.spec)));
  } catch (err) {
    throw new ReportsError(`${r.dataset}: the dashboard failed to render (${(err as Error).message})`);
  }
  writes.push({ path: path.join(datasetDir, DASHBOARD_SVG), content: svg });
  const images: ReportImage[] = charts.map((c) => ({
    id: c.id,
    file: DASHBOARD_SVG,
    title: c.title,
    description: c.description,
  }));
  writes.push({
    path: path.join(datasetDir, 'README.md'),
    content: reportMarkdown(
      r,
      images,
      latest && logPartitionFile(lastPieceOf(r, latest.eventTime.slice(0, 7))),
    ),
  });
  writeFilesAtomically(writes);

  // The dataset directory holds only the dashboard's own SVG, so any other SVG there is a retired chart.
  if (existsSync(datasetDir)) {
    for (const f of readdirSync(datasetDir)) {
      if (f.endsWith('.svg') && f !== DASHBOARD_SVG) rmSync(path.join(datasetDir, f));
    }
  }
  // Charts of the earlier layout (reports/<dataset>/charts/) go too.
  rmSync(path.join(datasetDir, 'charts'), { recursive: true, force: true });
  return { files: writes.map((w) => w.path) };
}

/** Months the repository's time charts show: the current calendar month and the two before it. */
export const REPORT_MONTHS = 3;

/**
 * The report's time window: whole calendar months ending with the month of the latest prediction.
 * Pinning the axes to months keeps every earlier mark where it was, so a day's commit mostly adds.
 */
export function calendarWindow(r: MonitoringReport): { report: MonitoringReport; domain?: [string, string] } {
  const last = r.daily[r.daily.length - 1]?.date;
  if (!last) return { report: r };
  const [y, m] = last.split('-').map(Number);
  const month = (offset: number) => utcDate(Date.UTC(y, m - 1 + offset, 1));
  const from = month(1 - REPORT_MONTHS);
  const to = month(1);
  return {
    report: {
      ...r,
      daily: r.daily.filter((d) => d.date >= from),
      modelChanges: r.modelChanges.filter((c) => c.date >= from),
      ...(r.regression
        ? { regression: { ...r.regression, daily: r.regression.daily.filter((d) => d.date >= from) } }
        : {}),
    },
    domain: [from, to],
  };
}
