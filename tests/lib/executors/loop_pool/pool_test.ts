import assert from "node:assert/strict";
import { INLINE_PASSES } from "../../../../lib/executors/host/batch_norm_math.ts";
import { convolveImages } from "../../../../lib/executors/host/conv_loops.ts";
import { CONV_BIAS, CONV_RELU } from "../../../../lib/executors/simd/conv.ts";
import { LoopPool } from "../../../../lib/executors/loop_pool/pool.ts";
import { mulberry32 } from "../../../../lib/util/rng.ts";

const test = (name: string, fn: () => void) =>
  // The workers stay alive (unref'd) for the process, like the executor's.
  Deno.test({ name, sanitizeOps: false, sanitizeResources: false, fn });

/** Arrays of `length` floats laid out one after another in shared wasm memory. */
function sharedArrays(memory: WebAssembly.Memory, length: number, count: number, seed: number) {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const a = new Float32Array(memory.buffer, 64 + i * length * 4, length);
    for (let k = 0; k < length; k++) a[k] = rng() * 4 - 2;
    return a;
  });
}

const memory = new WebAssembly.Memory({ initial: 64, maximum: 1024, shared: true });
const pool = new LoopPool(memory, 2);

test("LoopPool computes every pass exactly as the calling thread alone does", () => {
  // 3 threads over rows that do not divide evenly, channels with a remainder of four.
  for (const [rows, c] of [[7001, 6], [4096, 16], [40000, 1]]) {
    const length = rows * c;
    const [a, b, out] = sharedArrays(memory, length, 3, rows);
    const fa = Float32Array.from({ length: c }, (_, k) => 0.5 + k);
    const fb = Float32Array.from({ length: c }, (_, k) => -k / 3);
    const fd = Float32Array.from({ length: c }, (_, k) => k - 2);
    const ref = new Float32Array(length);

    const s1 = new Float64Array(c), p1 = new Float64Array(c);
    const s2 = new Float64Array(c), p2 = new Float64Array(c);
    pool.sums(a, b, c, s1, p1);
    INLINE_PASSES.sums(a, b, c, s2, p2);
    for (let k = 0; k < c; k++) {
      assert(Math.abs(s1[k] - s2[k]) <= 1e-9 * Math.max(1, Math.abs(s2[k])), `sum ${k}`);
      assert(Math.abs(p1[k] - p2[k]) <= 1e-9 * Math.max(1, Math.abs(p2[k])), `dot ${k}`);
    }
    for (const relu of [false, true]) {
      pool.scale(a, c, fa, fd, relu, out);
      INLINE_PASSES.scale(a, c, fa, fd, relu, ref);
      assert.deepEqual(out, ref, `scale relu=${relu} ${rows}x${c}`);
    }
    pool.combine(a, b, c, fa, fb, fd, out);
    INLINE_PASSES.combine(a, b, c, fa, fb, fd, ref);
    assert.deepEqual(out, ref, `combine ${rows}x${c}`);
    const mask = out.map((v) => Math.max(v, 0));
    const masked = new Float32Array(memory.buffer, out.byteOffset, length);
    masked.set(mask);
    pool.mask(a, masked, b);
    INLINE_PASSES.mask(a, masked, ref);
    assert.deepEqual(b, ref, `mask ${rows}x${c}`);
  }
});

test("LoopPool runs arrays outside shared memory on the calling thread", () => {
  const c = 4,
    a = new Float32Array(65536).fill(1),
    s = new Float64Array(c),
    p = new Float64Array(c);
  pool.sums(a, a, c, s, p);
  assert.deepEqual(Array.from(s), [16384, 16384, 16384, 16384]);
  assert.equal(pool.threads, 3);
});

test("LoopPool workers see the heap after it grows", () => {
  memory.grow(16);
  const length = 1 << 16;
  const a = new Float32Array(memory.buffer, memory.buffer.byteLength - length * 4, length).fill(2);
  const s = new Float64Array(1), p = new Float64Array(1);
  pool.sums(a, a, 1, s, p);
  assert.equal(s[0], 2 * length);
  assert.equal(p[0], 4 * length);
});

test("LoopPool's convolution writes what the calling thread alone writes", () => {
  const [n, h, w, ci, co] = [7, 6, 5, 4, 8];
  const g = {
    h,
    w,
    ci,
    ho: h,
    wo: w,
    co,
    kh: 3,
    kw: 3,
    sh: 1,
    sw: 1,
    top: 1,
    left: 1,
    outPix: co,
    outRow: w * co,
    outImage: h * w * co,
    flags: CONV_BIAS | CONV_RELU,
  };
  const [x, filter, bias, out, ref] = sharedArrays(memory, n * h * w * co, 5, 5);
  const operands = (o: Float32Array) => ({
    x: x.byteOffset,
    filter: filter.byteOffset,
    out: o.byteOffset,
    bias: bias.byteOffset,
  });
  pool.conv(g, operands(out), n);
  convolveImages(memory, g, operands(ref), 0, n);
  assert.deepEqual(out, ref);
  assert(out.some((v) => v > 0) && out.some((v) => v === 0), "ReLU output has both signs");
});
