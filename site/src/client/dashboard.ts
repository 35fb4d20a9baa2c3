// The monitoring dashboard: the repository report's charts (actions/lib/charts/chart-list.ts), compiled to Vega when
// the site was built (charts.json) and drawn by the Vega runtime alone, with tooltips and a time brush.
// Brushing a time chart, or picking dates, narrows the other dated panels to those days. Text panels
// are plain DOM built from the same monitoring file.
import type { View as VegaView } from 'vega-typings';
import { BRUSH_PARAM } from '../../../actions/lib/charts/chart-kit.js';
import { valueWithUnit } from '../../../actions/lib/charts/regression-values.js';
import { grouped, percent } from '../../../actions/lib/core/format.js';
import {
  lastRun,
  MONITORING_FORMAT,
  type MonitoringReport,
} from '../../../actions/lib/monitoring/monitoring-types.js';
import { type ChartsFile, type CompiledChart, parseChartsFile } from './charts-file.js';
import {
  type DateRange,
  datedData,
  filterReport,
  rangeFromBrush,
  summarize,
  summarizeErrors,
} from './dashboard-filter.js';
import { driftTable, latestPanel, recentTable, summaryPanel } from './dashboard-panels.js';
import {
  regressionDriftTable,
  regressionLatestPanel,
  regressionRecentTable,
  regressionSummaryPanel,
} from './dashboard-regression.js';
import { byId, fetchJson, h, replaceChildren, showFailure } from './dom.js';
import { PERF_MARKS } from './perf-marks.js';
import { registerServiceWorker } from './register-sw.js';
import { isRegressionReport } from './regression-report.js';
import { stalenessWarning } from './staleness.js';
import { drawChart } from './vega-draw.js';

interface Embedded {
  chart: CompiledChart;
  view: VegaView;
  /** Named datasets of the spec that change with the date selection. */
  dated: string[];
  brush: boolean;
}

type Obj = Record<string, unknown>;

function parseReport(raw: unknown): MonitoringReport {
  const r = raw as MonitoringReport;
  if (r?.format !== MONITORING_FORMAT || r.version !== 1)
    throw new Error('monitoring.json: not a monitoring file');
  return r;
}

/** The panels of the report's task: accuracy and classes, or errors in the label's unit. */
function panelsOf(report: MonitoringReport, charts: CompiledChart[]) {
  if (isRegressionReport(report)) {
    const r = report;
    return {
      charts,
      summary: () => regressionSummaryPanel(r),
      latest: () => regressionLatestPanel(r),
      recent: (rows: MonitoringReport['recent']) => regressionRecentTable(r, rows),
      drift: () => regressionDriftTable(r),
      hint: 'Drag across a time chart with a mouse or pen to select days, or pick dates (on a touch screen, a swipe over a chart scrolls the page). The other time charts, the predicted-against-actual points and the prediction history follow; per-version MAE, the error distribution and drift cover their own fixed windows.',
      measure: (view: MonitoringReport) => {
        const e = summarizeErrors(view);
        return `MAE ${valueWithUnit(r, e.mae, 1)}`;
      },
    };
  }
  return {
    charts,
    summary: () => summaryPanel(report),
    latest: () => latestPanel(report),
    recent: (rows: MonitoringReport['recent']) => recentTable(report, rows),
    drift: () => driftTable(report),
    hint: 'Drag across a time chart with a mouse or pen to select days, or pick dates (on a touch screen, a swipe over a chart scrolls the page). The other time charts and the prediction history follow; confusion matrices, per-version accuracy and drift cover their own fixed windows.',
    measure: (view: MonitoringReport) => {
      const s = summarize(view);
      return `accuracy ${percent(s.accuracy)}`;
    },
  };
}

/** The "Days shown" section: two date inputs, a button that shows every day again, and a status line. */
function selectionControls(days: string[], hint: string) {
  const from = h('input', { type: 'date', id: 'range-from', min: days[0], max: days[days.length - 1] });
  const to = h('input', { type: 'date', id: 'range-to', min: days[0], max: days[days.length - 1] });
  const clear = h('button', { type: 'button', id: 'range-clear' }, 'Show all days');
  const status = h('p', { class: 'range-status', id: 'range-status', 'aria-live': 'polite' });
  const selection = h(
    'section',
    { class: 'selection', 'aria-labelledby': 'selection-title' },
    h('h2', { id: 'selection-title' }, 'Days shown'),
    h('p', { class: 'hint' }, hint),
    h(
      'div',
      { class: 'range-controls' },
      h('label', { for: from.id }, 'From'),
      from,
      h('label', { for: to.id }, 'To'),
      to,
      clear,
    ),
    status,
  );
  return { selection, from, to, clear, status };
}

