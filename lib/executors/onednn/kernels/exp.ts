/**
 * Exp on oneDNN's eltwise primitive.
 *
 * @module
 */
import { Exp } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { unaryKernel } from "../unary_kernel.ts";

/** `Exp` for the onednn backend. */
export const expConfig = unaryKernel(Exp, { alg: ALG.eltwiseExp });
