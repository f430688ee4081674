/**
 * Loading the onednn executor: what it reports, and how it refuses when oneDNN is missing or
 * misconfigured (these checks run with or without the library installed).
 */
import { equal, match, ok, rejects, throws } from "node:assert/strict";
import { ExecutorUnavailable } from "../../../../lib/executors/executor.ts";
import { loadExecutor } from "../../../../lib/executors/mod.ts";
import {
  DNNL_LIB_ENV,
  DNNL_THREADS_ENV,
  openDnnl,
  versionProblem,
} from "../../../../lib/executors/onednn/library.ts";
import { ffiFlags } from "../../../../lib/schedule/worker_command.ts";
import { onednnTest } from "./harness.ts";

function withEnv<T>(name: string, value: string, f: () => T): T {
  const old = Deno.env.get(name);
  Deno.env.set(name, value);
  try {
    return f();
  } finally {
    if (old === undefined) Deno.env.delete(name);
    else Deno.env.set(name, old);
  }
}

Deno.test("openDnnl() without a library names the path tried and how to install oneDNN", () => {
  const missing = "/nonexistent/libdnnl.so.2";
  throws(
    () => withEnv(DNNL_LIB_ENV, missing, openDnnl),
    (e: unknown) => {
      ok(e instanceof ExecutorUnavailable);
      equal(e.executor, "onednn");
      match(e.message, /apt-get install libdnnl2/);
      ok(e.message.includes(missing), e.message);
      return true;
    },
  );
});

Deno.test("loadExecutor('onednn') without a library fails with ExecutorUnavailable", async () => {
  const old = Deno.env.get(DNNL_LIB_ENV);
  Deno.env.set(DNNL_LIB_ENV, "/nonexistent/libdnnl.so");
  try {
    await rejects(() => loadExecutor("onednn"), ExecutorUnavailable);
  } finally {
    if (old === undefined) Deno.env.delete(DNNL_LIB_ENV);
    else Deno.env.set(DNNL_LIB_ENV, old);
  }
});

onednnTest("load() reports the onednn backend, its threads and the oneDNN version", (ex) => {
  equal(ex.name, "onednn");
  equal(ex.backend, "onednn");
  ok(ex.threads >= 1);
  match(ex.versions.onednn, /^2\.\d+\.\d+$/);
  ok(ex.ctx.tfl.layers !== undefined);
});

onednnTest("a bad BORN_AGAIN_DNNL_THREADS is refused naming the variable and value", () => {
  throws(
    () => withEnv(DNNL_THREADS_ENV, "two", openDnnl),
    (e: unknown) =>
      e instanceof ExecutorUnavailable && /BORN_AGAIN_DNNL_THREADS.*"two"/.test(e.message),
  );
});

Deno.test("oneDNN 2.x is accepted; another major version is refused naming found and supported", () => {
  equal(versionProblem("/lib/libdnnl.so.2", { major: 2, minor: 6, patch: 3 }), undefined);
  equal(versionProblem("libdnnl.so.2", { major: 2, minor: 0, patch: 0 }), undefined);
  const v3 = versionProblem("/opt/lib/libdnnl.so.3", { major: 3, minor: 1, patch: 0 });
  ok(v3 !== undefined);
  match(v3, /\/opt\/lib\/libdnnl\.so\.3/);
  match(v3, /oneDNN 3\.1\.0/);
  match(v3, /only oneDNN 2\.x is supported/);
  match(v3, /install oneDNN 2\.x beside it: `apt-get install libdnnl2`.*BORN_AGAIN_DNNL_LIB/);
  const v1 = versionProblem("libmkldnn.so.1", { major: 1, minor: 8, patch: 1 });
  match(v1 ?? "", /oneDNN 1\.8\.1, but only oneDNN 2\.x/);
});

onednnTest("a worker on auto, with the worker's FFI permission, loads onednn", async () => {
  const mod = new URL("../../../../lib/executors/mod.ts", import.meta.url).href;
  const config = new URL("../../../../deno.json", import.meta.url).pathname;
  const dir = await Deno.makeTempDir();
  const script = `${dir}/load.ts`;
  await Deno.writeTextFile(
    script,
    `import { loadExecutor } from "${mod}";\n` +
      "const ex = await loadExecutor('auto', { log: () => {} });\n" +
      "console.log(ex.name);\nDeno.exit(0);\n",
  );
  try {
    const args = ["run", "--quiet", "--no-prompt", "--config", config, "--allow-read"];
    args.push("--allow-env", "--allow-sys", ...ffiFlags("auto"), script);
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), { args }).output();
    equal(code, 0, new TextDecoder().decode(stderr));
    equal(new TextDecoder().decode(stdout).trim(), "onednn");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
