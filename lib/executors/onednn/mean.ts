/**
 * Mean over any axes on oneDNN's reduction primitive.
 *
 * @module
 */
import { Mean } from "@tensorflow/tfjs-core";
import { ALG } from "./constants.ts";
import { reduceKernel } from "./reduce_kernel.ts";

/** `Mean` for the onednn backend. */
export const meanConfig = reduceKernel(Mean, ALG.reductionMean, "axis");
