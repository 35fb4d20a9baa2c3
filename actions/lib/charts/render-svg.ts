// Vega-Lite spec → SVG string in Node, without canvas or fonts (renderer 'none' estimates text widths).
// Output is deterministic: Vega numbers clip paths and gradients from process-wide counters, so ids are
// renumbered in order of appearance and the same spec gives the same bytes in any render order.
// Geometry is rounded to 1/100 px, which halves the bytes of a daily-committed chart at no visible cost.
// ARIA labels are dropped (see withoutAriaLabels).
// Vega and Vega-Lite (2 MB of the bundle) are imported on the first render, not at start-up: a bundle
// builds them as a chunk of its own (scripts/build-all.mjs), so a run that renders no SVG never loads it.
import type { TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return withoutAriaLabels(roundGeometry(stableIds(await view.toSVG())));
  } finally {
    view.finalize();
  }
}

/** Renames every id="…" (and its url(#…) / href="#…" references) to g1, g2 … in order of appearance. */
export function stableIds(svg: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!ids.has(m[1])) ids.set(m[1], `g${ids.size + 1}`);
  }
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (_, a, id, b) => a + (ids.get(id) ?? id) + b)
    .replace(/url\(#([^)]+)\)/g, (whole, id) => (ids.has(id) ? `url(#${ids.get(id)})` : whole))
    .replace(/(href=")#([^"]+)(")/g, (whole, a, id, b) => (ids.has(id) ? `${a}#${ids.get(id)}${b}` : whole));
}

/**
 * Drops Vega's aria-label attributes. A rendered SVG is shown as an image, whose text alternative is the
 * alt text of the page that shows it; the labels only repeated the chart's text (counts in subtitles)
 * and so rewrote the file when nothing visible changed.
 */
export function withoutAriaLabels(svg: string): string {
  return svg.replace(/ aria-label="[^"]*"/g, '');
}

/** Rounds the numbers inside path data and transforms (never text, which may hold data values). */
export function roundGeometry(svg: string): string {
  return svg.replace(/(\s(?:d|transform)=")([^"]*)(")/g, (_, a, value: string, b) => {
    const rounded = value.replace(/-?\d+\.\d{3,}(?:e-?\d+)?/g, (n) => {
      const r = Math.round(Number(n) * 100) / 100;
      return String(Object.is(r, -0) ? 0 : r);
    });
    return a + rounded + b;
  });
}
