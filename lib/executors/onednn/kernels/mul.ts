/**
 * Multiply (with broadcasting) on oneDNN's binary primitive.
 *
 * @module
 */
import { Multiply } from "@tensorflow/tfjs-core";
import { binaryKernel } from "../binary_kernel.ts";
import { ALG } from "../constants.ts";

/** `Multiply` for the onednn backend. */
export const mulConfig = binaryKernel(Multiply, ALG.binaryMul, "commutative");
