/**
 * `export` end to end: a tiny option-A ResNet trained on synthetic images, exported as tfjs
 * (loaded by stock tfjs-layers in a process that imports nothing from the project), safetensors
 * and npz (loaded into PyTorch by docs/export_pytorch.py), and as an ensemble. Predictions must
 * equal the project's own within 1e-4 and the test error must be the same.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { cpuRunArgs, ROOT, runCli, summary, tempCache } from "../helpers/cli.ts";
import { load as loadCpu } from "../../lib/executors/cpu/mod.ts";
import { decodeSafetensors } from "../../lib/export/safetensors.ts";
import { readModelTensors } from "../../lib/export/tensors.ts";
import { encodeNpz } from "../../lib/export/npz.ts";
import type { DatasetDescriptor } from "../../lib/plugin/descriptor.ts";
import { resolvePlugin } from "../../lib/plugin/resolve.ts";
import type { ImageDataset } from "../../lib/plugin/runtime.ts";
import { LocalStore } from "../../lib/store/local_store.ts";
import { loadTrainedModel } from "../../lib/worker/load_model.ts";

const PIPELINE = "tests/fixtures/pipelines/export_resnet.ts";

/** A python3 that has torch and numpy (Debian's may sit behind another python3 on PATH). */
function torchPython(): string | undefined {
  for (const python of ["python3", "/usr/bin/python3"]) {
    try {
      const r = new Deno.Command(python, {
        args: ["-c", "import torch, numpy"],
        stdout: "null",
        stderr: "null",
      }).outputSync();
      if (r.success) return python;
    } catch {
      // not installed
    }
  }
  return undefined;
}
const PYTHON = torchPython();

