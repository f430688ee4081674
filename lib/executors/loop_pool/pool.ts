/**
 * Channel passes (host/channel_passes.ts), the filter gradient and the direct convolution split
 * across threads: the calling thread and each loop worker (worker.ts) take chunks of the rows (or
 * images) from a shared counter until none are left, all on the wasm heap, which the threaded
 * wasm build keeps in shared memory. Used by the wasm executor when it runs on more than one
 * thread, so that the project's kernels use the cores XNNPACK uses for its own ops. Arrays
 * outside shared memory, narrow tensors and small ones run on the calling thread.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { type ChannelPasses, INLINE_PASSES } from "../host/batch_norm_math.ts";
import { channelCombine, channelScale, channelSums, maskBy } from "../host/channel_passes.ts";
import { type ConvGeometry, convolveImages, type ConvOperands } from "../host/conv_loops.ts";
import { accumulateFilterGrad, type FilterGeometry } from "../host/filter_grad_loops.ts";
import {
  type Control,
  CONTROL_BYTES,
  controlViews,
  F,
  MAX_CHANNELS,
  nextChunk,
  OP,
  STATE,
} from "./protocol.ts";

/** Below this many elements a pass is not worth a hand-off (a round trip costs ~20 µs). */
const MIN_ELEMENTS = 1 << 15;
/** Chunks a range is cut into per thread, so that a slowed thread can leave work to others. */
const CHUNKS_PER_THREAD = 4;
/** No chunk smaller than this many elements. */
const MIN_CHUNK_ELEMENTS = 1 << 13;

/** [from, to) in chunks of `chunk` (elements, or images). */
interface ChunkedRange {
  from: number;
  to: number;
  chunk: number;
}

interface Job {
  op: number;
  c: number;
  arrays?: { a: Float32Array; b?: Float32Array; out?: Float32Array };
  factors?: Float32Array[];
  relu?: boolean;
  /** Extra header fields. */
  fields?: Partial<Record<keyof typeof F, number>>;
  /** Output offsets per worker (for jobs whose workers each write their own output). */
  outs?: Float32Array[];
}

/** A pool of loop workers over one shared wasm memory. */
export class LoopPool implements ChannelPasses {
  readonly #workers: { worker: Worker; control: Control }[] = [];
  /** The chunk counter every thread takes work from. */
  readonly #counter = new Int32Array(new SharedArrayBuffer(4));

  /** Start `workers` loop workers over `memory` (a shared WebAssembly.Memory). */
  constructor(readonly memory: WebAssembly.Memory, workers: number) {
    for (let i = 0; i < workers; i++) {
      const buffer = new SharedArrayBuffer(CONTROL_BYTES);
      const worker = new Worker(
        new URL("./worker.ts", import.meta.url),
        {
          workerData: { memory, control: buffer, counter: this.#counter.buffer },
        } as ConstructorParameters<typeof Worker>[1],
      );
      // Workers wait in Atomics.wait between jobs and must not keep the process alive.
      worker.unref();
      this.#workers.push({ worker, control: controlViews(buffer) });
    }
  }

  /** Threads a pass uses: this one and the workers. */
  get threads(): number {
    return this.#workers.length + 1;
  }

  sums(a: Float32Array, b: Float32Array, c: number, s: Float64Array, sp: Float64Array): void {
    const range = this.#split(c, a, b);
    if (!range) return INLINE_PASSES.sums(a, b, c, s, sp);
    this.#run(
      range,
      { op: OP.sums, c, arrays: { a, b } },
      (lo, hi) => channelSums(a, b, c, s, sp, lo, hi),
      (control) => {
        for (let k = 0; k < c; k++) {
          s[k] += control.sums[0][k];
          sp[k] += control.sums[1][k];
        }
      },
    );
  }

