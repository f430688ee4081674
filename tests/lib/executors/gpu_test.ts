/**
 * The gpu executor's checks, each branch on a fake `nvidia-smi` on PATH, fake CUDA and cuDNN
 * library folders and a fake tfjs-node-gpu install: no GPU, a GPU without the package, CUDA or
 * cuDNN of the wrong version, an old driver, everything present; and the probe under the
 * permissions a worker gets.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ExecutorUnavailable } from "../../../lib/executors/executor.ts";
import { preflight } from "../../../lib/executors/gpu/mod.ts";
import { CUDA_LIB_PATH_ENV, findLibraries } from "../../../lib/executors/gpu/probe.ts";
import { workerDenoFlags } from "../../../lib/schedule/probe_flags.ts";
import { PROJECT_ROOT } from "../../../lib/util/project_root.ts";
import { withEnv } from "../../helpers/env.ts";

/** A fake machine: bin/nvidia-smi, lib/ with CUDA files, a Deno cache with tfjs-node-gpu. */
interface FakeMachine {
  /** Stdout and exit code of the fake nvidia-smi; undefined: none on PATH. */
  smi?: { stdout: string; code?: number; stderr?: string };
  /** Library files to create in lib/, real file name -> soname links to it. */
  libs?: Record<string, string[]>;
  /** Install a fake tfjs-node-gpu 4.22.0 (its binding file) in the fake Deno cache. */
  tfjsNodeGpu?: boolean;
}

async function fakeMachine(m: FakeMachine): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await Deno.makeTempDir({ prefix: "gpu-test-" });
  const bin = join(dir, "bin");
  const lib = join(dir, "lib");
  const denoDir = join(dir, "deno");
  await Deno.mkdir(bin);
  await Deno.mkdir(lib);
  if (m.smi) {
    // The outputs live in files so no quoting can break the script.
    await Deno.writeTextFile(join(bin, "smi.out"), m.smi.stdout);
    await Deno.writeTextFile(join(bin, "smi.err"), m.smi.stderr ?? "");
    const script = `#!/bin/sh\ncat "${bin}/smi.out"\ncat "${bin}/smi.err" >&2\nexit ${
      m.smi.code ?? 0
    }\n`;
    await Deno.writeTextFile(join(bin, "nvidia-smi"), script, { mode: 0o755 });
  }
  for (const [file, links] of Object.entries(m.libs ?? {})) {
    await Deno.writeTextFile(join(lib, file), "not a real library");
    for (const link of links) await Deno.symlink(file, join(lib, link));
  }
  if (m.tfjsNodeGpu) {
    const pkg = join(denoDir, "npm/registry.npmjs.org/@tensorflow/tfjs-node-gpu/4.22.0");
    await Deno.mkdir(join(pkg, "lib/napi-v8"), { recursive: true });
    await Deno.writeTextFile(join(pkg, "lib/napi-v8/tfjs_binding.node"), "");
  }
  return {
    dir,
    // /usr/bin and /bin keep `sh` reachable for the fake script; no real nvidia-smi lives there
    // on the machines the tests are skipped on otherwise (see `realSmi`).
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      [CUDA_LIB_PATH_ENV]: lib,
      DENO_DIR: denoDir,
    },
  };
}

