// The monitoring dashboard: the repository report's Vega-Lite specs (actions/lib/charts.ts), embedded
// interactively with tooltips and a time brush. Brushing a time chart, or picking dates, narrows the
// other dated panels to those days. Text panels are plain DOM built from the same monitoring file.
import embed, { type Result, vega } from 'vega-embed';
import { hideBrushMarks } from '../../actions/lib/brush-aria.js';
import { allCharts, BRUSH_PARAM, type Chart } from '../../actions/lib/charts.js';
import { lastRun, MONITORING_FORMAT, type MonitoringReport } from '../../actions/lib/monitoring-types.js';
import { valueWithUnit } from '../../actions/lib/regression-charts.js';
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
import { grouped, percent } from './format.js';
import { PERF_MARKS } from './perf-marks.js';
import { registerServiceWorker } from './register-sw.js';
import { isRegressionReport } from './regression-report.js';
import { stalenessWarning } from './staleness.js';

/** The recent-predictions chart is shown as an HTML table instead: readable, selectable, accessible. */
const TABLE_CHART = 'recent-predictions';

interface Embedded {
  chart: Chart;
  result: Result;
  /** Named datasets of the spec that change with the date selection. */
  dated: string[];
  brush: boolean;
}

type Obj = Record<string, unknown>;

/** Walks a spec's top level and layers, collecting data names and whether the brush param is defined. */
function inspect(spec: unknown): { names: Set<string>; brush: boolean } {
  const names = new Set<string>();
  let brush = false;
  const walk = (node: Obj) => {
    const data = node.data as Obj | undefined;
    if (data && typeof data.name === 'string') names.add(data.name);
    if (Array.isArray(node.params) && node.params.some((p: Obj) => p?.name === BRUSH_PARAM)) brush = true;
    if (Array.isArray(node.layer)) for (const l of node.layer) walk(l as Obj);
  };
  walk(spec as Obj);
  return { names, brush };
}

function parseReport(raw: unknown): MonitoringReport {
  const r = raw as MonitoringReport;
  if (r?.format !== MONITORING_FORMAT || r.version !== 1)
    throw new Error('monitoring.json: not a monitoring file');
  return r;
}

/**
 * The panels of the report's task: accuracy and classes, or errors in the label's unit. The charts are
 * the repository report's either way (allCharts picks them by task).
 */
function panelsOf(report: MonitoringReport) {
  const charts = allCharts(report, { width: 'container', interactive: true });
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
      return `accuracy ${s.accuracy === null ? '–' : percent(s.accuracy)}`;
    },
  };
}

async function start(app: HTMLElement, report: MonitoringReport): Promise<void> {
  const panels = panelsOf(report);
  const charts = panels.charts;
  const days = report.daily.map((d) => d.date);
  const from = h('input', { type: 'date', id: 'range-from', min: days[0], max: days[days.length - 1] });
  const to = h('input', { type: 'date', id: 'range-to', min: days[0], max: days[days.length - 1] });
  const clear = h('button', { type: 'button', id: 'range-clear' }, 'Show all days');
  const status = h('p', { class: 'range-status', id: 'range-status', 'aria-live': 'polite' });
  const recentHolder = h('div', {});
  const selection = h(
    'section',
    { class: 'selection', 'aria-labelledby': 'selection-title' },
    h('h2', { id: 'selection-title' }, 'Days shown'),
    h('p', { class: 'hint' }, panels.hint),
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
  const figures = charts
    .filter((c) => c.id !== TABLE_CHART)
    .map((c) => {
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
      if (c.id === 'drift') figure.append(panels.drift());
      return { chart: c, figure, target };
    });
  const history = h(
    'section',
    { class: 'panel history', 'aria-labelledby': 'recent-title' },
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

  const embedded: Embedded[] = await Promise.all(
    figures.map(async ({ chart, target }) => {
      // Errors only: a dated layer narrowed to no rows (say, no model change in the selected days) would
      // warn about an empty extent, which is expected.
      const result = await embed(target, chart.spec, {
        actions: false,
        renderer: 'svg',
        logLevel: vega.Error,
        patch: hideBrushMarks,
      });
      const { names, brush } = inspect(chart.spec);
      const dated = Object.keys(datedData(report)).filter((n) => names.has(n));
      return { chart, result, dated, brush };
    }),
  );

  let range: DateRange | null = null;
  // Brushes are cleared programmatically when another control takes over; their signal echoes are ignored.
  let muted = 0;
  const clearBrush = (e: Embedded) => {
    const value = e.result.view.signal(BRUSH_PARAM) as Obj | null;
    if (value && Object.keys(value).length > 0) e.result.view.signal(`${BRUSH_PARAM}_x`, []);
  };
  const apply = async (next: DateRange | null, source: Embedded | null) => {
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
          .filter((e) => e !== source && e.dated.length > 0)
          .map((e) => {
            if (e.brush) clearBrush(e);
            for (const name of e.dated) e.result.view.data(name, rows[name]);
            return e.result.view.runAsync();
          }),
      );
    } finally {
      muted--;
    }
  };
  for (const e of embedded) {
    if (!e.brush) continue;
    e.result.view.addSignalListener(BRUSH_PARAM, (_name, value) => {
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
  await apply(null, null);
  app.dataset.ready = 'true';
  performance.mark(PERF_MARKS.dashboardReady);
}

async function main(): Promise<void> {
  const app = byId('app');
  try {
    await start(app, parseReport(await fetchJson(app.dataset.report!)));
  } catch (err) {
    showFailure(app, `The dashboard could not load: ${(err as Error).message}`);
    throw err;
  }
  registerServiceWorker();
}

void main();
