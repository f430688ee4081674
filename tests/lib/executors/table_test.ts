/**
 * The executor table is the one list of executors: `auto`'s order, `--executor`'s names and
 * help, and the permissions a worker on each gets all come from it.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import {
  AUTO_ORDER,
  EXECUTOR_NAMES,
  executorNeeds,
  EXECUTORS,
  isExecutorName,
} from "../../../lib/executors/table.ts";
import { OPTIONS } from "../../../lib/cli/option_table.ts";
import { parseOptions } from "../../../lib/cli/options.ts";
import { ffiFlags } from "../../../lib/schedule/worker_command.ts";

Deno.test("--executor takes auto and every executor of the table, in auto's order", () => {
  deepEqual(AUTO_ORDER, EXECUTORS.map((e) => e.name));
  deepEqual(EXECUTOR_NAMES, ["auto", ...AUTO_ORDER]);
  ok(isExecutorName("auto") && isExecutorName("onednn"));
  ok(!isExecutorName("tpu"));
  equal(OPTIONS.executor.help, `${EXECUTOR_NAMES.join("|")} (default auto)`);
  for (const name of EXECUTOR_NAMES) {
    equal(parseOptions(["p.ts", "--executor", name], "run").executor, name);
  }
});

Deno.test("a worker gets FFI exactly when its executor, or one auto may pick, loads native code", () => {
  for (const e of EXECUTORS) deepEqual(ffiFlags(e.name), e.native ? ["--allow-ffi"] : [], e.name);
  equal(executorNeeds("auto").native, EXECUTORS.some((e) => e.native));
  deepEqual(
    executorNeeds("auto").probePrograms,
    [...new Set(EXECUTORS.flatMap((e) => e.probePrograms))],
  );
  deepEqual(executorNeeds("cpu"), { native: false, probePrograms: [] });
});
