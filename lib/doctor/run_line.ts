/**
 * What `run` says about executors before training: which one the workers will use (checked in a
 * process with a worker's permissions, as a worker would load it), why the faster ones were
 * passed over, and, when `auto` falls back to wasm while onednn is one package away, that package
 * with how much faster it trains; and how long the steps to run should take (`estimate.ts`).
 *
 * @module
 */
import { plannedParameters } from "../plan/parameter_counts.ts";
import type { ValidStep } from "../spec/step.ts";
import { type PlanEstimate, planEstimate } from "./estimate.ts";
import { shortReason } from "./fixes.ts";
import { probeExecutor } from "./doctor.ts";
import { readDoctorReport, savedRate } from "./rates_file.ts";
import type { DoctorReport, ExecutorReport } from "./report.ts";

/**
 * onednn over wasm on ResNet-20 at batch 128 with 2 threads on the 2-core machine the README's
 * tables come from (1043 and about 274 images/s: bench/onednn.ts, bench/executors.ts); quoted
 * where this machine has no measurement of both.
 */
export const ONEDNN_OVER_WASM = {
  factor: 1043 / 274,
  source: "on ResNet-20 with 2 threads (README)",
};

/** The lines `run` prints, from a check of `executor` (see {@linkcode executorLines}). */
export function describeChoice(r: ExecutorReport, saved?: DoctorReport): string[] {
  if (!r.available) {
    return [
      `executor ${r.requested}: unavailable: ${
        shortReason(r.reason ?? "")
      } (deno task doctor says why)`,
    ];
  }
  const versions = Object.entries(r.versions ?? {})
    .filter(([k]) => !k.startsWith("tfjs-core") && !k.startsWith("tfjs-layers"))
    .map(([k, v]) => `${k} ${v}`);
  const what = [`${r.threads} thread${r.threads === 1 ? "" : "s"}`, ...versions].join(", ");
  const skipped = (r.skipped ?? []).map((s) => `${s.executor}: ${shortReason(s.reason)}`);
  const lines = [
    `executor ${r.requested === "auto" ? "auto: " : ""}${r.name} (${what})` +
    (skipped.length ? `; skipped ${skipped.join("; ")}` : ""),
  ];
  const onednn = (r.skipped ?? []).find((s) => s.executor === "onednn");
  if (r.requested === "auto" && r.name === "wasm" && onednn) {
    // The probe worked out the fix where the installers on PATH can be seen.
    const fix = onednn.fix?.[0];
    if (fix?.includes("apt-get")) {
      const one = savedRate("onednn", saved);
      const wasm = savedRate("wasm", saved);
      const factor = one && wasm
        ? `about ${(one.imagesPerSecond / wasm.imagesPerSecond).toFixed(1)}x as fast as wasm ` +
          "here (measured by deno task doctor)"
        : `about ${ONEDNN_OVER_WASM.factor.toFixed(1)}x as fast as wasm ${ONEDNN_OVER_WASM.source}`;
      lines.push(`onednn is one package away and trains ${factor}: ${fix}`);
    }
  }
  return lines;
}

/** Check `executor` as a worker would load it: a line or two saying so, and the one it loads. */
export async function executorLines(
  executor: string,
  cacheDir: string,
): Promise<{ lines: string[]; chosen?: string }> {
  const r = await probeExecutor(executor, { seconds: 0, cacheDir });
  return {
    lines: describeChoice(r, readDoctorReport()),
    ...(r.available ? { chosen: r.name } : {}),
  };
}

/** The estimate `run` prints before training and compares with the real time at the end. */
export async function runEstimate(
  items: { step: ValidStep; status: string }[],
  executor: string,
): Promise<PlanEstimate> {
  const parameters = await Promise.all(
    items.map((i) => i.status === "run" ? plannedParameters(i.step) : undefined),
  );
  return planEstimate(items, parameters, executor, readDoctorReport());
}
