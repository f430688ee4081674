/**
 * Benchmark: training throughput on the onednn executor against PyTorch on the same cores.
 *
 * ResNet-20 (CIFAR, batch 128: the project's resnet plugin with 1×1 projection shortcuts,
 * `shortcut: "B"`) and DenseNet-BC-40-12 (batch 64) are built by the project's model plugins;
 * WRN-16-4 and a two-layer LSTM language model (650 units, 10k words, 35 steps) inline with
 * tfjs-layers. `bench/onednn_torch.py` builds the same models in PyTorch (Debian's
 * `python3-torch`; not a dependency of the project) and runs as a long-lived subprocess. Both
 * sides report their trainable parameter counts; for the image models they must agree, or the
 * bench stops (the LSTM differs by PyTorch's second bias vector per layer). Rounds alternate
 * between the two so that both see the same machine load; the ratio of medians is the number to
 * read on shared, noisy machines.
 *
 *   deno run --allow-all bench/onednn.ts [--threads 2] [--rounds 3] [--steps 3]
 *     [--models resnet20,wrn16_4,densenet40,lstm] [--profile] [--json]
 *
 * Threads: both sides use `--threads` (oneDNN via BORN_AGAIN_DNNL_THREADS, PyTorch via
 * torch.set_num_threads). `--profile` adds a per-kernel profile of one step of the first model (a
 * convolution's input gradient is computed lazily, so its time shows under the kernel that reads
 * it).
 *
 * Debian's python3-torch is built against the generic BLAS and runs on netlib's reference
 * libblas unless an optimised one is installed: `apt-get install libopenblas0-pthread` (convs go
 * through oneDNN either way; the LSTM's matmuls measured 7x slower on the reference BLAS).
 *
 * @module
 */
import { parseArgs } from "node:util";
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LoadedExecutor } from "../lib/executors/executor.ts";
import type { JsonObject } from "../lib/plugin/descriptor.ts";
import type { DataShape, ModelPlugin, TfContext } from "../lib/plugin/runtime.ts";
import { densenet } from "../plugins/models/densenet.ts";
import { resnet } from "../plugins/models/resnet.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    threads: { type: "string", default: "2" },
    rounds: { type: "string", default: "3" },
    steps: { type: "string", default: "3" },
    models: { type: "string", default: "resnet20,wrn16_4,densenet40,lstm" },
    profile: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const threads = Number(args.values.threads);
const rounds = Number(args.values.rounds);
const steps = Number(args.values.steps);
const modelNames = args.values.models!.split(",");

Deno.env.set("BORN_AGAIN_DNNL_THREADS", String(threads));
const { load } = await import("../lib/executors/onednn/mod.ts");
const ex: LoadedExecutor = await load();
const { tf } = ex.ctx;

/** A training workload: a step function and how many items (images, tokens) one step covers. */
interface Workload {
  name: string;
  batch: number;
  unit: "images" | "tokens";
  items: number;
  /** Trainable parameters. */
  params: number;
  /** Whether PyTorch's model must have exactly as many (same architecture). */
  sameParams: boolean;
  step: () => number;
}

// ---------------------------------------------------------------------------------------------
// Models (the same layers as bench/onednn_torch.py)

type Sym = tfl.SymbolicTensor;
const apply = (layer: tfl.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

const cifar10: DataShape = { domain: "image", numClasses: 10, imageShape: [32, 32, 3] };

/** ResNet-20 from the project's plugin with 1×1 projection shortcuts, as in onednn_torch.py. */
function resnet20(ctx: TfContext): tfl.LayersModel {
  const { params } = resnet({ depth: 20, shortcut: "B" });
  const plugin = resnet.plugin as unknown as ModelPlugin<JsonObject>;
  return plugin.build(ctx, params, cifar10, 1).net;
}

function wrn16x4({ tfl }: TfContext): tfl.LayersModel {
  const L = tfl.layers;
  let seed = 100;
  const conv = (filters: number, k: number, strides: number) =>
    L.conv2d({
      filters,
      kernelSize: k,
      strides,
      padding: "same",
      useBias: false,
      kernelInitializer: tfl.initializers.heNormal({ seed: seed++ }),
    });
  const bnRelu = (x: Sym) =>
    apply(L.reLU(), apply(L.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }), x));
  const input = tfl.input({ shape: [32, 32, 3] });
  let h = apply(conv(16, 3, 1), input);
  for (let stage = 0; stage < 3; stage++) {
    const filters = (16 << stage) * 4;
    for (let b = 0; b < 2; b++) {
      const strides = stage > 0 && b === 0 ? 2 : 1;
      const o = bnRelu(h);
      const y = apply(conv(filters, 3, 1), bnRelu(apply(conv(filters, 3, strides), o)));
      const shortcut = strides !== 1 || h.shape[3] !== filters
        ? apply(conv(filters, 1, strides), o)
        : h;
      h = apply(L.add(), [y, shortcut]);
    }
  }
  const logits = apply(L.dense({ units: 10 }), apply(L.globalAveragePooling2d({}), bnRelu(h)));
  return tfl.model({ inputs: input, outputs: logits });
}

