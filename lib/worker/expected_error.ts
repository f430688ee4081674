/**
 * Errors a step may end with on purpose (bad data, an impossible transfer, invalid plugin params,
 * an executor that cannot load here): reported as one line, while anything else is a bug and keeps
 * its stack. Told apart by class, so an error that merely carries one of these names is a bug.
 *
 * @module
 */
import { DatasetError } from "../../datasets/dataset_error.ts";
import { ExecutorUnavailable } from "../executors/executor.ts";
import { PluginParamError } from "../plugin/define.ts";
import { TransferError } from "../train/transfer.ts";

const EXPECTED = [DatasetError, TransferError, PluginParamError, ExecutorUnavailable];

/** True when `e` is one of the errors a step ends with on purpose. */
export function isExpectedError(e: unknown): boolean {
  return EXPECTED.some((c) => e instanceof c);
}
