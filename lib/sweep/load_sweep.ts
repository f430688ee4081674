/**
 * Declare a pipeline once per configuration of a sweep, key each configuration's graph and
 * merge them into one graph ({@linkcode mergeConfigurations}).
 *
 * @module
 */
import type { ValidGraph } from "../graph/validate.ts";
import { keyGraph } from "../key/step_key.ts";
import type { Json } from "../plugin/descriptor.ts";
import { datasetFingerprinter } from "../plan/plan.ts";
import type { DataEnv } from "../plugin/runtime.ts";
import type { Expansion } from "./expand.ts";
import { type KeyedConfiguration, mergeConfigurations } from "./merge.ts";
import type { SweptGraph } from "./sweep.ts";

/** Declares and validates the pipeline with the given overrides. */
export type Declare = (overrides: Record<string, Json>) => Promise<ValidGraph>;

/** Declare, key and merge every configuration of `expansion`. */
export async function loadSweep(
  expansion: Expansion,
  declare: Declare,
  data: DataEnv,
): Promise<SweptGraph> {
  const configs: KeyedConfiguration[] = [];
  let fingerprint;
  for (const configuration of expansion.configurations) {
    const graph = await declare(configuration.overrides);
    // One fingerprinter for all: configurations share their datasets' fingerprints.
    fingerprint ??= datasetFingerprinter(graph.file, data);
    configs.push({ configuration, graph, keyed: await keyGraph(graph, fingerprint) });
  }
  return mergeConfigurations(expansion, configs);
}
