/**
 * The `deno run` flags a worker on a given executor gets, for processes that check or time
 * executors (`doctor`, the line `run` prints before training): they must see what a worker sees,
 * permissions included, so they take the worker's command line up to its script.
 *
 * @module
 */
import { workerArgs } from "./worker_command.ts";

/** `run --quiet … --allow-…` as a worker on `executor` gets them, without the worker's script. */
export function workerDenoFlags(executor: string, cacheDir: string): string[] {
  const args = workerArgs(cacheDir, "probe", executor);
  const script = args.findIndex((a) => a.endsWith("main.ts") && a.includes("worker"));
  if (script < 0) throw new Error(`no worker script in the worker command: ${args.join(" ")}`);
  return args.slice(0, script);
}
