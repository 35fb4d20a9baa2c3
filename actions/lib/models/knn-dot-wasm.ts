// The brute-force kNN search's dot-product tile as a WebAssembly SIMD (f64x2) function, assembled here
// from its instruction list so the bytes are readable and the same in Node and the browser. It computes
// only estimates: the search re-ranks its shortlist by the direct sum, and any summation order stays within
// the rounding bound it allows for, so results never depend on whether this kernel or the scalar one ran.
// wasmDotKernel returns null where WebAssembly or its SIMD is missing; the caller then uses plain JS.
//
// dot(A, nt, Q, nq, stride, out, outStride), pointers in bytes, all doubles 16-byte aligned:
//   for query pairs i (nq even) and row quads t (nt a multiple of 4):
//     out[i * outStride + t] = Σ_j A[t * stride + j] · Q[i * stride + j], j in steps of two lanes
//   (stride even: rows and queries are zero-padded to whole lanes).
// scan(out, norms, from, n, base, cut) -> t: the first even t >= from & ~1 (below n) whose lane pair holds
//   an estimate base + norms[t] − 2 out[t] <= cut, else n or more; the caller checks the two rows itself.

const I32 = 0x7f;
const V128 = 0x7b;
const F64 = 0x7c;
// Parameters.
const A = 0;
const NT = 1;
const Q = 2;
const NQ = 3;
const STRIDE = 4;
const OUT = 5;
const OUT_STRIDE = 6;
// i32 locals.
const I = 7;
const T = 8;
const J = 9;
const QA = 10;
const QB = 11;
const OA = 12;
const OB = 13;
const R0 = 14;
const ROW = 15; // stride in bytes
const END = 16; // row length in bytes
const R1 = 17; // R0 + ROW, R0 + 2 ROW, R0 + 3 ROW
// v128 locals: accumulators a0..a3 (query a), b0..b3 (query b), the two query lanes, a row's lanes.
const ACC = 20;
const X = 28;
const Y = 29;
const V = 30;

const op = {
  get: (l: number) => [0x20, l],
  set: (l: number) => [0x21, l],
  tee: (l: number) => [0x22, l],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  mul: [0x6c],
  ltU: [0x49],
  loop: [0x03, 0x40],
  brIf: (d: number) => [0x0d, d],
  end: [0x0b],
  f64Store: [0x39, 3, 0],
  f64Add: [0xa0],
  v128Load: (offset: number) => [0xfd, 0x00, 3, ...uleb(offset)],
  v128Zero: [0xfd, 0x0c, ...new Array(16).fill(0)],
  lane: (n: number) => [0xfd, 0x21, n],
  f64x2Add: [0xfd, 0xf0, 0x01],
  f64x2Mul: [0xfd, 0xf2, 0x01],
  f64x2Sub: [0xfd, 0xf1, 0x01],
  f64x2Splat: [0xfd, 0x14],
  f64x2Le: [0xfd, 0x4b],
  anyTrue: [0xfd, 0x53],
  andI32: [0x71],
  geU: [0x4f],
  block: [0x02, 0x40],
  br: (d: number) => [0x0c, d],
};

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** l += by (an i32 local). */
const bump = (l: number, by: number[]) => [...op.get(l), ...by, ...op.add, ...op.set(l)];

