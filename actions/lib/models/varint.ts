// Unsigned LEB128 varints, the unit of every tree byte stream in a model JSON (the random forests'
// random-forest/forest-codec.ts and random-forest/regression-trees.ts, and gradient-boosting.ts): a
// growable writer, a bounds-checked reader, and the error callback a reader reports a broken stream through.
// Browser-safe.

/** Reports a broken byte stream; never returns. */
export type Fail = (rule: string) => never;

/** Bytes of v as a varint. */
export function varintLength(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** A growable byte buffer with LEB128 varints. */
export class ByteWriter {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  byte(b: number): void {
    if (this.length === this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    this.bytes[this.length++] = b;
  }

  varint(v: number): void {
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }
}

/** An unsigned LEB128 varint of up to 5 bytes at cursor.pos, ending before `end`; advances the cursor. */
export function readVarint(bytes: Uint8Array, cursor: { pos: number }, end: number, fail: Fail): number {
  let v = 0;
  let scale = 1;
  for (let k = 0; k < 5; k++) {
    if (cursor.pos >= end) fail('trees end in the middle of a node');
    const b = bytes[cursor.pos++];
    v += (b & 0x7f) * scale;
    if (b < 0x80) return v;
    scale *= 0x80;
  }
  return fail(`trees hold a varint longer than 5 bytes at byte ${cursor.pos}`);
}
