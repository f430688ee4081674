/**
 * Merge the keyed graphs of a sweep's configurations into one graph. Steps of the same name and
 * key are one step, planned and trained once, remembering every configuration that uses it. A
 * name that has different keys across configurations is split, each part labelled with the varied
 * params that tell it apart: `gen1[temperature=2]`, `gen1[temperature=2]#2`.
 *
 * @module
 */
import type { ParamDecl, ValidStep } from "../spec/step.ts";
import type { ValidGraph } from "../graph/validate.ts";
import type { KeyedStep } from "../key/step_key.ts";
import type { Json } from "../plugin/descriptor.ts";
import { canonicalJson } from "../util/canonical_json.ts";
import { type Configuration, type Expansion, formatValue } from "./expand.ts";
import type { SweptGraph, SweptStep } from "./sweep.ts";

/** One configuration, declared, validated and keyed. */
export interface KeyedConfiguration {
  configuration: Configuration;
  graph: ValidGraph;
  keyed: Map<string, KeyedStep>;
}

interface Group {
  step: ValidStep;
  key: string;
  configurations: number[];
}

/** Merge `configs` (in configuration order, at least one) into one graph. */
export function mergeConfigurations(
  expansion: Expansion,
  configs: KeyedConfiguration[],
): SweptGraph {
  // Per step name, its distinct keys in order of first use.
  const groups = new Map<string, Map<string, Group>>();
  for (const { configuration, graph, keyed } of configs) {
    for (const step of graph.order) {
      const key = keyed.get(step.name)!.key;
      if (!groups.has(step.name)) groups.set(step.name, new Map());
      const byKey = groups.get(step.name)!;
      if (!byKey.has(key)) byKey.set(key, { step, key, configurations: [] });
      byKey.get(key)!.configurations.push(configuration.index);
    }
  }
  const byIndex = new Map(configs.map((c) => [c.configuration.index, c.configuration]));
  // The merged name of (name, key).
  const merged = new Map<string, string>();
  const id = (name: string, key: string) => `${name}\n${key}`;
  for (const [name, byKey] of groups) {
    const labels = labelGroups([...byKey.values()], expansion.varied, byIndex);
    for (const [i, g] of [...byKey.values()].entries()) {
      merged.set(id(name, g.key), labels ? splitName(g.step, labels[i]) : name);
    }
  }

  const order: ValidStep[] = [];
  const steps: SweptStep[] = [];
  const added = new Set<string>();
  for (const { graph, keyed } of configs) {
    const rename = (n: string) => merged.get(id(n, keyed.get(n)!.key))!;
    for (const step of graph.order) {
      const key = keyed.get(step.name)!.key;
      const name = rename(step.name);
      if (added.has(name)) continue;
      added.add(name);
      const replicateSuffix = step.replicate > 1 ? `#${step.replicate}` : "";
      const inputs: ValidStep["inputs"] = {
        ...(step.inputs.teacher ? { teacher: step.inputs.teacher.map(rename) } : {}),
        ...(step.inputs.members ? { members: step.inputs.members.map(rename) } : {}),
        ...(step.inputs.transfer
          ? { transfer: { ...step.inputs.transfer, from: rename(step.inputs.transfer.from) } }
          : {}),
      };
      order.push({
        ...step,
        name,
        baseName: name.endsWith(replicateSuffix)
          ? name.slice(0, name.length - replicateSuffix.length)
          : name,
        inputs,
      });
      steps.push({
        name,
        origin: step.name,
        originBase: step.baseName,
        replicate: step.replicate,
        kind: step.kind,
        key,
        configurations: groups.get(step.name)!.get(key)!.configurations,
      });
    }
  }
  const first = configs[0].graph;
  return {
    pipeline: first.pipeline,
    file: first.file,
    params: mergedParams(configs),
    steps: order,
    order,
    validated: true,
    sweep: { varied: expansion.varied, configurations: configs.map((c) => c.configuration), steps },
  };
}

/** `gen1[temperature=2]#2` from step `gen1#2` and its label. */
function splitName(step: ValidStep, label: string): string {
  return `${step.baseName}[${label}]${step.replicate > 1 ? `#${step.replicate}` : ""}`;
}

/**
 * A label per group, or undefined when the name has one key. Each group is labelled with the
 * varied params constant over its configurations that take more than one value among the
 * configurations using this name; the configuration indices when that does not tell them apart.
 */
function labelGroups(
  groups: Group[],
  varied: string[],
  configurations: Map<number, Configuration>,
): string[] | undefined {
  if (groups.length < 2) return undefined;
  const valueOf = (i: number, p: string) => canonicalJson(configurations.get(i)!.varied[p] ?? null);
  const all = groups.flatMap((g) => g.configurations);
  const differing = varied.filter((p) => new Set(all.map((i) => valueOf(i, p))).size > 1);
  const labels = groups.map((g) =>
    differing.filter((p) => new Set(g.configurations.map((i) => valueOf(i, p))).size === 1)
      .map((p) => `${p}=${formatValue(configurations.get(g.configurations[0])!.varied[p] as Json)}`)
      .join(",")
  );
  if (labels.every((l) => l !== "") && new Set(labels).size === labels.length) return labels;
  return groups.map((g) => g.configurations.map((i) => `c${i}`).join(","));
}

/** The params of the first configuration, with each varied param's value the list of its values. */
function mergedParams(configs: KeyedConfiguration[]): ParamDecl[] {
  return configs[0].graph.params.map((p) => {
    const values: Json[] = [];
    for (const c of configs) {
      const v = c.graph.params.find((q) => q.name === p.name)?.value;
      if (v !== undefined && !values.some((x) => canonicalJson(x) === canonicalJson(v))) {
        values.push(v);
      }
    }
    return values.length > 1 ? { ...p, value: values } : p;
  });
}