function body(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  // ROW = stride * 8, END = ROW (the j loop runs over byte offsets 0 .. END).
  emit(op.get(STRIDE), op.i32(8), op.mul, op.set(ROW), op.get(ROW), op.set(END));
  emit(op.i32(0), op.set(I));
  emit(op.loop); // over query pairs
  // QA = Q + I * ROW, QB = QA + ROW, OA = OUT + I * OUT_STRIDE * 8, OB = OA + OUT_STRIDE * 8
  emit(op.get(Q), op.get(I), op.get(ROW), op.mul, op.add, op.set(QA));
  emit(op.get(QA), op.get(ROW), op.add, op.set(QB));
  emit(op.get(OUT), op.get(I), op.get(OUT_STRIDE), op.mul, op.i32(8), op.mul, op.add, op.set(OA));
  emit(op.get(OA), op.get(OUT_STRIDE), op.i32(8), op.mul, op.add, op.set(OB));
  emit(op.i32(0), op.set(T));
  emit(op.loop); // over row quads
  emit(op.get(A), op.get(T), op.get(ROW), op.mul, op.add, op.set(R0));
  // R1..R3: the next three rows, so the inner loop only adds J.
  for (let r = 1; r < 4; r++)
    emit(op.get(r === 1 ? R0 : R1 + r - 2), op.get(ROW), op.add, op.set(R1 + r - 1));
  for (let a = 0; a < 8; a++) emit(op.v128Zero, op.set(ACC + a));
  emit(op.i32(0), op.set(J));
  emit(op.loop); // over lane pairs of features
  emit(op.get(QA), op.get(J), op.add, op.v128Load(0), op.set(X));
  emit(op.get(QB), op.get(J), op.add, op.v128Load(0), op.set(Y));
  for (let r = 0; r < 4; r++) {
    // Row r's two lanes at J, used for both queries.
    emit(op.get(ACC + r), op.get(r === 0 ? R0 : R1 + r - 1), op.get(J), op.add);
    emit(op.v128Load(0), op.tee(V), op.get(X), op.f64x2Mul, op.f64x2Add, op.set(ACC + r));
    emit(op.get(ACC + 4 + r), op.get(V), op.get(Y), op.f64x2Mul, op.f64x2Add, op.set(ACC + 4 + r));
  }
  emit(bump(J, op.i32(16)), op.get(J), op.get(END), op.ltU, op.brIf(0));
  emit(op.end);
  // out[., T + r] = lane 0 + lane 1 of each accumulator.
  for (let a = 0; a < 8; a++) {
    const base = a < 4 ? OA : OB;
    const r = a % 4;
    emit(op.get(base), op.get(T), op.i32(r), op.add, op.i32(8), op.mul, op.add);
    emit(op.get(ACC + a), op.lane(0), op.get(ACC + a), op.lane(1), op.f64Add, op.f64Store);
  }
  emit(bump(T, op.i32(4)), op.get(T), op.get(NT), op.ltU, op.brIf(0));
  emit(op.end);
  emit(bump(I, op.i32(2)), op.get(I), op.get(NQ), op.ltU, op.brIf(0));
  emit(op.end, op.end); // loop, function
  // Locals: 13 i32 (I .. END, R1 .. R3), 11 v128 (8 accumulators, X, Y, V).
  const locals = [2, 13, I32, 11, V128];
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

/** scan's body: parameters out, norms, from, n (i32), base, cut (f64); locals t (i32), c, e (v128). */
function scanBody(): number[] {
  const [OUTP, NORMS, FROM, N, BASE, CUT, TT, C] = [0, 1, 2, 3, 4, 5, 6, 7];
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  emit(op.get(CUT), op.f64x2Splat, op.set(C));
  emit(op.get(FROM), op.i32(-2), op.andI32, op.set(TT));
  emit(op.block, op.loop);
  emit(op.get(TT), op.get(N), op.geU, op.brIf(1));
  // base + norms[t..t+1] − (out + out), lane-wise; leave when either lane is within the cut.
  emit(op.get(BASE), op.f64x2Splat, op.get(NORMS), op.get(TT), op.i32(8), op.mul, op.add, op.v128Load(0));
  emit(op.f64x2Add);
  emit(op.get(OUTP), op.get(TT), op.i32(8), op.mul, op.add, op.v128Load(0), op.tee(C + 1));
  emit(op.get(C + 1), op.f64x2Add, op.f64x2Sub);
  emit(op.get(C), op.f64x2Le, op.anyTrue, op.brIf(1));
  emit(bump(TT, op.i32(2)), op.br(0));
  emit(op.end, op.end, op.get(TT), op.end);
  const locals = [2, 1, I32, 2, V128];
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** The module: imports env.mem, exports dot and scan. */
export function dotModuleBytes(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [
      ...[2, 0x60, 7, ...new Array(7).fill(I32), 0],
      ...[0x60, 6, I32, I32, I32, I32, F64, F64, 1, I32],
    ]),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...name('dot'), 0x00, 0, ...name('scan'), 0x00, 1]),
    ...section(10, [2, ...body(), ...scanBody()]),
  ]);
}

export interface WasmDot {
  memory: WebAssembly.Memory;
  dot: (a: number, nt: number, q: number, nq: number, stride: number, out: number, outStride: number) => void;
  scan: (out: number, norms: number, from: number, n: number, base: number, cut: number) => number;
}

let compiled: WebAssembly.Module | null | undefined;

/** A kernel instance over a memory of at least `bytes`, or null where WebAssembly SIMD is unavailable. */
export function wasmDot(bytes: number): WasmDot | null {
  if (compiled === undefined) {
    compiled = null;
    try {
      const code = dotModuleBytes();
      if (typeof WebAssembly === 'object' && WebAssembly.validate(code))
        compiled = new WebAssembly.Module(code);
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65_536) + 1 });
    const instance = new WebAssembly.Instance(compiled, { env: { mem: memory } });
    return {
      memory,
      dot: instance.exports.dot as WasmDot['dot'],
      scan: instance.exports.scan as WasmDot['scan'],
    };
  } catch {
    // Out of memory for a copy of the rows: the JS kernel works on the arrays it already has.
    return null;
  }
}
