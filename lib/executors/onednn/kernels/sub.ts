/**
 * Sub (with broadcasting) on oneDNN's binary primitive.
 *
 * @module
 */
import { Sub } from "@tensorflow/tfjs-core";
import { binaryKernel } from "../binary_kernel.ts";
import { ALG } from "../constants.ts";

/** `Sub` for the onednn backend. */
export const subConfig = binaryKernel(Sub, ALG.binarySub, "negate");
