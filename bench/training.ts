/**
 * Where a distillation step's time goes: per batch, the data (augmented batch + tensors), the
 * teacher's forward pass, the student's forward and backward pass, and the optimiser update,
 * for plain training (labels) and for KD from a teacher of the same architecture. Shows what
 * distillation costs over plain training.
 *
 *   deno run --allow-all bench/training.ts [--executor auto] [--depth 20] [--batch 64] [--batches 6] [--json]
 */
import { parseArgs } from "node:util";
import type * as tfc from "@tensorflow/tfjs-core";
import { type ExecutorName, loadExecutor } from "../lib/executors/mod.ts";
import { syntheticImages } from "../datasets/synthetic_images.ts";
import { resnet } from "../plugins/models/resnet.ts";
import { crossEntropy } from "../plugins/losses/cross_entropy.ts";
import { kd } from "../plugins/losses/kd.ts";
import type { ImageDataset } from "../lib/plugin/runtime.ts";
import { batchTensors, disposeBatch } from "../lib/train/batch_tensors.ts";
import { Sgd } from "../lib/train/sgd.ts";
import { dataShape } from "../lib/worker/context.ts";
import { output, type Row } from "./table.ts";

const { values: a } = parseArgs({
  args: Deno.args.filter((x) => x !== "--json"),
  options: {
    executor: { type: "string", default: "auto" },
    depth: { type: "string", default: "20" },
    batch: { type: "string", default: "64" },
    batches: { type: "string", default: "6" },
  },
});
const batchSize = Number(a.batch), batches = Number(a.batches);
const exec = await loadExecutor(a.executor as ExecutorName, { log: () => {} });
const ctx = exec.ctx, tf = ctx.tf;
const params = {
  ...syntheticImages.defaults,
  classes: 100,
  size: 32,
  train: batchSize * (batches + 1),
  test: 1,
};
const data = await syntheticImages.plugin.load(params, {
  dataDir: "",
  verify: false,
}) as ImageDataset;
const model = resnet({ depth: Number(a.depth) });
const build = (seed: number) =>
  resnet.plugin.build(ctx, model.params as typeof resnet.defaults, dataShape(data), seed);
const student = build(1), teacher = build(2);
const vars = student.net.trainableWeights.map((w) => w.read() as tfc.Variable);
const sgd = new Sgd(tf, vars, { momentum: 0.9, nesterov: true, weightDecay: 5e-4 });

async function measure(distil: boolean) {
  const t = { data: 0, teacher: 0, student: 0, update: 0 };
  let i = 0;
  let iterStart = performance.now();
  for (const batch of data.batches("train", { batchSize, epoch: 0, seed: 1, train: true })) {
    // Data: producing the (augmented) batch in the iterator plus making its tensors.
    let t0 = performance.now();
    const bt = batchTensors(tf, batch);
    const dt = performance.now() - iterStart;
    t0 = performance.now();
    const probs = distil
      ? tf.tidy(() =>
        tf.softmax(teacher.forward(bt.input, { training: false }).logits) as tfc.Tensor2D
      )
      : undefined;
    if (probs) await probs.data();
    const tt = performance.now() - t0;
    t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => {
      const logits = student.forward(bt.input, { training: true }).logits as tfc.Tensor2D;
      const inputs = { ctx, logits, labels: bt.labels, teacherProbs: probs, seed: i };
      return (distil
        ? kd.plugin.compute(inputs, { temperature: 1, scale: "t2" })
        : crossEntropy.plugin.compute(inputs, {})) as tfc.Scalar;
    }, vars);
    await value.data();
    const st = performance.now() - t0;
    t0 = performance.now();
    const list = vars.map((v) => grads[v.name]);
    sgd.apply(list, 0.1);
    await vars[0].data();
    const ut = performance.now() - t0;
    tf.dispose([value, ...list, ...(probs ? [probs] : [])]);
    disposeBatch(tf, bt);
    // The first batch warms kernels and caches up: not counted.
    if (i++ > 0) (t.data += dt), (t.teacher += tt), (t.student += st), (t.update += ut);
    iterStart = performance.now();
  }
  const n = i - 1;
  const total = t.data + t.teacher + t.student + t.update;
  return {
    ms: {
      data: t.data / n,
      teacher: t.teacher / n,
      student: t.student / n,
      update: t.update / n,
      total: total / n,
    },
  };
}

const plain = await measure(false);
const distil = await measure(true);
const rows: Row[] = [];
for (
  const [name, r] of [["labels (teacher step)", plain], ["KD from a teacher", distil]] as const
) {
  rows.push({
    training: name,
    "data ms": r.ms.data,
    "teacher fwd ms": r.ms.teacher,
    "student fwd+bwd ms": r.ms.student,
    "update ms": r.ms.update,
    "total ms/batch": r.ms.total,
    "images/s": (1000 * batchSize) / r.ms.total,
  });
}
rows.push({
  training:
    `KD overhead (ResNet-${a.depth}, batch ${batchSize}, ${exec.name} ${exec.threads} threads)`,
  "data ms": "",
  "teacher fwd ms": `${
    (100 * distil.ms.teacher / (distil.ms.total - distil.ms.teacher)).toFixed(1)
  }% of a step`,
  "student fwd+bwd ms": "",
  "update ms": "",
  "total ms/batch": `${(distil.ms.total / plain.ms.total).toFixed(2)}x`,
  "images/s": "",
});
output("training step breakdown", rows);
