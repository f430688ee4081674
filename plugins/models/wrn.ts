/**
 * Wide Residual Networks for CIFAR (Zagoruyko and Komodakis 2016): WRN-d-k has a 3×3 stem with
 * 16 filters, three stages of n = (d-4)/6 pre-activation basic blocks with 16k/32k/64k filters,
 * dropout between the two convolutions of each block (0.3 on CIFAR, as the paper uses), a final
 * BN-ReLU, global average pooling and a linear classifier. As in the reference code, a block that
 * changes width or resolution takes its shortcut through a 1×1 convolution of the pre-activated
 * input. WRN-28-1 has 0.37M parameters, WRN-28-10 36.5M.
 *
 * @module
 */
import { defineModel } from "../../lib/plugin/define.ts";
import type { TfContext } from "../../lib/plugin/runtime.ts";
import { inRange, positiveInt } from "./common/checks.ts";
import { graphBuilder, type Sym } from "./common/graph_builder.ts";
import { seededInits } from "./common/init.ts";
import { multiOutputInstance } from "./common/model_instance.ts";

/** Wide-ResNet options. */
export interface WrnOptions {
  [key: string]: number;
  /** Weighted layers, 6n+4: 16, 22, 28, 40. */
  depth: number;
  /** Widen factor k: stages have 16k, 32k and 64k filters. */
  widen: number;
  /** Dropout rate between the convolutions of a block (0 disables). */
  dropout: number;
}

const DEFAULTS: WrnOptions = { depth: 28, widen: 10, dropout: 0.3 };

function problems(p: WrnOptions): string[] {
  const out = [
    ...positiveInt("depth", p.depth),
    ...positiveInt("widen", p.widen),
    ...inRange("dropout", p.dropout, 0, 1),
  ];
  if (!out.length && !(p.depth > 4 && (p.depth - 4) % 6 === 0)) {
    out.push(`depth must be 6n+4: got ${p.depth}`);
  }
  return out;
}

const widths = (k: number) => [16 * k, 32 * k, 64 * k];

function count(p: WrnOptions, imageChannels: number, classes: number): number {
  const n = (p.depth - 4) / 6;
  let cin = 16, total = 9 * imageChannels * 16;
  for (const cout of widths(p.widen)) {
    for (let b = 0; b < n; b++) {
      total += 2 * cin + 9 * cin * cout + 2 * cout + 9 * cout * cout;
      if (cin !== cout) total += cin * cout;
      cin = cout;
    }
  }
  return total + 2 * cin + cin * classes + classes;
}

function buildNet(
  ctx: TfContext,
  p: WrnOptions,
  imageShape: number[],
  classes: number,
  seed: number,
) {
  const t = ctx.tfl;
  const g = graphBuilder(t, seededInits(t, seed));
  const input = t.input({ shape: imageShape, name: "image" });
  let x: Sym = g.conv(input, "conv0", 16, 3);
  const stages: Sym[] = [];
  const n = (p.depth - 4) / 6;
  for (const [s, cout] of widths(p.widen).entries()) {
    for (let b = 0; b < n; b++) {
      const name = `s${s + 1}b${b + 1}`;
      const stride = s > 0 && b === 0 ? 2 : 1;
      const cin = x.shape[3] as number;
      const pre = g.bnRelu(x, `${name}_pre`);
      let h = g.conv(pre, `${name}_conv1`, cout, 3, stride);
      h = g.bnRelu(h, `${name}_conv1`);
      if (p.dropout > 0) h = g.dropout(h, p.dropout, `${name}_dropout`);
      h = g.conv(h, `${name}_conv2`, cout, 3);
      const shortcut = cin === cout && stride === 1
        ? x
        : g.conv(pre, `${name}_shortcut`, cout, 1, stride);
      x = g.add(h, shortcut, `${name}_add`);
    }
    stages.push(x);
  }
  x = g.bnRelu(x, "final");
  const { features, logits } = g.head(x, classes);
  const net = t.model({ inputs: input, outputs: [logits, ...stages, features], name: "wrn" });
  return { net, stages };
}

/** A Wide-ResNet: `wrn({ depth: 28, widen: 10 })` is WRN-28-10. */
export const wrn = defineModel(import.meta.url, "wrn", {
  domain: "image",
  defaults: DEFAULTS,
  validate: problems,
  parameterCount: (p, data) => count(p, data.imageShape![2], data.numClasses),
  build(ctx, p, data, seed) {
    const { net, stages } = buildNet(ctx, p, data.imageShape!, data.numClasses, seed);
    return multiOutputInstance(net, [...stages.map((_, i) => `stage${i + 1}`), "features"]);
  },
});
