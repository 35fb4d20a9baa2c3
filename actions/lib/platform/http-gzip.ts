// When to gzip a response, as static hosts like GitHub Pages do: text-like content types, and only for a
// client whose Accept-Encoding takes gzip (RFC 9110 §12.5.3: `gzip;q=0` refuses it, `*` stands for it).

/**
 * Text-like types worth compressing, the ones GitHub Pages gzips; images such as PNG are compressed
 * already, and opaque bytes (application/octet-stream) go out as they are there too.
 */
export function isCompressible(contentType: string): boolean {
  const type = contentType.split(';')[0].trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/javascript' ||
    type === 'image/svg+xml'
  );
}

/** Whether an Accept-Encoding header value accepts gzip. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of value.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(weight)) continue;
    if (coding.trim() === 'gzip' || coding.trim() === 'x-gzip') gzip = weight;
    else if (coding.trim() === '*') star = weight;
  }
  return (gzip ?? star ?? 0) > 0;
}
