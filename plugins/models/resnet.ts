/**
 * ResNets for CIFAR (He et al. 2016, "Deep Residual Learning for Image Recognition", §4.2):
 * a 3×3 stem, three stages of n basic blocks with 16/32/64 filters (depth 6n+2: ResNet-20/32/
 * 56/110), global average pooling and a linear classifier. Shortcuts follow option A by default
 * (identity, stride-2 subsampling and zero-padded channels when a stage widens: no parameters);
 * option B uses 1×1 projections there. `preact: true` gives the pre-activation variant (He et al.
 * 2016, "Identity Mappings in Deep Residual Networks"): BN-ReLU-conv blocks, a final BN-ReLU.
 *
 * Layers are named `conv0` (stem) and `fc` (classifier) as in the other CIFAR models, and
 * `stemChannels`/`channels` can match a DenseNet's stem and final widths, so a BAN-ResNet
 * student can take a DenseNet teacher's first convolution and classifier (`transferLayers`).
 *
 * @module
 */
import { defineModel } from "../../lib/plugin/define.ts";
import type { TfContext } from "../../lib/plugin/runtime.ts";
import { oneOf, positiveInt, positiveIntList } from "./common/checks.ts";
import { graphBuilder, type Sym } from "./common/graph_builder.ts";
import { seededInits } from "./common/init.ts";
import { multiOutputInstance } from "./common/model_instance.ts";
import { shortcutA } from "./common/shortcut_a.ts";

/** ResNet options. */
export interface ResnetOptions {
  [key: string]: number | boolean | string | number[];
  /** Total weighted layers, 2·stages·n + 2 (6n+2 with three stages): 20, 32, 44, 56, 110. */
  depth: number;
  /** Pre-activation blocks (BN-ReLU-conv) instead of the original post-activation ones. */
  preact: boolean;
  /** "A": parameter-free padded identity shortcuts (He et al.'s CIFAR choice); "B": 1×1 projections. */
  shortcut: string;
  /** Filters per stage; the first stage keeps the resolution, each later one halves it. */
  channels: number[];
  /** Filters of the stem convolution `conv0`; 0 means `channels[0]`. */
  stemChannels: number;
}

const DEFAULTS: ResnetOptions = {
  depth: 20,
  preact: false,
  shortcut: "A",
  channels: [16, 32, 64],
  stemChannels: 0,
};

function blocksPerStage(p: ResnetOptions): number {
  return (p.depth - 2) / (2 * p.channels.length);
}

function problems(p: ResnetOptions): string[] {
  const out = [
    ...positiveInt("depth", p.depth),
    ...oneOf("shortcut", p.shortcut, ["A", "B"]),
    ...positiveIntList("channels", p.channels),
  ];
  if (!(Number.isInteger(p.stemChannels) && p.stemChannels >= 0)) {
    out.push(`stemChannels must be a whole number (0: channels[0]): got ${p.stemChannels}`);
  }
  if (out.length) return out;
  const per = 2 * p.channels.length;
  if (!(p.depth > 2 && (p.depth - 2) % per === 0)) {
    out.push(`depth must be ${per}n+2: got ${p.depth}`);
  }
  const widths = [p.stemChannels || p.channels[0], ...p.channels];
  if (p.shortcut === "A" && widths.some((w, i) => i > 0 && w < widths[i - 1])) {
    out.push(
      `shortcut "A" pads channels and cannot narrow them: stemChannels and channels must not ` +
        `decrease, got ${JSON.stringify(widths)} (use shortcut "B")`,
    );
  }
  return out;
}

/** Trainable parameters, counted layer by layer as `build` creates them. */
function count(p: ResnetOptions, imageChannels: number, classes: number): number {
  const conv = (cin: number, cout: number, k: number) => k * k * cin * cout;
  const n = blocksPerStage(p);
  let cin = p.stemChannels || p.channels[0];
  let total = conv(imageChannels, cin, 3) + (p.preact ? 0 : 2 * cin);
  for (const [s, cout] of p.channels.entries()) {
    for (let b = 0; b < n; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      total += (p.preact ? 2 * cin : 0) + conv(cin, cout, 3) + 2 * cout + conv(cout, cout, 3) +
        (p.preact ? 0 : 2 * cout);
      if (p.shortcut === "B" && (stride > 1 || cin !== cout)) {
        total += conv(cin, cout, 1) + (p.preact ? 0 : 2 * cout);
      }
      cin = cout;
    }
  }
  if (p.preact) total += 2 * cin;
  return total + cin * classes + classes;
}

function buildNet(
  ctx: TfContext,
  p: ResnetOptions,
  imageShape: number[],
  classes: number,
  seed: number,
) {
  const t = ctx.tfl;
  const g = graphBuilder(t, seededInits(t, seed));
  const input = t.input({ shape: imageShape, name: "image" });
  let x: Sym = g.conv(input, "conv0", p.stemChannels || p.channels[0], 3);
  if (!p.preact) x = g.bnRelu(x, "conv0");
  const stages: Sym[] = [];
  const n = blocksPerStage(p);
  for (const [s, cout] of p.channels.entries()) {
    for (let b = 0; b < n; b++) {
      const name = `s${s + 1}b${b + 1}`;
      const stride = s > 0 && b === 0 ? 2 : 1;
      const cin = x.shape[3] as number;
      const changes = stride > 1 || cin !== cout;
      const pre = p.preact ? g.bnRelu(x, `${name}_pre`) : x;
      let h = g.conv(pre, `${name}_conv1`, cout, 3, stride);
      h = g.bnRelu(h, `${name}_conv1`);
      h = g.conv(h, `${name}_conv2`, cout, 3);
      if (!p.preact) h = g.bn(h, `${name}_conv2_bn`);
      let shortcut = x;
      if (changes && p.shortcut === "A") {
        shortcut = shortcutA(ctx, { name: `${name}_shortcut`, channels: cout, stride })
          .apply(x) as Sym;
      } else if (changes) {
        // Pre-activation projections read the pre-activated input (He et al. 2016b, Fig. 4e).
        shortcut = g.conv(pre, `${name}_shortcut`, cout, 1, stride);
        if (!p.preact) shortcut = g.bn(shortcut, `${name}_shortcut_bn`);
      }
      x = g.add(h, shortcut, `${name}_add`);
      if (!p.preact) x = g.relu(x, `${name}_relu`);
    }
    stages.push(x);
  }
  if (p.preact) x = g.bnRelu(x, "final");
  const { features, logits } = g.head(x, classes);
  return {
    net: t.model({ inputs: input, outputs: [logits, ...stages, features], name: "resnet" }),
    stages,
  };
}

/** A CIFAR ResNet: `resnet({ depth: 56 })`, `resnet({ depth: 110, preact: true })`. */
export const resnet = defineModel(import.meta.url, "resnet", {
  domain: "image",
  defaults: DEFAULTS,
  validate: problems,
  parameterCount: (p, data) => count(p, data.imageShape![2], data.numClasses),
  build(ctx, p, data, seed) {
    const { net, stages } = buildNet(ctx, p, data.imageShape!, data.numClasses, seed);
    return multiOutputInstance(net, [...stages.map((_, i) => `stage${i + 1}`), "features"]);
  },
});
