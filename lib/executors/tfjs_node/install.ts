/**
 * The commands that install tfjs-node and tfjs-node-gpu, which the project never depends on:
 * the `native` and `gpu` executors name them when they refuse, and the doctor lists them as fixes.
 *
 * @module
 */
import { TFJS_VERSION } from "./load.ts";

/** tfjs-node's package name. */
export const NATIVE_PACKAGE = "@tensorflow/tfjs-node";

/** tfjs-node-gpu's package name. */
export const GPU_PACKAGE = "@tensorflow/tfjs-node-gpu";

/** The command that installs `pkg` at the tfjs version the project pins, with its install script. */
export function installCommand(pkg: string): string {
  return `deno install --allow-scripts=npm:${pkg} npm:${pkg}@${TFJS_VERSION}`;
}

/** The command that installs tfjs-node. */
export const NATIVE_INSTALL_COMMAND = installCommand(NATIVE_PACKAGE);

/** The command that installs tfjs-node-gpu. */
export const GPU_INSTALL_COMMAND = installCommand(GPU_PACKAGE);
