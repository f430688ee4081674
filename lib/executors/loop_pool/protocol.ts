/**
 * The shared control block between the main thread and one loop worker (pool.ts,
 * worker.ts): a header of 32-bit fields, then per-channel factors (float32) the job reads
 * and per-channel sums (float64) it writes. Arrays are passed as byte offsets into the wasm heap,
 * which both threads see. A job's range [from, to) is cut into chunks that every thread, the
 * main one included, takes in turn from one shared counter, so a thread slowed by other work
 * (XNNPACK's workers spin for a while after each of their ops) simply takes fewer.
 *
 * @module
 */

/** Header fields (indices into the Uint32 view). */
export const F = {
  state: 0,
  op: 1,
  c: 2,
  relu: 3,
  from: 4,
  to: 5,
  a: 6,
  b: 7,
  out: 8,
  length: 9,
  // Filter-gradient geometry (host/filter_grad_loops.ts).
  h: 10,
  w: 11,
  ci: 12,
  ho: 13,
  wo: 14,
  co: 15,
  kh: 16,
  kw: 17,
  sh: 18,
  sw: 19,
  top: 20,
  left: 21,
  /** Chunk length in the job's unit (elements, or images for the convolutions). */
  chunk: 22,
  // Convolution output layout, flags and bias (host/conv_loops.ts); x, filter and out in a, b, out.
  outPix: 23,
  outRow: 24,
  outImage: 25,
  flags: 26,
  bias: 27,
} as const;

/** `state` values. */
export const STATE = { idle: 0, posted: 1, done: 2, failed: 3 } as const;

/** `op` values: the passes of host/channel_passes.ts, the filter gradient and the convolution. */
export const OP = { sums: 1, scale: 2, combine: 3, mask: 4, filterGrad: 5, conv: 6 } as const;

/** Channels a control block has room for; wider tensors run on one thread. */
export const MAX_CHANNELS = 4096;

const HEADER_BYTES = 128;

/** Byte size of one control block. */
export const CONTROL_BYTES = HEADER_BYTES + 3 * 4 * MAX_CHANNELS + 2 * 8 * MAX_CHANNELS;

/** Views of a control block. */
export interface Control {
  header: Int32Array;
  /** Factors fa, fb, fd, each MAX_CHANNELS long. */
  factors: [Float32Array, Float32Array, Float32Array];
  /** Sums s, sp, each MAX_CHANNELS long. */
  sums: [Float64Array, Float64Array];
}

/** The views of control block `buffer`. */
export function controlViews(buffer: SharedArrayBuffer): Control {
  const f = (i: number) =>
    new Float32Array(buffer, HEADER_BYTES + 4 * MAX_CHANNELS * i, MAX_CHANNELS);
  const sumsAt = HEADER_BYTES + 12 * MAX_CHANNELS;
  const d = (i: number) => new Float64Array(buffer, sumsAt + 8 * MAX_CHANNELS * i, MAX_CHANNELS);
  return {
    header: new Int32Array(buffer, 0, HEADER_BYTES / 4),
    factors: [f(0), f(1), f(2)],
    sums: [d(0), d(1)],
  };
}

/** Take the next chunk of [from, to) from `counter`: its range, or undefined when none is left. */
export function nextChunk(
  counter: Int32Array,
  from: number,
  to: number,
  chunk: number,
): [number, number] | undefined {
  const lo = from + Atomics.add(counter, 0, 1) * chunk;
  return lo < to ? [lo, Math.min(lo + chunk, to)] : undefined;
}
