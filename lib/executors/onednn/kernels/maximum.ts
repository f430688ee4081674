/**
 * Maximum (with broadcasting) on oneDNN's binary primitive.
 *
 * @module
 */
import { Maximum } from "@tensorflow/tfjs-core";
import { binaryKernel } from "../binary_kernel.ts";
import { ALG } from "../constants.ts";

/** `Maximum` for the onednn backend. */
export const maximumConfig = binaryKernel(Maximum, ALG.binaryMax, "commutative");
