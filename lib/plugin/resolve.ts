/**
 * Rebuild a plugin's implementation from its descriptor by importing the module it names.
 *
 * @module
 */
import { join } from "node:path";
import { PipelineError } from "../errors.ts";
import type {
  DatasetDescriptor,
  LossDescriptor,
  ModelDescriptor,
  PluginDescriptor,
} from "./descriptor.ts";
import { moduleUrl } from "./module_id.ts";
import { PROJECT_ROOT } from "./../util/project_root.ts";
import type { DatasetPlugin, LossPlugin, ModelPlugin } from "./runtime.ts";

const FOLDERS: Record<PluginDescriptor["kind"], string> = {
  model: "plugins/models",
  loss: "plugins/losses",
  dataset: "datasets",
};

function available(kind: PluginDescriptor["kind"]): string {
  try {
    return [...Deno.readDirSync(join(PROJECT_ROOT, FOLDERS[kind]))]
      .filter((e) =>
        e.isFile && e.name.endsWith(".ts") && e.name !== "mod.ts" && !e.name.endsWith("_test.ts")
      )
      .map((e) => e.name.replace(/\.ts$/, ""))
      .sort()
      .join(", ");
  } catch {
    return "none";
  }
}

/** Import the implementation behind `descriptor`. */
export async function resolvePlugin(descriptor: ModelDescriptor): Promise<ModelPlugin>;
export async function resolvePlugin(descriptor: LossDescriptor): Promise<LossPlugin>;
export async function resolvePlugin(descriptor: DatasetDescriptor): Promise<DatasetPlugin>;
export async function resolvePlugin(descriptor: PluginDescriptor): Promise<unknown> {
  const kind = descriptor.kind;
  let mod: Record<string, unknown>;
  try {
    mod = await import(moduleUrl(descriptor.module));
  } catch (e) {
    throw new PipelineError(
      `Unknown ${kind} plugin "${descriptor.name}": cannot import ${descriptor.module} (${
        e instanceof Error ? e.message.split("\n")[0] : e
      }); available are ${available(kind)}`,
      { reason: "unknown-plugin", field: kind, cause: e },
    );
  }
  const factory = mod[descriptor.export] as { plugin?: unknown; kind?: string } | undefined;
  if (!factory?.plugin || factory.kind !== kind) {
    throw new PipelineError(
      `Unknown ${kind} plugin "${descriptor.name}": ${descriptor.module} has no ${kind} export "${descriptor.export}"; available are ${
        available(kind)
      }`,
      { reason: "unknown-plugin", field: kind },
    );
  }
  return factory.plugin;
}
