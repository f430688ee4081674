/**
 * Parameter counts for `plan`, without building a model or loading data: the model plugin's own
 * `parameterCount` with the data shape its dataset's params fix (class count and image size of
 * the project's image datasets). Steps whose dataset or model cannot say get no count.
 *
 * @module
 */
import type { StepSpec } from "../graph/graph.ts";
import type { DatasetDescriptor } from "../plugin/descriptor.ts";
import { resolvePlugin } from "../plugin/resolve.ts";
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

/** Parameters of a train step's model as its plugin counts them (frozen layers included). */
export async function plannedParameters(step: StepSpec): Promise<number | undefined> {
  const shape = imageShapeOf(step.dataset);
  if (step.kind !== "train" || !step.model || !shape) return undefined;
  const plugin = await resolvePlugin(step.model);
  return plugin.parameterCount?.(step.model.params, shape);
}
