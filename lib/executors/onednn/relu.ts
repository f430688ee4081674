/**
 * Relu on oneDNN's eltwise primitive.
 *
 * @module
 */
import { Relu } from "@tensorflow/tfjs-core";
import { ALG } from "./constants.ts";
import { unaryKernel } from "./unary_kernel.ts";

/** `Relu` for the onednn backend. */
export const reluConfig = unaryKernel(Relu, { alg: ALG.eltwiseRelu });
