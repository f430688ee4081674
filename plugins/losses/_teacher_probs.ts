/**
 * The teacher probabilities a distillation loss reads, checked: a step whose loss needs a teacher
 * must hand them over with the same [N, classes] shape as the student's logits. A mismatch would
 * otherwise surface as an anonymous broadcasting error deep inside TensorFlow.js.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type { LossInputs } from "../../lib/plugin/runtime.ts";

/** `inputs.teacherProbs`, or an error naming the loss and what is wrong. */
export function teacherProbs(loss: string, inputs: LossInputs): tfc.Tensor2D {
  const p = inputs.teacherProbs;
  if (!p) throw new Error(`Loss "${loss}" needs teacher probabilities: none were given`);
  const [n, c] = inputs.logits.shape;
  if (p.shape[0] !== n || p.shape[1] !== c) {
    throw new Error(
      `Loss "${loss}": teacher probabilities have shape [${p.shape}] but the student's logits ` +
        `have shape [${n},${c}]`,
    );
  }
  return p;
}
