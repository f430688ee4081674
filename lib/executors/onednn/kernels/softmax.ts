/**
 * Softmax over the last axis on oneDNN's softmax primitive.
 *
 * @module
 */
import { type KernelConfig, Softmax, type SoftmaxAttrs } from "@tensorflow/tfjs-core";
import { ALG, ARG, PROP, TAG } from "../constants.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, tooSmall } from "../kernel_util.ts";

/** `Softmax` for the onednn backend. */
export const softmaxConfig: KernelConfig = {
  kernelName: Softmax,
  backendName: "onednn",
  kernelFunc(args) {
    const { logits } = inputsOf(args);
    const { dim } = args.attrs as unknown as SoftmaxAttrs;
    const rank = logits.shape.length;
    const last = dim === -1 || dim === rank - 1;
    if (logits.dtype !== "float32" || !last || tooSmall(args, sizeOf(logits.shape))) {
      return cpuKernel(Softmax, args);
    }
    const b = onednn(args);
    const cols = logits.shape[rank - 1];
    const rows = sizeOf(logits.shape) / cols;
    const prim = b.plan(`softmax|${rows}|${cols}`, () => {
      const d = b.dnnl;
      const md = d.md([rows, cols], TAG.ab);
      const op = d.opDesc();
      d.check(
        d.lib.dnnl_softmax_v2_forward_desc_init(
          op,
          PROP.forwardTraining,
          ALG.softmaxAccurate,
          md.ptr,
          md.ptr,
          1,
        ),
        "softmax_v2_forward_desc_init",
      );
      return d.primitive(d.primitiveDesc(op, `softmax ${rows}x${cols}`), [[ARG.src, md], [
        ARG.dst,
        md,
      ]]);
    }, b.elementwiseThreads(rows * cols));
    const out = b.alloc(logits.shape);
    prim.run([b.f32(logits), out]);
    return b.output(logits.shape.slice(), out);
  },
};
