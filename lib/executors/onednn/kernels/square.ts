/**
 * Square on oneDNN's eltwise primitive.
 *
 * @module
 */
import { Square } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { unaryKernel } from "../unary_kernel.ts";

/** `Square` for the onednn backend. */
export const squareConfig = unaryKernel(Square, { alg: ALG.eltwiseSquare });
