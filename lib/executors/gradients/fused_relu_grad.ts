/**
 * The ReLU gradient on backends whose batch norm can fuse the ReLU (host/non_negative.ts):
 * on data that batch norm produced, the gradient passes dy through, because the batch norm's own
 * backward masks it. Everywhere else the gradient registered before runs, with what it saved.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { isNonNegative } from "../host/non_negative.ts";

/** Wrap `previous` (the Relu gradient registered now) for the backends in `backends`. */
export function fusedReluGradConfig(
  tf: typeof tfc,
  previous: tfc.GradConfig | undefined,
  backends: string[],
): tfc.GradConfig {
  const inputsToSave = previous?.inputsToSave ?? [];
  if (!previous || !inputsToSave.includes("x")) {
    throw new Error("the Relu gradient registered before is missing or does not save its input x");
  }
  const xAt = inputsToSave.indexOf("x");
  return {
    ...previous,
    gradFunc(dy, saved, attrs) {
      if (backends.includes(tf.getBackend()) && isNonNegative(saved[xAt].dataId)) {
        return { x: () => tf.clone(dy as tfc.Tensor) };
      }
      return previous.gradFunc(dy, saved, attrs);
    },
  };
}
