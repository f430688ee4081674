/**
 * Residual students shaped like a DenseNet teacher, the BAN-ResNets of the paper's DenseNet →
 * ResNet experiment (Furlanello et al. 2018, §4.1 "BAN-Resnet with DenseNet teacher" and the
 * DenseNet-to-ResNet table). The student keeps the teacher's first convolution `conv0` and final
 * classifier `fc` (copied and frozen by the pipeline) and replaces each dense block by a stage of
 * `blocks` pre-activation residual blocks, "the number of channels in each block [matched] with a
 * proportion of the corresponding dense block output after the 1 × 1 convolution, before the
 * spatial down-sampling": stage i has `width` × `channels[i]` filters, `channels` being the dense
 * blocks' outputs times the compression (480, 660, 750 for DenseNet-BC-90-60). A BN-ReLU-1×1
 * convolution `head_conv` then widens the last stage to the teacher's classifier input
 * (`finalChannels`, 1500), followed by a final BN-ReLU, global average pooling and `fc`.
 *
 * Blocks (He et al. 2016, "Identity Mappings in Deep Residual Networks", pre-activation):
 * - `"wide"`: BN-ReLU-3×3 conv-BN-ReLU-3×3 conv, as a Wide-ResNet's (Zagoruyko and Komodakis
 *   2016) without dropout; the paper's Wide-ResNet students have 1, 2 or 4 blocks per stage.
 * - `"bottleneck"`: BN-ReLU-1×1 conv-BN-ReLU-3×3 conv-BN-ReLU-1×1 conv with ⌊c/4⌋ inner filters
 *   (He et al.'s expansion 4); the paper's Pre-ResNet students have 14 per stage.
 * A block that changes width or resolution takes its shortcut through a 1×1 convolution of the
 * pre-activated input; each later stage halves the resolution in its first block's 3×3 conv.
 *
 * With the defaults (the DenseNet-90-60 teacher's shapes, one wide block per stage, width 1) on
 * CIFAR-100 the student has 21.04M parameters, 20.89M of them trainable once `conv0` and `fc` are
 * frozen: the paper lists 20.9M for BAN-Wide-ResNet-1-1 (43.1M and 87.3M for 2 and 4 blocks, where
 * this family has 43.16M/43.01M and 87.40M/87.25M).
 *
 * @module
 */
import { defineModel } from "../../lib/plugin/define.ts";
import type { TfContext } from "../../lib/plugin/runtime.ts";
import { oneOf, positiveInt, positiveIntList } from "./common/checks.ts";
import { graphBuilder, type Sym } from "./common/graph_builder.ts";
import { seededInits } from "./common/init.ts";
import { multiOutputInstance } from "./common/model_instance.ts";

/** Options of a DenseNet-shaped ResNet student; defaults match DenseNet-BC-90-60. */
export interface DensenetResnetOptions {
  [key: string]: number | string | number[];
  /** `"wide"` (two 3×3 convs) or `"bottleneck"` (1×1, 3×3, 1×1 with ⌊c/4⌋ inner filters). */
  block: string;
  /** Residual blocks per stage (the paper's "units per block": 1, 2, 4 wide; 14 bottleneck). */
  blocks: number;
  /** Ratio of each stage's filters to `channels` (the paper uses 1 and 0.5). */
  width: number;
  /** Filters of `conv0`: the teacher's stem (2 × growth rate for a DenseNet-BC). */
  stemChannels: number;
  /** Per stage, the teacher's dense block output after its 1×1 compression (× compression). */
  channels: number[];
  /** Inputs of `fc`: the teacher's final feature width; 0 keeps the last stage's (no head_conv). */
  finalChannels: number;
}

const DEFAULTS: DensenetResnetOptions = {
  block: "wide",
  blocks: 1,
  width: 1,
  stemChannels: 120,
  channels: [480, 660, 750],
  finalChannels: 1500,
};

/** The student's shapes for a DenseNet-BC teacher named depth-growth (e.g. 90-60). */
export function densenetStudentShape(
  teacher: { depth: number; growthRate: number; compression?: number },
): Pick<DensenetResnetOptions, "stemChannels" | "channels" | "finalChannels"> {
  const theta = teacher.compression ?? 0.5;
  const layers = Math.floor(Math.floor((teacher.depth - 4) / 3) / 2);
  const stem = 2 * teacher.growthRate;
  const channels: number[] = [];
  let c = stem;
  for (let block = 0; block < 3; block++) {
    c += layers * teacher.growthRate;
    channels.push(Math.floor(c * theta));
    if (block < 2) c = Math.floor(c * theta);
  }
  return { stemChannels: stem, channels, finalChannels: c };
}

/** Filters of each stage after the width ratio. */
function stageWidths(p: DensenetResnetOptions): number[] {
  return p.channels.map((c) => Math.round(c * p.width));
}

