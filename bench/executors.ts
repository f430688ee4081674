/**
 * Executor benchmark: per executor that loads here, ResNet-20 training images/s (batch 64 and
 * 128) and a 2-layer LSTM language model's training tokens/s, with the thread count; then a
 * tensor/heap leak check over many steps and, with --profile, where a ResNet-20 step's time goes.
 * Each executor runs in its own process (TensorFlow.js keeps one global engine).
 *
 * The models are the project's plugins: `resnet({ depth: 20, shortcut: "B" })` (1×1 projection
 * shortcuts, the ResNet-20 bench/onednn.ts times against PyTorch), a ResNet-8 of that kind at
 * 8/16/32 filters on 16×16 images for the leak check, and `lstm({ preset: "small", tied: false })`
 * (Zaremba et al.'s 2×200 on a 10k vocabulary, batch 20, 35 steps, state carried across steps).
 *
 *   deno run --allow-all bench/executors.ts [--json] [--steps N] [--leak-steps N] [--profile]
 *     [--executors wasm,cpu] [--threads 1,2] [--allow-software-adapter]
 *
 * The cpu executor is left out by default (about a minute per ResNet-20 step): name it in
 * --executors to include it. webgpu refuses software adapters (llvmpipe and the like), as for
 * runs; --allow-software-adapter measures on one anyway, its row labelled "webgpu (software: …)"
 * (on llvmpipe a ResNet-20 step at batch 64 takes about a minute: use --steps 1).
 *
 * @module
 */
import { parseArgs } from "node:util";
import type * as tfc from "@tensorflow/tfjs-core";
import type { LoadedExecutor } from "../lib/executors/executor.ts";
import { loadExecutor } from "../lib/executors/mod.ts";
import type { JsonObject } from "../lib/plugin/descriptor.ts";
import type { DataShape, ModelInstance, ModelPlugin } from "../lib/plugin/runtime.ts";
import { lstm } from "../plugins/models/lstm.ts";
import { resnet } from "../plugins/models/resnet.ts";

interface Row {
  executor: string;
  backend: string;
  threads: number;
  resnet20_b64_images_per_s?: number;
  resnet20_b128_images_per_s?: number;
  lstm_tokens_per_s?: number;
  leak?: { steps: number; tensorsGrowth: number; bytesGrowth: number; heapGrowthMiB?: number };
  profile?: { kernel: string; ms: number; share: number }[];
  unavailable?: string;
}

const { values: args } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    steps: { type: "string", default: "4" },
    "leak-steps": { type: "string", default: "1000" },
    profile: { type: "boolean", default: false },
    executors: { type: "string", default: "gpu,webgpu,native,onednn,wasm" },
    threads: { type: "string", default: "" },
    one: { type: "string" },
    "allow-software-adapter": { type: "boolean", default: false },
  },
});

/** Time `steps` calls of `step` after two warm-up calls; seconds per call. */
async function timeSteps(step: () => Promise<void>, steps: number): Promise<number> {
  await step();
  await step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  return (performance.now() - t0) / 1000 / steps;
}

const asPlugin = (p: unknown) => p as ModelPlugin<JsonObject>;
const image = (side: number): DataShape => ({
  domain: "image",
  numClasses: 10,
  imageShape: [side, side, 3],
});

/** ResNet-20 with projection shortcuts on CIFAR-shaped images. */
const resnet20 = (ex: LoadedExecutor) =>
  asPlugin(resnet.plugin).build(ex.ctx, resnet({ depth: 20, shortcut: "B" }).params, image(32), 1);

/**
 * A training step (SGD with momentum, softmax cross-entropy) for `model` on fixed data. The loss
 * is read asynchronously: webgpu's synchronous reads need a 2D canvas, which Deno lacks.
 */
function trainStep(ex: LoadedExecutor, model: ModelInstance, x: tfc.Tensor, y: tfc.Tensor) {
  const { tf } = ex.ctx;
  const opt = tf.train.momentum(0.05, 0.9);
  const vars = model.net.trainableWeights.map((w) => w.read() as tfc.Variable);
  return async () => {
    const loss = opt.minimize(
      () =>
        tf.tidy(() => {
          const { logits } = model.forward({ x }, { training: true });
          const classes = logits.shape[logits.rank - 1];
          const onehot = tf.oneHot(tf.reshape(y, [-1]), classes);
          return tf.losses.softmaxCrossEntropy(
            onehot,
            tf.reshape(logits, [-1, classes]),
          ) as tfc.Scalar;
        }),
      true,
      vars,
    )!;
    await loss.data();
    loss.dispose();
  };
}

