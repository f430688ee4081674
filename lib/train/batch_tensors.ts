/** Turn a dataset batch (typed arrays) into tensors for a forward pass. @module */
import type * as tfc from "@tensorflow/tfjs-core";
import type { ImageBatch, TextBatch } from "../plugin/runtime.ts";

/** Model input, flat labels and the count of predictions (images or tokens) of one batch. */
export interface BatchTensors {
  input: { x: tfc.Tensor; chars?: tfc.Tensor };
  labels: tfc.Tensor1D;
  count: number;
}

/** Tensors for `batch`; the caller disposes them with {@linkcode disposeBatch}. */
export function batchTensors(tf: typeof tfc, batch: ImageBatch | TextBatch): BatchTensors {
  if (batch.shape.length === 4) {
    const b = batch as ImageBatch;
    return {
      input: { x: tf.tensor4d(b.x, b.shape) },
      labels: tf.tensor1d(b.y, "int32"),
      count: b.shape[0],
    };
  }
  const t = batch as TextBatch;
  const input: BatchTensors["input"] = { x: tf.tensor2d(t.x, t.shape, "int32") };
  if (t.chars) {
    input.chars = tf.tensor3d(t.chars, [t.shape[0], t.shape[1], t.maxWordLength!], "int32");
  }
  return { input, labels: tf.tensor1d(t.y, "int32"), count: t.shape[0] * t.shape[1] };
}

/** Dispose what {@linkcode batchTensors} made. */
export function disposeBatch(tf: typeof tfc, b: BatchTensors): void {
  tf.dispose([b.input.x, ...(b.input.chars ? [b.input.chars] : []), b.labels]);
}

/** Logits of any rank as [N, classes]. */
export function flatLogits(tf: typeof tfc, logits: tfc.Tensor): tfc.Tensor2D {
  const c = logits.shape[logits.shape.length - 1];
  return logits.rank === 2 ? logits as tfc.Tensor2D : tf.reshape(logits, [-1, c]) as tfc.Tensor2D;
}
