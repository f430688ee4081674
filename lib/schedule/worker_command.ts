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
import { executorNeeds } from "../executors/table.ts";
import type { WorkerSpec } from "../worker/spec.ts";

/**
 * The FFI permission a worker on `executor` gets: all of it for the executors that load native
 * code (`native` in `EXECUTORS`; `auto` may pick one of them), none for the others or an unknown
 * name (which the worker refuses before loading anything). Scoping it to the
 * library files (`--allow-ffi=<path>`) is not enough under Deno 2: there, a path-scoped grant
 * lets `Deno.dlopen` and its symbols run, but every pointer operation (`Deno.UnsafePointer.of`,
 * `.create`, `UnsafePointerView`), which the onednn executor needs for oneDNN's handles and
 * descriptors, still demands the unscoped flag.
 */
export function ffiFlags(executor: string): string[] {
  return executorNeeds(executor).native ? ["--allow-ffi"] : [];
}

/** Programs a worker on `executor` runs to look for hardware; a scoped --allow-run lists them. */
export function gpuProbePrograms(executor: string): string[] {
  return executorNeeds(executor).probePrograms;
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
function workerPermissionFlags(cacheDir: string, key: string, executor: string): string[] {
  const spec = specOf(cacheDir, key);
  const needs = executorNeeds(executor);
  const scope = stepScope({
    cacheDir,
    pipelineFile: spec?.file,
    dataDir: spec?.env.dataDir,
    download: spec ? mustDownload(spec.step.dataset, spec.env.dataDir, spec.env.verify) : false,
    nativeExecutor: needs.native,
    programs: needs.probePrograms,
  });
  return [...scopeFlags(scope), ...ffiFlags(executor)];
}

/**
 * `deno run … lib/worker/main.ts --cache-dir … --key …` as an argv array. The executor decides
 * the permissions here; the worker reads which one to load from its spec.
 */
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
    ...(parentPid ? ["--parent-pid", String(parentPid)] : []),
  ];
}
