/**
 * Neg on oneDNN's eltwise primitive (linear with slope -1).
 *
 * @module
 */
import { Neg } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { unaryKernel } from "../unary_kernel.ts";

/** `Neg` for the onednn backend. */
export const negConfig = unaryKernel(Neg, { alg: ALG.eltwiseLinear, alpha: -1, beta: 0 });
