/** The command line that runs a worker, shared by every launcher. @module */
import { join } from "node:path";
import { PROJECT_ROOT } from "../plugin/module_id.ts";

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
    "--allow-ffi",
    // Stale-lock checks ask the kernel (signal 0) and ps whether a lock owner lives.
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
