/**
 * Helpers shared by the kernels: the backend cast, the cpu kernel a kernel falls back to when its
 * inputs are outside what the oneDNN path handles, and shape arithmetic.
 *
 * @module
 */
import { getKernel, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import type { OnednnBackend } from "./backend.ts";

/**
 * Elements below which a copy or matmul stays with the cpu kernel (an FFI call and a primitive
 * lookup cost more than the work).
 */
export const SMALL = 4096;

/**
 * Whether an elementwise op (activation, arithmetic, reduction) over `n` elements is too small
 * for oneDNN on this backend (see {@linkcode OnednnBackend.minElementwise}).
 */
export function tooSmall(args: KernelArgs, n: number): boolean {
  return n < onednn(args).minElementwise;
}

/** Kernel arguments as tfjs passes them. */
export type KernelArgs = Parameters<KernelFunc>[0];

/** The backend a kernel runs on. */
export function onednn(args: KernelArgs): OnednnBackend {
  return args.backend as OnednnBackend;
}

/** Run the cpu backend's kernel `name` on the same arguments (same storage, so no copies). */
export function cpuKernel(name: string, args: KernelArgs): TensorInfo | TensorInfo[] {
  const config = getKernel(name, "cpu");
  if (!config) throw new Error(`onednn: no cpu kernel "${name}" to fall back to`);
  return config.kernelFunc(args);
}

/** Number of elements of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Whether every input is float32. */
export function allFloat32(...ts: Array<TensorInfo | undefined>): boolean {
  return ts.every((t) => t === undefined || t.dtype === "float32");
}

/** A kernel's named inputs (optional ones may be undefined or null at run time). */
export function inputsOf(args: KernelArgs): Record<string, TensorInfo> {
  return args.inputs as Record<string, TensorInfo>;
}

/** Whether any tensor has no elements. */
export function anyEmpty(...ts: Array<TensorInfo | undefined | null>): boolean {
  return ts.some((t) => t != null && sizeOf(t.shape) === 0);
}
