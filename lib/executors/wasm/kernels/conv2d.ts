/**
 * Conv2D and FusedConv2D on the wasm heap by the project's direct convolution (host/conv_loops.ts,
 * simd/conv.ts), split over the executor's threads by images; other shapes keep the stock
 * (XNNPACK) kernel. Applies to NHWC float32 with dilation 1 and output channels a multiple of 8;
 * FusedConv2D with a per-channel bias (or none) and a linear or ReLU activation. Measured on
 * ResNet-20's layers against XNNPACK on one thread: 1.2–1.8× faster (fused multiply-adds, 4–6
 * pixels × 8 channels of accumulators in registers, no padding copy); on two threads the
 * images are shared out by the loop pool, like the filter gradient's.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { CONV_BIAS, CONV_RELU } from "../../simd/conv.ts";
import { type ConvGeometry, convolveImages, type ConvOperands } from "../../host/conv_loops.ts";
import { convShapeOf } from "../../host/filter_grad_loops.ts";
import { hostArrays, wasmHeapMemory } from "../../host/host_arrays.ts";
import type { TensorInfo, Tf } from "../../host/kernel_call.ts";
import { loopPool } from "../../loop_pool/pool.ts";
import { type KernelFactory, requireStock } from "../../kernel_registry.ts";

/** Run a direct convolution over `n` images on the pool's threads, or inline without one. */
export function convolve(
  memory: WebAssembly.Memory,
  g: ConvGeometry,
  p: ConvOperands,
  n: number,
): void {
  const pool = loopPool();
  if (pool && pool.memory === memory) pool.conv(g, p, n);
  else convolveImages(memory, g, p, 0, n);
}

/** Whether the direct convolution takes tensors of these dtypes and channels. */
export function directConvApplies(
  memory: WebAssembly.Memory | undefined,
  outChannels: number,
  ...inputs: TensorInfo[]
): memory is WebAssembly.Memory {
  return memory !== undefined && outChannels % 8 === 0 &&
    inputs.every((t) => t.dtype === "float32");
}

/** The Conv2D (or, with `fused`, FusedConv2D) config for `backendName` over `stock`. */
export function conv2DConfig(
  tf: Tf,
  backendName: string,
  stock: tfc.KernelConfig,
  fused: boolean,
): tfc.KernelConfig {
  return {
    kernelName: fused ? tf.FusedConv2D : tf.Conv2D,
    backendName,
    kernelFunc: (args) => {
      const { x, filter, bias, preluActivationWeights } = args.inputs as Record<
        string,
        TensorInfo | undefined
      >;
      const a = args.attrs as unknown as tfc.FusedConv2DAttrs;
      const activation = fused ? a.activation : "linear";
      const memory = wasmHeapMemory(args.backend);
      const co = filter!.shape[3];
      if (
        !directConvApplies(memory, co, x!, filter!) ||
        tf.backend_util.convertConv2DDataFormat(a.dataFormat) !== "channelsLast" ||
        (activation !== "linear" && activation !== "relu") || preluActivationWeights ||
        (bias && (bias.dtype !== "float32" || tf.util.sizeFromShape(bias.shape) !== co))
      ) {
        return stock.kernelFunc(args);
      }
      const info = tf.backend_util.computeConv2DInfo(
        x!.shape as [number, number, number, number],
        filter!.shape as [number, number, number, number],
        a.strides,
        a.dilations,
        a.pad,
        a.dimRoundingMode,
      );
      if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return stock.kernelFunc(args);
      const host = hostArrays(args.backend);
      const [n, , , ci] = x!.shape;
      const { outHeight: ho, outWidth: wo } = info;
      if (ci === 0) return stock.kernelFunc(args);
      const [out] = host.alloc([n, ho, wo, co]);
      if (out.shape.some((d) => d === 0)) return out;
      const offset = (t: TensorInfo) => host.view(t).byteOffset;
      convolve(memory!, {
        ...convShapeOf(info),
        outPix: co,
        outRow: wo * co,
        outImage: ho * wo * co,
        flags: (bias ? CONV_BIAS : 0) | (activation === "relu" ? CONV_RELU : 0),
      }, {
        x: offset(x!),
        filter: offset(filter!),
        out: offset(out),
        bias: bias ? offset(bias) : 0,
      }, n);
      return out;
    },
  };
}

/** `Conv2D` for the wasm executor (registered in `../register_all_kernels.ts`). */
export const conv2DKernel: KernelFactory = {
  kernelName: "Conv2D",
  make: (tf, backendName, stock) =>
    conv2DConfig(tf, backendName, requireStock("Conv2D", backendName, stock), false),
};