/** One figure per chart, its Vega target inside; the drift chart's figure holds the drift table too. */
function chartFigures(charts: CompiledChart[], drift: () => HTMLElement) {
  return charts.map((c) => {
    // The chart is one image to assistive technology, described by the spec's alt text; the tables and
    // date inputs carry the same information for keyboard and screen-reader users.
    const target = h('div', {
      class: 'chart',
      id: `chart-${c.id}`,
      role: 'img',
      'aria-label': c.description,
    });
    const figure = h(
      'figure',
      { class: 'panel', 'data-chart': c.id, 'aria-labelledby': `cap-${c.id}` },
      h('figcaption', { id: `cap-${c.id}`, class: 'sr-only' }, c.title),
      target,
    );
    if (c.id === 'drift') figure.append(drift());
    return { chart: c, figure, target };
  });
}

async function start(app: HTMLElement, report: MonitoringReport, file: ChartsFile): Promise<void> {
  const panels = panelsOf(report, file.charts);
  const charts = panels.charts;
  const days = report.daily.map((d) => d.date);
  const { selection, from, to, clear, status } = selectionControls(days, panels.hint);
  const recentHolder = h('div', {});
  const figures = chartFigures(charts, panels.drift);
  const history = h(
    'section',
    // Not a landmark of its own: its scrolling table is the region named 'Recent predictions'.
    { class: 'panel history' },
    h('h2', { id: 'recent-title' }, 'Recent predictions'),
    recentHolder,
  );
  const stale = stalenessWarning(lastRun(report));
  app.replaceChildren(
    ...(stale ? [stale] : []),
    panels.summary(),
    h('div', { class: 'top-row' }, panels.latest(), selection),
    h('div', { class: 'charts' }, ...figures.map((f) => f.figure)),
    history,
  );

  // Drawn in the task that built the panels (no fetch or timer in between), so the page is painted
  // once with every chart in place: nothing below a chart moves when it appears.
  const datedNames = Object.keys(datedData(report));
  const embedded: Embedded[] = await Promise.all(
    figures.map(async ({ chart, target }) => ({
      chart,
      view: await drawChart(target, chart.id, chart.runtime),
      dated: datedNames.filter((n) => chart.data.includes(n)),
      brush: chart.brush,
    })),
  );

  let range: DateRange | null = null;
  // Brushes are cleared programmatically when another control takes over; their signal echoes are ignored.
  let muted = 0;
  const clearBrush = (e: Embedded) => {
    const value = e.view.signal(BRUSH_PARAM) as Obj | null;
    if (value && Object.keys(value).length > 0) e.view.signal(`${BRUSH_PARAM}_x`, []);
  };
  /** `charts: false` leaves the charts as drawn: at the start they already show every day. */
  const apply = async (next: DateRange | null, source: Embedded | null, charts = true) => {
    range = next;
    const view = filterReport(report, range);
    const rows = datedData(view, report);
    from.value = range?.from ?? '';
    to.value = range?.to ?? '';
    const s = summarize(view);
    status.textContent =
      range === null
        ? `All ${grouped(days.length)} days.`
        : `${range.from} – ${range.to}: ${grouped(s.days)} days, ${grouped(s.rows)} predictions, ${grouped(s.labelled)} labelled, ${panels.measure(view)}.`;
    replaceChildren(recentHolder, panels.recent(view.recent));
    muted++;
    try {
      await Promise.all(
        embedded
          .filter((e) => charts && e !== source && e.dated.length > 0)
          .map((e) => {
            if (e.brush) clearBrush(e);
            for (const name of e.dated) e.view.data(name, rows[name]);
            return e.view.runAsync();
          }),
      );
    } finally {
      muted--;
    }
  };
  for (const e of embedded) {
    if (!e.brush) continue;
    e.view.addSignalListener(BRUSH_PARAM, (_name, value) => {
      if (muted === 0) void apply(rangeFromBrush(value), e);
    });
  }
  const fromInputs = () => {
    if (!from.value || !to.value) return;
    const [a, b] = from.value <= to.value ? [from.value, to.value] : [to.value, from.value];
    void apply({ from: a, to: b }, null);
  };
  from.addEventListener('change', fromInputs);
  to.addEventListener('change', fromInputs);
  clear.addEventListener('click', () => void apply(null, null));
  await apply(null, null, false);
  app.dataset.ready = 'true';
  performance.mark(PERF_MARKS.dashboardReady);
}

async function main(): Promise<void> {
  const app = byId('app');
  try {
    const [report, charts] = await Promise.all([
      fetchJson(app.dataset.report!),
      fetchJson(app.dataset.charts!),
    ]);
    await start(app, parseReport(report), parseChartsFile(charts));
  } catch (err) {
    showFailure(app, `The dashboard could not load: ${(err as Error).message}`);
    throw err;
  }
  registerServiceWorker();
}

void main();
