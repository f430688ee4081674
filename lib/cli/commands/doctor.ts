/**
 * `doctor`: every executor on this machine, available or not, why not and the command that fixes
 * it, its library versions and threads, and a measured training rate (ResNet-8 images/s for
 * about 5 seconds); then which one `--executor auto` picks. `--json` prints the report as one
 * JSON object. The report is kept per host for `run` and `plan` to quote.
 *
 * @module
 */
import { hostname } from "node:os";
import { runDoctor } from "../../doctor/doctor.ts";
import { MEASURED_MODEL } from "../../doctor/measure.ts";
import { doctorFile, saveDoctorReport } from "../../doctor/rates_file.ts";
import type { DoctorReport, ExecutorReport } from "../../doctor/report.ts";
import { table } from "../../progress/format.ts";
import type { CliOptions } from "../options.ts";

/** Seconds each available executor trains for the rate. */
export const DOCTOR_SECONDS = 5;

/** Options for {@linkcode doctorCommand} beyond the command line's. */
export interface DoctorCommandOptions {
  /** Seconds of timed steps per executor (default {@linkcode DOCTOR_SECONDS}). */
  seconds?: number;
  /** Where output goes (default standard output). */
  print?: (text: string) => void;
}

/** Check every executor (or `--executor NAME` alone); returns the exit code. */
export async function doctorCommand(
  o: CliOptions,
  options: DoctorCommandOptions = {},
): Promise<number> {
  const print = options.print ?? ((t: string) => console.log(t));
  const only = o.executor && o.executor !== "auto" ? [o.executor] : undefined;
  if (!o.json) print(`checking executors on ${hostname()} (each in a worker's process)...`);
  const report = await runDoctor({
    seconds: options.seconds ?? DOCTOR_SECONDS,
    cacheDir: o.cacheDir,
    executors: only,
  });
  // A partial check (one executor) does not replace the whole machine's report.
  if (!only) await saveDoctorReport(report);
  print(o.json ? JSON.stringify(report) : formatDoctor(report, only ? undefined : doctorFile()));
  return report.executors.some((e) => e.available) ? 0 : 1;
}

/** "612 img/s (batch 64)". */
export function formatRate(e: ExecutorReport): string {
  if (!e.available) return "";
  if (!e.rate) return e.rateError ? `failed: ${e.rateError}` : "";
  const r = e.rate.imagesPerSecond;
  return `${r >= 10 ? r.toFixed(0) : r.toPrecision(2)} img/s (batch ${e.rate.batch})`;
}

function versions(e: ExecutorReport): string {
  const v = Object.entries(e.versions ?? {}).filter(([k]) => k !== "tfjs-layers");
  return v.map(([k, x]) => `${k} ${x}`).join(", ");
}

/** The doctor's report as text: a table, then why each unavailable one is, then auto's pick. */
export function formatDoctor(report: DoctorReport, savedTo?: string): string {
  const rows = report.executors.map((e) => [
    e.name,
    e.available ? "yes" : "no",
    e.available ? String(e.threads ?? "") : "",
    formatRate(e),
    versions(e),
  ]);
  const out = [
    table(["executor", "available", "threads", `${MEASURED_MODEL} training`, "versions"], rows),
  ];
  for (const e of report.executors) {
    if (e.available) {
      for (const n of e.notes ?? []) out.push(`${e.name}: ${n}`);
      continue;
    }
    out.push(`\n${e.name}: ${e.reason}`);
    for (const f of e.fix ?? []) out.push(`  fix: ${f}`);
  }
  if (report.auto) {
    const picked = report.executors.find((e) => e.name === report.auto);
    const wasm = report.executors.find((e) => e.name === "wasm");
    const factor = picked?.rate && wasm?.rate && picked.name !== "wasm"
      ? `, ${(picked.rate.imagesPerSecond / wasm.rate.imagesPerSecond).toFixed(1)}x wasm`
      : "";
    out.push(
      `\n--executor auto picks ${report.auto}` +
        (picked
          ? ` (${picked.threads} thread${picked.threads === 1 ? "" : "s"}` +
            (picked.rate ? `, ${formatRate(picked)}${factor}` : "") + ")"
          : ""),
    );
  }
  if (savedTo) out.push(`saved to ${savedTo} (run and plan quote it)`);
  return out.join("\n");
}
