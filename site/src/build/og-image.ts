// The social preview image of a page (og:image): 1200×630, a title, a headline figure and up to three
// short lines, drawn with our bitmap font into palette pixels and written by our PNG writer. Same input,
// same bytes. Platform: Node (the PNG writer uses node:zlib).
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './bitmap-font.js';
import { encodePng, type IndexedImage } from './png.js';

export const OG_WIDTH = 1200;
export const OG_HEIGHT = 630;

export interface OgCard {
  /** Small line above the title (e.g. what the site is). */
  kicker: string;
  title: string;
  /** The one figure a reader should take away. */
  headline: string;
  /** Short lines under it, wrapped; four lines at most are drawn. */
  details: readonly string[];
}

const PALETTE = [
  [20, 40, 60], // 0 paper: dark navy
  [255, 255, 255], // 1 title and headline
  [127, 178, 229], // 2 accent: kicker and bar
  [196, 210, 224], // 3 details
] as const;
const PAPER = 0;
const INK = 1;
const ACCENT = 2;
const MUTED = 3;
const LEFT = 80;
const RIGHT = 80;
const BAR = 24;

/** Letters the font lacks become their unaccented form ('é' → 'e'), else '?'. */
function plain(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

const advance = (scale: number) => (GLYPH_WIDTH + 1) * scale;
const textWidth = (text: string, scale: number) => Math.max(0, [...text].length * advance(scale) - scale);

class Canvas {
  readonly pixels = new Uint8Array(OG_WIDTH * OG_HEIGHT);
  fill(x0: number, y0: number, w: number, h: number, colour: number): void {
    for (let y = Math.max(0, y0); y < Math.min(OG_HEIGHT, y0 + h); y++)
      this.pixels.fill(colour, y * OG_WIDTH + Math.max(0, x0), y * OG_WIDTH + Math.min(OG_WIDTH, x0 + w));
  }
  /** Draws text with its cap line at y; returns the x after it. */
  text(text: string, x: number, y: number, scale: number, colour: number): number {
    for (const ch of text) {
      glyph(ch).forEach((row, r) => {
        for (let c = 0; c < GLYPH_WIDTH; c++)
          if (row[c] === '#') this.fill(x + c * scale, y + r * scale, scale, scale, colour);
      });
      x += advance(scale);
    }
    return x;
  }
}

/** Words wrapped into lines no wider than `width` at `scale` (a word too long on its own is cut). */
export function wrap(text: string, scale: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (textWidth(next, scale) <= width || !line) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => cutToWidth(l, scale, width));
}

/** The text, cut with '…' ('...' in the font) to fit `width` at `scale`. */
function cutToWidth(text: string, scale: number, width: number): string {
  if (textWidth(text, scale) <= width) return text;
  let t = [...text];
  while (t.length > 0 && textWidth(`${t.join('')}...`, scale) > width) t = t.slice(0, -1);
  return `${t.join('').trimEnd()}...`;
}

/** The largest scale (of those given, largest first) at which the text wraps into at most `lines` lines. */
function largestScale(text: string, scales: readonly number[], width: number, lines: number): number {
  for (const s of scales) {
    const w = wrap(text, s, width);
    if (w.length <= lines && !w.some((l) => l.endsWith('...') && !text.endsWith('...'))) return s;
  }
  return scales[scales.length - 1];
}

export function ogImagePixels(card: OgCard): IndexedImage {
  const c = new Canvas();
  c.fill(0, 0, OG_WIDTH, OG_HEIGHT, PAPER);
  c.fill(0, 0, BAR, OG_HEIGHT, ACCENT);
  const width = OG_WIDTH - LEFT - RIGHT;
  let y = 64;
  c.text(cutToWidth(plain(card.kicker), 4, width), LEFT, y, 4, ACCENT);
  y += GLYPH_HEIGHT * 4 + 40;
  const title = plain(card.title);
  const ts = largestScale(title, [14, 12, 10, 8, 7], width, 2);
  for (const line of wrap(title, ts, width).slice(0, 2)) {
    c.text(line, LEFT, y, ts, INK);
    y += (GLYPH_HEIGHT + 1) * ts;
  }
  y += 24;
  const headline = plain(card.headline);
  const hs = largestScale(headline, [8, 7, 6, 5, 4], width, 1);
  c.text(cutToWidth(headline, hs, width), LEFT, y, hs, INK);
  y += (GLYPH_HEIGHT + 2) * hs;
  // Each detail wraps; at most four lines in all.
  for (const d of card.details.flatMap((t) => wrap(plain(t), 4, width)).slice(0, 4)) {
    if (y + 7 * 4 > OG_HEIGHT - 40) break;
    c.text(d, LEFT, y, 4, MUTED);
    y += (GLYPH_HEIGHT + 4) * 4;
  }
  return { width: OG_WIDTH, height: OG_HEIGHT, palette: PALETTE, pixels: c.pixels };
}

export function ogImage(card: OgCard): Uint8Array {
  return encodePng(ogImagePixels(card));
}
