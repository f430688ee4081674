/**
 * The webgpu executor runs the executor conformance suite (`conformance.ts`: convolutions, matmul
 * and the batch-norm layer against the cpu backend, numeric gradients, training steps of the resnet
 * and lstm plugins). Where no GPU is
 * present it runs on the software adapter (llvmpipe, from Mesa) that the executor refuses for
 * runs: the tests opt in explicitly (`allowSoftwareAdapter`), and say so in their names; they are
 * skipped, with the reason in their names, where WebGPU offers no adapter at all. Set
 * BORN_AGAIN_TEST_WEBGPU=0 to skip them anyway, =1 to time the doctor's measurement on it too.
 */
import assert from "node:assert/strict";
import type { LoadedExecutor } from "../../../lib/executors/executor.ts";
import { findAdapter, load } from "../../../lib/executors/webgpu/mod.ts";
import { measureResnet8 } from "../../../lib/doctor/measure.ts";
import { convCases, executorConformance, matMulCases } from "./conformance.ts";

const wanted = Deno.env.get("BORN_AGAIN_TEST_WEBGPU") !== "0";
const found = wanted ? await findAdapter().catch(() => undefined) : undefined;
const adapter = found?.label;
const hardware = found !== undefined && !found.software;
const label = !wanted
  ? "skipped: BORN_AGAIN_TEST_WEBGPU=0"
  : !found
  ? "skipped: WebGPU offers no adapter"
  : hardware
  ? found.label
  : `software adapter ${found.label}`;

let loaded: Promise<LoadedExecutor> | undefined;
const get = () =>
  loaded ??= (async () => {
    await import("@tensorflow/tfjs-backend-cpu"); // the reference
    return await load({ allowSoftwareAdapter: true });
  })();

/**
 * On a software adapter, shapes that keep the suite to seconds: every new shape compiles its
 * shaders on the CPU. One conv case per kernel size, stride and padding (the shapes taking turns)
 * instead of every combination, and no 16384-wide matmul (minutes on llvmpipe).
 */
const conv = convCases().filter((_, i) => hardware || i % 6 === Math.floor(i / 18) % 6);
const matMul = matMulCases().filter(([, , , n]) => hardware || n < 1024);

executorConformance("webgpu", get, {
  ignore: !adapter,
  label,
  convCases: conv,
  matMulCases: matMul,
});

// About 20 s on llvmpipe (its first step compiles every shader): with BORN_AGAIN_TEST_WEBGPU=1.
Deno.test({
  name: `webgpu (${label}): the doctor's training rate measures on it (no synchronous reads)`,
  ignore: !adapter || Deno.env.get("BORN_AGAIN_TEST_WEBGPU") !== "1",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const rate = await measureResnet8(await get(), 0.2);
    assert(rate.imagesPerSecond > 0 && rate.steps >= 1, JSON.stringify(rate));
  },
});
