/**
 * The `onednn` TensorFlow.js backend: tfjs-backend-cpu's storage (tensors are TypedArrays, so
 * every cpu kernel keeps working on it) plus what the oneDNN kernels need: a buffer pool for
 * outputs, a cache of created primitives, and a cache of weights reordered into the layouts
 * oneDNN picks.
 *
 * @module
 */
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import type { DataType, TensorInfo } from "@tensorflow/tfjs-core";
import { BufferPool } from "./buffer_pool.ts";
import type { Dnnl } from "./dnnl.ts";

type DataId = object;

/** MathBackendCPU with pooled outputs and cached oneDNN primitives. */
export class OnednnBackend extends MathBackendCPU {
  /** Output buffers. */
  readonly pool = new BufferPool();
  /**
   * Elementwise ops (activations, arithmetic, reductions) on fewer elements run the cpu kernel:
   * below this an FFI call and a plan lookup cost about what the work does. Above it, oneDNN
   * on one thread beat the cpu kernels tenfold (a [32, 650] multiply: 5 us against 50 us for a
   * plain loop and 450 us for tfjs's cpu kernel, which an LSTM step calls about 1,200 times).
   */
  minElementwise = 1 << 12;
  /**
   * Elementwise primitives over fewer elements run on one OpenMP thread (see threads.ts): the
   * fork and join of a parallel region cost more than the second thread saves.
   */
  minParallelElements = 1 << 16;
  /** Matmuls of fewer multiply-adds run on one OpenMP thread. */
  minParallelMacs = 1 << 24;
  /** Created primitives and their plans, by operation and shapes (training shapes are few). */
  readonly #plans = new Map<string, unknown>();
  /** Data known to hold no negative numbers (a fused ReLU's output). */
  readonly #nonNegative = new WeakSet<DataId>();
  /** Outputs not computed yet: what they wait for. */
  readonly #lazy = new Map<DataId, { inputs: DataId[] }>();
  /** Reordered copies of a tensor's data, by the layout key they were made for. */
  readonly #reordered = new Map<DataId, Map<string, Float32Array>>();

  constructor(readonly dnnl: Dnnl) {
    super();
    // MathBackendCPU's one-time "install tfjs-node" notice does not apply to this backend.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  override write(values: any, shape: number[], dtype: DataType): DataId {
    this.pool.stored(values);
    return super.write(values, shape, dtype);
  }

  override move(
    dataId: DataId,
    values: any,
    shape: number[],
    dtype: DataType,
    refCount: number,
  ): void {
    const old = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    this.pool.stored(values);
    super.move(dataId, values, shape, dtype, refCount);
    if (old !== undefined) this.pool.released(old);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const lazy = this.#lazy.get(dataId);
    if (lazy) {
      const released = super.disposeData(dataId, force);
      if (released && !this.data.has(dataId)) {
        this.#lazy.delete(dataId);
        for (const input of lazy.inputs) this.disposeData(input);
      }
      return released;
    }
    const entry = this.data.get(dataId);
    const values = entry.values;
    const released = super.disposeData(dataId, force);
    if (released && !this.data.has(dataId)) {
      this.pool.released(values);
      this.#dropReordered(dataId);
    }
    return released;
  }

  /** Pooled buffers never leave the backend: a reader gets a copy it may keep. */
  override readSync(dataId: DataId): any {
    const values = super.readSync(dataId);
    return this.pool.owns(values) ? (values as Float32Array).slice() : values;
  }

  /** The float32 data of a tensor, in place (read-only by convention). */
  f32(t: TensorInfo): Float32Array {
    return this.data.get(t.dataId).values as Float32Array;
  }

  /** Record that `t` is a ReLU's output, so that ReLU on it is the identity. */
  markNonNegative(t: TensorInfo): void {
    this.#nonNegative.add(t.dataId);
  }