/**
 * DenseNet-BC-40-12 (3 dense blocks of 6 bottleneck layers, growth 12, compression 0.5) from the
 * project's model plugin, 10 classes.
 */
function densenet40(ctx: TfContext): tfl.LayersModel {
  const { params } = densenet({ depth: 40, growthRate: 12 });
  const plugin = densenet.plugin as unknown as ModelPlugin<JsonObject>;
  return plugin.build(ctx, params, cifar10, 1).net;
}

function lstmLm({ tfl }: TfContext): tfl.LayersModel {
  const init = (seed: number) =>
    tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed });
  const lstm = (seed: number) =>
    tfl.layers.lstm({
      units: 650,
      returnSequences: true,
      recurrentActivation: "sigmoid",
      kernelInitializer: init(seed),
      recurrentInitializer: init(seed + 1),
    });
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({
        inputDim: 10000,
        outputDim: 650,
        inputLength: 35,
        embeddingsInitializer: init(1),
      }),
      lstm(2),
      lstm(4),
      tfl.layers.dense({ units: 10000, kernelInitializer: init(6) }),
    ],
  });
}

/** Mean cross-entropy of logits [.., classes] against integer labels. */
function crossEntropy(z: tfc.Tensor, labels: tfc.Tensor, classes: number): tfc.Scalar {
  const logits = tf.reshape(z, [-1, classes]);
  const onehot = tf.oneHot(tf.reshape(labels, [-1]) as tfc.Tensor1D, classes);
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tfc.Scalar;
}

function trainableCount(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => a! * b!, 1)!, 0);
}

/** Logits of a model whose first output is the logits (the plugin's models add activations). */
function logitsOf(out: unknown): tfc.Tensor {
  return (Array.isArray(out) ? out[0] : out) as tfc.Tensor;
}

function imageWorkload(
  name: string,
  build: (ctx: TfContext) => tfl.LayersModel,
  batch = 128,
): Workload {
  const model = build(ex.ctx);
  const x = tf.randomNormal([batch, 32, 32, 3], 0, 1, "float32", 1);
  const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), "int32");
  const opt = tf.train.momentum(0.05, 0.9, true);
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() =>
        crossEntropy(logitsOf(model.apply(x, { training: true })), labels, 10)
      );
      opt.applyGradients(grads as Record<string, tfc.Variable>);
      return value.dataSync()[0];
    });
  const params = trainableCount(model);
  return { name, batch, unit: "images", items: batch, params, sameParams: true, step };
}

function lstmWorkload(): Workload {
  const batch = 32, len = 35, vocab = 10000;
  const model = lstmLm(ex.ctx);
  const x = tf.randomUniform([batch, len], 0, vocab, "int32", 1);
  const y = tf.randomUniform([batch, len], 0, vocab, "int32", 2);
  const opt = tf.train.sgd(1);
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() =>
        crossEntropy(model.apply(x, { training: true }) as tfc.Tensor, y, vocab)
      );
      // Clip the global norm at 5, as the PTB recipe (and the PyTorch side) does.
      const list = Object.values(grads);
      const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(5, tf.add(norm, 1e-6)));
      const clipped: Record<string, tfc.Tensor> = {};
      for (const [k, g] of Object.entries(grads)) clipped[k] = tf.mul(g, scale);
      opt.applyGradients(clipped as Record<string, tfc.Variable>);
      return value.dataSync()[0];
    });
  const params = trainableCount(model);
  return {
    name: "lstm",
    batch,
    unit: "tokens",
    items: batch * len,
    params,
    sameParams: false,
    step,
  };
}

const BUILDERS: Record<string, () => Workload> = {
  resnet20: () => imageWorkload("resnet20", resnet20),
  wrn16_4: () => imageWorkload("wrn16_4", wrn16x4),
  densenet40: () => imageWorkload("densenet40", densenet40, 64),
  lstm: lstmWorkload,
};

// ---------------------------------------------------------------------------------------------
// PyTorch side

interface TorchResult {
  msPerStep: number;
  torch: string;
  /** Trainable parameters of PyTorch's model. */
  params: number;
}

/** The PyTorch script as a long-lived subprocess, or a reason it is not available. */
async function startTorch(): Promise<
  { run(name: string, batch: number): Promise<TorchResult>; close(): Promise<void> } | string
