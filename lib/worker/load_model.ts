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
  if (problems.length) {
    // Damaged since it was planned: move it aside so that the next run trains it again.
    const to = await store.quarantine(key, problems.join("; ")).catch(() => undefined);
    throw new PipelineError(
      `Input "${name}" (${key.slice(0, 12)}) is corrupt: ${problems.join("; ")}; ${
        to ? `moved to ${to}; ` : ""
      }run again to train it`,
      {
        step: name,
        reason: "cache",
      },
    );
  }
  const found = await store.lookup(key);
  if (found.status !== "ok") {
    throw new PipelineError(`Input "${name}" vanished from the cache`, {
      step: name,
      reason: "cache",
    });
  }
  const record = found.manifest.record;
  const descriptor = record.plugins.model as ModelDescriptor;
  const plugin = await resolvePlugin(descriptor);
  const model = plugin.build(ctx, descriptor.params, shape, record.seed);
  await loadModelWeights(ctx.tf, model.net, join(found.dir, "model"));
  return model;
}
