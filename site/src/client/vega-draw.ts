// Draws one chart of charts.json (Vega's runtime dataflow, parsed at build time) into an element with the dashboard's Vega runtime: SVG, so text
// stays selectable and sharp, with vega-tooltip's hover tooltips (the plain data tables beside the charts
// carry the same figures for keyboard and touch). What vega-embed did for us, without its Vega-Lite.

import { Handler } from 'vega-tooltip';
import type { Runtime, View as VegaView } from 'vega-typings';
import { unknownOperators, View } from './vega-runtime.js';

/** vega-util's Error log level: a dated layer narrowed to no rows warns of an empty extent, as expected. */
const LOG_ERRORS_ONLY = 1;

let tooltip: Handler | null = null;

export async function drawChart(el: HTMLElement, id: string, runtime: unknown): Promise<VegaView> {
  const unknown = unknownOperators(runtime);
  if (unknown.length > 0)
    throw new Error(
      `chart ${id} needs Vega operators this page does not include (${unknown.join(', ')}); register them in site/src/client/vega-runtime.ts`,
    );
  tooltip ??= new Handler();
  const view = new View(runtime as Runtime, { renderer: 'svg', logLevel: LOG_ERRORS_ONLY });
  view.tooltip(tooltip.call);
  await view.initialize(el).runAsync();
  return view;
}
