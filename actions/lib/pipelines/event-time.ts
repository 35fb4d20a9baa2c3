// Event times of incoming rows: a UTC instant, or a date meaning midnight UTC. Anything with an offset
// or without a zone is refused rather than guessed (the original systems' history was an hour off).
import { isIsoDate, isIsoInstant } from '../core/time.js';

export function normaliseEventTime(raw: string): string | null {
  const v = raw.trim();
  if (isIsoDate(v)) return `${v}T00:00:00Z`;
  if (isIsoInstant(v)) return v.replace(/\.000Z$/, 'Z');
  return null;
}
