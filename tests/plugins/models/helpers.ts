/**
 * Shared helpers of the model tests: the cpu executor's context, parameter counting, weight
 * snapshots and one optimiser step.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { ModelInstance, TfContext } from "../../../lib/plugin/runtime.ts";

let loaded: Promise<TfContext> | null = null;

/** The cpu executor's context, loaded once per test file. */
export function cpuContext(): Promise<TfContext> {
  loaded ??= (async () => (await (await import("../../../lib/executors/cpu/mod.ts")).load()).ctx)();
  return loaded;
}

/** Trainable parameters of a built network. */
export function trainableCount(net: tfl.LayersModel): number {
  return net.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => a! * b!, 1)!, 0);
}

/** Every weight's values, by weight name, copied out. */
export function snapshot(net: tfl.LayersModel): Map<string, Float32Array> {
  return new Map(
    net.weights.map((w) => [w.originalName, (w.read().dataSync() as Float32Array).slice()]),
  );
}

/** Whether two arrays hold exactly the same values. */
export function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A momentum-SGD step on cross-entropy of the logits against `labels`; returns the loss. */
export function trainStep(
  { tf }: TfContext,
  model: ModelInstance,
  optimizer: tfc.Optimizer,
  input: { x: tfc.Tensor; chars?: tfc.Tensor },
  labels: tfc.Tensor,
  classes: number,
): number {
  const vars = model.net.trainableWeights.map((w) => w.read() as tfc.Variable);
  const loss = optimizer.minimize(
    () =>
      tf.tidy(() => {
        const { logits } = model.forward(input, { training: true });
        const flat = tf.reshape(logits, [-1, classes]);
        const target = tf.oneHot(tf.reshape(labels, [-1]) as tfc.Tensor1D, classes);
        return tf.losses.softmaxCrossEntropy(target, flat) as tfc.Scalar;
      }),
    true,
    vars,
  )!;
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

/** The largest absolute difference between two tensors of the same size. */
export function maxDiff(a: tfc.Tensor, b: tfc.Tensor): number {
  const x = a.dataSync(), y = b.dataSync();
  if (x.length !== y.length) throw new Error(`sizes differ: ${x.length} and ${y.length}`);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}
