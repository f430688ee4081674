/**
 * Whole training steps on onednn give the loss and gradients the cpu backend gives: a small
 * ResNet (3-channel input conv, batch norm, ReLU, residual adds, a strided projection, global
 * average pooling, dense) and a small LSTM language model.
 */
import { ok } from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { TfContext } from "../../../../lib/plugin/runtime.ts";
import { onBoth, onednnTest, relativeError } from "./harness.ts";
import { buildResnet } from "../../../../lib/executors/workloads/resnet.ts";

/** ResNet-8 at width 8 on 12x12 inputs: 3-channel stem, stride-2 projections, every layer kind. */
const tinyResnet = (ctx: TfContext) =>
  buildResnet(ctx, { blocksPerStage: 1, width: 8, inputShape: [12, 12, 3] });

function tinyLstm({ tfl }: TfContext): tfl.LayersModel {
  const init = (seed: number) =>
    tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed });
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({
        inputDim: 50,
        outputDim: 32,
        inputLength: 12,
        embeddingsInitializer: init(1),
      }),
      tfl.layers.lstm({
        units: 64,
        returnSequences: true,
        recurrentActivation: "sigmoid",
        kernelInitializer: init(2),
        recurrentInitializer: init(3),
      }),
      tfl.layers.dense({ units: 50, kernelInitializer: init(4) }),
    ],
  });
}

/** Loss and every trainable variable's gradient, in the model's weight order. */
function lossAndGrads(
  tf: typeof tfc,
  model: tfl.LayersModel,
  x: tfc.Tensor,
  labels: tfc.Tensor,
  classes: number,
): tfc.Tensor[] {
  const { value, grads } = tf.variableGrads(() => {
    const z = model.apply(x, { training: true }) as tfc.Tensor;
    const logits = tf.reshape(z, [-1, classes]);
    const onehot = tf.oneHot(tf.reshape(labels, [-1]) as tfc.Tensor1D, classes);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tfc.Scalar;
  });
  return [value, ...model.trainableWeights.map((w) => grads[(w.read() as tfc.Variable).name])];
}

function assertSameStep(
  ctx: TfContext,
  what: string,
  build: (ctx: TfContext) => tfl.LayersModel,
  data: () => [tfc.Tensor, tfc.Tensor],
  classes: number,
  tol: number,
  ex: Parameters<typeof onBoth>[0],
) {
  const { tf } = ctx;
  const { cpu, onednn, dnnlRuns } = onBoth(ex, () => {
    const model = build(ctx);
    const [x, labels] = data();
    const out = lossAndGrads(tf, model, x, labels, classes);
    model.dispose();
    return out;
  });
  ok(cpu.length > 2, `${what}: expected a loss and gradients`);
  ok(cpu.every((a) => a !== undefined), `${what}: a trainable weight had no gradient`);
  const err = relativeError(onednn, cpu);
  ok(err <= tol, `${what}: loss/gradients differ from cpu by ${err.toExponential(2)} > ${tol}`);
  ok(dnnlRuns > 0, `${what}: nothing ran on oneDNN`);
}

onednnTest("a ResNet training step gives cpu's loss and gradients", (ex) => {
  const tf = ex.ctx.tf;
  assertSameStep(
    ex.ctx,
    "resnet",
    tinyResnet,
    () => [
      tf.randomNormal([4, 12, 12, 3], 0, 1, "float32", 5),
      tf.tensor1d([0, 3, 6, 9], "int32"),
    ],
    10,
    1e-3,
    ex,
  );
});

onednnTest("an LSTM language-model training step gives cpu's loss and gradients", (ex) => {
  const tf = ex.ctx.tf;
  assertSameStep(
    ex.ctx,
    "lstm",
    tinyLstm,
    () => [
      tf.randomUniform([8, 12], 0, 50, "int32", 6),
      tf.randomUniform([8, 12], 0, 50, "int32", 7),
    ],
    50,
    1e-3,
    ex,
  );
});
