// Draws one compiled chart (charts.json) into an element with the dashboard's Vega runtime: SVG, so text
// stays selectable and sharp, with vega-tooltip's hover tooltips (the plain data tables beside the charts
// carry the same figures for keyboard and touch). What vega-embed did for us, without its Vega-Lite.

import { Handler } from 'vega-tooltip';
import type { Spec, View as VegaView } from 'vega-typings';
import { parse, View } from './vega-runtime.js';

/** vega-util's Error log level: a dated layer narrowed to no rows warns of an empty extent, as expected. */
const LOG_ERRORS_ONLY = 1;

let tooltip: Handler | null = null;

export async function drawChart(el: HTMLElement, spec: Spec): Promise<VegaView> {
  tooltip ??= new Handler();
  // The spec carries its own config (compiled in), as vega-embed passed Vega-Lite output.
  const view = new View(parse(spec, {}), { renderer: 'svg', logLevel: LOG_ERRORS_ONLY });
  view.tooltip(tooltip.call);
  await view.initialize(el).runAsync();
  return view;
}
