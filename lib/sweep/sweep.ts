/**
 * A sweep as the rest of the tool sees it: one merged graph whose steps are deduplicated by key,
 * carrying the configurations and, for each merged step, the configurations that use it.
 *
 * @module
 */
import type { StepKind } from "../spec/step.ts";
import type { ValidGraph } from "../graph/validate.ts";
import type { Configuration } from "./expand.ts";

/** A step of the merged graph and where it comes from. */
export interface SweptStep {
  /** Its name in the merged graph: `gen1`, or `gen1[temperature=2]` where configurations differ. */
  name: string;
  /** Its name inside each configuration (`gen1`, `gen1#2`) and that name's base (`gen1`). */
  origin: string;
  originBase: string;
  replicate: number;
  kind: StepKind;
  key: string;
  /** Indices of the configurations that use it, ascending. */
  configurations: number[];
}

/** What a sweep adds to its merged graph. */
export interface Sweep {
  /** Params with more than one value, in the order given. */
  varied: string[];
  configurations: Configuration[];
  /** The merged steps, in the graph's order. */
  steps: SweptStep[];
}

/** A merged graph with its sweep. */
export interface SweptGraph extends ValidGraph {
  sweep: Sweep;
}

/** The sweep behind `graph`, if it is one. */
export function sweepOf(graph: ValidGraph): Sweep | undefined {
  return (graph as Partial<SweptGraph>).sweep;
}

/** How much a sweep shares. */
export interface SweepCounts {
  configurations: number;
  /** Steps of the merged graph. */
  steps: number;
  /** Merged steps used by more than one configuration. */
  shared: number;
  /** Train steps that each configuration alone would run but the sweep runs once. */
  trainingsSaved: number;
}

/** Count what `sweep` shares. */
export function sweepCounts(sweep: Sweep): SweepCounts {
  const shared = sweep.steps.filter((s) => s.configurations.length > 1);
  return {
    configurations: sweep.configurations.length,
    steps: sweep.steps.length,
    shared: shared.length,
    trainingsSaved: shared.filter((s) => s.kind === "train")
      .reduce((n, s) => n + s.configurations.length - 1, 0),
  };
}

/** `12 configurations, 37 steps, 11 shared: 13 trainings saved`. */
export function describeCounts(c: SweepCounts): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(c.configurations, "configuration")}, ${plural(c.steps, "step")}, ` +
    `${c.shared} shared: ${plural(c.trainingsSaved, "training")} saved`;
}

/** `1-3, 5`: configuration indices with runs collapsed. */
export function formatIndices(indices: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    out.push(j > i ? `${indices[i]}-${indices[j]}` : `${indices[i]}`);
    i = j + 1;
  }
  return out.join(", ");
}

/**
 * The merged step names `--force` means: a merged name as is, and a name inside the
 * configurations (`gen1`) for every merged step it became.
 */
export function forcedSteps(graph: ValidGraph, names: string[]): string[] {
  const sweep = sweepOf(graph);
  if (!sweep) return names;
  return [
    ...new Set(names.flatMap((n) => {
      if (sweep.steps.some((s) => s.name === n)) return [n];
      const from = sweep.steps.filter((s) => s.origin === n).map((s) => s.name);
      return from.length ? from : [n];
    })),
  ];
}