  /** Whether `t` is known to be a ReLU's output. */
  isNonNegative(t: TensorInfo): boolean {
    return this.#nonNegative.has(t.dataId);
  }

  /** A pooled output buffer for `shape`. */
  alloc(shape: readonly number[]): Float32Array {
    let n = 1;
    for (const d of shape) n *= d;
    return this.pool.take(n);
  }

  /** Wrap a buffer from {@linkcode alloc} as a float32 tensor. */
  output(shape: number[], values: Float32Array): TensorInfo {
    return this.makeTensorInfo(shape, "float32", values);
  }

  /**
   * An output computed only when something reads it. tfjs computes some gradients nobody uses
   * (a fused convolution's gradient always includes its input's, also for the network's input
   * images); those are disposed unread and so never computed. The inputs stay referenced until
   * the output is computed or disposed.
   */
  lazyOutput(
    shape: number[],
    inputs: TensorInfo[],
    compute: (out: Float32Array) => void,
  ): TensorInfo {
    const dataId = this.write(undefined as unknown as Float32Array, shape, "float32");
    const held = inputs.map((t) => t.dataId);
    for (const id of held) this.incRef(id);
    this.#lazy.set(dataId, { inputs: held });
    const entry = this.data.get(dataId) as { values?: unknown };
    const settle = (value: unknown) =>
      Object.defineProperty(entry, "values", {
        value,
        writable: true,
        configurable: true,
        enumerable: true,
      });
    Object.defineProperty(entry, "values", {
      configurable: true,
      enumerable: true,
      get: () => {
        const out = this.alloc(shape);
        compute(out);
        settle(out);
        this.pool.stored(out);
        this.#lazy.delete(dataId);
        for (const id of held) this.disposeData(id);
        return out;
      },
      set: settle,
    });
    return { dataId, shape, dtype: "float32" };
  }

  /**
   * The plan cached under `key` (a primitive with the layouts and helpers it needs), created on
   * first use: creating a primitive costs far more than running it. Primitives created by
   * `create` run on `threads` OpenMP threads (default: the count in effect).
   */
  plan<T>(key: string, create: () => T, threads?: number): T {
    // The count is part of the key: a plan made for one count is never run under another.
    const full = threads === undefined ? key : `${key}|threads ${threads}`;
    let p = this.#plans.get(full) as T | undefined;
    if (p === undefined) {
      p = threads === undefined ? create() : this.dnnl.threads.with(threads, create);
      this.#plans.set(full, p);
    }
    return p;
  }

  /**
   * OpenMP threads for an elementwise primitive over `n` elements. Pass it to
   * {@linkcode plan} from a key that determines `n`, so that a plan's count never changes.
   */
  elementwiseThreads(n: number): number {
    return n < this.minParallelElements ? 1 : this.dnnl.threads.max;
  }

  /** OpenMP threads for a matmul of `macs` multiply-adds (see {@linkcode elementwiseThreads}). */
  matmulThreads(macs: number): number {
    return macs < this.minParallelMacs ? 1 : this.dnnl.threads.max;
  }

  /** Number of cached plans (for tests and profiles). */
  get planCount(): number {
    return this.#plans.size;
  }

  /**
   * A copy of tensor `t`'s data in another layout, made once by `make` and reused until the
   * tensor's data is disposed (a weight update writes new data, so the cache follows it).
   */
  reordered(t: TensorInfo, layoutKey: string, make: () => Float32Array): Float32Array {
    let byLayout = this.#reordered.get(t.dataId);
    if (!byLayout) this.#reordered.set(t.dataId, byLayout = new Map());
    let data = byLayout.get(layoutKey);
    if (!data) byLayout.set(layoutKey, data = make());
    return data;
  }

  #dropReordered(dataId: DataId): void {
    const byLayout = this.#reordered.get(dataId);
    if (!byLayout) return;
    for (const data of byLayout.values()) this.pool.give(data);
    this.#reordered.delete(dataId);
  }
}
