/**
 * The README.md written into an export folder: what the model is, its result, the files, and how
 * to load it without this project (TensorFlow.js, NumPy, PyTorch).
 *
 * @module
 */
import type { ExportFormat } from "./formats.ts";
import { LAYOUT_NOTE } from "./formats.ts";

/** What the README describes. */
export interface ReadmeFacts {
  pipeline: string;
  step: string;
  key: string;
  /** `resnet(depth=8, …)` or `ensemble of 3`. */
  model: string;
  /** `test error 7.31%`, or undefined when the entry has no such result. */
  result?: string;
  format: ExportFormat;
  /** Folders of the members of an ensemble (relative), else undefined. */
  members?: string[];
}

function loadSnippet(format: ExportFormat, dir: string): string[] {
  switch (format) {
    case "safetensors":
      return [
        "```python",
        "from safetensors.numpy import load_file  # or parse it by hand: see the format's spec",
        `weights = load_file("${dir}model.safetensors")  # {name: numpy float32 array}`,
        "```",
      ];
    case "npz":
      return [
        "```python",
        "import numpy as np",
        `weights = dict(np.load("${dir}model.npz"))  # {name: float32 array}`,
        "```",
      ];
    case "tfjs":
      return [
        "```js",
        'import * as tf from "@tensorflow/tfjs";',
        "// stock layers only: an http(s) URL in a browser, file:// with @tensorflow/tfjs-node",
        `const model = await tf.loadLayersModel("${dir}model.json");`,
        "const logits = model.predict(images); // [n, h, w, c] float32, see preprocessing.json",
        "```",
      ];
  }
}

/** The README text. */
export function exportReadme(f: ReadmeFacts): string {
  const dirs = f.members ? f.members.map((m) => `${m}/`) : [""];
  return [
    `# ${f.pipeline} / ${f.step}`,
    "",
    `\`${f.step}\` of the born-again pipeline \`${f.pipeline}\`: ${f.model}` +
    (f.result ? `, ${f.result}` : "") + `. Cache key \`${f.key}\`.`,
    "",
    "## Files",
    "",
    ...(f.members
      ? [
        "- `ensemble.json`: the members and how their outputs are combined (the mean of their",
        "  softmax probabilities; the prediction is its argmax)",
        ...f.members.map((m) => `- \`${m}/\`: one member's weights and \`export.json\``),
      ]
      : ["- `export.json`: the model plugin and its params, the seed, the step's results"]),
    "- `preprocessing.json`: input shape (NHWC), per-channel mean/std in byte units",
    "  (`x = (byte - mean[c]) / std[c]`), class names or the vocabulary",
    `- weights (${f.format}), named as in TensorFlow.js (\`conv0/kernel\`, \`fc/bias\`, …), ` +
    `in ${LAYOUT_NOTE}`,
    "",
    "## Loading",
    "",
    ...loadSnippet(f.format, dirs[0]),
    "",
    "The outputs are logits. For a ResNet, the project's `docs/export_pytorch.py` builds the",
    "equivalent PyTorch model, loads these weights (safetensors or npz) and reproduces the test",
    "error:",
    "",
    "```sh",
    "python3 docs/export_pytorch.py <this folder> --cifar-dir <folder with the CIFAR binaries>",
    "```",
    "",
  ].join("\n");
}
