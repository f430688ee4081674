/**
 * Abs on oneDNN's eltwise primitive.
 *
 * @module
 */
import { Abs } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { unaryKernel } from "../unary_kernel.ts";

/** `Abs` for the onednn backend. */
export const absConfig = unaryKernel(Abs, { alg: ALG.eltwiseAbs });
