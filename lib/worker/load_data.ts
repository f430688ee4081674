/** Load the dataset a step names, through its plugin. @module */
import type { DatasetDescriptor } from "../plugin/descriptor.ts";
import { resolvePlugin } from "../plugin/resolve.ts";
import type { Dataset } from "../plugin/runtime.ts";
import type { WorkerSpec } from "./spec.ts";

/** Resolve and load the dataset of `spec`. */
export async function loadData(
  descriptor: DatasetDescriptor,
  spec: WorkerSpec,
  progress?: (m: string) => void,
): Promise<Dataset> {
  const plugin = await resolvePlugin(descriptor);
  return await plugin.load(descriptor.params, {
    dataDir: spec.env.dataDir,
    verify: spec.env.verify,
    progress,
  });
}
