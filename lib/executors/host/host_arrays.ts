/**
 * Float32 views of backend tensors for kernels written as plain loops: the wasm backend's tensors
 * live in its heap (views are taken after every output is allocated, since allocating may grow
 * and move the heap), the cpu backend's in TypedArrays.
 *
 * @module
 */
import type { TensorInfo } from "./kernel_call.ts";

/** Allocate float32 outputs and read any tensor as a Float32Array. */
export interface HostArrays {
  /** New float32 tensors of the given shapes (contents unspecified). */
  alloc(...shapes: number[][]): TensorInfo[];
  /** A view of a float32 tensor's values; take views only after the last `alloc` of a call. */
  view(info: TensorInfo): Float32Array;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: "float32"): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

interface CpuLike {
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): TensorInfo;
  data: { get(dataId: object): { values?: unknown } };
}

function requireFloat32(info: TensorInfo): void {
  if (info.dtype !== "float32") {
    throw new Error(`expected a float32 tensor, got ${info.dtype} of shape [${info.shape}]`);
  }
}

/** The arrays of `backend` (a wasm or cpu backend instance). */
export function hostArrays(backend: object): HostArrays {
  if (typeof (backend as Partial<WasmLike>).typedArrayFromHeap === "function") {
    const b = backend as WasmLike;
    return {
      alloc: (...shapes) => shapes.map((s) => b.makeOutput(s, "float32")),
      view(info) {
        requireFloat32(info);
        return b.typedArrayFromHeap(info);
      },
    };
  }
  const b = backend as CpuLike;
  if (typeof b.makeTensorInfo !== "function" || typeof b.data?.get !== "function") {
    throw new Error("plain-loop kernels run on the wasm and cpu backends only");
  }
  return {
    alloc: (...shapes) =>
      shapes.map((s) =>
        b.makeTensorInfo(s, "float32", new Float32Array(s.reduce((p, d) => p * d, 1)))
      ),
    view(info) {
      requireFloat32(info);
      return b.data.get(info.dataId).values as Float32Array;
    },
  };
}

/**
 * The WebAssembly.Memory behind a wasm backend's heap (the threaded build exposes it as
 * `wasmMemory`, the single-threaded one under `asm.memory`), or undefined for other backends.
 */
export function wasmHeapMemory(backend: object): WebAssembly.Memory | undefined {
  const wasm = (backend as {
    wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  }).wasm;
  const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}
