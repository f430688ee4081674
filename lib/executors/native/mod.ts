/**
 * The `native` executor: tfjs-node (TensorFlow's C library, multi-threaded CPU kernels), used
 * when installed. It is never required.
 *
 * @module
 */
import type { LoadedExecutor } from "../executor.ts";
import { NATIVE_INSTALL_COMMAND, NATIVE_PACKAGE } from "../tfjs_node/install.ts";
import { loadTfjsNode, requireInstalled } from "../tfjs_node/load.ts";

/** How to install tfjs-node, shown when it is missing. */
export const NATIVE_INSTALL =
  `Install it with \`${NATIVE_INSTALL_COMMAND}\` on a machine that can reach ` +
  `storage.googleapis.com (its install script downloads libtensorflow 2.9.1 for CPU; ` +
  `Linux x86_64, macOS or Windows x86_64).`;

/** Throw why tfjs-node cannot load, short of loading it. */
export function preflight(): Promise<void> {
  requireInstalled("native", NATIVE_PACKAGE, NATIVE_INSTALL);
  return Promise.resolve();
}

/** Load TensorFlow.js on tfjs-node's "tensorflow" backend. */
export function load(): Promise<LoadedExecutor> {
  return loadTfjsNode("native", NATIVE_PACKAGE, NATIVE_INSTALL);
}
