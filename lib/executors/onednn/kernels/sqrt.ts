/**
 * Sqrt on oneDNN's eltwise primitive.
 *
 * @module
 */
import { Sqrt } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { unaryKernel } from "../unary_kernel.ts";

/** `Sqrt` for the onednn backend. */
export const sqrtConfig = unaryKernel(Sqrt, { alg: ALG.eltwiseSqrt });
