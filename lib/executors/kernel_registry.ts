/**
 * How the cpu and wasm executors put their own kernels and gradients in, and every executor but
 * onednn the shared gradients (register_all_gradients.ts). Each kernel file exports a
 * {@linkcode KernelFactory}: the kernel's name and how to make it, given the stock kernel it
 * replaces (if any); each executor's `register_all_kernels.ts` is a flat list of them. Configs
 * made here are tagged, so registering twice never wraps one of ours as if it were the stock one.
 * Register after tfjs-layers has loaded: gradients registered earlier may be replaced when it
 * (and the tfjs-core copy it pulls in) initialise.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type { Tf } from "./host/kernel_call.ts";

/** A kernel an executor registers: its name, and how to make it over the stock kernel. */
export interface KernelFactory {
  kernelName: string;
  /** The config for `backendName`; `stock` is the kernel registered there before ours, if any. */
  make(tf: Tf, backendName: string, stock: tfc.KernelConfig | undefined): tfc.KernelConfig;
}

/** Marks configs made here. */
const OURS = Symbol.for("born-again.executors.kernel");

type Tagged<T> = T & { [OURS]?: true; stock?: T };

/** The stock kernel registered now, unless it is one of ours (then the one it replaced). */
function stockKernel(tf: Tf, name: string, backend: string): tfc.KernelConfig | undefined {
  const k = tf.getKernel(name, backend) as Tagged<tfc.KernelConfig> | undefined;
  return k?.[OURS] ? k.stock : k;
}

/** The stock kernel a factory needs, or an error naming it. */
export function requireStock(
  name: string,
  backendName: string,
  stock: tfc.KernelConfig | undefined,
): tfc.KernelConfig {
  if (!stock) throw new Error(`${name} needs the stock ${backendName} kernel, which is missing`);
  return stock;
}

/** Register every kernel of `factories` for `backendName`, replacing what is there. */
export function registerKernels(
  tf: Tf,
  backendName: string,
  factories: readonly KernelFactory[],
): void {
  for (const factory of factories) {
    const stock = stockKernel(tf, factory.kernelName, backendName);
    const config = factory.make(tf, backendName, stock);
    if (tf.getKernel(config.kernelName, config.backendName)) {
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    tf.registerKernel(Object.assign(config, { [OURS]: true, stock }));
  }
}

/**
 * Register the gradient `make` returns for `kernelName`, wrapping the one registered now, unless
 * one of ours is registered already.
 */
export function wrapGradient(
  tf: Tf,
  kernelName: string,
  make: (previous: tfc.GradConfig | undefined) => tfc.GradConfig,
): void {
  const previous = tf.getGradient(kernelName) as Tagged<tfc.GradConfig> | undefined;
  if (previous?.[OURS]) return;
  tf.registerGradient(Object.assign(make(previous), { [OURS]: true }));
}
