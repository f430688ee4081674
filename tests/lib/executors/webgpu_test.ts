/**
 * The webgpu executor against the cpu backend: a ResNet-like and an LSTM-like training step give
 * the same loss and gradients. Where no GPU is present this runs on the software adapter
 * (llvmpipe, from Mesa's Vulkan drivers) that the executor refuses for runs: the test opts in
 * explicitly (`allowSoftwareAdapter`); skipped where WebGPU offers no adapter at all. Set
 * BORN_AGAIN_TEST_WEBGPU=0 to skip it anyway, =1 to time the doctor's measurement on it too. Values are read asynchronously:
 * tfjs-backend-webgpu reads synchronously (`dataSync`) through a 2D canvas, which Deno lacks, so
 * the synchronous kernel suite of `conformance.ts` cannot run on it.
 */
import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import type { LoadedExecutor } from "../../../lib/executors/executor.ts";
import { hardwareAdapter, load } from "../../../lib/executors/webgpu.ts";
import { buildLstmLm } from "../../../lib/executors/workloads/lstm_lm.ts";
import { buildResnet } from "../../../lib/executors/workloads/resnet.ts";
import { lossAndGrads } from "../../../lib/executors/workloads/train_step.ts";
import { measureResnet8 } from "../../../lib/doctor/measure.ts";
import { assertClose } from "./conformance.ts";

const wanted = Deno.env.get("BORN_AGAIN_TEST_WEBGPU") !== "0";
const adapter = wanted
  ? await hardwareAdapter({ allowSoftwareAdapter: true }).catch(() => undefined)
  : undefined;

let loaded: Promise<LoadedExecutor> | undefined;

/** Loss and gradients of one step on `backend`, read asynchronously, by weight name. */
async function stepOn(
  ex: LoadedExecutor,
  backend: string,
  run: () => { loss: tfc.Scalar; grads: Record<string, tfc.Tensor> },
): Promise<Record<string, Float32Array>> {
  const { tf } = ex.ctx;
  const before = tf.getBackend();
  await tf.setBackend(backend);
  assert.equal(tf.getBackend(), backend, `could not switch to ${backend}`);
  try {
    const { loss, grads } = run();
    const out: Record<string, Float32Array> = { loss: (await loss.data()) as Float32Array };
    for (const [name, g] of Object.entries(grads)) out[name] = (await g.data()) as Float32Array;
    tf.dispose([loss, ...Object.values(grads)]);
    return out;
  } finally {
    await tf.setBackend(before);
  }
}

function webgpuTest(title: string, fn: (ex: LoadedExecutor) => Promise<void>, skip = false) {
  Deno.test({
    name: `webgpu (${adapter ?? "no adapter"}): ${title}`,
    ignore: !adapter || skip,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      await import("@tensorflow/tfjs-backend-cpu"); // the reference
      await fn(await (loaded ??= load({ allowSoftwareAdapter: true })));
    },
  });
}

/**
 * Compare a step's loss and gradients on webgpu and cpu (same weights: one model, two backends).
 * The model's weights and the data are read asynchronously first, so the cpu backend finds their
 * values on the CPU instead of reading the GPU synchronously.
 */
async function compare(
  ex: LoadedExecutor,
  tensors: tfc.Tensor[],
  run: () => ReturnType<typeof lossAndGrads>,
) {
  const gpu = await stepOn(ex, "webgpu", run);
  for (const t of tensors) await t.data();
  const cpu = await stepOn(ex, "cpu", run);
  assert.deepEqual(Object.keys(gpu).sort(), Object.keys(cpu).sort());
  // GPU reductions sum in another order: a looser tolerance than the CPU executors'.
  for (const name of Object.keys(cpu)) assertClose(gpu[name], cpu[name], name, 1e-3);
}

webgpuTest("a ResNet-like training step matches the cpu backend", async (ex) => {
  const { tf } = ex.ctx;
  const net = buildResnet(ex.ctx, {
    blocksPerStage: 1,
    width: 4,
    inputShape: [8, 8, 3],
    classes: 5,
  });
  const x = tf.randomNormal([4, 8, 8, 3], 0, 1, "float32", 23);
  const y = tf.tensor1d([0, 3, 1, 4], "int32");
  await compare(
    ex,
    [x, y, ...net.weights.map((w) => w.read())],
    () => lossAndGrads(ex.ctx, net, x, y),
  );
  tf.dispose([x, y]);
  net.dispose();
});

webgpuTest("an LSTM-like training step matches the cpu backend", async (ex) => {
  const { tf } = ex.ctx;
  const net = buildLstmLm(ex.ctx, { vocab: 17, hidden: 6, layers: 1, steps: 5 });
  const x = tf.tensor2d([[1, 2, 3, 4, 5], [16, 0, 2, 2, 9], [3, 3, 3, 1, 0]], undefined, "int32");
  const y = tf.tensor2d([[2, 3, 4, 5, 6], [0, 2, 2, 9, 1], [3, 3, 1, 0, 7]], undefined, "int32");
  await compare(
    ex,
    [x, y, ...net.weights.map((w) => w.read())],
    () => lossAndGrads(ex.ctx, net, x, y),
  );
  tf.dispose([x, y]);
  net.dispose();
});

// About 20 s on llvmpipe (its first step compiles every shader): with BORN_AGAIN_TEST_WEBGPU=1.
webgpuTest("the doctor's training rate measures on it (no synchronous reads)", async (ex) => {
  const rate = await measureResnet8(ex, 0.2);
  assert(rate.imagesPerSecond > 0 && rate.steps >= 1, JSON.stringify(rate));
}, Deno.env.get("BORN_AGAIN_TEST_WEBGPU") !== "1");
