// The Pages dashboard's charts, compiled from Vega-Lite to Vega and parsed to Vega's runtime dataflow
// when the site is built: the browser then needs only the Vega runtime (site/src/client/vega-runtime.ts), not
// the Vega-Lite compiler or the Vega parser, and draws a chart without compiling or parsing it first
// (parsing was a third of the dashboard's start-up work; the dataflow is plain JSON). The specs are the
// repository report's (allCharts), made interactive and container-wide; the recent-predictions chart is
// shown as an HTML table, so it is not shipped.
//
// Loading the compiler: Vega-Lite (and the Vega it imports) is 800 KB of bundle that only a site build
// needs, and buildSite is synchronous. Commands that build the site call `await loadChartCompiler()`
// first (an import() the bundles keep in their lazily loaded Vega chunk); without it — tests and scripts
// running from source — the specs are compiled by one child Node process per build, memoised per spec.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { BRUSH_MARK_NAMES, hideBrushMarks, hideMarks } from '../../../actions/lib/charts/brush-aria.js';
import { BRUSH_PARAM } from '../../../actions/lib/charts/chart-kit.js';
import { allCharts } from '../../../actions/lib/charts/chart-list.js';
import type { MonitoringReport } from '../../../actions/lib/monitoring/monitoring-types.js';
import { CHARTS_FORMAT, type ChartsFile, TABLE_CHART } from '../client/charts-file.js';

/** A Vega-Lite spec to the Vega runtime dataflow the dashboard draws. */
export type CompileVegaLite = (spec: TopLevelSpec) => unknown;

let preloaded: CompileVegaLite | null = null;

/** Loads Vega-Lite's compiler for the following site builds of this process. */
export async function loadChartCompiler(): Promise<CompileVegaLite> {
  if (preloaded === null) {
    const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
    // Config {}: the compiled spec carries its own, as vega-embed passed Vega-Lite output.
    preloaded = (spec) => vega.parse(hideBrushMarks(vl.compile(spec).spec), {});
  }
  return preloaded;
}

type Obj = Record<string, unknown>;

/** A spec's named datasets (top level and layers) and whether it defines the brush param. */
function inspect(spec: unknown): { names: string[]; brush: boolean } {
  const names = new Set<string>();
  let brush = false;
  const walk = (node: Obj) => {
    const data = node.data as Obj | undefined;
    if (data && typeof data.name === 'string') names.add(data.name);
    if (Array.isArray(node.params) && node.params.some((p: Obj) => p?.name === BRUSH_PARAM)) brush = true;
    if (Array.isArray(node.layer)) for (const l of node.layer) walk(l as Obj);
  };
  walk(spec as Obj);
  return { names: [...names].sort(), brush };
}

/** The charts of every report of one build, compiled together (one child process at most). */
export function compileDashboardCharts(reports: MonitoringReport[]): string[] {
  const charts = reports.map((r) =>
    allCharts(r, { width: 'container', interactive: true }).filter((c) => c.id !== TABLE_CHART),
  );
  const compiled = compileAll(charts.flat().map((c) => c.spec));
  let at = 0;
  return charts.map((list) => {
    const file: ChartsFile = {
      format: CHARTS_FORMAT,
      version: 1,
      charts: list.map((c) => {
        const { names, brush } = inspect(c.spec);
        return {
          id: c.id,
          title: c.title,
          description: c.description,
          data: names,
          brush,
          runtime: compiled[at++],
        };
      }),
    };
    return `${JSON.stringify(file)}\n`;
  });
}

/** Compiled specs by their Vega-Lite JSON: a test run builds the same site many times. */
const memo = new Map<string, unknown>();

function compileAll(specs: TopLevelSpec[]): unknown[] {
  const keys = specs.map((s) => JSON.stringify(s));
  const missing = [...new Set(keys.filter((k) => !memo.has(k)))];
  if (missing.length > 0) {
    const out = preloaded
      ? missing.map((k) => (preloaded as CompileVegaLite)(JSON.parse(k) as TopLevelSpec))
      : compileInChild(missing);
    for (const [i, k] of missing.entries()) memo.set(k, out[i]);
  }
  return keys.map((k) => memo.get(k));
}

// The same steps as loadChartCompiler's, the brush marks hidden by the very same function (its source).
const CHILD = `
const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
const hideMarks = ${hideMarks.toString()};
const names = ${JSON.stringify(BRUSH_MARK_NAMES)};
let text = '';
for await (const chunk of process.stdin) text += chunk;
process.stdout.write(JSON.stringify(JSON.parse(text).map((s) => vega.parse(hideMarks(vl.compile(JSON.parse(s)).spec, names), {}))));
`;

function compileInChild(specs: string[]): unknown[] {
  try {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD], {
      // Resolves 'vega-lite' from this file's folder up, to the repository's node_modules.
      cwd: path.dirname(fileURLToPath(import.meta.url)),
      input: JSON.stringify(specs),
      maxBuffer: 1 << 30,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return JSON.parse(out.toString('utf8')) as unknown[];
  } catch (err) {
    const detail = (err as { stderr?: Buffer }).stderr?.toString('utf8').trim().split('\n')[0];
    throw new Error(
      `site charts: the Vega-Lite compiler could not run (${detail || (err as Error).message}); ` +
        'call `await loadChartCompiler()` before buildSite, or run from a checkout with node_modules',
    );
  }
}
