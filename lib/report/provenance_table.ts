/** Where and how each step was computed: executor, versions, key, wall time. @module */
import { formatSeconds } from "../progress/format.ts";
import type { ReportData, ReportStep } from "./collect_report.ts";

/** Header and cells of the provenance table, one row per step (each seed replicate). */
export function provenanceCells(data: ReportData): { header: string[]; rows: string[][] } {
  const header = [
    "step",
    "key",
    "status",
    "executor",
    "threads",
    "versions",
    "host",
    "wall time",
    "finished",
  ];
  return { header, rows: data.steps.map(provenanceRow) };
}

function provenanceRow(s: ReportStep): string[] {
  const p = s.provenance ?? {};
  const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  const versions = p.versions && typeof p.versions === "object" && !Array.isArray(p.versions)
    ? Object.entries(p.versions).map(([k, v]) => `${k} ${v}`).join(", ")
    : "";
  const executor = p.backend && p.backend !== p.executor
    ? `${str(p.executor)} (${str(p.backend)})`
    : str(p.executor);
  return [
    s.name,
    s.key.slice(0, 12),
    s.status === "done" ? "cached" : s.note ? `${s.status}: ${s.note}` : s.status,
    executor,
    str(p.threads),
    versions,
    str(p.host),
    typeof p.seconds === "number" ? formatSeconds(p.seconds) : "",
    s.createdAt ? s.createdAt.replace("T", " ").replace(/\.\d+Z$/, "Z") : "",
  ];
}

/** Total wall time of the committed steps, in seconds. */
export function totalSeconds(data: ReportData): number {
  return data.steps.reduce(
    (n, s) => n + (typeof s.provenance?.seconds === "number" ? s.provenance.seconds : 0),
    0,
  );
}