function imageData(tf: LoadedExecutor["ctx"]["tf"], batch: number, hw = 32) {
  return {
    x: tf.randomNormal([batch, hw, hw, 3], 0, 1, "float32", 1),
    y: tf.randomUniform([batch], 0, 10, "int32", 2),
  };
}

async function resnetImagesPerS(
  ex: LoadedExecutor,
  batch: number,
  steps: number,
): Promise<number> {
  const { tf } = ex.ctx;
  const model = resnet20(ex);
  const { x, y } = imageData(tf, batch);
  const s = await timeSteps(trainStep(ex, model, x, y), steps);
  tf.dispose([x, y]);
  model.net.dispose();
  return batch / s;
}

async function lstmTokensPerS(ex: LoadedExecutor, steps: number): Promise<number> {
  const { tf } = ex.ctx;
  const [batch, unroll, vocab] = [20, 35, 10000];
  const params = lstm({ preset: "small", tied: false }).params;
  const model = asPlugin(lstm.plugin).build(
    ex.ctx,
    params,
    { domain: "text", numClasses: vocab },
    1,
  );
  const x = tf.randomUniform([batch, unroll], 0, vocab, "int32", 3);
  const y = tf.randomUniform([batch, unroll], 0, vocab, "int32", 4);
  const s = await timeSteps(trainStep(ex, model, x, y), steps);
  model.resetState?.();
  tf.dispose([x, y]);
  model.net.dispose();
  return (batch * unroll) / s;
}

/** Tensors, bytes and (wasm) heap growth over `steps` steps of a small ResNet. */
async function leakCheck(ex: LoadedExecutor, steps: number): Promise<Row["leak"]> {
  const { tf } = ex.ctx;
  const params = resnet({ depth: 8, shortcut: "B", channels: [8, 16, 32] }).params;
  const model = asPlugin(resnet.plugin).build(ex.ctx, params, image(16), 1);
  const { x, y } = imageData(tf, 8, 16);
  const step = trainStep(ex, model, x, y);
  const heap = () => {
    const b = tf.backend() as { wasm?: { HEAPU8: Uint8Array } };
    return b.wasm ? b.wasm.HEAPU8.buffer.byteLength : undefined;
  };
  for (let i = 0; i < 3; i++) await step();
  const m0 = tf.memory(), h0 = heap();
  for (let i = 0; i < steps; i++) await step();
  const m1 = tf.memory(), h1 = heap();
  tf.dispose([x, y]);
  model.net.dispose();
  return {
    steps,
    tensorsGrowth: m1.numTensors - m0.numTensors,
    bytesGrowth: m1.numBytes - m0.numBytes,
    ...(h0 !== undefined && h1 !== undefined ? { heapGrowthMiB: (h1 - h0) / 2 ** 20 } : {}),
  };
}

/**
 * Kernel times of one ResNet-20 step at batch 64, largest first, and the step's time outside
 * kernels (tape, bookkeeping, allocation): an unprofiled step's wall time minus the kernel times
 * (profiling itself slows the step down, so its own wall time would overstate the rest).
 */
async function profileStep(ex: LoadedExecutor): Promise<Row["profile"]> {
  const { tf } = ex.ctx;
  const model = resnet20(ex);
  const { x, y } = imageData(tf, 64);
  const step = trainStep(ex, model, x, y);
  await step();
  const wall = (await timeSteps(step, 2)) * 1000;
  const info = await tf.profile(() => step());
  const byKernel = new Map<string, number>();
  // Ops ("…__op") wrap kernels already listed: count kernels only.
  for (const k of info.kernels) {
    if (!k.name.endsWith("__op")) {
      byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    }
  }
  const inKernels = [...byKernel.values()].reduce((a, b) => a + b, 0);
  tf.dispose([x, y]);
  model.net.dispose();
  const rows = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 15);
  rows.push(["(outside kernels)", Math.max(0, wall - inKernels)]);
  const total = Math.max(wall, inKernels);
  return rows.map(([kernel, ms]) => ({
    kernel,
    ms: Math.round(ms),
    share: Math.round((1000 * ms) / total) / 10,
  }));
}

