import { deepEqual, match } from "node:assert/strict";
import { endWithoutResult } from "../../../lib/schedule/local_launcher.ts";

const ended = (signal: Deno.Signal | null, code = signal ? 128 : 0) => ({
  success: false,
  code,
  signal,
});

Deno.test("a worker ending without a result: SIGKILL is a failure naming memory, a requested stop an interruption", () => {
  const killed = endWithoutResult(ended("SIGKILL"));
  deepEqual(killed.reason, "killed");
  match(killed.message, /killed by signal SIGKILL, likely out of memory/);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    deepEqual(endWithoutResult(ended(sig)).reason, "interrupted", sig);
  }
  deepEqual(endWithoutResult(ended(null, 130)).reason, "interrupted");
  deepEqual(endWithoutResult(ended("SIGSEGV")).reason, "killed");
  deepEqual(endWithoutResult(ended(null, 1)), {
    ok: false,
    reason: "step-failed",
    message: "worker exited with code 1 without a result",
  });
});
