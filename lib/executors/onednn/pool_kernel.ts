/**
 * The shape of the pooling kernels: read tfjs's pooling attributes, map them to oneDNN, or fall
 * back to the cpu kernel for layouts and types oneDNN's path does not take.
 *
 * @module
 */
import { backend_util, type TensorInfo } from "@tensorflow/tfjs-core";
import { type PoolGeometry, poolGeometry } from "./primitives/pool.ts";
import type { KernelArgs } from "./kernel_util.ts";

/** tfjs pooling attributes. */
interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** oneDNN pooling geometry for input shape `x`, or undefined when unsupported. */
export function poolGeometryOf(args: KernelArgs, x: TensorInfo): PoolGeometry | undefined {
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as PoolAttrs;
  if (x.shape.length !== 4 || x.dtype !== "float32") return undefined;
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  return poolGeometry(info);
}
