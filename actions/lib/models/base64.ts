// Base64 (standard alphabet, padded) for byte streams inside model JSON, written out because models/
// may not use Node's Buffer; decoding is native where the runtime has Uint8Array.fromBase64.
// Browser-safe.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let k = 0; k < 64; k++) DECODE[ALPHABET.charCodeAt(k)] = k;

export function encodeBase64(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const CHUNK = 3 * 4096;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let s = '';
    for (let i = start; i < end; i += 3) {
      const b0 = bytes[i];
      const b1 = i + 1 < end ? bytes[i + 1] : 0;
      const b2 = i + 2 < end ? bytes[i + 2] : 0;
      s += ALPHABET[b0 >> 2] + ALPHABET[((b0 & 3) << 4) | (b1 >> 4)];
      s += i + 1 < end ? ALPHABET[((b1 & 15) << 2) | (b2 >> 6)] : '=';
      s += i + 2 < end ? ALPHABET[b2 & 63] : '=';
    }
    chunks.push(s);
  }
  return chunks.join('');
}

/** Uint8Array.fromBase64 (Chromium 140+, not Node 20): native, so the browser decodes a model in a blink. */
type NativeBase64 = { fromBase64?: (text: string, options: { lastChunkHandling: 'strict' }) => Uint8Array };

/**
 * Decodes padded standard base64; null if the text is not exactly that (other characters, whitespace,
 * misplaced or missing padding, or non-zero bits in the padding), natively where the runtime can.
 */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  // The native decoder skips ASCII whitespace; these scans are far cheaper than a regular expression.
  for (const space of [' ', '\n', '\r', '\t', '\f']) if (text.includes(space)) return null;
  const native = (Uint8Array as unknown as NativeBase64).fromBase64;
  if (native) {
    try {
      return native(text, { lastChunkHandling: 'strict' });
    } catch {
      return null;
    }
  }
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    let quad = 0;
    for (let k = 0; k < 4; k++) {
      const code = text.charCodeAt(i + k);
      let v = code < 128 ? DECODE[code] : -1;
      if (v < 0) {
        if (!(last && k >= 4 - pad)) return null; // '=' only as final padding
        v = 0;
      }
      quad = (quad << 6) | v;
    }
    if (last && pad > 0 && (quad & (pad === 2 ? 0xffff : 0xff)) !== 0) return null; // bits the padding drops
    out[o++] = (quad >> 16) & 0xff;
    if (o < out.length) out[o++] = (quad >> 8) & 0xff;
    if (o < out.length) out[o++] = quad & 0xff;
  }
  return out;
}

/**
 * A byte-stream field of an estimator's JSON: base64 text as the registry's model.json stores it, or the
 * bytes themselves as the site's model.bin delivers them (model-wire.ts); null when it is neither.
 */
export function bytesField(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  return typeof value === 'string' ? decodeBase64(value) : null;
}
