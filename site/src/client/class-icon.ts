// A glyph per class, drawn from its index alone so no dataset is named in code: class 0 a circle, class k
// a regular polygon with k + 2 corners, in the class's colour from class-colours.ts so the predictor's icon
// matches the dashboard's class colours.
import { classColour } from '../../../actions/lib/charts/class-colours.js';
import { svg } from './dom.js';

/** Corner points of the class's polygon in a 100×100 box (empty for the circle). */
export function glyphPoints(index: number): [number, number][] {
  if (index === 0) return [];
  const corners = index + 2;
  const radius = 42;
  // Start at the top so triangles and pentagons stand on a side; squares are turned into diamonds.
  return Array.from({ length: corners }, (_, k) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * k) / corners;
    return [round(50 + radius * Math.cos(angle)), round(50 + radius * Math.sin(angle))];
  });
}

const round = (x: number) => Math.round(x * 10) / 10;

/** A decorative SVG glyph for class `index` of `count` (the label is always shown next to it as text). */
export function classIcon(index: number, count: number, size = 56): SVGSVGElement {
  const colour = classColour(index, count);
  const points = glyphPoints(index);
  const shape =
    points.length === 0
      ? svg('circle', { cx: 50, cy: 50, r: 40, fill: colour })
      : svg('polygon', { points: points.map((p) => p.join(',')).join(' '), fill: colour });
  return svg(
    'svg',
    {
      viewBox: '0 0 100 100',
      width: size,
      height: size,
      class: 'class-icon',
      'aria-hidden': 'true',
      'data-class-index': index,
    },
    shape,
  );
}
