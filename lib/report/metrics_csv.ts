/**
 * The per-epoch metrics of a report's train steps as CSV: one row per step × seed × epoch, with
 * the step's base name, replicate, seed and key, then every metric any epoch recorded
 * (`lr`, `trainLoss`, `testError`, …), so pandas, `dvc plots` or a spreadsheet read it directly.
 *
 * @module
 */
import type { ReportData } from "./collect_report.ts";

const FIXED = ["step", "replicate", "seed", "key", "epoch"];

/** One CSV field: quoted where it holds a comma, quote or line break (RFC 4180). */
export function csvField(v: unknown): string {
  const s = v === undefined || v === null ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The CSV text (a header line even when no step has a history). */
export function metricsCsv(data: ReportData): string {
  const steps = data.steps.filter((s) => s.history?.length);
  const metrics: string[] = [];
  for (const s of steps) {
    for (const row of s.history!) {
      for (const k of Object.keys(row)) if (k !== "epoch" && !metrics.includes(k)) metrics.push(k);
    }
  }
  const lines = [[...FIXED, ...metrics].join(",")];
  for (const s of steps) {
    s.history!.forEach((row, i) => {
      const fixed = [s.baseName, s.replicate, s.seed, s.key, row.epoch ?? i + 1];
      lines.push([...fixed, ...metrics.map((m) => row[m])].map(csvField).join(","));
    });
  }
  return lines.join("\n") + "\n";
}