  scale(
    u: Float32Array,
    c: number,
    fa: Float32Array,
    fd: Float32Array,
    relu: boolean,
    out: Float32Array,
  ): void {
    const range = this.#split(c, u, out);
    if (!range) return INLINE_PASSES.scale(u, c, fa, fd, relu, out);
    this.#run(
      range,
      { op: OP.scale, c, arrays: { a: u, out }, factors: [fa, fa, fd], relu },
      (lo, hi) => channelScale(u, c, fa, fd, relu, out, lo, hi),
    );
  }

  combine(
    u: Float32Array,
    v: Float32Array,
    c: number,
    fa: Float32Array,
    fb: Float32Array,
    fd: Float32Array,
    out: Float32Array,
  ): void {
    const range = this.#split(c, u, v, out);
    if (!range) return INLINE_PASSES.combine(u, v, c, fa, fb, fd, out);
    this.#run(
      range,
      { op: OP.combine, c, arrays: { a: u, b: v, out }, factors: [fa, fb, fd] },
      (lo, hi) => channelCombine(u, v, c, fa, fb, fd, out, lo, hi),
    );
  }

  mask(a: Float32Array, mask: Float32Array, out: Float32Array): void {
    const range = this.#split(1, a, mask, out);
    if (!range) return INLINE_PASSES.mask(a, mask, out);
    this.#run(
      range,
      { op: OP.mask, c: 1, arrays: { a, b: mask, out } },
      (lo, hi) => maskBy(a, mask, out, lo, hi),
    );
  }

  /**
   * The filter gradient of geometry `g` (host/filter_grad_loops.ts) into `out` ([kh, kw, ci, co]),
   * images shared out in chunks; `scratch` gives each worker its own accumulator (workers ×
   * out.length floats, shared memory); without it, or outside shared memory, all on this thread.
   */
  filterGrad(
    g: FilterGeometry,
    x: Float32Array,
    dy: Float32Array,
    out: Float32Array,
    scratch: Float32Array | undefined,
  ): void {
    const shared = [x, dy, out].every((a) => a.buffer instanceof SharedArrayBuffer);
    const workers = this.#workers.length;
    out.fill(0);
    const local = (lo: number, hi: number) =>
      accumulateFilterGrad(this.memory, g, x.byteOffset, dy.byteOffset, out.byteOffset, lo, hi);
    if (!scratch || !shared || g.n < 2 || workers === 0 || scratch.length < workers * out.length) {
      return local(0, g.n);
    }
    const outs = this.#workers.map((_, i) =>
      scratch.subarray(i * out.length, (i + 1) * out.length)
    );
    const { n: _, ...fields } = g;
    this.#run(
      {
        from: 0,
        to: g.n,
        chunk: Math.max(1, Math.floor(g.n / (CHUNKS_PER_THREAD * this.threads))),
      },
      { op: OP.filterGrad, c: 1, arrays: { a: x, b: dy }, outs, fields },
      local,
    );
    for (const part of outs) for (let k = 0; k < out.length; k++) out[k] += part[k];
  }

  /**
   * The convolution of geometry `g` (host/conv_loops.ts) over `n` images, shared out in chunks of
   * images; operands are byte offsets into the pool's (shared) memory.
   */
  conv(g: ConvGeometry, p: ConvOperands, n: number): void {
    const local = (lo: number, hi: number) => convolveImages(this.memory, g, p, lo, hi);
    if (this.#workers.length === 0 || n < 2) return local(0, n);
    this.#run(
      { from: 0, to: n, chunk: Math.max(1, Math.floor(n / (CHUNKS_PER_THREAD * this.threads))) },
      { op: OP.conv, c: 1, fields: { ...g, a: p.x, b: p.filter, out: p.out, bias: p.bias } },
      local,
    );
  }

  /** The range of a pass cut into row-aligned chunks, or undefined to run it inline. */
  #split(c: number, ...arrays: Float32Array[]): ChunkedRange | undefined {
    const length = arrays[0].length;
    if (
      this.#workers.length === 0 || length < MIN_ELEMENTS || c > MAX_CHANNELS ||
      !arrays.every((x) => x.buffer instanceof SharedArrayBuffer && x.length === length)
    ) {
      return undefined;
    }
    const rows = length / c;
    const chunkRows = Math.max(
      Math.ceil(rows / (CHUNKS_PER_THREAD * this.threads)),
      Math.ceil(MIN_CHUNK_ELEMENTS / c),
    );
    return { from: 0, to: length, chunk: chunkRows * c };
  }

  /**
   * Post `job` over `range` to every worker, take chunks on this thread with `local` until none
   * are left, then wait for the workers; `collect` reads each worker's results.
   */
  #run(
    range: ChunkedRange,
    job: Job,
    local: (lo: number, hi: number) => void,
    collect?: (control: Control) => void,
  ): void {
    Atomics.store(this.#counter, 0, 0);
    this.#workers.forEach(({ control: { header, factors } }, i) => {
      header[F.op] = job.op;
      header[F.c] = job.c;
      header[F.relu] = job.relu ? 1 : 0;
      header[F.from] = range.from;
      header[F.to] = range.to;
      header[F.chunk] = range.chunk;
      header[F.length] = job.outs ? job.outs[i].length : job.arrays?.a.length ?? 0;
      header[F.a] = job.arrays?.a.byteOffset ?? 0;
      header[F.b] = job.arrays?.b?.byteOffset ?? 0;
      header[F.out] = (job.outs?.[i] ?? job.arrays?.out)?.byteOffset ?? 0;
      for (const [k, v] of Object.entries(job.fields ?? {})) header[F[k as keyof typeof F]] = v!;
      job.factors?.forEach((f, k) => factors[k].set(f));
      Atomics.store(header, F.state, STATE.posted);
      Atomics.notify(header, F.state);
    });
    const { from, to, chunk } = range;
    for (
      let r = nextChunk(this.#counter, from, to, chunk);
      r;
      r = nextChunk(this.#counter, from, to, chunk)
    ) {
      local(r[0], r[1]);
    }
    let failed = false;
    for (const { control } of this.#workers) {
      let state = Atomics.load(control.header, F.state);
      while (state === STATE.posted) {
        Atomics.wait(control.header, F.state, state);
        state = Atomics.load(control.header, F.state);
      }
      if (state === STATE.failed) failed = true;
      else collect?.(control);
      Atomics.store(control.header, F.state, STATE.idle);
    }
    if (failed) throw new Error("a loop worker failed its share of a kernel");
  }
}

/** The pool the plain-loop kernels use; none until the wasm executor starts one. */
let active: LoopPool | undefined;

/** Make `pool` the one kernels use (undefined: run on the calling thread). */
export function useLoopPool(pool: LoopPool | undefined): void {
  active = pool;
}

/** The pool kernels should split their work over now, if any. */
export function loopPool(): LoopPool | undefined {
  return active;
}

/** The passes kernels should use now. */
export function channelPasses(): ChannelPasses {
  return active ?? INLINE_PASSES;
}
