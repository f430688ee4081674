/**
 * Rebuild a trained model from its committed cache entry: the entry's key record names the model
 * plugin, params and seed; the weights come from `model/` after the entry's checksums verify.
 *
 * @module
 */
import { join } from "node:path";
import { PipelineError } from "../errors.ts";
import type { ModelDescriptor } from "../plugin/descriptor.ts";
import { resolvePlugin } from "../plugin/resolve.ts";
import type { DataShape, ModelInstance, TfContext } from "../plugin/runtime.ts";
import type { Store } from "../store/store.ts";
import { loadModelWeights } from "../train/weights_io.ts";

/** Load the model committed under `key` (checksums verified first). */
export async function loadTrainedModel(
  ctx: TfContext,
  store: Store,
  key: string,
  name: string,
  shape: DataShape,
): Promise<ModelInstance> {
  const problems = await store.verify(key);
  const found = problems.length ? undefined : await store.lookup(key);
  if (!found || found.status !== "ok") {
    // Damaged or removed since it was planned: a corrupt one is moved aside, and the run trains
    // it again before this step.
    const to = problems.length && problems[0] !== "entry is missing"
      ? await store.quarantine(key, problems.join("; ")).catch(() => undefined)
      : undefined;
    throw new PipelineError(
      problems[0] === "entry is missing" || !problems.length
        ? `Input "${name}" (${key.slice(0, 12)}) is no longer in the cache`
        : `Input "${name}" (${key.slice(0, 12)}) is corrupt: ${problems.join("; ")}${
          to ? `; moved to ${to}` : ""
        }`,
      { step: name, reason: "input-corrupt" },
    );
  }
  const record = found.manifest.record;
  const descriptor = record.plugins.model as ModelDescriptor;
  const plugin = await resolvePlugin(descriptor);
  const model = plugin.build(ctx, descriptor.params, shape, record.seed);
  await loadModelWeights(ctx.tf, model.net, join(found.dir, "model"));
  return model;
}
