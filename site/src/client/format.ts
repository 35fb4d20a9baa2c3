// Locale-free formatting for the pages, so what the tests read is the same on every machine.

export function percent(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}

export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "2026-11-24T06:00:00Z" → "2026-11-24 06:00 UTC". */
export function utcText(iso: string): string {
  return iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}
