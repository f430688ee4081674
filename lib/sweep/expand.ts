/**
 * Expand param overrides whose values are lists (`--set lr=0.1,0.05`, or a YAML/JSON list in a
 * `--params` file) into the cartesian product of configurations. The first listed param varies
 * slowest, the last fastest, as nested loops written in the order the params were given.
 *
 * @module
 */
import { PipelineError } from "../errors.ts";
import type { Json } from "../plugin/descriptor.ts";

/** One point of a sweep. */
export interface Configuration {
  /** 1-based position in the sweep. */
  index: number;
  /** The values of the varied params in this configuration. */
  varied: Record<string, Json>;
  /** Every override of this configuration: the fixed ones and the varied ones' values. */
  overrides: Record<string, Json>;
}

/** The configurations a set of overrides describes. */
export interface Expansion {
  /** Params given more than one value, in the order given. */
  varied: string[];
  configurations: Configuration[];
}

/** Expand `overrides`; a one-item list is a plain value, a list of lists or objects an error. */
export function expandSweep(overrides: Record<string, Json>): Expansion {
  const fixed: Record<string, Json> = {};
  const lists: [string, Json[]][] = [];
  for (const [name, value] of Object.entries(overrides)) {
    if (!Array.isArray(value)) {
      fixed[name] = value;
      continue;
    }
    if (value.length === 0) throw badList(name, "an empty list gives no configuration");
    const seen = new Set<string>();
    for (const v of value) {
      if (v !== null && typeof v === "object") {
        throw badList(
          name,
          `values must be numbers, strings or booleans: got ${JSON.stringify(v)}`,
        );
      }
      if (seen.has(JSON.stringify(v))) throw badList(name, `${JSON.stringify(v)} is listed twice`);
      seen.add(JSON.stringify(v));
    }
    if (value.length === 1) fixed[name] = value[0];
    else lists.push([name, value]);
  }
  let points: Record<string, Json>[] = [{}];
  for (const [name, values] of lists) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  return {
    varied: lists.map(([name]) => name),
    configurations: points.map((varied, i) => ({
      index: i + 1,
      varied,
      overrides: { ...fixed, ...varied },
    })),
  };
}

function badList(name: string, why: string): PipelineError {
  return new PipelineError(`Param "${name}": ${why}`, { field: name, reason: "bad-param" });
}

/** `lr=0.1 temperature=2`: a configuration's varied params, compact. */
export function describeConfiguration(c: Configuration): string {
  return Object.entries(c.varied).map(([k, v]) => `${k}=${formatValue(v)}`).join(" ");
}

/**
 * A value as a label shows it: plain when unambiguous, else in single quotes (step names carry
 * labels, and a double quote cannot go into a Slurm job name).
 */
export function formatValue(v: Json): string {
  if (typeof v !== "string" || /^[\w.+-]+$/.test(v)) return String(v);
  return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
