/**
 * The runtime side of plugins: what a worker process calls after it has rebuilt a plugin from its
 * descriptor. Plugin files import TensorFlow.js only as types; the worker hands them the loaded
 * namespaces through {@linkcode TfContext}, so declaring and planning never load TensorFlow.js.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { Domain, JsonObject } from "./descriptor.ts";

/** The TensorFlow.js namespaces a worker loaded on its executor. */
export interface TfContext {
  tf: typeof tfc;
  tfl: typeof tfl;
}

// ---------------------------------------------------------------------------------------------
// Datasets (plain typed arrays: no TensorFlow.js needed to load or batch data)

/** Where datasets live and whether to check them; given to every dataset plugin. */
export interface DataEnv {
  /** Folder holding (or receiving) dataset files. */
  dataDir: string;
  /** Check files against the official checksums (default true). */
  verify: boolean;
  /** Report download/parse progress. */
  progress?: (message: string) => void;
  /**
   * A mirror to download from instead of the canonical hosts: every file is fetched as
   * `<baseUrl>/<file name>`. Unset: the `BORN_AGAIN_DATA_URL` environment variable, if any.
   */
  baseUrl?: string;
}

/** Which part of a dataset. `valid` exists only where a validation split is configured. */
export type Split = "train" | "valid" | "test";

/** One batch of images, NHWC float32, normalised. */
export interface ImageBatch {
  x: Float32Array;
  shape: [number, number, number, number];
  /** Class labels, int32, one per image. */
  y: Int32Array;
}

/** One batch of token windows: inputs and next-token targets, both [batch, steps]. */
export interface TextBatch {
  x: Int32Array;
  y: Int32Array;
  shape: [number, number];
  /**
   * Characters per input token for character-aware models: [batch, steps, maxWordLength],
   * present when the dataset was asked for characters.
   */
  chars?: Int32Array;
  maxWordLength?: number;
}

/** Options for iterating an image split. */
export interface ImageBatchOptions {
  batchSize: number;
  /** Epoch number; with `seed`, fixes shuffling and augmentation so a resumed run sees the same data. */
  epoch: number;
  seed: number;
  /** Shuffle and augment (training); false for evaluation. */
  train: boolean;
  /** Skip this many batches (resuming inside an epoch). */
  startBatch?: number;
}

/** Options for iterating a text split. */
export interface TextBatchOptions {
  batchSize: number;
  /** Unrolled steps per window (BPTT length). */
  steps: number;
  epoch: number;
  seed: number;
  train: boolean;
  startBatch?: number;
}

/** A loaded image dataset. */
export interface ImageDataset {
  domain: "image";
  name: string;
  numClasses: number;
  classNames?: string[];
  /** [height, width, channels] */
  imageShape: [number, number, number];
  size: Partial<Record<Split, number>>;
  batchCount(split: Split, batchSize: number): number;
  batches(split: Split, options: ImageBatchOptions): Iterable<ImageBatch>;
}

/** A loaded text (language-modelling) dataset. */
export interface TextDataset {
  domain: "text";
  name: string;
  vocabSize: number;
  /** Longest word in characters including start/end marks, and the character vocabulary size. */
  chars?: { maxWordLength: number; vocabSize: number };
  /** Tokens per split, `<eos>` included. */
  size: Partial<Record<Split, number>>;
  batchCount(split: Split, options: { batchSize: number; steps: number }): number;
  batches(split: Split, options: TextBatchOptions): Iterable<TextBatch>;
}

/** Either dataset. */
export type Dataset = ImageDataset | TextDataset;

/** The runtime side of a dataset plugin. */
export interface DatasetPlugin<P extends JsonObject = JsonObject> {
  /**
   * A content fingerprint of the data the params select, cheap enough for `plan`: official
   * checksums when verification is on, the bytes' hash otherwise. Never parses records.
   */
  fingerprint(params: P, env: DataEnv): Promise<string>;
  /** Make sure files are present (download, verify) and parse them. */
  load(params: P, env: DataEnv): Promise<Dataset>;
}

// ---------------------------------------------------------------------------------------------
// Models

/** What a model is told about the data it will see. */
export interface DataShape {
  domain: Domain;
  /** Classes (images) or vocabulary size (text). */
  numClasses: number;
  imageShape?: [number, number, number];
  /** Character vocabulary and word length for character-aware text models. */
  chars?: { maxWordLength: number; vocabSize: number };
}

/** The result of a forward pass. */
export interface ForwardResult {
  /** Logits: [batch, classes] for images, [batch, steps, vocab] for text. */
  logits: tfc.Tensor;
  /** Named intermediate activations (for l2-activation matching), when asked for. */
  activations?: Record<string, tfc.Tensor>;
}

/** A built model. All trainable state lives in `net`, which saves in the TensorFlow.js format. */
export interface ModelInstance {
  net: tfl.LayersModel;
  /** Names `forward` can return in `activations`. */
  activationNames: string[];
  forward(
    input: { x: tfc.Tensor; chars?: tfc.Tensor },
    options: { training: boolean; activations?: boolean },
  ): ForwardResult;
  /** Recurrent models: forget the carried state (between epochs and before evaluation). */
  resetState?(): void;
}

/** The runtime side of a model plugin. */
export interface ModelPlugin<P extends JsonObject = JsonObject> {
  /** Build with fresh weights drawn from `seed`. */
  build(ctx: TfContext, params: P, data: DataShape, seed: number): ModelInstance;
  /** Parameter count without building (for plan and reports); optional. */
  parameterCount?(params: P, data: DataShape): number;
}

// ---------------------------------------------------------------------------------------------
// Losses

/** Everything a loss may read. Logits and probabilities are flattened to [N, classes]. */
export interface LossInputs {
  ctx: TfContext;
  logits: tfc.Tensor2D;
  labels: tfc.Tensor1D;
  /** Teacher probabilities on the same (augmented) batch; present when the loss needs a teacher. */
  teacherProbs?: tfc.Tensor2D;
  activations?: Record<string, tfc.Tensor>;
  teacherActivations?: Record<string, tfc.Tensor>;
  /** Deterministic randomness for losses that need it (DKPP): differs per step and batch. */
  seed: number;
}

/** The runtime side of a loss plugin: a scalar to minimise, built from tensors. */
export interface LossPlugin<P extends JsonObject = JsonObject> {
  /** A scalar tensor (checked at run time). */
  compute(inputs: LossInputs, params: P): tfc.Tensor;
  /**
   * Load what `compute` needs but cannot import synchronously (a composite loss's member
   * plugins). Optional; the worker awaits it once with the step's params before the first
   * `compute`.
   */
  prepare?(params: P): Promise<void>;
}
