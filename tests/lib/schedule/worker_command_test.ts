/**
 * The worker's command line: FFI permission only for the executors that load native code; read,
 * write, programs and network scoped to the step.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { dirname, join } from "node:path";
import { ffiFlags, gpuProbePrograms, workerArgs } from "../../../lib/schedule/worker_command.ts";
import { CacheLayout } from "../../../lib/store/layout.ts";
import { wasmScratchDir } from "../../../lib/executors/wasm/scratch.ts";
import { PROJECT_ROOT as ROOT } from "../../../lib/util/project_root.ts";
import { toFileUrl } from "../../../lib/util/path.ts";

const ffiOf = (argv: string[]) => argv.filter((a) => a.startsWith("--allow-ffi"));

Deno.test("workers on cpu, wasm and webgpu get no FFI permission", () => {
  for (const executor of ["cpu", "wasm", "webgpu"]) {
    deepEqual(ffiOf(workerArgs("/cache", "k", executor)), [], executor);
    deepEqual(ffiFlags(executor), [], executor);
  }
});

Deno.test("workers on onednn, auto, native and gpu get FFI permission", () => {
  for (const executor of ["onednn", "auto", "native", "gpu"]) {
    deepEqual(ffiOf(workerArgs("/cache", "k", executor)), ["--allow-ffi"], executor);
  }
});

Deno.test("the FFI flag comes before the script, so deno applies it", () => {
  const argv = workerArgs("/cache", "k", "onednn", 42);
  const script = argv.findIndex((a) => a.endsWith("lib/worker/main.ts"));
  ok(script > 0);
  ok(argv.indexOf("--allow-ffi") < script);
});

Deno.test("the worker's argv names no executor: the worker reads it from its spec", () => {
  const argv = workerArgs("/cache", "k", "onednn", 42);
  equal(argv.indexOf("--executor"), -1);
  deepEqual(argv.slice(argv.findIndex((a) => a.endsWith("lib/worker/main.ts")) + 1), [
    "--cache-dir",
    "/cache",
    "--key",
    "k",
    "--parent-pid",
    "42",
  ]);
});

Deno.test("an unknown executor gets no FFI and runs no probe program", () => {
  deepEqual(ffiFlags("tpu"), []);
  deepEqual(gpuProbePrograms("tpu"), []);
  deepEqual(gpuProbePrograms("gpu"), ["nvidia-smi"]);
  deepEqual(gpuProbePrograms("auto"), ["nvidia-smi"]);
  deepEqual(gpuProbePrograms("onednn"), []);
});

/** A cache holding the spec of step `k` on `dataset`, with an empty data dir. */
async function specCache(dataset: Record<string, unknown>) {
  const cache = await Deno.makeTempDir({ prefix: "born-again-scope-" });
  const dataDir = await Deno.makeTempDir({ prefix: "born-again-data-" });
  const spec = new CacheLayout(cache).workFiles("k").spec;
  await Deno.mkdir(dirname(spec), { recursive: true });
  await Deno.writeTextFile(
    spec,
    JSON.stringify({
      file: "tests/fixtures/pipelines/chain.ts",
      env: { executor: "cpu", dataDir, verify: true, force: false },
      step: { dataset },
    }),
  );
  return {
    cache,
    dataDir,
    done: () => Promise.all([cache, dataDir].map((d) => Deno.remove(d, { recursive: true }))),
  };
}

const flag = (argv: string[], name: string) =>
  argv.filter((a) => a === name || a.startsWith(`${name}=`));
const listed = (argv: string[], name: string) =>
  flag(argv, name)[0]?.split("=")[1]?.split(",") ?? [];

Deno.test("a worker may read its project, pipeline folder, data and cache, write only the cache, run no shell, no network", async () => {
  const synthetic = {
    kind: "dataset",
    name: "syntheticImages",
    module: "datasets/synthetic_images.ts",
    export: "syntheticImages",
    params: {},
  };
  const { cache, dataDir, done } = await specCache(synthetic);
  try {
    const argv = workerArgs(cache, "k", "cpu");
    for (const name of ["--allow-read", "--allow-write", "--allow-run"]) {
      equal(flag(argv, name).length, 1, name);
      ok(!argv.includes(name), `${name} is scoped`);
    }
    deepEqual(flag(argv, "--allow-net"), []);
    const read = listed(argv, "--allow-read");
    for (
      const dir of [
        ROOT,
        await Deno.realPath(cache),
        await Deno.realPath(dataDir),
        join(ROOT, "tests/fixtures/pipelines"),
      ]
    ) {
      ok(read.includes(dir), `reads ${dir}: ${read}`);
    }
    // The cache, and the wasm executor's scratch folder for its pthread script.
    deepEqual(listed(argv, "--allow-write"), [await Deno.realPath(cache), wasmScratchDir()]);
    ok(read.includes(wasmScratchDir()));
    ok(!listed(argv, "--allow-run").some((p) => ["sh", "bash", "cat"].includes(p)));
  } finally {
    await done();
  }
});

Deno.test("a worker whose CIFAR files are missing may download them: network and the data dir", async () => {
  const cifar = {
    kind: "dataset",
    name: "cifar10",
    module: "datasets/cifar.ts",
    export: "cifar10",
    params: { verify: true },
  };
  const { cache, dataDir, done } = await specCache(cifar);
  try {
    const argv = workerArgs(cache, "k", "cpu");
    deepEqual(flag(argv, "--allow-net"), ["--allow-net"]);
    ok(listed(argv, "--allow-write").includes(await Deno.realPath(dataDir)));
  } finally {
    await done();
  }
});

Deno.test("a worker with its permissions tells a live process (its interpreter) from a dead one", async () => {
  // Workers check every second that their interpreter lives; they may not signal other
  // processes (Deno asks for all of --allow-run), so `ps` must answer, or they stop at once.
  const { cache, done } = await specCache({
    kind: "dataset",
    name: "syntheticImages",
    module: "datasets/synthetic_images.ts",
    export: "syntheticImages",
    params: {},
  });
  try {
    const script = join(cache, "alive.ts");
    await Deno.writeTextFile(
      script,
      `import { processAlive } from "${toFileUrl(join(ROOT, "lib/util/process.ts")).href}";\n` +
        `console.log(JSON.stringify([processAlive(${Deno.pid}), processAlive(2 ** 22 + 7)]));\n`,
    );
    const flags = workerArgs(cache, "k", "cpu").filter((a) => a.startsWith("--allow-"));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--no-prompt", ...flags, script],
      stderr: "inherit",
    }).output();
    deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), [true, false]);
  } finally {
    await done();
  }
});
