// The rows of one append, held as their finished partition lines (UTF-8 bytes in fixed-size blocks) plus
// each row's event time and id — no object per row — so an ingest of a million rows costs the size of
// its CSV text, not a million objects. The writer sorts them by event time then id and cuts them into
// month pieces (size-limits.ts).
const BLOCK_BYTES = 4 * 1024 * 1024;

/** One CSV line (with '\n') as csv-stringify writes it: a cell is quoted when it holds , " CR or LF. */
export function csvLine(cells: readonly string[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (i > 0) out += ',';
    out += /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  }
  return `${out}\n`;
}

/** Per-row numbers in fixed-size typed chunks: no boxed numbers, no doubling copy as the batch grows. */
const CHUNK_ROWS = 1 << 16;

export class RowBatch {
  private blocks: Buffer[] = [];
  private used = 0;
  private count = 0;
  /** Per row, chunked: id, block index, offset in the block and byte length of its line. */
  private readonly idChunks: Float64Array[] = [];
  private readonly placeChunks: Uint32Array[] = [];
  /** Event times as strings (rows of one ingest mostly share one string). */
  readonly eventTimes: string[] = [];

  get size(): number {
    return this.count;
  }

  add(id: number, eventTime: string, line: string): void {
    const length = Buffer.byteLength(line);
    let block = this.blocks[this.blocks.length - 1];
    if (!block || this.used + length > block.length) {
      block = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, length));
      this.blocks.push(block);
      this.used = 0;
    }
    block.write(line, this.used);
    const i = this.count++;
    const c = i >>> 16;
    if (c === this.idChunks.length) {
      this.idChunks.push(new Float64Array(CHUNK_ROWS));
      this.placeChunks.push(new Uint32Array(3 * CHUNK_ROWS));
    }
    const k = i & (CHUNK_ROWS - 1);
    this.idChunks[c][k] = id;
    const place = this.placeChunks[c];
    place[3 * k] = this.blocks.length - 1;
    place[3 * k + 1] = this.used;
    place[3 * k + 2] = length;
    this.used += length;
    this.eventTimes.push(eventTime);
  }

  id(i: number): number {
    return this.idChunks[i >>> 16][i & (CHUNK_ROWS - 1)];
  }

  /** Byte length of row i's line. */
  lineBytes(i: number): number {
    return this.placeChunks[i >>> 16][3 * (i & (CHUNK_ROWS - 1)) + 2];
  }

  /** Row i's line bytes (a view, not a copy). */
  line(i: number): Uint8Array {
    const place = this.placeChunks[i >>> 16];
    const k = 3 * (i & (CHUNK_ROWS - 1));
    return this.blocks[place[k]].subarray(place[k + 1], place[k + 1] + place[k + 2]);
  }

  /** Row indices grouped by event-time month, months ascending, each in event time then id order. */
  byMonth(): Map<string, number[]> {
    const order = Array.from({ length: this.size }, (_, i) => i);
    const t = this.eventTimes;
    const before = (a: number, b: number) => (t[a] < t[b] ? -1 : t[a] > t[b] ? 1 : this.id(a) - this.id(b));
    let sorted = true;
    for (let i = 1; i < order.length && sorted; i++) if (before(i - 1, i) > 0) sorted = false;
    if (!sorted) order.sort(before);
    const out = new Map<string, number[]>();
    for (const i of order) {
      const month = t[i].slice(0, 7);
      const list = out.get(month);
      if (list) list.push(i);
      else out.set(month, [i]);
    }
    return out;
  }

  /** Rows i (in `order`) from `from` to `to` as one buffer after `prefix`. */
  concat(prefix: Uint8Array, order: readonly number[], from: number, to: number): Buffer {
    let bytes = prefix.length;
    for (let k = from; k < to; k++) bytes += this.lineBytes(order[k]);
    const out = Buffer.allocUnsafe(bytes);
    out.set(prefix, 0);
    let at = prefix.length;
    for (let k = from; k < to; k++) {
      const line = this.line(order[k]);
      out.set(line, at);
      at += line.length;
    }
    return out;
  }

  /** Drops the line bytes once the pieces are built (ids and event times stay). */
  release(): void {
    this.blocks = [];
  }
}