async function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(cmd, { args, cwd: ROOT, stdin: "null" }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

/** The float32 values of a `.npy` file (format 1.0, little-endian). */
async function readNpy(path: string): Promise<Float32Array> {
  const b = await Deno.readFile(path);
  const headerLen = new DataView(b.buffer, b.byteOffset).getUint16(8, true);
  const header = new TextDecoder().decode(b.subarray(10, 10 + headerLen));
  ok(header.includes("'<f4'"), header);
  return new Float32Array(b.slice(10 + headerLen).buffer);
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

function errors(logits: Float32Array, labels: Int32Array, classes: number): number {
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = logits.subarray(i * classes, (i + 1) * classes);
    if (row.indexOf(Math.max(...row)) !== labels[i]) wrong++;
  }
  return wrong;
}

Deno.test("export: tfjs, safetensors, npz and an ensemble leave the tool intact", async (t) => {
  const cache = await tempCache();
  const out = await Deno.makeTempDir({ prefix: "born-again-export-" });
  const exportTo = (step: string, format: string, dir: string) =>
    runCli([
      "export",
      PIPELINE,
      step,
      "--cache-dir",
      cache,
      "--format",
      format,
      "--out",
      join(out, dir),
    ]);

  await t.step("an uncached step is an error saying how to train it", async () => {
    const r = await exportTo("teacher", "safetensors", "none");
    equal(r.code, 1, r.stderr);
    match(r.stderr, /not cached: teacher \([0-9a-f]{12}\); nothing to export/);
    match(r.stderr, new RegExp(`deno task run ${PIPELINE} --cache-dir`));
  });

  const trained = await runCli(cpuRunArgs(PIPELINE, cache, "--json"));
  equal(trained.code, 0, trained.stderr);
  const steps = summary(trained).steps;
  const teacher = steps.find((s) => s.name === "teacher")!;
  const store = new LocalStore(cache);
  const found = await store.lookup(teacher.key);
  ok(found.status === "ok");
  const testError = found.manifest.result.testError as number;

  // The test images and the project's own logits for them.
  const descriptor = found.manifest.record.plugins.dataset as DatasetDescriptor;
  const data = await (await resolvePlugin(descriptor)).load(descriptor.params, {
    dataDir: cache,
    verify: true,
  }) as ImageDataset;
  const xs: number[] = [], ys: number[] = [];
  for (const b of data.batches("test", { batchSize: 1000, train: false, seed: 0, epoch: 0 })) {
    xs.push(...b.x);
    ys.push(...b.y);
  }
  const images = Float32Array.from(xs), labels = Int32Array.from(ys);
  const shape = [labels.length, ...data.imageShape];
  const ex = await loadCpu();
  const model = await loadTrainedModel(ex.ctx, store, teacher.key, "teacher", {
    domain: "image",
    numClasses: data.numClasses,
    imageShape: data.imageShape,
  });
  const x = ex.ctx.tf.tensor(images, shape);
  const ours = Float32Array.from(
    await model.forward({ x }, { training: false }).logits.data() as Float32Array,
  );
  equal(errors(ours, labels, data.numClasses), Math.round(testError * labels.length / 100));
  const imagesNpz = join(out, "images.npz");
  await Deno.writeFile(
    imagesNpz,
    encodeNpz([
      { name: "x", shape, data: images },
      { name: "y", shape: [labels.length], data: Float32Array.from(labels) },
    ]),
  );

  await t.step("tfjs: stock tfjs-layers loads it and predicts what the project does", async () => {
    const r = await exportTo("teacher", "tfjs", "tfjs");
    equal(r.code, 0, r.stderr);
    const modelJson = await Deno.readTextFile(join(out, "tfjs", "model.json"));
    ok(!modelJson.includes("BornAgain"), "only stock layers");
    const imagesFile = join(out, "images.f32"), logitsFile = join(out, "tfjs-logits.f32");
    await Deno.writeFile(imagesFile, new Uint8Array(images.buffer));
    const p = await run(Deno.execPath(), [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "tests/lib/export/stock_tfjs_predict.ts",
      join(out, "tfjs"),
      imagesFile,
      shape.join(","),
      logitsFile,
    ]);
    equal(p.code, 0, p.out);
    const theirs = new Float32Array((await Deno.readFile(logitsFile)).buffer);
    ok(maxDiff(ours, theirs) < 1e-4, `max difference ${maxDiff(ours, theirs)}`);
    equal(errors(theirs, labels, data.numClasses), errors(ours, labels, data.numClasses));
  });

  await t.step("safetensors: every weight, named, with the cache's values", async () => {
    const r = await exportTo("teacher", "safetensors", "st");
    equal(r.code, 0, r.stderr);
    const { tensors } = await readModelTensors(join(found.dir, "model"));
    const st = decodeSafetensors(await Deno.readFile(join(out, "st", "model.safetensors")));
    deepEqual(st.tensors.map((t) => t.name), tensors.map((t) => t.name));
    st.tensors.forEach((t, i) => deepEqual(t.data, tensors[i].data, t.name));
    const pre = JSON.parse(await Deno.readTextFile(join(out, "st", "preprocessing.json")));
    deepEqual(pre.inputShape, data.imageShape);
    equal(pre.numClasses, data.numClasses);
    match(await Deno.readTextFile(join(out, "st", "README.md")), /test error \d+\.\d\d%/);
  });

  for (const format of ["safetensors", "npz"]) {
    await t.step({
      name: `PyTorch loads the ${format} export and reproduces the test error` +
        (PYTHON ? "" : " (skipped: no python3 with torch and numpy)"),
      ignore: !PYTHON,
      fn: async () => {
        const r = await exportTo("teacher", format, `py-${format}`);
        equal(r.code, 0, r.stderr);
        const logits = join(out, `torch-${format}.npy`);
        const p = await run(PYTHON!, [
          "docs/export_pytorch.py",
          join(out, `py-${format}`),
          "--images",
          imagesNpz,
          "--logits-out",
          logits,
        ]);
        equal(p.code, 0, p.out);
        const theirs = await readNpy(logits);
        ok(maxDiff(ours, theirs) < 1e-4, `max difference ${maxDiff(ours, theirs)}`);
        equal(JSON.parse(p.out.trim().split("\n").at(-1)!).testError, testError);
      },
    });
  }

  await t.step("an ensemble exports its members and how they are averaged", async () => {
    const r = await exportTo("bane", "npz", "bane");
    equal(r.code, 0, r.stderr);
    const ens = JSON.parse(await Deno.readTextFile(join(out, "bane", "ensemble.json")));
    deepEqual(ens.members.map((m: { step: string }) => m.step), ["teacher", "gen1"]);
    match(ens.combine, /mean of the members' softmax/);
    for (const m of ens.members) {
      ok((await Deno.stat(join(out, "bane", m.dir, "model.npz"))).isFile);
    }
    if (PYTHON) {
      const p = await run(PYTHON, [
        "docs/export_pytorch.py",
        join(out, "bane"),
        "--images",
        imagesNpz,
      ]);
      equal(p.code, 0, p.out);
      const bane = steps.find((s) => s.name === "bane")!;
      equal(JSON.parse(p.out.trim().split("\n").at(-1)!).testError, bane.metrics!.testError);
    }
  });

  model.net.dispose();
  x.dispose();
  await Deno.remove(cache, { recursive: true });
  await Deno.remove(out, { recursive: true });
});
