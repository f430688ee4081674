/**
 * Just enough of the WebAssembly binary format to assemble the project's small SIMD kernels
 * (simd/rank_update.ts, simd/conv.ts) in TypeScript, without a toolchain: LEB128, sections,
 * locals, structured loops and the handful of instructions they use. Each helper returns the
 * instruction's bytes, so a kernel body is a flat list built with spreads.
 *
 * @module
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128. */
export function sleb(n: number): number[] {
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

/** A length-prefixed vector of already-encoded items. */
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
/** A UTF-8 name. */
export const name = (s: string): number[] => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** Value types. */
export const I32 = 0x7f, V128 = 0x7b;

export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const i32 = (n: number): number[] => [0x41, ...sleb(n)];
export const ADD = [0x6a], MUL = [0x6c], AND = [0x71], GE_U = [0x4f], GT_U = [0x4b];
export const BLOCK = [0x02, 0x40], LOOP = [0x03, 0x40], IF = [0x04, 0x40], ELSE = [0x05];
export const END = [0x0b];
export const brIf = (depth: number): number[] => [0x0d, ...uleb(depth)];
export const br = (depth: number): number[] => [0x0c, ...uleb(depth)];

const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
/** v128.load at a constant byte offset from the address on the stack (16-byte aligned hint). */
export const v128Load = (offset: number): number[] => simd(0, 4, ...uleb(offset));
export const v128Store = (offset: number): number[] => simd(11, 4, ...uleb(offset));
/** v128.load32_splat: one float loaded into all four lanes. */
export const splatLoad = (offset: number): number[] => simd(9, 2, ...uleb(offset));
export const F32_LOAD = (offset: number): number[] => [0x2a, 2, ...uleb(offset)];
export const FMAX = simd(235);
export const V128_ZERO = simd(12, ...Array(16).fill(0));
const FADD = simd(228), FMUL = simd(230);
/** f32x4.relaxed_madd (a·b + c), fused where the CPU has FMA. */
const RELAXED_MADD = simd(261);

/**
 * `acc += a·b` for three v128 locals: one fused multiply-add where `fused`, else a multiply and
 * an add (bit-for-bit what tfjs's kernels compute).
 */
export function multiplyAdd(acc: number, a: number, b: number, fused: boolean): number[] {
  return fused
    ? [...get(a), ...get(b), ...get(acc), ...RELAXED_MADD, ...set(acc)]
    : [...get(acc), ...get(a), ...get(b), ...FMUL, ...FADD, ...set(acc)];
}

/** `for (v = 0; v < limit; v += step) body`, as block/loop/br_if (limit: instructions). */
export function forLoop(v: number, limit: number[], step: number, body: number[]): number[] {
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

/** One function of a module: its i32 parameter count, locals and body (without `end`). */
export interface FunctionSpec {
  exportName: string;
  params: number;
  i32Locals: number;
  v128Locals: number;
  body: number[];
}

/**
 * A module importing `env.memory` (shared or not) and exporting `functions`, each taking i32
 * parameters and returning nothing.
 */
export function moduleBytes(shared: boolean, functions: FunctionSpec[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vec(Array(f.params).fill([I32])), 0]);
  const limits = shared ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const imports = section(2, vec([[...name("env"), ...name("memory"), 0x02, ...limits]]));
  const funcs = section(3, vec(functions.map((_, i) => uleb(i))));
  const exports = section(7, vec(functions.map((f, i) => [...name(f.exportName), 0, ...uleb(i)])));
  const bodies = functions.map((f) => {
    const locals = vec([[...uleb(f.i32Locals), I32], [...uleb(f.v128Locals), V128]]);
    const code = [...locals, ...f.body, ...END];
    return [...uleb(code.length), ...code];
  });
  const header = [...new TextEncoder().encode("\0asm"), 1, 0, 0, 0];
  return new Uint8Array([
    ...header,
    ...section(1, vec(types)),
    ...imports,
    ...funcs,
    ...exports,
    ...section(10, vec(bodies)),
  ]);
}

let relaxed: boolean | undefined;

/**
 * Whether this runtime compiles relaxed SIMD (f32x4.relaxed_madd). Where it does not, the kernels
 * use a multiply and an add.
 */
export function hasRelaxedSimd(): boolean {
  if (relaxed === undefined) {
    const probe = moduleBytes(false, [{
      exportName: "f",
      params: 0,
      i32Locals: 0,
      v128Locals: 1,
      body: multiplyAdd(0, 0, 0, true),
    }]);
    relaxed = WebAssembly.validate(probe);
  }
  return relaxed;
}
