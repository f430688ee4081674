/**
 * Min over any axes on oneDNN's reduction primitive.
 *
 * @module
 */
import { Min } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { reduceKernel } from "../reduce_kernel.ts";

/** `Min` for the onednn backend. */
export const minConfig = reduceKernel(Min, ALG.reductionMin, "axis");
