/**
 * The doctor's training rate: images per second of a training step of the project's `resnet`
 * plugin at depth 8 (SGD with momentum, softmax cross-entropy, CIFAR-shaped random data) on a
 * loaded executor, timed for a few seconds after warm-up steps, at batch 64. Executors too slow
 * for that (the pure-JavaScript cpu one) are rated by one step at batch 2, so a measurement stays
 * near its time.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type { LoadedExecutor } from "../executors/executor.ts";
import type { DataShape } from "../plugin/runtime.ts";
import { resnet, type ResnetOptions } from "../../plugins/models/resnet.ts";

/** A measured training rate. */
export interface MeasuredRate {
  /** Training images per second. */
  imagesPerSecond: number;
  /** Batch size timed: 64, or 2 (one step) on executors too slow for 64 in the time. */
  batch: number;
  /** Steps timed after warm-up. */
  steps: number;
  /** Seconds timed. */
  seconds: number;
  /**
   * Parameters of the model timed as its plugin counts them, as `plan` counts every model's
   * (scales estimates to other models).
   */
  parameters: number;
}

/**
 * The model timed: the `resnet` plugin at depth 8 (one block per stage, option A shortcuts) on
 * 32×32×3 images, 10 classes.
 */
export const MEASURED_MODEL = "ResNet-8";

const CIFAR10: DataShape = { domain: "image", numClasses: 10, imageShape: [32, 32, 3] };

/** Time ResNet-8 training steps on `ex` for about `seconds` after warm-up. */
export async function measureResnet8(
  ex: LoadedExecutor,
  seconds: number,
): Promise<MeasuredRate> {
  const { tf } = ex.ctx;
  const params = resnet({ depth: 8 }).params as ResnetOptions;
  const model = resnet.plugin.build(ex.ctx, params, CIFAR10, 1);
  const { net } = model;
  const parameters = resnet.plugin.parameterCount!(params, CIFAR10);
  const vars = net.trainableWeights.map((w) => w.read() as tfc.Variable);
  const opt = tf.train.momentum(0.05, 0.9);
  // Read asynchronously: webgpu's synchronous reads need a 2D canvas, which Deno lacks.
  const step = async (x: tfc.Tensor, y: tfc.Tensor) => {
    const loss = opt.minimize(
      () =>
        tf.tidy(() => {
          const { logits } = model.forward({ x }, { training: true });
          return tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), logits) as tfc.Scalar;
        }),
      true,
      vars,
    )!;
    await loss.data();
    loss.dispose();
  };
  const data = (batch: number) => ({
    x: tf.randomNormal([batch, 32, 32, 3], 0, 1, "float32", 1),
    y: tf.randomUniform([batch], 0, 10, "int32", 2),
  });
  // A first step at batch 2 (kernels compile on first use) weeds out executors too slow for
  // batch 64 in the time; those are rated by that step.
  let batch = 2;
  let d = data(batch);
  const t0 = performance.now();
  await step(d.x, d.y);
  const first = (performance.now() - t0) / 1000;
  if (first >= seconds / 2) {
    tf.dispose([d.x, d.y]);
    net.dispose();
    opt.dispose();
    return { imagesPerSecond: batch / first, batch, steps: 1, seconds: first, parameters };
  }
  batch = 64;
  tf.dispose([d.x, d.y]);
  d = data(batch);
  await step(d.x, d.y); // warm-up at the timed shape
  let steps = 0;
  const start = performance.now();
  do {
    await step(d.x, d.y);
    steps++;
  } while ((performance.now() - start) / 1000 < seconds);
  const took = (performance.now() - start) / 1000;
  tf.dispose([d.x, d.y]);
  net.dispose();
  opt.dispose();
  return { imagesPerSecond: (steps * batch) / took, batch, steps, seconds: took, parameters };
}
