/**
 * The ModelInstance of a feed-forward classifier built as one multi-output tfjs-layers model
 * `[logits, ...activations]`: a single pass yields both, and `net` holds every weight.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { ModelInstance } from "../../../lib/plugin/runtime.ts";

/** Wrap `net` (outputs: logits first, then one output per name in `activationNames`). */
export function multiOutputInstance(
  net: tfl.LayersModel,
  activationNames: string[],
): ModelInstance {
  return {
    net,
    activationNames,
    forward({ x }, { training, activations }) {
      const outs = net.apply(x, { training }) as tfc.Tensor | tfc.Tensor[];
      const [logits, ...rest] = Array.isArray(outs) ? outs : [outs];
      if (!activations) return { logits };
      return {
        logits,
        activations: Object.fromEntries(activationNames.map((n, i) => [n, rest[i]])),
      };
    },
  };
}
