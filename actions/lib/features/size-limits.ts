// How big one data file may grow. GitHub refuses a push with a file over 100 MiB and warns over 50 MiB
// (docs.github.com, "About large files on GitHub"), so the files that grow without end — a feature
// group's month partition, a prediction-log month — continue in a next piece (rows-2026-11-2.csv,
// predictions-2026-11-2.csv, …) before they reach the warning. Readers read a month's pieces in order.
import { InputError } from '../core/input-error.js';

const MiB = 1024 * 1024;

/** The size a piece is kept under by default: below GitHub's 50 MiB warning, with room to spare. */
export const DEFAULT_MAX_PIECE_BYTES = 45 * MiB;

/** GitHub's warning size: a configured limit above it would make every big piece warn on push. */
export const GITHUB_WARN_BYTES = 50 * MiB;

/** The smallest configurable limit: a piece must hold at least a header and a few rows. */
export const MIN_PIECE_BYTES = 1024;

/** Overrides the limit (whole bytes); tests set it small to exercise the split on small files. */
export const MAX_PIECE_BYTES_ENV = 'GITML_MAX_PIECE_BYTES';

/** The limit a writer keeps each piece under: GITML_MAX_PIECE_BYTES, or 45 MiB by default. */
export function maxPieceBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_PIECE_BYTES_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_PIECE_BYTES;
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || n < MIN_PIECE_BYTES || n > GITHUB_WARN_BYTES) {
    throw new InputError(
      `${MAX_PIECE_BYTES_ENV}='${raw}' must be a whole number of bytes from ${MIN_PIECE_BYTES} to ${GITHUB_WARN_BYTES} (GitHub warns over 50 MiB); unset it for the default ${DEFAULT_MAX_PIECE_BYTES}`,
    );
  }
  return n;
}

/** A piece's key: the month for the first piece, `YYYY-MM-N` for the N-th (N ≥ 2). */
export function pieceKey(month: string, piece: number): string {
  return piece === 1 ? month : `${month}-${piece}`;
}

/** Month and piece number of a key; null when it is neither `YYYY-MM` nor `YYYY-MM-N` with N ≥ 2. */
export function parsePieceKey(key: string): { month: string; piece: number } | null {
  const m = /^(\d{4}-\d{2})(?:-([1-9]\d*))?$/.exec(key);
  if (!m) return null;
  const piece = m[2] === undefined ? 1 : Number(m[2]);
  if (m[2] !== undefined && piece < 2) return null;
  return { month: m[1], piece };
}

/** Orders piece keys: by month, then piece number (so 2026-11-10 comes after 2026-11-9). */
export function comparePieceKeys(a: string, b: string): number {
  const pa = parsePieceKey(a);
  const pb = parsePieceKey(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  return pa.month < pb.month ? -1 : pa.month > pb.month ? 1 : pa.piece - pb.piece;
}

/**
 * Splits lines (each ending in '\n') into pieces under `limit` bytes, each piece starting with `header`
 * (also '\n'-terminated): a new piece starts when the next line would cross the limit. A piece always
 * takes at least one line, so a single line longer than the limit still has a home. `firstUsed` is what
 * the first piece already holds (an existing file being appended to; its header included).
 */
export function startsOfPieces(
  lineBytes: ArrayLike<number>,
  header: number,
  limit: number,
  firstUsed = header,
): number[] {
  const starts = [0];
  let used = firstUsed;
  let inPiece = firstUsed > header ? 1 : 0;
  for (let i = 0; i < lineBytes.length; i++) {
    if (inPiece > 0 && used + lineBytes[i] > limit) {
      starts.push(i);
      used = header;
      inPiece = 0;
    }
    used += lineBytes[i];
    inPiece++;
  }
  return starts;
}
