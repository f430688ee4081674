/**
 * Where and how each step was computed: executor, versions, key, wall time, machine (CPU and GPU
 * models) and git revision; and the command lines the steps were run by.
 *
 * @module
 */
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
    "machine",
    "git",
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
    [str(p.cpu), ...(Array.isArray(p.gpus) ? p.gpus.map(str) : [])].filter(Boolean).join(" + "),
    gitCell(p.git),
  ];
}

/** `0123456789ab` or `0123456789ab (dirty)`; empty when not recorded. */
function gitCell(git: unknown): string {
  const g = git as { revision?: unknown; dirty?: unknown } | undefined;
  if (!g || typeof g.revision !== "string") return "";
  return `${g.revision.slice(0, 12)}${g.dirty ? " (dirty)" : ""}`;
}

/** The distinct command lines the cached steps were run by, with their steps' git revision. */
export function runCommands(data: ReportData): string[] {
  const seen = new Set<string>();
  for (const s of data.steps) {
    const p = s.provenance;
    if (typeof p?.command !== "string") continue;
    const git = gitCell(p.git);
    seen.add(git ? `${p.command}  (git ${git})` : p.command);
  }
  return [...seen];
}

/** Total wall time of the committed steps, in seconds. */
export function totalSeconds(data: ReportData): number {
  return data.steps.reduce(
    (n, s) => n + (typeof s.provenance?.seconds === "number" ? s.provenance.seconds : 0),
    0,
  );
}
