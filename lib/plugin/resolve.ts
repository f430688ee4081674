/**
 * Rebuild a plugin's implementation from its descriptor by importing the module it names.
 *
 * @module
 */
import { PipelineError } from "../errors.ts";
import type {
  DatasetDescriptor,
  LossDescriptor,
  ModelDescriptor,
  PluginDescriptor,
} from "./descriptor.ts";
import { moduleUrl } from "./module_id.ts";
import type { DatasetPlugin, LossPlugin, ModelPlugin } from "./runtime.ts";

/**
 * The registry of the project's plugins: each kind's `mod.ts`, whose exports of that kind are its
 * plugins. Adding a plugin is one file and one line there; helper files are not plugins.
 */
const REGISTRIES: Record<PluginDescriptor["kind"], string> = {
  model: "plugins/models/mod.ts",
  loss: "plugins/losses/mod.ts",
  dataset: "datasets/mod.ts",
};

/** The names of the project's plugins of `kind`, sorted: the factories its registry exports. */
export async function availablePlugins(kind: PluginDescriptor["kind"]): Promise<string[]> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(moduleUrl(REGISTRIES[kind]));
  } catch {
    return [];
  }
  type Factory = { plugin?: unknown; kind?: string; pluginName?: string };
  const names = Object.values(mod)
    .filter((v): v is Factory => typeof v === "function")
    .filter((f) => f.plugin !== undefined && f.kind === kind && typeof f.pluginName === "string")
    .map((f) => f.pluginName!);
  return [...new Set(names)].sort();
}

async function available(kind: PluginDescriptor["kind"]): Promise<string> {
  return (await availablePlugins(kind)).join(", ") || "none";
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
      }); available are ${await available(kind)}`,
      { reason: "unknown-plugin", field: kind, cause: e },
    );
  }
  const factory = mod[descriptor.export] as { plugin?: unknown; kind?: string } | undefined;
  if (!factory?.plugin || factory.kind !== kind) {
    throw new PipelineError(
      `Unknown ${kind} plugin "${descriptor.name}": ${descriptor.module} has no ${kind} export "${descriptor.export}"; available are ${await available(
        kind,
      )}`,
      { reason: "unknown-plugin", field: kind },
    );
  }
  return factory.plugin;
}
