/**
 * RealDiv (with broadcasting) on oneDNN's binary primitive.
 *
 * @module
 */
import { RealDiv } from "@tensorflow/tfjs-core";
import { binaryKernel } from "../binary_kernel.ts";
import { ALG } from "../constants.ts";

/** `RealDiv` for the onednn backend. */
export const realDivConfig = binaryKernel(RealDiv, ALG.binaryDiv, "none");
