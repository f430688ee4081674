/**
 * Log on oneDNN's eltwise primitive.
 *
 * @module
 */
import { Log } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { unaryKernel } from "../unary_kernel.ts";

/** `Log` for the onednn backend. */
export const logConfig = unaryKernel(Log, { alg: ALG.eltwiseLog });
