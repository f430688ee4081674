/** Initialisation as the reference implementations do it. */
import assert from "node:assert/strict";
import type { JsonObject } from "../../../lib/plugin/descriptor.ts";
import type { ModelPlugin } from "../../../lib/plugin/runtime.ts";
import { lstm, resnet } from "../../../plugins/models/mod.ts";
import { cpuContext } from "./helpers.ts";

const asPlugin = (p: unknown) => p as ModelPlugin<JsonObject>;

Deno.test("convolutions start He-normal over fan-out (std √(2/(k·k·filters))), untruncated", async () => {
  const ctx = await cpuContext();
  const model = asPlugin(resnet.plugin).build(ctx, resnet({ depth: 20 }).params, {
    domain: "image",
    numClasses: 10,
    imageShape: [32, 32, 3],
  }, 1);
  const w = model.net.getLayer("s3b3_conv2").getWeights()[0].dataSync() as Float32Array;
  const std = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
  const target = Math.sqrt(2 / (9 * 64));
  assert.ok(Math.abs(std / target - 1) < 0.03, `std ${std}, He fan-out ${target}`);
  // A truncated normal at 2σ never reaches 2σ; a normal does for ~4.6% of 36,864 weights.
  assert.ok(w.some((v) => Math.abs(v) > 2.2 * target));
  model.net.dispose();
});

Deno.test("lstm weights start uniform in ±initScale", async () => {
  const ctx = await cpuContext();
  const params = lstm({ preset: "small", units: 16, initScale: 0.1 }).params;
  const model = asPlugin(lstm.plugin).build(ctx, params, { domain: "text", numClasses: 50 }, 1);
  for (const w of model.net.trainableWeights) {
    const v = w.read().dataSync() as Float32Array;
    const max = v.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
    assert.ok(max <= 0.1 && max > 0.09, `${w.originalName}: max |w| ${max}`);
  }
  model.net.dispose();
});