/** The preflight's refusal message on a fake machine (fails the test when it passes). */
async function refusal(m: FakeMachine): Promise<string> {
  const { dir, env } = await fakeMachine(m);
  try {
    const err = await withEnv(env, () => preflight().then(() => undefined, (e) => e));
    assert(err instanceof ExecutorUnavailable, `expected a refusal, got ${err}`);
    return err.message;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Tests that need the fake nvidia-smi to be the first on PATH skip where /usr/bin has one. */
const realSmi = (() => {
  try {
    Deno.statSync("/usr/bin/nvidia-smi");
    return true;
  } catch {
    return false;
  }
})();

const H200 = { stdout: "NVIDIA H200, 550.54.15\n" };
const CUDA_11_2 = {
  "libcudart.so.11.2.152": ["libcudart.so.11.0"],
  "libcublas.so.11.4.1.1043": ["libcublas.so.11"],
  "libcudnn.so.8.1.1": ["libcudnn.so.8"],
};

Deno.test({
  name: "gpu: no nvidia-smi on PATH is 'no NVIDIA GPU is visible', with what the executor needs",
  ignore: realSmi,
  fn: async () => {
    const message = await refusal({ tfjsNodeGpu: true, libs: CUDA_11_2 });
    assert.match(
      message,
      /^Executor "gpu" is unavailable: no NVIDIA GPU is visible: nvidia-smi is not on PATH/,
    );
    assert.match(message, /driver >= 450\.80\.02, CUDA 11\.2 and cuDNN 8\.1/);
  },
});

Deno.test("gpu: nvidia-smi failing to reach the driver is no GPU, with what it said", async () => {
  const message = await refusal({
    smi: {
      stdout: "",
      stderr: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
      code: 9,
    },
  });
  assert.match(
    message,
    /no NVIDIA GPU is visible: nvidia-smi exited with code 9: NVIDIA-SMI has failed because/,
  );
});

Deno.test("gpu: a GPU without tfjs-node-gpu names the GPU and the install command", async () => {
  const message = await refusal({ smi: H200, libs: CUDA_11_2 });
  assert.match(message, /NVIDIA H200 \(driver 550\.54\.15\) is visible, but/);
  assert.match(message, /@tensorflow\/tfjs-node-gpu@4\.22\.0 is not installed/);
  assert.match(
    message,
    /deno install --allow-scripts=npm:@tensorflow\/tfjs-node-gpu npm:@tensorflow\/tfjs-node-gpu@4\.22\.0/,
  );
  assert.doesNotMatch(message, /CUDA runtime|cuDNN \d/, "CUDA 11.2 and cuDNN 8.1 are present");
});

Deno.test("gpu: CUDA 12 and cuDNN 9 are refused, naming the versions and files found", async () => {
  const message = await refusal({
    smi: H200,
    tfjsNodeGpu: true,
    libs: {
      "libcudart.so.12.2.140": ["libcudart.so.12"],
      "libcublas.so.12.2.5.6": ["libcublas.so.12"],
      "libcudnn.so.9.1.0": ["libcudnn.so.9"],
    },
  });
  assert.match(
    message,
    /needs CUDA 11\.2 or a later 11\.x \(libcudart\.so\.11\.0\): found CUDA runtime 12\.2\.140/,
  );
  assert.match(message, /libcudart\.so\.12\b/);
  assert.match(
    message,
    /needs cuDNN 8\.1 or a later 8\.x \(libcudnn\.so\.8\): found cuDNN 9\.1\.0/,
  );
  assert.match(message, /conda install -c conda-forge cudatoolkit=11\.2 cudnn=8\.1/);
  assert.doesNotMatch(message, /not installed/, "tfjs-node-gpu is installed");
});

Deno.test("gpu: CUDA 11.0 is older than the 11.2 libtensorflow 2.9.1 needs; no cuDNN is named", async () => {
  const message = await refusal({
    smi: H200,
    tfjsNodeGpu: true,
    libs: { "libcudart.so.11.0.221": ["libcudart.so.11.0"], "libcublas.so.11.2.0.252": [] },
  });
  assert.match(message, /found CUDA runtime 11\.0\.221/);
  assert.match(
    message,
    /needs cuDNN 8\.1 or a later 8\.x \(libcudnn\.so\.8\): found no libcudnn\.so\.\* in /,
  );
});

Deno.test("gpu: a driver older than CUDA 11.2 allows is named", async () => {
  const message = await refusal({
    smi: { stdout: "Tesla K80, 418.87.01\n" },
    tfjsNodeGpu: true,
    libs: CUDA_11_2,
  });
  assert.match(
    message,
    /Tesla K80 \(driver 418\.87\.01\) is visible, but driver 418\.87\.01 is older than 450\.80\.02/,
  );
  assert.match(message, /update the NVIDIA driver/);
});

Deno.test("gpu: with a GPU, the package, CUDA 11.2 and cuDNN 8.1 the checks pass", async () => {
  const { dir, env } = await fakeMachine({
    smi: { stdout: "NVIDIA A100-SXM4-80GB, 535.104.05\nNVIDIA A100-SXM4-80GB, 535.104.05\n" },
    tfjsNodeGpu: true,
    libs: CUDA_11_2,
  });
  try {
    const found = await withEnv(env, () => preflight());
    assert.deepEqual(found.gpus.map((g) => g.name), [
      "NVIDIA A100-SXM4-80GB",
      "NVIDIA A100-SXM4-80GB",
    ]);
    assert.equal(found.gpus[0].driver, "535.104.05");
    assert.deepEqual(findLibraries("cudnn", [join(dir, "lib")]).map((l) => l.version), ["8.1.1"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Run loadExecutor("gpu") in a process with `flags`; its stdout (the error text). */
async function gpuUnder(flags: string[], env: Record<string, string>): Promise<string> {
  const script = `import { loadExecutor } from ${
    JSON.stringify(join(PROJECT_ROOT, "lib/executors/mod.ts"))
  };
try { await loadExecutor("gpu"); console.log("loaded"); } catch (e) { console.log(String(e)); }`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...flags, "-"],
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = out.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const { stdout, stderr } = await out.output();
  return new TextDecoder().decode(stdout).trim() + new TextDecoder().decode(stderr).trim();
}

Deno.test("gpu: the probe runs under a worker's permissions and finds the GPU", async () => {
  const { dir, env } = await fakeMachine({ smi: H200 });
  try {
    // The flags as a worker under this environment would get them (its Deno cache included).
    const flags = await withEnv(
      env,
      () => Promise.resolve(workerDenoFlags("gpu", join(dir, "cache"))),
    );
    const text = await gpuUnder(flags, { ...env, HOME: dir });
    assert.doesNotMatch(text, /NotCapable|Requires .* access/);
    assert.match(
      text,
      /NVIDIA H200 \(driver 550\.54\.15\) is visible, but .*tfjs-node-gpu@4\.22\.0 is not installed/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gpu: without permission to run nvidia-smi the refusal names the flag", async () => {
  const { dir, env } = await fakeMachine({ smi: H200 });
  try {
    const flags = [
      "run",
      "--quiet",
      "--no-prompt",
      "--allow-read",
      "--allow-env",
      "--allow-run=sh",
    ];
    const text = await gpuUnder(flags, { ...env, HOME: dir });
    assert.match(text, /no NVIDIA GPU is visible: looking for GPUs needs `--allow-run=nvidia-smi`/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gpu: folders the process may not read count as empty, not as a crash", async () => {
  const { dir, env } = await fakeMachine({ smi: H200 });
  try {
    // Reads limited to the project: no Deno cache, node_modules or library folders.
    const flags = [
      "run",
      "--quiet",
      "--no-prompt",
      `--allow-read=${PROJECT_ROOT}`,
      "--allow-env",
      "--allow-run=nvidia-smi",
    ];
    const text = await gpuUnder(flags, { ...env, HOME: dir });
    assert.doesNotMatch(text, /NotCapable|Requires .* access/);
    assert.match(text, /tfjs-node-gpu@4\.22\.0 is not installed/);
    assert.match(text, /found no libcudart\.so\.\* in /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
