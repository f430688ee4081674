/**
 * Direct 2-D convolution kernels in WebAssembly SIMD, assembled per layer shape: each module is
 * specialised on the input channels `ci`, output channels `co` (a multiple of 8) and the byte
 * distance `pixelStep` between the inputs of neighbouring output pixels, so every load in the
 * inner loop has a constant offset and no address arithmetic. It exports `conv1` … `conv6`;
 * `convM(inp, w, out, blocks, nkh, nkw, inRow, wRow, outPix, bias, flags)` computes `blocks`
 * blocks of M output pixels (pixelStep apart in the input, outPix bytes apart in the output):
 *
 *   out[p, o] = bias[o] + Σ_{i<nkh, j<nkw, c<ci} in[p·pixelStep + i·inRow + j·ci·4 + c·4] ·
 *               w[i·wRow + j·ci·co·4 + (c·co + o)·4]
 *
 * then a ReLU where `flags & 2` (bias where `flags & 1`). M pixels × 8 output channels are held
 * in 2M SIMD registers while the taps and channels stream past: for each input channel, two
 * loads of filter values and M broadcast loads feed 2M multiply-adds. The caller picks the taps
 * (an edge pixel gets fewer) and M (host/conv_loops.ts). Multiply-adds are fused where the runtime
 * has relaxed SIMD.
 *
 * @module
 */
import {
  ADD,
  AND,
  brIf,
  ELSE,
  END,
  FMAX,
  forLoop,
  get,
  hasRelaxedSimd,
  i32,
  IF,
  LOOP,
  moduleBytes,
  MUL,
  multiplyAdd,
  set,
  splatLoad,
  V128_ZERO,
  v128Load,
  v128Store,
} from "./assembler.ts";

/** The widest block, in output pixels: 2·6 accumulators, 2 filter vectors and 1 broadcast. */
export const MAX_BLOCK = 6;
/** Input channels unrolled per step of the channel loop. */
const UNROLL = 8;

/** What a module is specialised on. */
export interface ConvSpec {
  ci: number;
  co: number;
  /** Bytes between the inputs of neighbouring output pixels of a block. */
  pixelStep: number;
  fused: boolean;
}

/** A block kernel's signature (byte offsets and counts; see the module doc). */
export type ConvBlocks = (
  inp: number,
  w: number,
  out: number,
  blocks: number,
  nkh: number,
  nkw: number,
  inRow: number,
  wRow: number,
  outPix: number,
  bias: number,
  flags: number,
) => void;

/** `flags` bits. */
export const CONV_BIAS = 1, CONV_RELU = 2;

// Parameters, then locals.
const [INP, W, OUT, BLOCKS, NKH, NKW, IN_ROW, W_ROW, OUT_PIX, BIAS, FLAGS] = [
  0,
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
];
const PARAMS = 11;
const [B, CB, KH, KW, C, PX, PW, RIN, RW, PO, BIN, BOUT] = [
  11,
  12,
  13,
  14,
  15,
  16,
  17,
  18,
  19,
  20,
  21,
  22,
];
const I32_LOCALS = 12;
const A0 = 23; // accumulators A0 … A0 + 2M − 1
const W0 = A0 + 2 * MAX_BLOCK, W1 = W0 + 1, S = W0 + 2;
const V128_LOCALS = 2 * MAX_BLOCK + 3;

/** Input channels [c0, c0 + count) of one tap, at PX and PW, for a block of m pixels. */
function channels(spec: ConvSpec, m: number, c0: number, count: number): number[] {
  const out: number[] = [];
  for (let c = c0; c < c0 + count; c++) {
    const wAt = c * spec.co * 4;
    out.push(
      ...get(PW),
      ...v128Load(wAt),
      ...set(W0),
      ...get(PW),
      ...v128Load(wAt + 16),
      ...set(W1),
    );
    for (let r = 0; r < m; r++) {
      out.push(...get(PX), ...splatLoad(r * spec.pixelStep + c * 4), ...set(S));
      out.push(...multiplyAdd(A0 + 2 * r, S, W0, spec.fused));
      out.push(...multiplyAdd(A0 + 2 * r + 1, S, W1, spec.fused));
    }
  }
  return out;
}

/** One tap (kh, kw): every input channel, UNROLL at a time, then the rest. */
function tap(spec: ConvSpec, m: number): number[] {
  const { ci, co } = spec;
  const steps = Math.floor(ci / UNROLL), rest = ci - steps * UNROLL;
  const out: number[] = [];
  if (steps === 1) out.push(...channels(spec, m, 0, UNROLL));
  if (steps > 1) {
    // deno-fmt-ignore
    out.push(
      ...i32(steps), ...set(C),
      ...LOOP,
      ...channels(spec, m, 0, UNROLL),
      ...get(PX), ...i32(UNROLL * 4), ...ADD, ...set(PX),
      ...get(PW), ...i32(UNROLL * co * 4), ...ADD, ...set(PW),
      ...get(C), ...i32(-1), ...ADD, ...set(C),
      ...get(C), ...brIf(0),
      ...END,
    );
  }
  if (rest) out.push(...channels(spec, m, steps === 1 ? UNROLL : 0, rest));
  return out;
}