/** Load `name`; webgpu on a software adapter only with --allow-software-adapter, and so labelled. */
async function loadFor(name: string): Promise<{ ex: LoadedExecutor; label: string }> {
  if (name !== "webgpu" || !args["allow-software-adapter"]) {
    return { ex: await loadExecutor(name as never), label: name };
  }
  const { findAdapter, load } = await import("../lib/executors/webgpu/mod.ts");
  const { label, software } = await findAdapter();
  const ex = await load({ allowSoftwareAdapter: true });
  return { ex, label: software ? `webgpu (software: ${label})` : name };
}

/** Measure one executor in this process. */
async function measure(name: string): Promise<Row> {
  let ex: LoadedExecutor, label: string;
  try {
    ({ ex, label } = await loadFor(name));
  } catch (e) {
    return {
      executor: name,
      backend: "-",
      threads: 0,
      unavailable: e instanceof Error ? e.message : String(e),
    };
  }
  const steps = Number(args.steps);
  const row: Row = { executor: label, backend: ex.backend, threads: ex.threads };
  row.resnet20_b64_images_per_s = await resnetImagesPerS(ex, 64, steps);
  row.resnet20_b128_images_per_s = await resnetImagesPerS(ex, 128, Math.max(1, steps >> 1));
  row.lstm_tokens_per_s = await lstmTokensPerS(ex, steps);
  row.leak = await leakCheck(ex, Number(args["leak-steps"]));
  if (args.profile) row.profile = await profileStep(ex);
  return row;
}

/** Run `name` in a child process (with `threads` for wasm) and read its row. */
async function child(name: string, threads?: string): Promise<Row> {
  const argv = [
    "run",
    "--allow-all",
    new URL(import.meta.url).pathname,
    "--one",
    name,
    "--steps",
    args.steps!,
    "--leak-steps",
    args["leak-steps"]!,
    ...(args.profile ? ["--profile"] : []),
    ...(args["allow-software-adapter"] ? ["--allow-software-adapter"] : []),
  ];
  const env = threads ? { BORN_AGAIN_WASM_THREADS: threads } : undefined;
  const out = await new Deno.Command(Deno.execPath(), {
    args: argv,
    env,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const last = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as Row;
  } catch {
    return {
      executor: name,
      backend: "-",
      threads: 0,
      unavailable: `benchmark process failed (exit ${out.code})`,
    };
  }
}

function table(rows: Row[]): string {
  const f = (v: number | undefined, d = 1) => (v === undefined ? "-" : v.toFixed(d));
  const lines = [
    "| executor | backend | threads | ResNet-20 img/s b64 | ResNet-20 img/s b128 | LSTM tokens/s | leak (steps: tensors, bytes, heap MiB) |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    if (r.unavailable) {
      lines.push(
        `| ${r.executor} | - | - | - | - | - | unavailable: ${
          r.unavailable.split("\n")[0].slice(0, 120)
        } |`,
      );
      continue;
    }
    const l = r.leak;
    lines.push(
      `| ${r.executor} | ${r.backend} | ${r.threads} | ${f(r.resnet20_b64_images_per_s)} | ${
        f(r.resnet20_b128_images_per_s)
      } | ${f(r.lstm_tokens_per_s, 0)} | ${
        l ? `${l.steps}: ${l.tensorsGrowth}, ${l.bytesGrowth}, ${f(l.heapGrowthMiB)}` : "-"
      } |`,
    );
  }
  for (const r of rows.filter((r) => r.profile)) {
    lines.push(
      "",
      `Kernel time of one ResNet-20 step, batch 64, ${r.executor} (${r.threads} threads):`,
      "",
      "| kernel | ms | share % |",
      "|---|---|---|",
      ...r.profile!.map((p) => `| ${p.kernel} | ${p.ms} | ${p.share} |`),
    );
  }
  return lines.join("\n");
}

if (args.one) {
  console.log(JSON.stringify(await measure(args.one)));
  // The threaded wasm build's pthread workers would keep this process alive.
  Deno.exit(0);
} else {
  const rows: Row[] = [];
  for (const name of args.executors!.split(",").filter(Boolean)) {
    const threadList = name === "wasm" && args.threads ? args.threads.split(",") : [undefined];
    for (const t of threadList) rows.push(await child(name, t));
  }
  console.log(args.json ? JSON.stringify({ rows }) : table(rows));
}
