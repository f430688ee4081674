/**
 * Tanh on oneDNN's eltwise primitive.
 *
 * @module
 */
import { Tanh } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { unaryKernel } from "../unary_kernel.ts";

/** `Tanh` for the onednn backend. */
export const tanhConfig = unaryKernel(Tanh, { alg: ALG.eltwiseTanh });
