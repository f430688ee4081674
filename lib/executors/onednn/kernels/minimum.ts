/**
 * Minimum (with broadcasting) on oneDNN's binary primitive.
 *
 * @module
 */
import { Minimum } from "@tensorflow/tfjs-core";
import { binaryKernel } from "../binary_kernel.ts";
import { ALG } from "../constants.ts";

/** `Minimum` for the onednn backend. */
export const minimumConfig = binaryKernel(Minimum, ALG.binaryMin, "commutative");