function blockFunction(spec: ConvSpec, m: number): number[] {
  const { ci, co, pixelStep } = spec;
  const accs = 2 * m;
  const fromBias: number[] = [], zero: number[] = [], relu: number[] = [], store: number[] = [];
  for (let a = 0; a < accs; a++) {
    fromBias.push(...get(BIAS), ...get(CB), ...ADD, ...v128Load(16 * (a & 1)), ...set(A0 + a));
    zero.push(...V128_ZERO, ...set(A0 + a));
    relu.push(...get(A0 + a), ...V128_ZERO, ...FMAX, ...set(A0 + a));
  }
  for (let r = 0; r < m; r++) {
    for (let h = 0; h < 2; h++) {
      const at = r === 0 ? get(PO) : [...get(PO), ...get(OUT_PIX), ...i32(r), ...MUL, ...ADD];
      store.push(...at, ...get(A0 + 2 * r + h), ...v128Store(16 * h));
    }
  }
  // Within a tap, channel loops over UNROLL-channel steps move PX and PW: restore per tap.
  // deno-fmt-ignore
  const kwLoop = forLoop(KW, get(NKW), 1, [
    ...tap(spec, m),
    ...get(RIN), ...i32(ci * 4), ...ADD, ...set(RIN), ...get(RIN), ...set(PX),
    ...get(RW), ...i32(ci * co * 4), ...ADD, ...set(RW), ...get(RW), ...set(PW),
  ]);
  // RIN/RW: this tap's row start; saved across the kw loop in BIN-relative terms.
  // deno-fmt-ignore
  const khLoop = forLoop(KH, get(NKH), 1, [
    ...get(BIN), ...get(KH), ...get(IN_ROW), ...MUL, ...ADD, ...set(RIN),
    ...get(W), ...get(CB), ...ADD, ...get(KH), ...get(W_ROW), ...MUL, ...ADD, ...set(RW),
    ...get(RIN), ...set(PX), ...get(RW), ...set(PW),
    ...kwLoop,
  ]);
  // deno-fmt-ignore
  const perOutputs = [
    ...get(FLAGS), ...i32(CONV_BIAS), ...AND, ...IF, ...fromBias, ...ELSE, ...zero, ...END,
    ...khLoop,
    ...get(FLAGS), ...i32(CONV_RELU), ...AND, ...IF, ...relu, ...END,
    ...get(BOUT), ...get(CB), ...ADD, ...set(PO),
    ...store,
  ];
  // CB counts bytes: 0, 32, …, co·4.
  // deno-fmt-ignore
  const perBlock = [
    ...forLoop(CB, i32(co * 4), 32, perOutputs),
    ...get(BIN), ...i32(m * pixelStep), ...ADD, ...set(BIN),
    ...get(BOUT), ...get(OUT_PIX), ...i32(m), ...MUL, ...ADD, ...set(BOUT),
  ];
  // deno-fmt-ignore
  return [
    ...get(INP), ...set(BIN), ...get(OUT), ...set(BOUT),
    ...forLoop(B, get(BLOCKS), 1, perBlock),
  ];
}

/** The module's bytes for `spec`, importing `env.memory` (shared or not). */
export function convModuleBytes(spec: ConvSpec, shared: boolean): Uint8Array<ArrayBuffer> {
  if (spec.co % 8 !== 0 || spec.ci < 1) {
    throw new Error(
      `conv kernels need output channels a multiple of 8: got ci ${spec.ci}, co ${spec.co}`,
    );
  }
  return moduleBytes(
    shared,
    Array.from({ length: MAX_BLOCK }, (_, i) => ({
      exportName: `conv${i + 1}`,
      params: PARAMS,
      i32Locals: I32_LOCALS,
      v128Locals: V128_LOCALS,
      body: blockFunction(spec, i + 1),
    })),
  );
}

/** Compiled modules by memory and spec, one set per thread. */
const compiled = new WeakMap<WebAssembly.Memory, Map<string, ConvBlocks[]>>();

/**
 * The block kernels for `ci`, `co` and `pixelStep` over `memory`, compiled on first use:
 * element M − 1 runs blocks of M pixels.
 */
export function convKernels(
  memory: WebAssembly.Memory,
  ci: number,
  co: number,
  pixelStep: number,
  fused = hasRelaxedSimd(),
): ConvBlocks[] {
  let byKey = compiled.get(memory);
  if (!byKey) compiled.set(memory, byKey = new Map());
  const key = `${ci}/${co}/${pixelStep}/${fused}`;
  let kernels = byKey.get(key);
  if (!kernels) {
    const spec = { ci, co, pixelStep, fused };
    const bytes = convModuleBytes(spec, memory.buffer instanceof SharedArrayBuffer);
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: { memory },
    });
    kernels = Array.from({ length: MAX_BLOCK }, (_, i) => exports[`conv${i + 1}`] as ConvBlocks);
    byKey.set(key, kernels);
  }
  return kernels;
}
