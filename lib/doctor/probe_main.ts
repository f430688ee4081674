/**
 * One executor checked in a process of its own with a worker's permissions (the doctor and
 * `run` start it): load it as a worker would, optionally time ResNet-8 training steps, print one
 * JSON line ({@linkcode ExecutorReport}) and exit.
 *
 *   deno run <worker flags> lib/doctor/probe_main.ts --executor NAME [--seconds S]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type ExecutorName, ExecutorUnavailable, loadExecutor } from "../executors/mod.ts";
import { measureResnet8 } from "./measure.ts";
import type { ExecutorReport } from "./report.ts";

const { values } = parseArgs({
  options: {
    executor: { type: "string", default: "auto" },
    seconds: { type: "string", default: "0" },
  },
});
const requested = values.executor!;
const seconds = Number(values.seconds);

let report: ExecutorReport;
try {
  const ex = await loadExecutor(requested as ExecutorName, { log: () => {} });
  report = {
    requested,
    name: ex.name,
    available: true,
    // Deno's clock starts with the process: this is the start-up a worker pays on every step.
    startupSeconds: performance.now() / 1000,
    backend: ex.backend,
    threads: ex.threads,
    versions: ex.versions,
    notes: ex.notes ?? [],
    skipped: ex.skippedBy,
  };
  if (seconds > 0) {
    try {
      report.rate = await measureResnet8(ex, seconds);
    } catch (e) {
      report.rateError = e instanceof Error ? e.message : String(e);
    }
  }
} catch (e) {
  const reason = e instanceof ExecutorUnavailable ? e.reason : String(e);
  report = {
    requested,
    name: requested,
    available: false,
    reason,
  };
}
console.log(JSON.stringify(report));
// Thread pools (wasm) would keep the process alive.
Deno.exit(0);
