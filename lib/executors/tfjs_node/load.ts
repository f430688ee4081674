/**
 * Loading tfjs-node or tfjs-node-gpu when they are installed: shared by the `native` and `gpu`
 * executors. Neither is a dependency of the project; both need a native libtensorflow that their
 * install script downloads, so they are looked for on disk first and imported only when found.
 *
 * @module
 */
import type { LoadedExecutor } from "../executor.ts";
import { ExecutorUnavailable } from "../executor.ts";
import { findInstalledNpm } from "./installed_npm.ts";

/** The tfjs version the project pins; tfjs-node must match it. */
export const TFJS_VERSION = "4.22.0";

/** The file whose presence says a tfjs-node package's native part was installed. */
export const TFJS_BINDING = "lib/*/tfjs_binding.node";

/** Throw why `pkg` is not installed, or return its folder. */
export function requireInstalled(
  name: "native" | "gpu",
  pkg: "@tensorflow/tfjs-node" | "@tensorflow/tfjs-node-gpu",
  howToInstall: string,
): string {
  const root = findInstalledNpm(pkg, TFJS_VERSION, TFJS_BINDING);
  if (!root) {
    throw new ExecutorUnavailable(
      name,
      `${pkg}@${TFJS_VERSION} is not installed (no lib/napi-v*/tfjs_binding.node in node_modules ` +
        `or Deno's npm cache). ${howToInstall}`,
    );
  }
  return root;
}

/** Load `pkg` (tfjs-node or tfjs-node-gpu) as executor `name`, or throw why not. */
export async function loadTfjsNode(
  name: "native" | "gpu",
  pkg: "@tensorflow/tfjs-node" | "@tensorflow/tfjs-node-gpu",
  howToInstall: string,
): Promise<LoadedExecutor> {
  const root = requireInstalled(name, pkg, howToInstall);
  // A specifier held in a variable: never part of the module graph, the lock file or `deno check`.
  const specifier = `npm:${pkg}@${TFJS_VERSION}`;
  let tfn: any;
  try {
    tfn = await import(specifier);
  } catch (e) {
    throw new ExecutorUnavailable(
      name,
      `${pkg} is installed at ${root} but failed to load: ${e instanceof Error ? e.message : e}. ` +
        howToInstall,
      { cause: e },
    );
  }
  const tf = tfn.default ?? tfn;
  const tfl = await import("@tensorflow/tfjs-layers");
  if (!(await tf.setBackend("tensorflow"))) {
    throw new ExecutorUnavailable(name, `${pkg} loaded but its "tensorflow" backend did not start`);
  }
  const { registerAllGradients } = await import("../register_all_gradients.ts");
  registerAllGradients(tf);
  return {
    name,
    backend: tf.getBackend(),
    threads: navigator.hardwareConcurrency ?? 1,
    ctx: { tf, tfl },
    versions: {
      "tfjs-core": tf.version_core,
      "tfjs-layers": tfl.version_layers,
      [pkg.slice("@tensorflow/".length)]: tf.version?.["tfjs-node"] ?? TFJS_VERSION,
    },
  };
}
