/**
 * Sigmoid on oneDNN's eltwise primitive.
 *
 * @module
 */
import { Sigmoid } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { unaryKernel } from "../unary_kernel.ts";

/** `Sigmoid` for the onednn backend. */
export const sigmoidConfig = unaryKernel(Sigmoid, { alg: ALG.eltwiseLogistic });
