/**
 * The command line that runs a worker, shared by every launcher, with the worker's permissions
 * scoped to its step (`lib/permissions/step_scope.ts`): read the project, the pipeline's folder,
 * the data dir and the cache; write the cache; the network only to download a missing dataset;
 * FFI only for executors that load native code.
 *
 * @module
 */
import { join } from "node:path";
import { PROJECT_ROOT } from "../util/project_root.ts";
import { mustDownload } from "../permissions/download.ts";
import { scopeFlags, stepScope } from "../permissions/step_scope.ts";
import { CacheLayout } from "../store/layout.ts";
import type { WorkerSpec } from "../worker/spec.ts";

/** Executors that run no native code, so their workers get no FFI permission. */
const NO_FFI_EXECUTORS = ["cpu", "wasm", "webgpu"];

/**
 * The FFI permission a worker on `executor` gets: none for the executors that run no native code
 * (cpu, wasm, webgpu), all of it for the others (onednn, native and gpu load native libraries;
 * `auto` may pick one of them; an unknown name is the worker's to refuse). Scoping it to the
 * library files (`--allow-ffi=<path>`) is not enough under Deno 2: there, a path-scoped grant
 * lets `Deno.dlopen` and its symbols run, but every pointer operation (`Deno.UnsafePointer.of`,
 * `.create`, `UnsafePointerView`), which the onednn executor needs for oneDNN's handles and
 * descriptors, still demands the unscoped flag.
 */
export function ffiFlags(executor: string): string[] {
  return NO_FFI_EXECUTORS.includes(executor) ? [] : ["--allow-ffi"];
}

/**
 * Programs a worker on `executor` runs to look for GPUs (`nvidia-smi`, for gpu and auto: Deno
 * lets only --allow-all stat /dev/nvidia*). A scoped --allow-run must list them.
 */
export function gpuProbePrograms(executor: string): string[] {
  return executor === "gpu" || executor === "auto" ? ["nvidia-smi"] : [];
}

/** The spec of `key` when the interpreter has written one (a probe has none). */
function specOf(cacheDir: string, key: string): WorkerSpec | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(new CacheLayout(cacheDir).workFiles(key).spec));
  } catch {
    return undefined;
  }
}

/** The permission flags of the worker running `key` on `executor`. */
export function workerPermissionFlags(cacheDir: string, key: string, executor: string): string[] {
  const spec = specOf(cacheDir, key);
  const scope = stepScope({
    cacheDir,
    pipelineFile: spec?.file,
    dataDir: spec?.dataDir,
    download: spec ? mustDownload(spec.step.dataset, spec.dataDir, spec.verify) : false,
    nativeExecutor: ffiFlags(executor).length > 0,
    programs: gpuProbePrograms(executor),
  });
  return [...scopeFlags(scope), ...ffiFlags(executor)];
}

/** `deno run … lib/worker/main.ts --cache-dir … --key …` as an argv array. */
export function workerArgs(
  cacheDir: string,
  key: string,
  executor: string,
  parentPid?: number,
): string[] {
  return [
    "run",
    "--quiet",
    "--no-prompt",
    "--config",
    join(PROJECT_ROOT, "deno.json"),
    ...workerPermissionFlags(cacheDir, key, executor),
    join(PROJECT_ROOT, "lib/worker/main.ts"),
    "--cache-dir",
    cacheDir,
    "--key",
    key,
    "--executor",
    executor,
    ...(parentPid ? ["--parent-pid", String(parentPid)] : []),
  ];
}
