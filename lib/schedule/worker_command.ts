/** The command line that runs a worker, shared by every launcher. @module */
import { join } from "node:path";
import { PROJECT_ROOT } from "../plugin/module_id.ts";

/** Executors that run no native code, so their workers get no FFI permission. */
const NO_FFI_EXECUTORS = ["cpu", "wasm", "webgpu"];

/**
 * The FFI permission a worker on `executor` gets: none for the executors that run no native code
 * (cpu, wasm, webgpu), all of it for the others (onednn, native and gpu load native libraries;
 * `auto` may pick one of them; an unknown name is the worker's to refuse). Scoping it to the library files (`--allow-ffi=<path>`) is not enough under
 * Deno 2: there, a path-scoped grant lets `Deno.dlopen` and its symbols run, but every pointer
 * operation (`Deno.UnsafePointer.of`, `.create`, `UnsafePointerView`), which the onednn executor
 * needs for oneDNN's handles and descriptors, still demands the unscoped flag.
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
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-sys",
    "--allow-net",
    ...ffiFlags(executor),
    // Stale-lock checks ask the kernel (signal 0) and `ps` whether a lock owner lives and when it
    // started, and read the boot id with `cat` (Deno reserves /proc for --allow-all); GPU
    // executors run gpuProbePrograms(executor).
    "--allow-run",
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
