/**
 * A small WebAssembly SIMD kernel, assembled here byte by byte, that the filter gradient runs
 * on: `rankUpdate(x, dy, acc, count, xStride, dyStride, ci, co, rows, xRowStride, dyRowStride)`
 * adds Σ x ⊗ dy to the ci×co float32 matrix at `acc`, over a rows×count grid of pairs: x vectors
 * (ci floats) `xStride` bytes apart within a row and `xRowStride` between rows, dy vectors (co
 * floats) likewise. All pointers are byte offsets into the imported memory (the wasm backend's
 * heap). ci must be a multiple of 4 and co of 8: the accumulators for 4×8
 * outputs stay in eight SIMD registers while the rows stream past.
 *
 * The module imports the heap it works on, so it runs on the tensors where they are, on any
 * thread that has the (shared) memory.
 *
 * @module
 */

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (small constants). */
function sleb(n: number): number[] {
  const out: number[] = [];
  while (true) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

const I32 = 0x7f, V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (n: number) => [0x41, ...sleb(n)];
const ADD = [0x6a], MUL = [0x6c], GE_U = [0x4f];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const v128Load = (offset: number) => simd(0, 0, ...uleb(offset));
const v128Store = (offset: number) => simd(11, 0, ...uleb(offset));
const f32Load = (offset: number) => [0x2a, 0, ...uleb(offset)];
const SPLAT = simd(19), FADD = simd(228), FMUL = simd(230);

// Parameters 0–10, then locals.
const [X, DY, ACC, COUNT, XS, DYS, CI, CO, ROWS, XR, DYR] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const [CB, IB, J, PX, PD, PA, R, RX, RD] = [11, 12, 13, 14, 15, 16, 17, 18, 19];
const A0 = 20; // eight v128 accumulators: A0 … A0+7
const [D0, D1, S] = [28, 29, 30];
const PARAMS = 11, I32_LOCALS = 9, V128_LOCALS = 11;

const BLOCK = [0x02, 0x40], LOOP = [0x03, 0x40], END = [0x0b];
const brIf = (depth: number) => [0x0d, depth], br = (depth: number) => [0x0c, depth];

/** `for (v = 0; v < limit; v += step) body`, as block/loop/br_if. */
function forLoop(v: number, limit: number[], step: number, body: number[]): number[] {
  // deno-fmt-ignore
  return [
    ...i32(0), ...set(v),
    ...BLOCK, ...LOOP,
    ...get(v), ...limit, ...GE_U, ...brIf(1),
    ...body,
    ...get(v), ...i32(step), ...ADD, ...set(v),
    ...br(0), ...END, ...END,
  ];
}

/** `local = base + (index + extra)·4`: a byte address from a float index (on the stack). */
function address(local: number, base: number, index: number[], extra?: number): number[] {
  return [
    ...get(base),
    ...index,
    ...(extra === undefined ? [] : [...get(extra), ...ADD]),
    ...i32(4),
    ...MUL,
    ...ADD,
    ...set(local),
  ];
}

/** Offset in bytes of accumulator row r (of 4) within the block at PA. */
const rowOffset = (r: number) => [...get(PA), ...get(CO), ...i32(4 * r), ...MUL, ...ADD];

function body(): number[] {
  const loadAcc: number[] = [], storeAcc: number[] = [];
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) {
      loadAcc.push(...rowOffset(r), ...v128Load(16 * h), ...set(A0 + 2 * r + h));
      storeAcc.push(...rowOffset(r), ...get(A0 + 2 * r + h), ...v128Store(16 * h));
    }
  }
  // One grid position: two dy vectors, then per x value a splat and eight multiply-adds.
  // deno-fmt-ignore
  const row: number[] = [
    ...get(PD), ...v128Load(0), ...set(D0),
    ...get(PD), ...v128Load(16), ...set(D1),
  ];
  for (let r = 0; r < 4; r++) {
    row.push(...get(PX), ...f32Load(4 * r), ...SPLAT, ...set(S));
    for (let h = 0; h < 2; h++) {
      const a = A0 + 2 * r + h;
      row.push(...get(a), ...get(S), ...get(h ? D1 : D0), ...FMUL, ...FADD, ...set(a));
    }
  }
  row.push(...get(PX), ...get(XS), ...ADD, ...set(PX), ...get(PD), ...get(DYS), ...ADD, ...set(PD));
  const block = [
    // PA = ACC + (IB·CO + CB)·4; PX = RX + IB·4; PD = RD + CB·4
    ...address(PA, ACC, [...get(IB), ...get(CO), ...MUL], CB),
    ...address(PX, RX, get(IB)),
    ...address(PD, RD, get(CB)),
    ...loadAcc,
    ...forLoop(J, get(COUNT), 1, row),
    ...storeAcc,
  ];
  // Row by row, every accumulator block over the row: a row's vectors stay in L1 while the
  // blocks re-read them.
  // deno-fmt-ignore
  const gridRow = [
    ...forLoop(CB, get(CO), 8, forLoop(IB, get(CI), 4, block)),
    ...get(RX), ...get(XR), ...ADD, ...set(RX),
    ...get(RD), ...get(DYR), ...ADD, ...set(RD),
  ];
  return [...get(X), ...set(RX), ...get(DY), ...set(RD), ...forLoop(R, get(ROWS), 1, gridRow)];
}

/** The module's bytes, importing `env.memory` (shared or not, as `shared` says). */
export function rankUpdateModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const type = section(1, vec([[0x60, ...vec(Array(PARAMS).fill([I32])), 0]]));
  const limits = shared ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const imports = section(2, vec([[...name("env"), ...name("memory"), 0x02, ...limits]]));
  const funcs = section(3, vec([[0]]));
  const exports = section(7, vec([[...name("rankUpdate"), 0x00, 0]]));
  const locals = vec([[...uleb(I32_LOCALS), I32], [...uleb(V128_LOCALS), V128]]);
  const code = [...locals, ...body(), ...END];
  const codeSection = section(10, vec([[...uleb(code.length), ...code]]));
  const header = [...new TextEncoder().encode("\0asm"), 1, 0, 0, 0];
  return new Uint8Array([...header, ...type, ...imports, ...funcs, ...exports, ...codeSection]);
}

/** The kernel's signature (all byte offsets and counts). */
export type RankUpdate = (
  x: number,
  dy: number,
  acc: number,
  count: number,
  xStride: number,
  dyStride: number,
  ci: number,
  co: number,
  rows: number,
  xRowStride: number,
  dyRowStride: number,
) => void;

/** Instantiate the kernel over `memory`. */
export function rankUpdateKernel(memory: WebAssembly.Memory): RankUpdate {
  const shared = memory.buffer instanceof SharedArrayBuffer;
  const module = new WebAssembly.Module(rankUpdateModuleBytes(shared));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports.rankUpdate as RankUpdate;
}
