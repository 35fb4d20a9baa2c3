// sha256 of bytes and of a file, hex. A file is hashed in fixed-size chunks: memory stays bounded
// however large the file (an ingested CSV can be hundreds of MiB).
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * sha256 of several files' bytes in order, as if they were one: a feature-group month cut into pieces
 * (rows-YYYY-MM.csv, rows-YYYY-MM-2.csv, …) as a shard records it; the file's own sha256 for one piece.
 */
export function monthSha256(pieces: readonly { bytes: Uint8Array }[]): string {
  const hash = createHash('sha256');
  for (const p of pieces) hash.update(p.bytes);
  return hash.digest('hex');
}

const CHUNK = 1 << 20;

export function fileSha256(file: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null))
      hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
