/**
 * Model throughput benchmark: forward (inference) and training-step (forward, backward,
 * momentum-SGD update) speed of each model plugin on an executor, in images/s or tokens/s, with
 * the peak tensor memory of one training step (tf.profile) and the process RSS.
 *
 *   deno run --allow-all bench/models.ts [--executor cpu] [--models resnet20,lstm-medium]
 *     [--batch 2] [--text-batch 4] [--bptt 35] [--iters 1] [--json]
 *
 * The cpu executor is slow for convolutions, so default batches are small; the paper's are 128
 * (CIFAR), 32 (LSTM) and 20 (CNN-LSTM). Timings on a shared machine are noisy: compare ratios
 * measured in the same run.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type * as tfc from "@tensorflow/tfjs-core";
import type { JsonObject } from "../lib/plugin/descriptor.ts";
import type { DataShape, ModelInstance, ModelPlugin, TfContext } from "../lib/plugin/runtime.ts";
import { type ExecutorName, loadExecutor } from "../lib/executors/mod.ts";
import { cnnLstm, densenet, lstm, mlp, resnet, wrn } from "../plugins/models/mod.ts";

interface Entry {
  plugin: ModelPlugin<JsonObject>;
  params: JsonObject;
  data: DataShape;
}

const asPlugin = (p: unknown) => p as ModelPlugin<JsonObject>;
const cifar: DataShape = { domain: "image", numClasses: 100, imageShape: [32, 32, 3] };
const ptb: DataShape = {
  domain: "text",
  numClasses: 10_000,
  chars: { maxWordLength: 21, vocabSize: 51 },
};

/** The models benchmarked, by the name `--models` takes. */
const MODELS: Record<string, Entry> = {
  mlp: { plugin: asPlugin(mlp.plugin), params: mlp({ hidden: 256 }).params, data: cifar },
  resnet20: { plugin: asPlugin(resnet.plugin), params: resnet({ depth: 20 }).params, data: cifar },
  "preact-resnet20": {
    plugin: asPlugin(resnet.plugin),
    params: resnet({ depth: 20, preact: true }).params,
    data: cifar,
  },
  resnet56: { plugin: asPlugin(resnet.plugin), params: resnet({ depth: 56 }).params, data: cifar },
  "wrn-28-1": {
    plugin: asPlugin(wrn.plugin),
    params: wrn({ depth: 28, widen: 1 }).params,
    data: cifar,
  },
  "wrn-16-4": {
    plugin: asPlugin(wrn.plugin),
    params: wrn({ depth: 16, widen: 4 }).params,
    data: cifar,
  },
  "densenet-bc-100-12": {
    plugin: asPlugin(densenet.plugin),
    params: densenet({ depth: 100, growthRate: 12 }).params,
    data: cifar,
  },
  "lstm-medium": {
    plugin: asPlugin(lstm.plugin),
    params: lstm({ preset: "medium" }).params,
    data: ptb,
  },
  "lstm-large": { plugin: asPlugin(lstm.plugin), params: lstm().params, data: ptb },
  "cnn-lstm-large": { plugin: asPlugin(cnnLstm.plugin), params: cnnLstm().params, data: ptb },
};

const DEFAULT_MODELS = [
  "mlp",
  "resnet20",
  "wrn-28-1",
  "densenet-bc-100-12",
  "lstm-medium",
  "cnn-lstm-large",
];

interface Row {
  model: string;
  params: number;
  batch: number;
  /** Examples per batch element: 1 image or `bptt` tokens. */
  unit: "images" | "tokens";
  forwardPerS: number;
  trainPerS: number;
  peakMiB: number;
  rssMiB: number;
}

function makeBatch({ tf }: TfContext, data: DataShape, batch: number, bptt: number) {
  if (data.domain === "image") {
    return {
      input: { x: tf.randomNormal([batch, ...data.imageShape!]) },
      labels: tf.randomUniform([batch], 0, data.numClasses, "int32"),
    };
  }
  const x = tf.randomUniform([batch, bptt], 0, data.numClasses, "int32");
  const chars = data.chars
    ? tf.randomUniform([batch, bptt, data.chars.maxWordLength], 0, data.chars.vocabSize, "int32")
    : undefined;
  return {
    input: { x, chars },
    labels: tf.randomUniform([batch, bptt], 0, data.numClasses, "int32"),
  };
}

