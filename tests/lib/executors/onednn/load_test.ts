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
} from "../../../../lib/executors/onednn/library.ts";
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
