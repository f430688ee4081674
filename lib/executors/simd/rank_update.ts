/**
 * A small WebAssembly SIMD kernel, assembled here byte by byte, that the filter gradient runs
 * on: `rankUpdate(x, dy, acc, count, ci, co, rows, xRowStride, dyRowStride)` adds Σ x ⊗ dy to
 * the ci×co float32 matrix at `acc`, over a rows×count grid of pairs: x vectors (ci floats)
 * `xStride` bytes apart within a row and `xRowStride` between rows, dy vectors (co floats)
 * likewise. A module is compiled per (xStride, dyStride), so the grid positions of a row,
 * unrolled four at a time, load at constant offsets. All pointers are byte offsets into the
 * imported memory (the wasm backend's heap). ci must be a multiple of 4 and co of 8: the
 * accumulators for 4×8 outputs stay in eight SIMD registers while the rows stream past. Where the
 * runtime has relaxed SIMD the multiply-adds are fused (one instruction instead of two on CPUs
 * with FMA).
 *
 * The module imports the heap it works on, so it runs on the tensors where they are, on any
 * thread that has the (shared) memory.
 *
 * @module
 */

import {
  ADD,
  BLOCK,
  br,
  brIf,
  END,
  forLoop,
  GE_U,
  get,
  GT_U,
  hasRelaxedSimd,
  i32,
  LOOP,
  moduleBytes,
  MUL,
  multiplyAdd,
  set,
  splatLoad,
  v128Load,
  v128Store,
} from "./assembler.ts";

// Parameters 0–8, then locals.
const [X, DY, ACC, COUNT, CI, CO, ROWS, XR, DYR] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const [CB, IB, J, PX, PD, PA, R, RX, RD] = [9, 10, 11, 12, 13, 14, 15, 16, 17];
const A0 = 18; // eight v128 accumulators: A0 … A0+7
const [D0, D1, S] = [26, 27, 28];
const PARAMS = 9, I32_LOCALS = 9, V128_LOCALS = 11;
/** Grid positions per step of the unrolled loop. */
const UNROLL = 4;

/** What a module is compiled for: the distances between neighbouring vectors of a row. */
export interface RankUpdateSpec {
  /** Bytes between neighbouring x vectors. */
  xStride: number;
  /** Bytes between neighbouring dy vectors. */
  dyStride: number;
  fused: boolean;
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

/** Grid position `u` after PX/PD: two dy vectors, per x value a splat and eight multiply-adds. */
function position(spec: RankUpdateSpec, u: number): number[] {
  const x = u * spec.xStride, d = u * spec.dyStride;
  // deno-fmt-ignore
  const out = [
    ...get(PD), ...v128Load(d), ...set(D0),
    ...get(PD), ...v128Load(d + 16), ...set(D1),
  ];
  for (let r = 0; r < 4; r++) {
    out.push(...get(PX), ...splatLoad(x + 4 * r), ...set(S));
    for (let h = 0; h < 2; h++) {
      out.push(...multiplyAdd(A0 + 2 * r + h, S, h ? D1 : D0, spec.fused));
    }
  }
  return out;
}

/** Move PX and PD on by `n` grid positions. */
const advance = (spec: RankUpdateSpec, n: number) => [
  ...get(PX),
  ...i32(n * spec.xStride),
  ...ADD,
  ...set(PX),
  ...get(PD),
  ...i32(n * spec.dyStride),
  ...ADD,
  ...set(PD),
];

function body(spec: RankUpdateSpec): number[] {
  const loadAcc: number[] = [], storeAcc: number[] = [];
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) {
      loadAcc.push(...rowOffset(r), ...v128Load(16 * h), ...set(A0 + 2 * r + h));
      storeAcc.push(...rowOffset(r), ...get(A0 + 2 * r + h), ...v128Store(16 * h));
    }
  }
  const unrolled: number[] = [];
  for (let u = 0; u < UNROLL; u++) unrolled.push(...position(spec, u));
  unrolled.push(...advance(spec, UNROLL));
  // J counts grid positions; UNROLL at a time while that many are left, then one at a time.
  // deno-fmt-ignore
  const positions = [
    ...i32(0), ...set(J),
    ...BLOCK, ...LOOP,
    ...get(J), ...i32(UNROLL), ...ADD, ...get(COUNT), ...GT_U, ...brIf(1),
    ...unrolled,
    ...get(J), ...i32(UNROLL), ...ADD, ...set(J),
    ...br(0), ...END, ...END,
    ...BLOCK, ...LOOP,
    ...get(J), ...get(COUNT), ...GE_U, ...brIf(1),
    ...position(spec, 0), ...advance(spec, 1),
    ...get(J), ...i32(1), ...ADD, ...set(J),
    ...br(0), ...END, ...END,
  ];
  const block = [
    // PA = ACC + (IB·CO + CB)·4; PX = RX + IB·4; PD = RD + CB·4
    ...address(PA, ACC, [...get(IB), ...get(CO), ...MUL], CB),
    ...address(PX, RX, get(IB)),
    ...address(PD, RD, get(CB)),
    ...loadAcc,
    ...positions,
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
 * The module's bytes for `spec`, importing `env.memory` (shared or not, as `shared` says);
 * `spec.fused` uses fused multiply-adds (relaxed SIMD), which round once where a multiply and an
 * add round twice.
 */
export function rankUpdateModuleBytes(
  shared: boolean,
  spec: RankUpdateSpec,
): Uint8Array<ArrayBuffer> {
  return moduleBytes(shared, [{
    exportName: "rankUpdate",
    params: PARAMS,
    i32Locals: I32_LOCALS,
    v128Locals: V128_LOCALS,
    body: body(spec),
  }]);
}

/** The kernel's signature (all byte offsets and counts). */
export type RankUpdate = (
  x: number,
  dy: number,
  acc: number,
  count: number,
  ci: number,
  co: number,
  rows: number,
  xRowStride: number,
  dyRowStride: number,
) => void;

/** Compiled kernels by memory and spec, one set per thread. */
const compiled = new WeakMap<WebAssembly.Memory, Map<string, RankUpdate>>();

/**
 * The kernel over `memory` for vectors `xStride` and `dyStride` bytes apart, compiled on first
 * use, with fused multiply-adds where the runtime has them.
 */
export function rankUpdateKernel(
  memory: WebAssembly.Memory,
  xStride: number,
  dyStride: number,
  fused = hasRelaxedSimd(),
): RankUpdate {
  let byKey = compiled.get(memory);
  if (!byKey) compiled.set(memory, byKey = new Map());
  const key = `${xStride}/${dyStride}/${fused}`;
  let kernel = byKey.get(key);
  if (!kernel) {
    const shared = memory.buffer instanceof SharedArrayBuffer;
    const bytes = rankUpdateModuleBytes(shared, { xStride, dyStride, fused });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    byKey.set(key, kernel = instance.exports.rankUpdate as RankUpdate);
  }
  return kernel;
}
