// The dashboard's charts.json: the report's charts compiled from Vega-Lite to Vega and parsed to Vega's
// runtime dataflow when the site is built (site/src/build/site-charts.ts writes it, site/src/client/dashboard.ts
// draws it). Browser-safe.

export const CHARTS_FORMAT = 'gitml-dashboard-charts';

/** Shown as an HTML table by the dashboard (dashboard-panels), so not compiled. */
export const TABLE_CHART = 'recent-predictions';

/** One chart as the dashboard draws it. */
export interface CompiledChart {
  id: string;
  title: string;
  /** The chart's alt text. */
  description: string;
  /** The named datasets of the spec: the dashboard swaps the dated ones' rows when days are selected. */
  data: string[];
  /** Whether the chart has the time brush (the BRUSH_PARAM signal). */
  brush: boolean;
  /** The Vega runtime dataflow (vega-parser's output for the compiled spec), ready for a Vega View. */
  runtime: unknown;
}

export interface ChartsFile {
  format: typeof CHARTS_FORMAT;
  version: 1;
  charts: CompiledChart[];
}

/** charts.json's content, checked. */
export function parseChartsFile(raw: unknown): ChartsFile {
  const f = raw as ChartsFile;
  if (f?.format !== CHARTS_FORMAT || f.version !== 1 || !Array.isArray(f.charts))
    throw new Error(`charts.json: not a '${CHARTS_FORMAT}' version 1 file; rebuild the site`);
  return f;
}
