/**
 * Parameter counts for `plan`, without building a model or loading data: the model plugin's own
 * `parameterCount` with the data shape its dataset's params fix (class count and image size of
 * the project's image datasets). Steps whose dataset or model cannot say get no count.
 *
 * @module
 */
import type { StepSpec } from "../spec/step.ts";
import type { DatasetDescriptor } from "../plugin/descriptor.ts";
import { resolvePlugin } from "../plugin/resolve.ts";
import { moduleUrl } from "../plugin/module_id.ts";
import { PROJECT_ROOT } from "../util/project_root.ts";
import { deniedError } from "../permissions/denied.ts";
import { callInSandbox, projectModule } from "../permissions/sandboxed_plugin.ts";
import { PipelineError } from "../errors.ts";
import { fromFileUrl } from "../util/path.ts";
import { dirname } from "node:path";
import type { DataShape } from "../plugin/runtime.ts";

const image = (numClasses: number, size: number): DataShape => ({
  domain: "image",
  numClasses,
  imageShape: [size, size, 3],
});

/** The shape a dataset's params fix, for the image datasets that ship with the project. */
export function imageShapeOf(d: DatasetDescriptor): DataShape | undefined {
  const p = d.params;
  if (d.name === "cifar10") return image(10, 32);
  if (d.name === "cifar100") return image(p.labels === "coarse" ? 20 : 100, 32);
  if (d.name === "syntheticImages") return image(p.classes as number, p.size as number);
  return undefined;
}

/**
 * Parameters of a train step's model as its plugin counts them (frozen layers included). A model
 * from outside the project's `plugins/` counts in a sandbox that may read only the project and
 * the model's folder.
 */
export async function plannedParameters(step: StepSpec): Promise<number | undefined> {
  const shape = imageShapeOf(step.dataset);
  if (step.kind !== "train" || !step.model || !shape) return undefined;
  if (projectModule(step.model.module, "plugins")) {
    const plugin = await resolvePlugin(step.model);
    return plugin.parameterCount?.(step.model.params, shape);
  }
  const url = moduleUrl(step.model.module);
  if (!url.startsWith("file:")) return undefined;
  const path = fromFileUrl(url);
  const read = [PROJECT_ROOT, dirname(path)];
  const reply = await callInSandbox({ op: "parameterCount", descriptor: step.model, shape }, read);
  if (reply.ok) return typeof reply.value === "number" ? reply.value : undefined;
  throw deniedError(undefined, {
    file: path,
    step: step.name,
    during: `while counting the parameters of model "${step.model.name}" of step "${step.name}"`,
    allowed: `a model plugin outside the project's plugins/ may only read ${
      read.join(" and ")
    } while planning, and write nothing, run no program and use no network`,
  }, reply.denied) ?? new PipelineError(reply.message, {
    step: step.name,
    field: reply.field ?? "model",
    reason: reply.reason ?? "unknown-plugin",
  });
}
