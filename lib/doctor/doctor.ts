/**
 * The doctor: every executor checked, and timed, each in a process of its own started with the
 * permissions a worker on it gets (TensorFlow.js keeps one global engine, and a check must see
 * what a worker would), one after the other so timings do not compete for cores.
 *
 * @module
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { AUTO_ORDER } from "../executors/mod.ts";
import { workerDenoFlags } from "../schedule/probe_flags.ts";
import { PROJECT_ROOT } from "../util/project_root.ts";
import { fixesFor } from "./fixes.ts";
import type { DoctorReport, ExecutorReport } from "./report.ts";

const PROBE = join(PROJECT_ROOT, "lib/doctor/probe_main.ts");

/** Options for {@linkcode probeExecutor} and {@linkcode runDoctor}. */
export interface ProbeOptions {
  /** Seconds of timed training steps; 0 checks only. */
  seconds: number;
  /** The step cache a worker would use (its permissions may name it). */
  cacheDir: string;
  /** Give up on a probe after this long. Default: 4 × seconds + 120 s. */
  timeoutS?: number;
}

/** Check (and time) one executor, or `auto`, in a process with a worker's permissions. */
export async function probeExecutor(name: string, o: ProbeOptions): Promise<ExecutorReport> {
  const timeoutS = o.timeoutS ?? 4 * o.seconds + 120;
  const args = [
    ...workerDenoFlags(name, o.cacheDir),
    PROBE,
    "--executor",
    name,
    "--seconds",
    String(o.seconds),
  ];
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(Deno.execPath(), {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutS * 1000),
    }).output();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { requested: name, name, available: false, reason: `its check did not run: ${why}` };
  }
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  let report: ExecutorReport;
  try {
    report = JSON.parse(lines[lines.length - 1]) as ExecutorReport;
  } catch {
    const said = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" | ");
    const how = out.signal ? `was stopped by ${out.signal}` : `exited with code ${out.code}`;
    const timedOut = out.signal === "SIGTERM" ? ` (after ${timeoutS} s)` : "";
    return {
      requested: name,
      name,
      available: false,
      reason: `its check ${how}${timedOut} without an answer${said ? `: ${said}` : ""}`,
    };
  }
  // Fixes are worked out here, where the installers on PATH can be seen (a worker may not read
  // their folders).
  if (!report.available && report.reason) report.fix = fixesFor(report.name, report.reason);
  for (const s of report.skipped ?? []) s.fix = fixesFor(s.executor, s.reason);
  return report;
}

/** Check every executor in auto's order (or those named) and say which `auto` picks. */
export async function runDoctor(
  o: ProbeOptions & { executors?: string[]; onReport?: (r: ExecutorReport) => void },
): Promise<DoctorReport> {
  const executors: ExecutorReport[] = [];
  for (const name of o.executors ?? AUTO_ORDER) {
    const r = await probeExecutor(name, o);
    o.onReport?.(r);
    executors.push(r);
  }
  const auto = o.executors ? undefined : executors.find((r) => r.available)?.name;
  return {
    host: hostname(),
    checkedAt: new Date().toISOString(),
    deno: Deno.version.deno,
    executors,
    ...(auto ? { auto } : {}),
  };
}
