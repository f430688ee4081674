/**
 * Conv2DBackpropInput as one forward convolution on the backend's fast Conv2D: dx is a stride-1
 * convolution of dy (dilated by the forward stride) with the filter flipped in space and its
 * in/out channels swapped. The stock wasm kernel is a plain loop, many times slower.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { kernelCall, type TensorInfo, type Tf } from "./kernel_call.ts";
import { dilateSpatial, padOrCrop } from "./spatial.ts";

/** The kernel config for `backendName`; `fallback` handles NCHW (or, absent, it throws). */
export function conv2DBackpropInputConfig(
  tf: Tf,
  backendName: string,
  fallback?: tfc.KernelConfig,
): tfc.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName,
    kernelFunc: (args) => {
      const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
      const a = args.attrs as unknown as tfc.Conv2DBackpropInputAttrs;
      const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
      if (format !== "channelsLast") {
        if (fallback) return fallback.kernelFunc(args);
        throw new Error(
          `Conv2DBackpropInput on ${backendName} supports NHWC only: got dataFormat ${a.dataFormat}`,
        );
      }
      const info = tf.backend_util.computeConv2DInfo(
        a.inputShape,
        filter.shape as [number, number, number, number],
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const run = kernelCall(tf, args.backend, backendName);
      const [, h, w] = a.inputShape;
      const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
      const p = info.padInfo;
      const dyd = dilateSpatial(run, dy, [sh, sw]);
      const [, hd, wd] = dyd.shape;
      const flipped = run("Reverse", { x: filter }, { dims: [0, 1] });
      const wt = run("Transpose", { x: flipped }, { perm: [0, 1, 3, 2] });
      run.dispose(flipped);
      const src = padOrCrop(run, dyd, [
        kh - 1 - p.top,
        h - hd + p.top,
        kw - 1 - p.left,
        w - wd + p.left,
      ]);
      const dx = run("Conv2D", { x: src.x, filter: wt }, {
        strides: [1, 1],
        pad: src.pad,
        dataFormat: "NHWC",
        dilations: [1, 1],
      });
      if (src.cropped) run.dispose(src.x);
      if (dyd !== dy) run.dispose(dyd);
      run.dispose(wt);
      return dx;
    },
  };
}
