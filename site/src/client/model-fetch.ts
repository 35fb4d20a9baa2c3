// Fetches the champion as the site serves it — model.json (header) and model.bin (its byte streams,
// gzipped by the build) in parallel — and joins them for ServingModel.load (actions/lib/models/model-wire.ts).
import { fromWire, wireEncoding } from '../../../actions/lib/models/model-wire.js';
import { fetchBytes, fetchJson } from './dom.js';

export async function fetchModel(headerUrl: string, binUrl: string): Promise<unknown> {
  const [header, packed] = await Promise.all([fetchJson(headerUrl), fetchBytes(binUrl)]);
  const bin = wireEncoding(header) === 'gzip' ? await gunzip(packed, binUrl) : packed;
  return fromWire(header, bin, headerUrl);
}

/** Unpacks gzip natively (DecompressionStream: Chromium 80, Safari 16.4, Firefox 113). */
async function gunzip(bytes: Uint8Array<ArrayBuffer>, url: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined')
    throw new Error(
      `${url}: this browser cannot unpack the model (no DecompressionStream); use a current browser`,
    );
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    throw new Error(`${url}: the model file is damaged (not gzip); reload the page`);
  }
}
