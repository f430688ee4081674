/**
 * Calling other registered kernels from inside a kernel, the way the stock backends compose
 * theirs: the composite sees only backend tensor infos, never the engine, so nothing it makes is
 * taped or tracked, and it must dispose its own intermediates.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";

/** The TensorFlow.js core namespace (passed in; kernel files never load TensorFlow.js). */
export type Tf = typeof tfc;

/** A backend tensor (data id, shape, dtype). */
export type TensorInfo = tfc.TensorInfo;

/** Runs kernels of one backend by name. */
export interface KernelCall {
  /** Run `name` on the backend; throws naming the kernel when it is not registered there. */
  (name: string, inputs: Record<string, TensorInfo>, attrs?: Record<string, unknown>): TensorInfo;
  /** Release intermediates made by earlier calls. */
  dispose(...infos: TensorInfo[]): void;
}

/** A {@linkcode KernelCall} for `backend`, registered under `backendName`. */
export function kernelCall(tf: Tf, backend: object, backendName: string): KernelCall {
  const call = ((name, inputs, attrs = {}) => {
    const kernel = tf.getKernel(name, backendName);
    if (!kernel) throw new Error(`Kernel '${name}' not registered for backend '${backendName}'`);
    const out = kernel.kernelFunc(
      {
        inputs,
        backend,
        attrs: attrs as tfc.NamedAttrMap,
      } as unknown as Parameters<tfc.KernelFunc>[0],
    );
    return Array.isArray(out) ? out[0] : out;
  }) as KernelCall;
  call.dispose = (...infos) => {
    const b = backend as { disposeData(dataId: object, force?: boolean): boolean };
    for (const info of infos) b.disposeData(info.dataId);
  };
  return call;
}
