/**
 * Max over any axes on oneDNN's reduction primitive.
 *
 * @module
 */
import { Max } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { reduceKernel } from "../reduce_kernel.ts";

/** `Max` for the onednn backend. */
export const maxConfig = reduceKernel(Max, ALG.reductionMax, "reductionIndices");
