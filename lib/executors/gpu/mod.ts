/**
 * The `gpu` executor: tfjs-node-gpu (TensorFlow's C library with CUDA), used when installed and
 * an NVIDIA GPU is visible. It is never required. tfjs-node-gpu silently runs on the CPU when
 * CUDA is missing, so the GPU, the driver, the package and the CUDA and cuDNN libraries are all
 * checked ({@linkcode preflight}) before it is loaded, and each refusal says what was found and
 * how to fix it.
 *
 * @module
 */
import type { LoadedExecutor } from "../executor.ts";
import { ExecutorUnavailable } from "../executor.ts";
import {
  compareVersions,
  CUDA_INSTALL,
  cudaProblems,
  libraryDirs,
  listGpus,
  MIN_DRIVER,
  NEEDS,
  platformProblem,
  type VisibleGpu,
} from "./probe.ts";
import { findInstalledNpm } from "../tfjs_node/installed_npm.ts";
import { GPU_INSTALL_COMMAND, GPU_PACKAGE as PACKAGE } from "../tfjs_node/install.ts";
import { loadTfjsNode, TFJS_BINDING, TFJS_VERSION } from "../tfjs_node/load.ts";

/** What the executor needs, shown when there is no GPU. */
export const GPU_REQUIREMENTS =
  `It needs Linux x86_64, an NVIDIA GPU with driver >= ${MIN_DRIVER}, ` +
  `${NEEDS} (libtensorflow 2.9.1) and ${PACKAGE}@${TFJS_VERSION}.`;

/** How to install tfjs-node-gpu, shown when it is missing. */
export const GPU_INSTALL = `run \`${GPU_INSTALL_COMMAND}\` on a machine that can reach ` +
  `storage.googleapis.com (its install script downloads libtensorflow 2.9.1 with GPU support)`;

/** The GPUs found, once every check passed. */
export interface GpuPreflight {
  gpus: VisibleGpu[];
}

/**
 * Check everything the executor needs short of loading TensorFlow, or throw
 * {@linkcode ExecutorUnavailable} naming each thing missing, what was found and the fix.
 */
export async function preflight(): Promise<GpuPreflight> {
  const platform = platformProblem();
  if (platform) {
    throw new ExecutorUnavailable(
      "gpu",
      `no NVIDIA GPU is visible (${platform}). ${GPU_REQUIREMENTS}`,
    );
  }
  const listing = await listGpus();
  if ("none" in listing) {
    throw new ExecutorUnavailable(
      "gpu",
      `no NVIDIA GPU is visible: ${listing.none}. ${GPU_REQUIREMENTS}`,
    );
  }
  const { gpus } = listing;
  const problems: string[] = [];
  const fixes: string[] = [];
  const oldDriver = gpus.find((g) =>
    /^\d/.test(g.driver) && compareVersions(g.driver, MIN_DRIVER) < 0
  );
  if (oldDriver) {
    problems.push(
      `driver ${oldDriver.driver} is older than ${MIN_DRIVER}, the oldest CUDA 11.2 runs on`,
    );
    fixes.push("update the NVIDIA driver");
  }
  if (!findInstalledNpm(PACKAGE, TFJS_VERSION, TFJS_BINDING)) {
    problems.push(`${PACKAGE}@${TFJS_VERSION} is not installed`);
    fixes.push(GPU_INSTALL);
  }
  const cuda = cudaProblems(libraryDirs());
  if (cuda.length) {
    problems.push(`tfjs-node-gpu ${TFJS_VERSION} ${cuda.join("; ")}`);
    fixes.push(CUDA_INSTALL);
  }
  if (problems.length) {
    throw new ExecutorUnavailable(
      "gpu",
      `${describeGpus(gpus)} visible, but ${problems.join("; ")}. To fix: ${fixes.join("; ")}.`,
    );
  }
  return { gpus };
}

/** "NVIDIA H200 (driver 550.54.15) is" / "2 GPUs (NVIDIA A100 …) are". */
export function describeGpus(gpus: VisibleGpu[]): string {
  const first = `${gpus[0].name} (driver ${gpus[0].driver})`;
  return gpus.length === 1 ? `${first} is` : `${gpus.length} GPUs (${first}, …) are`;
}

/** Load TensorFlow.js on tfjs-node-gpu's "tensorflow" backend, on the GPU. */
export async function load(): Promise<LoadedExecutor & { notes: string[] }> {
  const { gpus } = await preflight();
  const ex = await loadTfjsNode("gpu", PACKAGE, GPU_INSTALL);
  const backend = ex.ctx.tf.backend() as { isUsingGpuDevice?: boolean };
  if (backend.isUsingGpuDevice === false) {
    throw new ExecutorUnavailable(
      "gpu",
      `${PACKAGE} loaded but TensorFlow found no usable GPU (its log lines above name the ` +
        `library it could not open). It needs ${NEEDS}: ${CUDA_INSTALL}.`,
    );
  }
  return { ...ex, notes: gpus.map((g) => `gpu: ${g.name}, driver ${g.driver}`) };
}