> {
  const script = new URL("./onednn_torch.py", import.meta.url).pathname;
  const candidates = [Deno.env.get("BORN_AGAIN_TORCH_PYTHON"), "/usr/bin/python3", "python3"]
    .filter((p): p is string => !!p);
  let python: string | undefined;
  for (const p of candidates) {
    try {
      const { success } = await new Deno.Command(p, {
        args: ["-c", "import torch"],
        stderr: "null",
      })
        .output();
      if (success) {
        python = p;
        break;
      }
    } catch { /* not there */ }
  }
  if (!python) return "no python3 with torch (apt-get install python3-torch)";
  const child = new Deno.Command(python, {
    args: [script],
    stdin: "piped",
    stdout: "piped",
    env: { BENCH_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
  }).spawn();
  const writer = child.stdin.getWriter();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const readLine = async (): Promise<string> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error("bench/onednn_torch.py exited early");
      buffered += value;
    }
    const at = buffered.indexOf("\n");
    const line = buffered.slice(0, at);
    buffered = buffered.slice(at + 1);
    return line;
  };
  return {
    async run(name, batch) {
      await writer.write(new TextEncoder().encode(`${name} ${batch} ${steps}\n`));
      return JSON.parse(await readLine()) as TorchResult;
    },
    async close() {
      await writer.close();
      await child.status;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Rounds

function timeSteps(w: Workload): number {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) w.step();
  return (performance.now() - t0) / steps;
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const torch = await startTorch();
const rows: Array<Record<string, unknown>> = [];
for (const name of modelNames) {
  const build = BUILDERS[name];
  if (!build) throw new Error(`Unknown model "${name}": available are ${Object.keys(BUILDERS)}`);
  const w = build();
  for (let i = 0; i < 2; i++) w.step(); // primitive creation and weight reorders
  const ours: number[] = [], theirs: number[] = [];
  let torchVersion = "";
  let torchParams: number | undefined;
  for (let r = 0; r < rounds; r++) {
    ours.push(timeSteps(w));
    if (typeof torch !== "string") {
      const t = await torch.run(name, w.batch);
      if (w.sameParams && t.params !== w.params) {
        throw new Error(
          `${name}: the models differ: ${w.params} trainable parameters here, ${t.params} in ` +
            "bench/onednn_torch.py",
        );
      }
      theirs.push(t.msPerStep);
      torchVersion = t.torch;
      torchParams = t.params;
    }
  }
  const perSec = (ms: number) => (w.items * 1000) / ms;
  const row: Record<string, unknown> = {
    model: name,
    batch: w.batch,
    unit: `${w.unit}/s`,
    threads,
    params: w.params,
    onednn: Math.round(perSec(median(ours))),
    onednnRounds: ours.map((ms) => Math.round(perSec(ms))),
  };
  if (theirs.length) {
    row.pytorch = Math.round(perSec(median(theirs)));
    row.pytorchRounds = theirs.map((ms) => Math.round(perSec(ms)));
    row.ratio = Number((median(theirs) / median(ours)).toFixed(2));
    row.roundRatios = ours.map((ms, i) => Number((theirs[i] / ms).toFixed(2)));
    row.torchVersion = torchVersion;
    row.pytorchParams = torchParams;
  }
  rows.push(row);
}
if (typeof torch !== "string") await torch.close();

let profile: Array<{ kernel: string; ms: number; calls: number }> = [];
if (args.values.profile) {
  const w = BUILDERS[modelNames[0]]();
  for (let i = 0; i < 2; i++) w.step();
  const info = await tf.profile(() => {
    w.step();
  });
  const agg = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    // Composite ops (names ending in __op) contain kernels already listed.
    if (k.name.endsWith("__op")) continue;
    const a = agg.get(k.name) ?? { ms: 0, calls: 0 };
    a.ms += k.kernelTimeMs as number;
    a.calls++;
    agg.set(k.name, a);
  }
  profile = [...agg.entries()].map(([kernel, a]) => ({ kernel, ...a }))
    .sort((a, b) => b.ms - a.ms);
}

if (args.values.json) {
  console.log(JSON.stringify({
    executor: ex.name,
    versions: ex.versions,
    threads,
    rounds,
    steps,
    pytorch: typeof torch === "string" ? torch : "ok",
    rows,
    profile,
  }));
} else {
  console.log(`onednn executor (oneDNN ${ex.versions.onednn}, ${threads} threads) vs PyTorch`);
  console.log(`(${rounds} interleaved rounds of ${steps} steps; medians)\n`);
  console.log(
    "| model | batch | params (tfjs / torch) | onednn | pytorch | ratio | per-round ratios |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.model} | ${r.batch} | ${r.params} / ${
        r.pytorchParams ?? "-"
      } | ${r.onednn} ${r.unit} | ${r.pytorch ?? "-"} | ${r.ratio ?? "-"}x | ${
        (r.roundRatios as number[] | undefined)?.join(", ") ?? "-"
      } |`,
    );
  }
  if (typeof torch === "string") console.log(`\nPyTorch not run: ${torch}`);
  if (profile.length) {
    const total = profile.reduce((s, p) => s + p.ms, 0);
    console.log(`\n${modelNames[0]} step, per kernel (${total.toFixed(0)} ms of kernel time):\n`);
    console.log("| kernel | ms | calls | share |");
    console.log("|---|---|---|---|");
    for (const p of profile.slice(0, 15)) {
      console.log(
        `| ${p.kernel} | ${p.ms.toFixed(1)} | ${p.calls} | ${(100 * p.ms / total).toFixed(1)}% |`,
      );
    }
  }
}
