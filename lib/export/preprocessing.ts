/**
 * `preprocessing.json`: what a model's input must be, so that a user outside the project feeds
 * it what it was trained on: the input shape and layout, per-channel mean/std in byte units (CIFAR)
 * or "as the dataset gives it" (synthetic images), class names, or a text model's vocabulary.
 *
 * The dataset is loaded through its plugin when the plugin is the project's own (`datasets/`);
 * a dataset plugin from elsewhere is not run here, and the file says what is unknown.
 *
 * @module
 */
import type { DatasetDescriptor } from "../plugin/descriptor.ts";
import { resolvePlugin } from "../plugin/resolve.ts";
import type { DataEnv, Dataset } from "../plugin/runtime.ts";

/** The contents of `preprocessing.json`. */
export interface Preprocessing {
  dataset: { name: string; module: string; params: unknown };
  domain: "image" | "text";
  /** Images: [height, width, channels], batches are NHWC float32. */
  inputShape?: number[];
  layout?: "NHWC";
  /** How a pixel becomes an input value. */
  normalization?: {
    /** "bytes": x = (byte - mean[c]) / std[c], bytes 0-255; "none": values are used as given. */
    from: "bytes" | "none";
    mean: number[];
    std: number[];
  };
  classNames?: string[];
  numClasses?: number;
  /** Text: token ids index this list (most frequent first). */
  vocabulary?: string[];
  vocabSize?: number;
  /** What the model returns. */
  output: string;
  /** What could not be described. */
  note?: string;
}

/** Whether a plugin module is the project's own (a path from the project root). */
const projectModule = (module: string) => !/^[a-z]+:/.test(module);

/** Describe the input of a model trained on `descriptor`, loading the dataset where allowed. */
export async function describePreprocessing(
  descriptor: DatasetDescriptor,
  env: DataEnv,
): Promise<Preprocessing> {
  const base = {
    dataset: { name: descriptor.name, module: descriptor.module, params: descriptor.params },
  };
  const domain = descriptor.domain;
  if (!projectModule(descriptor.module)) {
    return {
      ...base,
      domain,
      output: "logits (no softmax)",
      note: `the dataset plugin ${descriptor.module} is not part of this project and was not ` +
        "run: see it for the input shape and normalisation",
    };
  }
  const plugin = await resolvePlugin(descriptor);
  const data = await plugin.load(descriptor.params, env) as Dataset;
  return { ...base, ...describeLoaded(data, descriptor.params) };
}

/** The description of a loaded dataset (`params`: its descriptor's params). */
export function describeLoaded(
  data: Dataset,
  params: Record<string, unknown>,
): Omit<Preprocessing, "dataset"> {
  if (data.domain === "text") {
    const vocab = (data as { vocab?: unknown }).vocab;
    return {
      domain: "text",
      vocabSize: data.vocabSize,
      ...(Array.isArray(vocab) ? { vocabulary: vocab as string[] } : {}),
      output: "logits over the vocabulary for every position: [batch, steps, vocab]",
    };
  }
  const channels = data.imageShape[2];
  // CIFAR carries its training split's byte statistics; without them inputs are used as given.
  const stats = (data as { stats?: { mean: number[]; std: number[] } }).stats;
  const normalization = stats
    ? params.normalize === false
      ? { from: "bytes" as const, mean: Array(channels).fill(0), std: Array(channels).fill(255) }
      : { from: "bytes" as const, mean: stats.mean, std: stats.std }
    : { from: "none" as const, mean: Array(channels).fill(0), std: Array(channels).fill(1) };
  return {
    domain: "image",
    inputShape: [...data.imageShape],
    layout: "NHWC",
    normalization,
    numClasses: data.numClasses,
    ...(data.classNames ? { classNames: data.classNames } : {}),
    output: "logits (no softmax): [batch, classes]",
  };
}
