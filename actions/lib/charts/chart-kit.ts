// The Vega-Lite spec kit every monitoring chart is built with (one file per chart family beside it): the
// titled top level, named inline data, the UTC time axis, the brush, legends, round axis maxima and
// text-only charts, so every chart looks and behaves alike. Numbers as text come from core/format.ts.
// Browser-safe.
import type { TopLevelSpec } from 'vega-lite';

export interface ChartOptions {
  /** Pixel width (needed for SVG rendering) or 'container' to fill the embedding element. */
  width?: number | 'container';
  /** Tooltips, and an interval brush named BRUSH_PARAM on the date field of the time charts. */
  interactive?: boolean;
  /**
   * Fixed UTC date range [from, to) of the time axes. The repository report pins it to whole calendar
   * months, so a new day only adds marks and the daily commit stays a small diff.
   */
  timeDomain?: [string, string];
}

export interface Chart {
  id: string;
  title: string;
  description: string;
  spec: TopLevelSpec;
}

/** The interval selection on the time charts; its value is { date: [fromMs, toMs] } (UTC). */
export const BRUSH_PARAM = 'brush';
export const BRUSH_FIELD = 'date';

export const DEFAULT_WIDTH = 560;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const TIME_HEIGHT = 220;

// Loosely typed building blocks; the assembled spec is checked against the Vega-Lite JSON schema in tests.
export type Obj = Record<string, unknown>;

export function top(
  opts: ChartOptions,
  title: string,
  subtitle: string | string[] | null,
  description: string,
  body: Obj,
): TopLevelSpec {
  // A chart that fills its container may be as narrow as a phone: its subtitle comes in short lines.
  const lines =
    subtitle !== null && opts.width === 'container'
      ? [subtitle].flat().flatMap((s) => subtitleLines(s, NARROW_LINE))
      : subtitle;
  const text = lines === null ? null : Array.isArray(lines) && lines.length === 1 ? lines[0] : lines;
  return {
    $schema: SCHEMA,
    title:
      text === null ? { text: title, anchor: 'start' } : { text: title, subtitle: text, anchor: 'start' },
    description,
    width: opts.width ?? DEFAULT_WIDTH,
    // Re-fit to the container on every update, not only on a window resize: a date selection swaps the
    // data, and with it the room the axis labels take.
    ...(opts.width === 'container' ? { autosize: { type: 'fit-x', contains: 'padding', resize: true } } : {}),
    // Static renders skip per-mark ARIA labels: an SVG shown as <img> gets its alt text from the page.
    config: {
      aria: opts.interactive === true,
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 11 },
    },
    ...body,
  } as TopLevelSpec;
}

/** Characters of a subtitle line that a 320 px phone holds at the subtitle's 12 px. */
export const NARROW_LINE = 44;

/**
 * A subtitle as lines of at most `max` characters, broken at its ' · ' separators where it can (each
 * part reads on its own) and between words where a part is longer.
 */
export function subtitleLines(subtitle: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of subtitle.split(' · ')) {
    if (line && line.length + 3 + part.length <= max) line = `${line} · ${part}`;
    else {
      if (line) lines.push(line);
      const words = wrap(part, max);
      line = words.pop() ?? '';
      lines.push(...words);
    }
  }
  return line ? [...lines, line] : lines;
}

/**
 * A legend below the plot. In the dashboard, whose charts fill their container, three or more entries
 * take `narrow` columns in a container narrower than LEGEND_ONE_ROW (a phone), so none is cut off: Vega
 * clips a bottom legend wider than the chart. A chart with wide axis labels on its left passes 1.
 */
export function bottomLegend(opts: ChartOptions, entries: number, narrow = 2): Obj {
  if (opts.width !== 'container' || entries < 3) return { orient: 'bottom' };
  // The container's width, not the plot's (`width` is the plot's only after the first fit); reading
  // `width` as well makes the legend follow a resize.
  const phone = `containerSize()[0] < ${LEGEND_ONE_ROW} && width > 0`;
  return { orient: 'bottom', columns: { expr: `${phone} ? ${narrow} : ${entries}` } };
}

