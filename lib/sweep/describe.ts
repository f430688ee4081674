/**
 * How `plan` shows a sweep: its configurations with their varied params, the steps they share
 * and what the sharing saves, as text lines and as JSON fields.
 *
 * @module
 */
import type { ValidGraph } from "../graph/validate.ts";
import type { Json } from "../plugin/descriptor.ts";
import { table } from "../progress/format.ts";
import { formatValue } from "./expand.ts";
import { describeCounts, formatIndices, type Sweep, sweepCounts, sweepOf } from "./sweep.ts";

/** The configurations table and sharing summary; no lines when `graph` is not a sweep. */
export function sweepLines(graph: ValidGraph): string[] {
  const sweep = sweepOf(graph);
  if (!sweep) return [];
  const shared = sweep.steps.filter((s) => s.configurations.length > 1).map((s) =>
    `${s.name} (${
      s.configurations.length === sweep.configurations.length
        ? "all"
        : formatIndices(s.configurations)
    })`
  );
  return [
    `sweep: ${describeCounts(sweepCounts(sweep))}`,
    table(
      ["#", ...sweep.varied],
      sweep.configurations.map((c) => [
        String(c.index),
        ...sweep.varied.map((p) => formatValue(c.varied[p])),
      ]),
    ),
    `shared: ${shared.length ? shared.join(", ") : "none"}`,
  ];
}

/** The sweep's fields of `plan --json`: configurations, counts and, per step, who uses it. */
export function sweepJson(sweep: Sweep): {
  configurations: { index: number; params: Record<string, Json> }[];
  sweep: { varied: string[] } & ReturnType<typeof sweepCounts>;
} {
  return {
    configurations: sweep.configurations.map((c) => ({ index: c.index, params: c.varied })),
    sweep: { varied: sweep.varied, ...sweepCounts(sweep) },
  };
}

/** The configurations using merged step `name` (undefined outside a sweep). */
export function configurationsOf(graph: ValidGraph, name: string): number[] | undefined {
  return sweepOf(graph)?.steps.find((s) => s.name === name)?.configurations;
}
