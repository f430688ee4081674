/**
 * A step's expected errors (reported in one line) are told from bugs (reported with their stack)
 * by class, not by the name an error carries.
 */
import { ok } from "node:assert/strict";
import { isExpectedError } from "../../../lib/worker/expected_error.ts";
import { DatasetError } from "../../../datasets/dataset_error.ts";
import { ExecutorUnavailable } from "../../../lib/executors/executor.ts";
import { PluginParamError } from "../../../lib/plugin/define.ts";
import { TransferError } from "../../../lib/train/transfer.ts";

Deno.test("dataset, transfer, plugin-param and executor errors are expected", () => {
  ok(isExpectedError(new DatasetError("bad file", { reason: "bad-format", file: "x.bin" })));
  ok(isExpectedError(new TransferError("no layer fc")));
  ok(isExpectedError(new PluginParamError("depth must be 6n+2")));
  ok(isExpectedError(new ExecutorUnavailable("gpu", "no GPU")));
});

Deno.test("an error that only carries an expected name is a bug", () => {
  for (const name of ["DatasetError", "TransferError", "PluginParamError", "ExecutorUnavailable"]) {
    ok(!isExpectedError(Object.assign(new Error("oops"), { name })), name);
  }
  ok(!isExpectedError(new TypeError("x is undefined")));
  ok(!isExpectedError("a string"));
});