/** Container width in pixels below which a dashboard legend of three or more entries wraps. */
const LEGEND_ONE_ROW = 480;

/** Named inline data: inlined for static rendering, swappable by name in the dashboard. */
export const named = (name: string, values: Obj[]) => ({ name, values });

/** The x encoding every time chart shares: UTC days, so output does not depend on the machine's zone. */
export const timeX = (opts: ChartOptions, title: string | null = null) => ({
  field: 'date',
  type: 'temporal',
  title,
  scale: opts.timeDomain
    ? {
        type: 'utc',
        domainMin: Date.parse(`${opts.timeDomain[0]}T00:00:00Z`),
        domainMax: Date.parse(`${opts.timeDomain[1]}T00:00:00Z`),
      }
    : { type: 'utc' },
  axis: { format: '%b %d', labelOverlap: true, tickCount: 8 },
});

/** Later layers of a chart leave the fixed domain to the first (Vega-Lite warns when layers repeat it). */
export const sharedAxis = (opts: ChartOptions): ChartOptions => ({ ...opts, timeDomain: undefined });

/**
 * Only a mouse or a pen drags a brush: on a touch screen a finger moving over a chart is scrolling the
 * page, and a swipe with a pixel of sideways drift would otherwise select a day or two and filter the
 * whole dashboard. Touch readers pick days with the date inputs. (Vega-Lite's defaults, filtered.)
 */
const NOT_TOUCH = "[event.pointerType !== 'touch']";
const BRUSH_DRAG = `[pointerdown${NOT_TOUCH}, window:pointerup] > window:pointermove!`;

export const brushParam = {
  name: BRUSH_PARAM,
  select: { type: 'interval', encodings: ['x'], on: BRUSH_DRAG, translate: BRUSH_DRAG },
};

export function withInteraction(opts: ChartOptions, encoding: Obj, tooltip: Obj[]): Obj {
  return opts.interactive ? { ...encoding, tooltip } : encoding;
}

/** A chart that says why there is nothing to draw (no predictions yet, drift skipped …). */
export function messageSpec(
  title: string,
  description: string,
  message: string,
  opts: ChartOptions = {},
): TopLevelSpec {
  return textSpec(title, description, [message], opts);
}

/**
 * Paragraphs of text as a chart, for the static dashboard. Wrapped here, as an array of lines, so a long
 * text neither widens the image nor gets cut off.
 */
export function textSpec(
  title: string,
  description: string,
  paragraphs: string[],
  opts: ChartOptions,
): TopLevelSpec {
  const width = typeof opts.width === 'number' ? opts.width : DEFAULT_WIDTH;
  const lines = paragraphs.flatMap((p) => wrap(p, Math.max(20, Math.floor(width / 8))));
  return top(opts, title, null, description, {
    height: lines.length * 18 + 10,
    data: named('message', [{ text: lines }]),
    mark: { type: 'text', align: 'left', baseline: 'top', fontSize: 13, lineHeight: 18, color: '#555' },
    encoding: { text: { field: 'text', type: 'nominal' }, x: { value: 0 }, y: { value: 5 } },
  });
}

/** Greedy word wrap to lines of at most `max` characters (longer words get a line of their own). */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : [''];
}

/** Axis maxima on a coarse grid, so a day's small change does not rescale the chart. */
export function ceilTo(x: number, step: number): number {
  return Math.max(step, Math.ceil(x / step) * step);
}

/** The round step of an axis whose data reach `max`: 1, 2 or 5 × 10^k giving about 4–10 ticks. */
export function axisStep(max: number): number {
  const power = 10 ** Math.floor(Math.log10(max || 1));
  return max / power > 5 ? power : max / power > 2 ? power / 2 : power / 5;
}
