/**
 * Sum over any axes on oneDNN's reduction primitive.
 *
 * @module
 */
import { Sum } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { reduceKernel } from "../reduce_kernel.ts";

/** `Sum` for the onednn backend. */
export const sumConfig = reduceKernel(Sum, ALG.reductionSum, "axis");
