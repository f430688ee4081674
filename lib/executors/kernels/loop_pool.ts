/**
 * Channel passes (channel_passes.ts) split across threads: the calling thread takes the first
 * share of the rows and each loop worker (loop_worker.ts) one more, all on the wasm heap, which
 * the threaded wasm build keeps in shared memory. Used by the wasm executor when it runs on more
 * than one thread, so that the batch norm's passes use the cores XNNPACK uses for convolutions.
 * Arrays outside shared memory, narrow tensors and small ones run on the calling thread.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { type ChannelPasses, INLINE_PASSES } from "./batch_norm_math.ts";
import { channelCombine, channelScale, channelSums, maskBy } from "./channel_passes.ts";
import { accumulateFilterGrad, type FilterGeometry } from "./filter_grad_loops.ts";
import type { RankUpdate } from "./rank_update_wasm.ts";
import {
  type Control,
  CONTROL_BYTES,
  controlViews,
  F,
  MAX_CHANNELS,
  OP,
  STATE,
} from "./loop_protocol.ts";

/** Below this many elements a pass is not worth a hand-off (a round trip costs ~20 µs). */
const MIN_ELEMENTS = 1 << 15;

interface Job {
  op: number;
  c: number;
  arrays: { a: Float32Array; b?: Float32Array; out?: Float32Array };
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

  /** Start `workers` loop workers over `memory` (a shared WebAssembly.Memory). */
  constructor(readonly memory: WebAssembly.Memory, workers: number) {
    for (let i = 0; i < workers; i++) {
      const buffer = new SharedArrayBuffer(CONTROL_BYTES);
      const worker = new Worker(
        new URL("./loop_worker.ts", import.meta.url),
        {
          workerData: { memory, control: buffer },
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
    const parts = this.#split(c, a, b);
    if (!parts) return INLINE_PASSES.sums(a, b, c, s, sp);
    this.#post(parts, { op: OP.sums, c, arrays: { a, b } });
    channelSums(a, b, c, s, sp, parts[0][0], parts[0][1]);
    this.#wait(parts.length - 1, (control) => {
      for (let k = 0; k < c; k++) {
        s[k] += control.sums[0][k];
        sp[k] += control.sums[1][k];
      }
    });
  }

  scale(
    u: Float32Array,
    c: number,
    fa: Float32Array,
    fd: Float32Array,
    relu: boolean,
    out: Float32Array,
  ): void {
    const parts = this.#split(c, u, out);
    if (!parts) return INLINE_PASSES.scale(u, c, fa, fd, relu, out);
    this.#post(parts, { op: OP.scale, c, arrays: { a: u, out }, factors: [fa, fa, fd], relu });
    channelScale(u, c, fa, fd, relu, out, parts[0][0], parts[0][1]);
    this.#wait(parts.length - 1);
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
    const parts = this.#split(c, u, v, out);
    if (!parts) return INLINE_PASSES.combine(u, v, c, fa, fb, fd, out);
    this.#post(parts, { op: OP.combine, c, arrays: { a: u, b: v, out }, factors: [fa, fb, fd] });
    channelCombine(u, v, c, fa, fb, fd, out, parts[0][0], parts[0][1]);
    this.#wait(parts.length - 1);
  }

  mask(a: Float32Array, mask: Float32Array, out: Float32Array): void {
    const parts = this.#split(1, a, mask, out);
    if (!parts) return INLINE_PASSES.mask(a, mask, out);
    this.#post(parts, { op: OP.mask, c: 1, arrays: { a, b: mask, out } });
    maskBy(a, mask, out, parts[0][0], parts[0][1]);
    this.#wait(parts.length - 1);
  }

  /**
   * The filter gradient of geometry `g` (filter_grad_loops.ts) into `out` ([kh, kw, ci, co]),
   * images split over the threads; `scratch` gives each worker its own accumulator (workers ×
   * out.length floats, shared memory); without it, or outside shared memory, all on this thread.
   */
  filterGrad(
    kernel: RankUpdate,
    g: FilterGeometry,
    x: Float32Array,
    dy: Float32Array,
    out: Float32Array,
    scratch: Float32Array | undefined,
  ): void {
    const shared = [x, dy, out].every((a) => a.buffer instanceof SharedArrayBuffer);
    const parts = Math.min(this.threads, g.n);
    if (!scratch || !shared || parts < 2 || scratch.length < (parts - 1) * out.length) {
      out.fill(0);
      accumulateFilterGrad(kernel, g, x.byteOffset, dy.byteOffset, out.byteOffset, 0, g.n);
      return;
    }
    const ranges = Array.from(
      { length: parts },
      (_, i) =>
        [Math.floor((g.n * i) / parts), Math.floor((g.n * (i + 1)) / parts)] as [number, number],
    );
    const outs = ranges.slice(1).map((_, i) =>
      scratch.subarray(i * out.length, (i + 1) * out.length)
    );
    const { n: _, ...fields } = g;
    this.#post(ranges, { op: OP.filterGrad, c: 1, arrays: { a: x, b: dy }, outs, fields });
    out.fill(0);
    accumulateFilterGrad(kernel, g, x.byteOffset, dy.byteOffset, out.byteOffset, ...ranges[0]);
    this.#wait(parts - 1);
    for (const part of outs) for (let k = 0; k < out.length; k++) out[k] += part[k];
  }

  /** Row-aligned element ranges, one per thread, or undefined to run inline. */
  #split(c: number, ...arrays: Float32Array[]): [number, number][] | undefined {
    const length = arrays[0].length;
    if (
      this.#workers.length === 0 || length < MIN_ELEMENTS || c > MAX_CHANNELS ||
      !arrays.every((x) => x.buffer instanceof SharedArrayBuffer && x.length === length)
    ) {
      return undefined;
    }
    const rows = length / c, n = this.threads;
    return Array.from({ length: n }, (_, i) => [
      Math.floor((rows * i) / n) * c,
      Math.floor((rows * (i + 1)) / n) * c,
    ]);
  }

  /** Hand ranges 1… to the workers. */
  #post(parts: [number, number][], job: Job): void {
    for (let i = 1; i < parts.length; i++) {
      const { header, factors } = this.#workers[i - 1].control;
      header[F.op] = job.op;
      header[F.c] = job.c;
      header[F.relu] = job.relu ? 1 : 0;
      header[F.from] = parts[i][0];
      header[F.to] = parts[i][1];
      header[F.length] = job.arrays.a.length;
      header[F.a] = job.arrays.a.byteOffset;
      header[F.b] = job.arrays.b?.byteOffset ?? 0;
      header[F.out] = (job.outs?.[i - 1] ?? job.arrays.out)?.byteOffset ?? 0;
      if (job.outs) header[F.length] = job.outs[i - 1].length;
      for (const [k, v] of Object.entries(job.fields ?? {})) header[F[k as keyof typeof F]] = v!;
      job.factors?.forEach((f, k) => factors[k].set(f));
      Atomics.store(header, F.state, STATE.posted);
      Atomics.notify(header, F.state);
    }
  }

  /** Wait for the first `count` workers; `collect` reads each one's results. */
  #wait(count: number, collect?: (control: Control) => void): void {
    let failed = false;
    for (let i = 0; i < count; i++) {
      const { control } = this.#workers[i];
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