function step(
  { tf }: TfContext,
  model: ModelInstance,
  optimizer: tfc.Optimizer,
  input: { x: tfc.Tensor; chars?: tfc.Tensor },
  labels: tfc.Tensor,
  classes: number,
) {
  const vars = model.net.trainableWeights.map((w) => w.read() as tfc.Variable);
  const loss = optimizer.minimize(
    () =>
      tf.tidy(() => {
        const { logits } = model.forward(input, { training: true });
        const target = tf.oneHot(tf.reshape(labels, [-1]) as tfc.Tensor1D, classes);
        return tf.losses.softmaxCrossEntropy(
          target,
          tf.reshape(logits, [-1, classes]),
        ) as tfc.Scalar;
      }),
    true,
    vars,
  )!;
  loss.dataSync();
  loss.dispose();
}

async function measure(
  ctx: TfContext,
  name: string,
  entry: Entry,
  batch: number,
  bptt: number,
  iters: number,
): Promise<Row> {
  const { tf } = ctx;
  const model = entry.plugin.build(ctx, entry.params, entry.data, 1);
  const { input, labels } = makeBatch(ctx, entry.data, batch, bptt);
  const perBatch = entry.data.domain === "image" ? batch : batch * bptt;
  const forward = () => tf.tidy(() => model.forward(input, { training: false }).logits.dataSync());
  forward(); // warm-up: kernels, weight uploads
  let t0 = performance.now();
  for (let i = 0; i < iters; i++) forward();
  const forwardPerS = (perBatch * iters) / ((performance.now() - t0) / 1000);

  const optimizer = tf.train.momentum(0.01, 0.9, true);
  const classes = entry.data.numClasses;
  const profile = await tf.profile(() => step(ctx, model, optimizer, input, labels, classes));
  t0 = performance.now();
  for (let i = 0; i < iters; i++) step(ctx, model, optimizer, input, labels, classes);
  const trainPerS = (perBatch * iters) / ((performance.now() - t0) / 1000);
  const row: Row = {
    model: name,
    params: entry.plugin.parameterCount!(entry.params, entry.data),
    batch,
    unit: entry.data.domain === "image" ? "images" : "tokens",
    forwardPerS,
    trainPerS,
    peakMiB: profile.peakBytes / 2 ** 20,
    rssMiB: Deno.memoryUsage().rss / 2 ** 20,
  };
  model.resetState?.();
  optimizer.dispose();
  model.net.dispose();
  tf.dispose([input.x, labels, ...("chars" in input && input.chars ? [input.chars] : [])]);
  return row;
}

function table(rows: Row[], executor: string): string {
  const f = (n: number) => (n >= 100 ? n.toFixed(0) : n.toPrecision(3));
  const lines = [
    `Executor: ${executor}`,
    "",
    "| model | params | batch | forward /s | train step /s | unit | peak tensor MiB | RSS MiB |",
    "|---|---:|---:|---:|---:|---|---:|---:|",
    ...rows.map((r) =>
      `| ${r.model} | ${(r.params / 1e6).toFixed(2)}M | ${r.batch} | ${f(r.forwardPerS)} | ${
        f(r.trainPerS)
      } | ${r.unit} | ${f(r.peakMiB)} | ${f(r.rssMiB)} |`
    ),
  ];
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      executor: { type: "string", default: "cpu" },
      models: { type: "string", default: DEFAULT_MODELS.join(",") },
      batch: { type: "string", default: "2" },
      "text-batch": { type: "string", default: "4" },
      bptt: { type: "string", default: "35" },
      iters: { type: "string", default: "1" },
      json: { type: "boolean", default: false },
    },
  });
  const names = values.models.split(",").filter(Boolean);
  const unknown = names.filter((n) => !(n in MODELS));
  if (unknown.length) {
    console.error(
      `Unknown model "${unknown[0]}" for --models: available are ${Object.keys(MODELS).join(", ")}`,
    );
    Deno.exit(2);
  }
  const int = (flag: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) {
      console.error(`--${flag} must be a positive integer: got ${v}`);
      Deno.exit(2);
    }
    return n;
  };
  const batch = int("batch", values.batch), textBatch = int("text-batch", values["text-batch"]);
  const bptt = int("bptt", values.bptt), iters = int("iters", values.iters);
  const executor = await loadExecutor(values.executor as ExecutorName);
  const rows: Row[] = [];
  for (const name of names) {
    const entry = MODELS[name];
    const b = entry.data.domain === "image" ? batch : textBatch;
    rows.push(await measure(executor.ctx, name, entry, b, bptt, iters));
    if (!values.json) console.error(`measured ${name}`);
  }
  const label = `${executor.name} (backend ${executor.backend}, ${executor.threads} thread(s))`;
  console.log(
    values.json ? JSON.stringify({ executor: label, iters, bptt, rows }) : table(rows, label),
  );
}
