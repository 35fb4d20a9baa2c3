// The champion as the site serves it: a small JSON header (model.json) and the estimator's byte streams,
// as they are, in one binary file beside it (model.bin). In the registry's model.json those streams are
// base64 text: a third bigger, and gzip cannot take that third back (the Wine forest v3: 818 KB, 354 KB
// gzip as one JSON; 24 KB + 596 KB, 7 KB + 304 KB gzip as header + bin). The registry keeps its one JSON
// file per version (text that git diffs, that the CLI and the actions load as it is, that every committed
// version already is); only the site converts, at build time, and the page joins the two halves again
// before ServingModel.load. Browser-safe.

import { bytesField } from './base64.js';
import { HIST_GRADIENT_BOOSTING_FORMAT } from './gradient-boosting.js';
import { RANDOM_FOREST_FORMAT } from './random-forest/random-forest.js';
import { RANDOM_FOREST_REGRESSOR_FORMAT } from './random-forest/random-forest-regressor.js';
import type { ModelJSON } from './serving-model.js';
import { ModelFormatError } from './types.js';

export const MODEL_WIRE_VERSION = 1;

/** Per estimator format, the fields that hold a byte stream (base64 text in the registry's model.json). */
export const BYTE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  [HIST_GRADIENT_BOOSTING_FORMAT]: ['leafValues', 'nodes'],
  [RANDOM_FOREST_FORMAT]: ['trees'],
  [RANDOM_FOREST_REGRESSOR_FORMAT]: ['trees'],
};

/** Where one byte stream sits in model.bin; it replaces the base64 text in the header. */
export interface BinSlice {
  bin: { offset: number; length: number };
}

/**
 * The header's `wire` field: what model.bin must be, so a stale or truncated pair is caught. `gzip`: the
 * file is gzip-compressed by the build (the page unpacks it natively with DecompressionStream), because a
 * host need not compress a binary type on the fly (GitHub Pages compresses by content type); `bytes` and
 * `fnv1a` are of the unpacked bytes.
 */
export interface WireInfo {
  version: typeof MODEL_WIRE_VERSION;
  encoding: 'gzip' | 'identity';
  bytes: number;
  /** FNV-1a 32 of model.bin, 8 hex digits: a header and a bin of different builds do not pass. */
  fnv1a: string;
}

/**
 * Splits a model into its header (JSON text, one line) and its bytes; `gzip` (the build's, injected: this
 * file runs in the browser too) compresses the bytes, and the header says so.
 */
export function toWire(
  model: ModelJSON,
  gzip?: (bytes: Uint8Array) => Uint8Array,
): { header: string; bin: Uint8Array } {
  const estimator: Record<string, unknown> = { ...model.estimator };
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const field of BYTE_FIELDS[String(estimator.format)] ?? []) {
    if (!(field in estimator)) continue;
    const bytes = bytesField(estimator[field]);
    if (bytes === null) throw new ModelFormatError(`model-wire: estimator.${field} is not base64 bytes`);
    estimator[field] = { bin: { offset, length: bytes.length } } satisfies BinSlice;
    parts.push(bytes);
    offset += bytes.length;
  }
  const bin = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    bin.set(p, at);
    at += p.length;
  }
  const wire: WireInfo = {
    version: MODEL_WIRE_VERSION,
    encoding: gzip ? 'gzip' : 'identity',
    bytes: bin.length,
    fnv1a: fnv1a(bin),
  };
  return { header: `${JSON.stringify({ ...model, estimator, wire })}\n`, bin: gzip ? gzip(bin) : bin };
}

/** How a header's model.bin is packed: 'gzip' means unpack it before fromWire. */
export function wireEncoding(header: unknown): 'gzip' | 'identity' {
  const wire = (header as { wire?: { encoding?: unknown } } | null)?.wire;
  return wire?.encoding === 'gzip' ? 'gzip' : 'identity';
}

/**
 * The model JSON again from a parsed header and its unpacked bin, byte fields as bytes (the loaders take them as
 * they take base64), ready for ServingModel.load. A mismatched or broken pair is a ModelFormatError.
 */
export function fromWire(header: unknown, bin: Uint8Array, where = 'model.json'): unknown {
  const bad = (rule: string, fix = 'rebuild the site and reload the page'): never => {
    throw new ModelFormatError(`${where}: ${rule}; ${fix}`);
  };
  if (typeof header !== 'object' || header === null || Array.isArray(header)) bad('not a JSON object');
  const { wire, ...model } = header as Record<string, unknown> & { wire?: Partial<WireInfo> };
  if (wire === undefined) return model; // a whole model (base64 inside): nothing to join
  if (wire?.version !== MODEL_WIRE_VERSION)
    bad(`wire version ${JSON.stringify(wire?.version ?? null)} is not ${MODEL_WIRE_VERSION}`);
  if (wire.encoding !== 'gzip' && wire.encoding !== 'identity')
    bad(`wire encoding ${JSON.stringify(wire.encoding ?? null)} is not 'gzip' or 'identity'`);
  if (wire.bytes !== bin.length)
    bad(
      `model.bin has ${bin.length} bytes, the header says ${wire.bytes}`,
      'the two files are from different builds: reload the page',
    );
  if (wire.fnv1a !== fnv1a(bin))
    bad(
      'model.bin does not match its header (checksum)',
      'the two files are from different builds: reload the page',
    );
  const estimator = model.estimator;
  if (typeof estimator !== 'object' || estimator === null) return model; // ServingModel.load says why
  const joined: Record<string, unknown> = { ...estimator };
  for (const field of Object.keys(joined)) {
    const value = joined[field];
    if (typeof value !== 'object' || value === null || !('bin' in value)) continue;
    const slice = (value as Partial<BinSlice>).bin ?? {};
    const { offset, length } = slice as Partial<BinSlice['bin']>;
    if (!isCount(offset) || !isCount(length) || offset + length > bin.length)
      return bad(`estimator.${field} points at bytes ${offset}+${length}, beyond model.bin's ${bin.length}`);
    // A copy: loaders may view the bytes through their own buffer offsets.
    joined[field] = bin.slice(offset, offset + length);
  }
  return { ...model, estimator: joined };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** FNV-1a, 32 bits, as 8 hex digits: cheap (a few ms for a megabyte), and enough to tell builds apart. */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