const inner = (cout: number) => Math.max(1, Math.floor(cout / 4));

function problems(p: DensenetResnetOptions): string[] {
  const out = [
    ...oneOf("block", p.block, ["wide", "bottleneck"]),
    ...positiveInt("blocks", p.blocks),
    ...positiveInt("stemChannels", p.stemChannels),
    ...positiveIntList("channels", p.channels),
  ];
  if (!(typeof p.width === "number" && p.width > 0 && p.width <= 4)) {
    out.push(`width must be in (0, 4]: got ${JSON.stringify(p.width)}`);
  }
  if (!(Number.isInteger(p.finalChannels) && p.finalChannels >= 0)) {
    out.push(`finalChannels must be a whole number (0: the last stage's): got ${p.finalChannels}`);
  }
  if (!out.length && stageWidths(p).some((w) => w < 1)) {
    out.push(`width ${p.width} leaves a stage without filters: channels ${p.channels}`);
  }
  return out;
}

/** Trainable parameters, counted layer by layer as `build` creates them. */
function count(p: DensenetResnetOptions, imageChannels: number, classes: number): number {
  const conv = (cin: number, cout: number, k: number) => k * k * cin * cout;
  let cin = p.stemChannels;
  let total = conv(imageChannels, cin, 3);
  for (const [s, cout] of stageWidths(p).entries()) {
    for (let b = 0; b < p.blocks; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      total += 2 * cin; // pre-activation BN
      if (p.block === "wide") {
        total += conv(cin, cout, 3) + 2 * cout + conv(cout, cout, 3);
      } else {
        const m = inner(cout);
        total += conv(cin, m, 1) + 2 * m + conv(m, m, 3) + 2 * m + conv(m, cout, 1);
      }
      if (cin !== cout || stride > 1) total += conv(cin, cout, 1); // projection shortcut
      cin = cout;
    }
  }
  if (p.finalChannels && p.finalChannels !== cin) {
    total += 2 * cin + conv(cin, p.finalChannels, 1);
    cin = p.finalChannels;
  }
  return total + 2 * cin + cin * classes + classes;
}

function buildNet(
  ctx: TfContext,
  p: DensenetResnetOptions,
  imageShape: number[],
  classes: number,
  seed: number,
) {
  const t = ctx.tfl;
  const g = graphBuilder(t, seededInits(t, seed));
  const input = t.input({ shape: imageShape, name: "image" });
  let x: Sym = g.conv(input, "conv0", p.stemChannels, 3);
  const stages: Sym[] = [];
  for (const [s, cout] of stageWidths(p).entries()) {
    for (let b = 0; b < p.blocks; b++) {
      const name = `s${s + 1}b${b + 1}`;
      const stride = s > 0 && b === 0 ? 2 : 1;
      const cin = x.shape[3] as number;
      const pre = g.bnRelu(x, `${name}_pre`);
      let h: Sym;
      if (p.block === "wide") {
        h = g.conv(pre, `${name}_conv1`, cout, 3, stride);
        h = g.conv(g.bnRelu(h, `${name}_conv1`), `${name}_conv2`, cout, 3);
      } else {
        const m = inner(cout);
        h = g.conv(pre, `${name}_conv1`, m, 1);
        h = g.conv(g.bnRelu(h, `${name}_conv1`), `${name}_conv2`, m, 3, stride);
        h = g.conv(g.bnRelu(h, `${name}_conv2`), `${name}_conv3`, cout, 1);
      }
      const short = cin === cout && stride === 1
        ? x
        : g.conv(pre, `${name}_shortcut`, cout, 1, stride);
      x = g.add(h, short, `${name}_add`);
    }
    stages.push(x);
  }
  if (p.finalChannels && p.finalChannels !== (x.shape[3] as number)) {
    x = g.conv(g.bnRelu(x, "head_pre"), "head_conv", p.finalChannels, 1);
  }
  x = g.bnRelu(x, "final");
  const { features, logits } = g.head(x, classes);
  const net = t.model({
    inputs: input,
    outputs: [logits, ...stages, features],
    name: "densenet_resnet",
  });
  return { net, stages };
}

/**
 * A ResNet student shaped like a DenseNet teacher:
 * `densenetResnet({ block: "wide", blocks: 2, ...densenetStudentShape({ depth: 90, growthRate: 60 }) })`.
 */
export const densenetResnet = defineModel(import.meta.url, "densenetResnet", {
  domain: "image",
  defaults: DEFAULTS,
  validate: problems,
  parameterCount: (p, data) => count(p, data.imageShape![2], data.numClasses),
  build(ctx, p, data, seed) {
    const { net, stages } = buildNet(ctx, p, data.imageShape!, data.numClasses, seed);
    return multiOutputInstance(net, [...stages.map((_, i) => `stage${i + 1}`), "features"]);
  },
});
