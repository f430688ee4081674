/**
 * The doctor: executors checked in processes with a worker's permissions (a real wasm check with
 * a short measurement, a gpu refusal), a probe that never answers, the text and JSON it prints,
 * the fixes it proposes, the per-host file `run` and `plan` read, and the lines `run` prints.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { formatDoctor } from "../../../lib/cli/commands/doctor.ts";
import { probeExecutor, runDoctor } from "../../../lib/doctor/doctor.ts";
import {
  aptInstall,
  fixesFor,
  ONEDNN_BUILD,
  onPath,
  shortReason,
} from "../../../lib/doctor/fixes.ts";
import {
  DOCTOR_FILE_ENV,
  readDoctorReport,
  saveDoctorReport,
  savedRate,
} from "../../../lib/doctor/rates_file.ts";
import type { DoctorReport, ExecutorReport } from "../../../lib/doctor/report.ts";
import { describeChoice, executorLines } from "../../../lib/doctor/run_line.ts";
import type { JsonObject } from "../../../lib/plugin/descriptor.ts";
import type { DataShape, ModelPlugin } from "../../../lib/plugin/runtime.ts";
import { resnet } from "../../../plugins/models/resnet.ts";
import { runCli } from "../../helpers/cli.ts";
import { withEnv } from "../../helpers/env.ts";

const asPlugin = (p: unknown) => p as ModelPlugin<JsonObject>;
const CIFAR10: DataShape = { domain: "image", numClasses: 10, imageShape: [32, 32, 3] };

Deno.test("doctor: wasm is checked and timed in a worker's process; gpu says why not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Half a second of timing instead of five keeps the test cheap.
    const report = await runDoctor({
      seconds: 0.5,
      cacheDir: join(dir, "cache"),
      executors: ["gpu", "wasm"],
    });
    const [gpu, wasm] = report.executors;
    assert.equal(wasm.available, true, wasm.reason ?? "wasm unavailable");
    assert.equal(wasm.name, "wasm");
    assert(wasm.threads! >= 1);
    assert.equal(wasm.versions?.["tfjs-backend-wasm"], "4.22.0");
    assert(wasm.rate && wasm.rate.imagesPerSecond > 0 && wasm.rate.steps >= 1, "no rate");
    assert(wasm.rate.batch === 64 || wasm.rate.batch === 2);
    // The resnet plugin at depth 8, counted as plan counts the models it scales the rate to.
    const params = resnet({ depth: 8 }).params;
    assert.equal(wasm.rate.parameters, asPlugin(resnet.plugin).parameterCount!(params, CIFAR10));
    assert.equal(wasm.rate.parameters, 75_290);
    assert(wasm.startupSeconds! > 0, "the start-up a worker pays was not measured");
    assert.equal(gpu.available, false);
    if (!gpu.available) assert.match(gpu.reason!, /NVIDIA|GPU/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("doctor: a check that does not answer in time is reported, not waited for", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await probeExecutor("wasm", { seconds: 30, cacheDir: dir, timeoutS: 0.3 });
    assert.equal(r.available, false);
    assert.match(r.reason!, /its check (was stopped by SIGTERM \(after 0\.3 s\)|did not run)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const rate = (imagesPerSecond: number) => ({
  imagesPerSecond,
  batch: 64,
  steps: 10,
  seconds: 5,
  parameters: 75_290,
});
const REPORT: DoctorReport = {
  host: "h",
  checkedAt: "2026-01-01T00:00:00.000Z",
  deno: "2.9.6",
  auto: "onednn",
  executors: [
    {
      requested: "native",
      name: "native",
      available: false,
      reason: "@tensorflow/tfjs-node@4.22.0 is not installed (no binding). Install it with …",
      fix: [
        "deno install --allow-scripts=npm:@tensorflow/tfjs-node npm:@tensorflow/tfjs-node@4.22.0",
      ],
    },
    {
      requested: "onednn",
      name: "onednn",
      available: true,
      threads: 2,
      versions: { "tfjs-core": "4.22.0", onednn: "2.6.3" },
      rate: rate(600),
    },
    { requested: "wasm", name: "wasm", available: true, threads: 2, rate: rate(150) },
  ],
};

Deno.test("doctor: the text names each executor, why not, the fix, and what auto picks", () => {
  const text = formatDoctor(REPORT, "/x/h.json");
  assert.match(text, /^executor\s+available\s+threads\s+ResNet-8 training\s+versions/);
  assert.match(
    text,
    /onednn\s+yes\s+2\s+600 img\/s \(batch 64\)\s+tfjs-core 4\.22\.0, onednn 2\.6\.3/,
  );
  assert.match(text, /native: @tensorflow\/tfjs-node@4\.22\.0 is not installed/);
  assert.match(text, /\n {2}fix: deno install --allow-scripts=npm:@tensorflow\/tfjs-node/);
  assert.match(
    text,
    /--executor auto picks onednn \(2 threads, 600 img\/s \(batch 64\), 4\.0x wasm\)/,
  );
  assert.match(text, /saved to \/x\/h\.json/);
});

Deno.test("doctor: fixes are exact commands: apt-get where it exists, a build where not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "apt-get"), "#!/bin/sh\n", { mode: 0o755 });
    const missing = "no usable oneDNN 2.x library; tried libdnnl.so.2: cannot open";
    const withApt = await withEnv(
      { PATH: dir },
      () => Promise.resolve(fixesFor("onednn", missing)),
    );
    assert.match(withApt[0], /^(sudo )?apt-get install -y libdnnl2$/);
    const without = await withEnv(
      { PATH: join(dir, "none") },
      () => Promise.resolve(fixesFor("onednn", missing)),
    );
    assert.deepEqual(without, [ONEDNN_BUILD]);
    assert.deepEqual(fixesFor("onednn", "BORN_AGAIN_DNNL_THREADS must be a positive integer"), []);
    const gpu = fixesFor(
      "gpu",
      "X is visible, but @tensorflow/tfjs-node-gpu@4.22.0 is not installed; tfjs-node-gpu 4.22.0 needs cuDNN 8.1",
    );
    assert.equal(gpu.length, 2);
    assert.match(gpu[0], /^deno install --allow-scripts=npm:@tensorflow\/tfjs-node-gpu /);
    assert.match(gpu[1], /cudnn=8\.1/);
    assert.equal(
      shortReason("the only WebGPU adapter is a software fallback (llvmpipe); use wasm"),
      "the only WebGPU adapter is a software fallback",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("doctor: the report is kept per host and read back for run and plan", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "sub", "h.json");
    await withEnv({ [DOCTOR_FILE_ENV]: file }, async () => {
      assert.equal(readDoctorReport(), undefined);
      await saveDoctorReport(REPORT);
      assert.deepEqual(readDoctorReport(), REPORT);
      assert.deepEqual(savedRate("onednn", readDoctorReport()), {
        imagesPerSecond: 600,
        threads: 2,
      });
      assert.equal(savedRate("native", readDoctorReport()), undefined);
      await Deno.writeTextFile(file, "{ not json");
      assert.equal(readDoctorReport(), undefined);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const WASM_PICKED: ExecutorReport = {
  requested: "auto",
  name: "wasm",
  available: true,
  threads: 2,
  versions: { "tfjs-core": "4.22.0", "tfjs-backend-wasm": "4.22.0" },
  skipped: [
    { executor: "gpu", reason: "no NVIDIA GPU is visible: nvidia-smi is not on PATH. It needs …" },
    {
      executor: "onednn",
      reason: "no usable oneDNN 2.x library; tried libdnnl.so.2: nope",
      fix: ["sudo apt-get install -y libdnnl2"],
    },
  ],
};

Deno.test("run's executor line: the pick, what was skipped and why, the onednn package and factor", () => {
  const [line, hint] = describeChoice(WASM_PICKED, undefined);
  assert.equal(
    line,
    "executor auto: wasm (2 threads, tfjs-backend-wasm 4.22.0); skipped gpu: no NVIDIA GPU " +
      "is visible; onednn: no usable oneDNN 2.x library; tried libdnnl.so.2",
  );
  assert.equal(
    hint,
    "onednn is one package away and trains about 3.8x as fast as wasm on ResNet-20 with 2 " +
      "threads (README): sudo apt-get install -y libdnnl2",
  );
  const [, measured] = describeChoice(WASM_PICKED, REPORT);
  assert.match(measured, /about 4\.0x as fast as wasm here \(measured by deno task doctor\)/);
  // No apt-get (the fix is a build): no one-package promise.
  const build = structuredClone(WASM_PICKED);
  build.skipped![1].fix = [ONEDNN_BUILD];
  assert.equal(describeChoice(build, undefined).length, 1);
});

Deno.test("run's executor line comes from a worker's process: onednn missing, auto takes wasm", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = await withEnv(
      { BORN_AGAIN_DNNL_LIB: join(dir, "libdnnl.so.2"), [DOCTOR_FILE_ENV]: join(dir, "d.json") },
      () => executorLines("auto", join(dir, "cache")).then((r) => r.lines),
    );
    assert.match(
      lines[0],
      /^executor auto: wasm \(\d+ threads?, tfjs-backend-wasm 4\.22\.0\); skipped gpu: /,
    );
    assert.match(lines[0], /onednn: no usable oneDNN 2\.x library/);
    // The package, where this machine has apt-get: from the fix the worker's check worked out.
    assert.equal(lines.length, onPath("apt-get") ? 2 : 1);
    if (onPath("apt-get")) assert.ok(lines[1].endsWith(`: ${aptInstall("libdnnl2")}`), lines[1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("doctor --json through the CLI: one executor, one JSON object", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await runCli(["doctor", "--executor", "gpu", "--json", "--cache-dir", dir], {
      [DOCTOR_FILE_ENV]: join(dir, "d.json"),
      PATH: "/usr/bin:/bin",
    });
    const report = JSON.parse(r.stdout) as DoctorReport;
    assert.equal(report.executors.length, 1);
    assert.equal(report.executors[0].name, "gpu");
    assert.equal(r.code, report.executors[0].available ? 0 : 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("doctor: onednn missing under a worker's permissions still gets its install command", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await withEnv(
      { BORN_AGAIN_DNNL_LIB: join(dir, "libdnnl.so.2") },
      () => probeExecutor("onednn", { seconds: 0, cacheDir: join(dir, "cache") }),
    );
    assert.equal(r.available, false);
    assert.match(r.reason!, /^no usable oneDNN 2\.x library; tried /);
    assert.deepEqual(r.fix, [onPath("apt-get") ? aptInstall("libdnnl2") : ONEDNN_BUILD]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
