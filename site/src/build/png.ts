// A small PNG writer for the site's social preview images: 8-bit palette pixels, one IDAT chunk,
// every chunk with its CRC-32 (the PNG spec's polynomial). The pixel stream is deflated by Node's zlib at
// a fixed level with filter type 0 on every row, so the same pixels give the same bytes on a given Node.
import { deflateSync } from 'node:zlib';

/** An image of palette indices, row by row (index = y * width + x). */
export interface IndexedImage {
  width: number;
  height: number;
  /** Up to 256 colours as [r, g, b], 0–255. */
  palette: readonly (readonly [number, number, number])[];
  pixels: Uint8Array;
}

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of the bytes (as PNG chunks and zlib's crc32 compute it). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function encodePng(img: IndexedImage): Uint8Array {
  const { width, height, palette, pixels } = img;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new RangeError(`png: width and height must be positive integers, got ${width}×${height}`);
  if (pixels.length !== width * height)
    throw new RangeError(`png: ${pixels.length} pixels for a ${width}×${height} image`);
  if (palette.length < 1 || palette.length > 256)
    throw new RangeError(`png: a palette has 1 to 256 colours, got ${palette.length}`);
  for (let i = 0; i < pixels.length; i++)
    if (pixels[i] >= palette.length)
      throw new RangeError(`png: pixel ${i} uses colour ${pixels[i]}, the palette has ${palette.length}`);
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, 3, 0, 0, 0], 8); // 8-bit depth, palette colour, deflate, filter method 0, no interlace
  const plte = Uint8Array.from(palette.flat());
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const idat = new Uint8Array(deflateSync(raw, { level: 9 }));
  const parts = [
    SIGNATURE,
    chunk('IHDR', header),
    chunk('PLTE', plte),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
