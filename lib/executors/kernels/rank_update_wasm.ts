/**
 * A small WebAssembly SIMD kernel, assembled here byte by byte, that the filter gradient runs
 * on: `rankUpdate(x, dy, acc, count, xStride, dyStride, ci, co, rows, xRowStride, dyRowStride)`
 * adds Σ x ⊗ dy to the ci×co float32 matrix at `acc`, over a rows×count grid of pairs: x vectors
 * (ci floats) `xStride` bytes apart within a row and `xRowStride` between rows, dy vectors (co
 * floats) likewise. All pointers are byte offsets into the imported memory (the wasm backend's
 * heap). ci must be a multiple of 4 and co of 8: the accumulators for 4×8
 * outputs stay in eight SIMD registers while the rows stream past. Where the runtime has relaxed
 * SIMD the multiply-adds are fused (one instruction instead of two on CPUs with FMA).
 *
 * The module imports the heap it works on, so it runs on the tensors where they are, on any
 * thread that has the (shared) memory.
 *
 * @module
 */

import {
  ADD,
  forLoop,
  get,
  hasRelaxedSimd,
  i32,
  moduleBytes,
  MUL,
  multiplyAdd,
  set,
  splatLoad,
  v128Load,
  v128Store,
} from "./wasm_assembler.ts";

// Parameters 0–10, then locals.
const [X, DY, ACC, COUNT, XS, DYS, CI, CO, ROWS, XR, DYR] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const [CB, IB, J, PX, PD, PA, R, RX, RD] = [11, 12, 13, 14, 15, 16, 17, 18, 19];
const A0 = 20; // eight v128 accumulators: A0 … A0+7
const [D0, D1, S] = [28, 29, 30];
const PARAMS = 11, I32_LOCALS = 9, V128_LOCALS = 11;

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

function body(fused: boolean): number[] {
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
    row.push(...get(PX), ...splatLoad(4 * r), ...set(S));
    for (let h = 0; h < 2; h++) {
      const a = A0 + 2 * r + h;
      row.push(...multiplyAdd(a, S, h ? D1 : D0, fused));
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

/**
 * The module's bytes, importing `env.memory` (shared or not, as `shared` says); `fused` uses
 * fused multiply-adds (relaxed SIMD), which round once where a multiply and an add round twice.
 */
export function rankUpdateModuleBytes(shared: boolean, fused: boolean): Uint8Array<ArrayBuffer> {
  return moduleBytes(shared, [{
    exportName: "rankUpdate",
    params: PARAMS,
    i32Locals: I32_LOCALS,
    v128Locals: V128_LOCALS,
    body: body(fused),
  }]);
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

/** Instantiate the kernel over `memory`, with fused multiply-adds where the runtime has them. */
export function rankUpdateKernel(
  memory: WebAssembly.Memory,
  fused = hasRelaxedSimd(),
): RankUpdate {
  const shared = memory.buffer instanceof SharedArrayBuffer;
  const module = new WebAssembly.Module(rankUpdateModuleBytes(shared, fused));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports.rankUpdate as RankUpdate;
}
