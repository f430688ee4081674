/**
 * Add (with broadcasting) on oneDNN's binary primitive.
 *
 * @module
 */
import { Add } from "@tensorflow/tfjs-core";
import { binaryKernel } from "../binary_kernel.ts";
import { ALG } from "../constants.ts";

/** `Add` for the onednn backend. */
export const addConfig = binaryKernel(Add, ALG.binaryAdd, "commutative");
