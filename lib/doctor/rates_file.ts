/**
 * The doctor's measurements, kept per host so `run` and `plan` can quote them without timing
 * anything: `~/.cache/born-again/doctor/<host>.json` (or `$BORN_AGAIN_DOCTOR_FILE`).
 *
 * @module
 */
import { homedir, hostname } from "node:os";
import { dirname, join } from "node:path";
import type { DoctorReport } from "./report.ts";

/** The environment variable naming the file instead. */
export const DOCTOR_FILE_ENV = "BORN_AGAIN_DOCTOR_FILE";

/** Where this host's doctor report is kept. */
export function doctorFile(): string {
  return Deno.env.get(DOCTOR_FILE_ENV) ??
    join(homedir(), ".cache", "born-again", "doctor", `${hostname()}.json`);
}

/** Save a report (written aside, then renamed, so a reader never sees half of it). */
export async function saveDoctorReport(report: DoctorReport, file = doctorFile()): Promise<void> {
  await Deno.mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(report, null, 2) + "\n");
  await Deno.rename(tmp, file);
}

/** The saved report, or undefined when there is none (or it cannot be read). */
export function readDoctorReport(file = doctorFile()): DoctorReport | undefined {
  try {
    const r = JSON.parse(Deno.readTextFileSync(file));
    return r && Array.isArray(r.executors) ? r as DoctorReport : undefined;
  } catch {
    return undefined;
  }
}

/** Images/s an executor trained ResNet-8 at when last measured here, with its threads. */
export function savedRate(
  executor: string,
  report: DoctorReport | undefined,
): { imagesPerSecond: number; threads: number } | undefined {
  const e = report?.executors.find((x) => x.name === executor && x.available && x.rate);
  return e?.rate ? { imagesPerSecond: e.rate.imagesPerSecond, threads: e.threads ?? 1 } : undefined;
}
