// The brush rectangles Vega-Lite adds for an interval selection, hidden from assistive technology in the
// compiled Vega spec. Vega-Lite gives them no ARIA settings, so Vega renders each as an unnamed
// graphics-symbol (axe-core: svg-img-alt). They only draw a selection that the dashboard's date inputs
// carry for keyboard and screen-reader users, and the chart is one image described by its alt text.
// Browser-safe; apply it to every compiled spec (vega-embed's `patch`, or after vl.compile).
import { BRUSH_PARAM } from './chart-kit.js';

/** Vega-Lite's names for the brush marks: the shaded background and the draggable foreground. */
export const BRUSH_MARK_NAMES: readonly string[] = [`${BRUSH_PARAM}_brush_bg`, `${BRUSH_PARAM}_brush`];

/**
 * The Vega spec with `aria: false` on every mark named in `names`, at any depth of nested group marks.
 * Self-contained (it refers to nothing outside itself): the site build's compiler child process runs its
 * source text (site/src/build/site-charts.ts).
 */
export function hideMarks<S extends object>(spec: S, names: readonly string[]): S {
  const walk = (node: { name?: unknown; marks?: unknown; aria?: boolean }) => {
    if (typeof node.name === 'string' && names.includes(node.name)) node.aria = false;
    if (Array.isArray(node.marks)) for (const m of node.marks) walk(m);
  };
  walk(spec);
  return spec;
}

/** The compiled Vega spec with the brush marks hidden from assistive technology. */
export function hideBrushMarks<S extends object>(spec: S): S {
  return hideMarks(spec, BRUSH_MARK_NAMES);
}
