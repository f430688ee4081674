/**
 * The worker's command line: FFI permission only for the executors that load native code.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { ffiFlags, workerArgs } from "../../../lib/schedule/worker_command.ts";

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
  equal(argv[argv.indexOf("--executor") + 1], "onednn");
});
