// The brush rectangles Vega-Lite adds for an interval selection, hidden from assistive technology in the
// compiled Vega spec. Vega-Lite gives them no ARIA settings, so Vega renders each as an unnamed
// graphics-symbol (axe-core: svg-img-alt). They only draw a selection that the dashboard's date inputs
// carry for keyboard and screen-reader users, and the chart is one image described by its alt text.
// Platform-neutral; apply it to every compiled spec (vega-embed's `patch`, or after vl.compile).
import { BRUSH_PARAM } from './chart-kit.js';

/** Vega-Lite's names for the brush marks: the shaded background and the draggable foreground. */
const BRUSH_MARKS = new Set([`${BRUSH_PARAM}_brush_bg`, `${BRUSH_PARAM}_brush`]);

type VegaNode = { name?: unknown; marks?: unknown; aria?: boolean };

/** The Vega spec with `aria: false` on every brush mark, at any depth of nested group marks. */
export function hideBrushMarks<S extends object>(spec: S): S {
  const walk = (node: VegaNode) => {
    if (typeof node.name === 'string' && BRUSH_MARKS.has(node.name)) node.aria = false;
    if (Array.isArray(node.marks)) for (const m of node.marks) walk(m as VegaNode);
  };
  walk(spec as VegaNode);
  return spec;
}
