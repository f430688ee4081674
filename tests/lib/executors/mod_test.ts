import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { ExecutorUnavailable, loadExecutor } from "../../../lib/executors/mod.ts";
import { findInstalledNpm } from "../../../lib/executors/tfjs_node/installed_npm.ts";

const gpuHere = existsSync("/dev/nvidiactl");
const nativeHere = findInstalledNpm("@tensorflow/tfjs-node", "4.22.0", "lib/*/tfjs_binding.node");

Deno.test({
  name: "auto skips what cannot load, names why, and picks wasm on a CPU-only machine",
  ignore: gpuHere || nativeHere !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const lines: string[] = [];
    const ex = await loadExecutor("auto", { log: (l) => lines.push(l) });
    const onednnSkipped = ex.skipped.some((s) => s.includes('"onednn"'));
    assert.equal(ex.name, onednnSkipped ? "wasm" : "onednn");
    for (const n of ["gpu", "webgpu", "native"]) {
      assert(ex.skipped.some((s) => s.includes(`"${n}"`)), `no reason given for skipping ${n}`);
    }
    assert.match(
      lines[0],
      new RegExp(`^executor auto: using ${ex.name} \\(backend ${ex.backend}, ${ex.threads} thread`),
    );
    if (ex.name === "wasm") assert(ex.threads >= 1);
  },
});

Deno.test({
  name: "native fails at once when tfjs-node is not installed and says how to install it",
  ignore: nativeHere !== undefined,
  fn: async () => {
    const started = performance.now();
    const err = await loadExecutor("native").catch((e) => e);
    assert(err instanceof ExecutorUnavailable);
    assert.match(
      err.message,
      /^Executor "native" is unavailable: @tensorflow\/tfjs-node@4\.22\.0 is not installed/,
    );
    assert.match(err.message, /deno install --allow-scripts=npm:@tensorflow\/tfjs-node/);
    assert(performance.now() - started < 5000, "the check must not download anything");
  },
});

Deno.test({
  name: "gpu fails without an NVIDIA GPU and names the CUDA and cuDNN it needs",
  ignore: gpuHere,
  fn: async () => {
    const err = await loadExecutor("gpu").catch((e) => e);
    assert(err instanceof ExecutorUnavailable);
    assert.match(err.message, /no NVIDIA GPU is visible/);
    assert.match(err.message, /CUDA 11\.2 and cuDNN 8\.1/);
  },
});

Deno.test({
  name: "webgpu refuses a software fallback adapter or a missing one, saying which",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { hardwareAdapter } = await import("../../../lib/executors/webgpu/mod.ts");
    const label = await hardwareAdapter().catch((e) => e);
    if (typeof label === "string") {
      console.log(`(a hardware WebGPU adapter is present: ${label}; refusal not testable here)`);
      return;
    }
    assert(label instanceof ExecutorUnavailable);
    assert.match(label.message, /software fallback \(.+\)|no adapter|no WebGPU/);
  },
});

Deno.test("an unknown executor name fails and lists the available ones", async () => {
  const err = await loadExecutor("tpu" as never).catch((e) => e);
  assert(err instanceof ExecutorUnavailable);
  assert.match(
    err.message,
    /unknown executor: available are auto, gpu, webgpu, native, onednn, wasm, cpu/,
  );
});
