/**
 * A saved model's TensorFlow.js topology rewritten to stock layers only, so that
 * `tf.loadLayersModel` loads it without the project's code:
 *
 * - the option-A shortcut (`BornAgainShortcutA`: stride-s subsampling, channels zero-padded
 *   evenly on both sides) becomes a frozen 1×1 Conv2D with stride s whose kernel copies input
 *   channel i to output channel i + ⌊(out − in)/2⌋; multiplying by 1 and adding zeros is exact;
 * - the model returns its logits only (the training-time extra outputs, the stages' activations
 *   and pooled features, are dropped).
 *
 * Layers with no stock equivalent (the text models' LSTM, embedding, tied and highway layers)
 * are an error naming them.
 *
 * @module
 */
import type { ModelJson, NamedTensor } from "./tensors.ts";

/** One serialised layer of a functional model. */
interface LayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown][][];
}

interface FunctionalConfig {
  name: string;
  layers: LayerJson[];
  input_layers: unknown[];
  output_layers: [string, number, number][];
}

/** The stock topology and the tensors it needs (the entry's plus the shortcuts' fixed kernels). */
export interface StockModel {
  modelJson: Record<string, unknown>;
  tensors: NamedTensor[];
}

const ZEROS = { class_name: "Zeros", config: {} };

/** Rewrite `json` (an entry's `model.json`) with its `tensors` to stock layers. */
export function stockTfjsModel(json: ModelJson, tensors: NamedTensor[]): StockModel {
  const topology = json.modelTopology as { class_name?: string; config?: FunctionalConfig } | null;
  if (!topology?.config?.layers) {
    throw new Error(
      "the model's topology was not saved (it has layers that do not serialise): " +
        "export its weights with --format safetensors or npz",
    );
  }
  const config = structuredClone(topology.config);
  const byName = new Map(config.layers.map((l) => [l.name, l]));
  const channelsOf = (name: string): number => {
    const l = byName.get(name);
    if (!l) throw new Error(`layer ${name} is not in the topology`);
    const c = l.config;
    switch (l.class_name) {
      case "InputLayer":
        return (c.batch_input_shape as number[]).at(-1)!;
      case "Conv2D":
        return c.filters as number;
      case "Dense":
        return c.units as number;
      case "BornAgainShortcutA":
        return c.channels as number;
      case "Concatenate":
        return l.inbound_nodes[0].reduce((n, [from]) => n + channelsOf(from), 0);
      default:
        return channelsOf(l.inbound_nodes[0][0][0]);
    }
  };
  const extra: NamedTensor[] = [];
  config.layers = config.layers.map((l) => {
    if (l.class_name !== "BornAgainShortcutA") return l;
    const cout = l.config.channels as number;
    const stride = l.config.stride as number;
    const cin = channelsOf(l.inbound_nodes[0][0][0]);
    const lo = (cout - cin) >> 1;
    const kernel = new Float32Array(cin * cout);
    for (let i = 0; i < cin; i++) kernel[i * cout + i + lo] = 1;
    extra.push({ name: `${l.name}/kernel`, shape: [1, 1, cin, cout], data: kernel });
    return {
      name: l.name,
      class_name: "Conv2D",
      config: {
        filters: cout,
        kernel_initializer: ZEROS,
        kernel_regularizer: null,
        kernel_constraint: null,
        kernel_size: [1, 1],
        strides: [stride, stride],
        padding: "valid",
        data_format: "channels_last",
        dilation_rate: [1, 1],
        activation: "linear",
        use_bias: false,
        bias_initializer: ZEROS,
        bias_regularizer: null,
        activity_regularizer: null,
        bias_constraint: null,
        name: l.name,
        trainable: false,
      },
      inbound_nodes: l.inbound_nodes,
    };
  });
  const custom = config.layers.filter((l) => l.class_name.startsWith("BornAgain"));
  if (custom.length) {
    throw new Error(
      `layers with no stock TensorFlow.js equivalent: ${
        custom.map((l) => `${l.name} (${l.class_name})`).join(", ")
      }: export the weights with --format safetensors or npz`,
    );
  }
  config.output_layers = config.output_layers.slice(0, 1);
  const all = [...tensors, ...extra];
  return {
    modelJson: {
      format: "layers-model",
      generatedBy: "born-again export",
      convertedBy: null,
      modelTopology: { ...topology, config },
      weightsManifest: [{
        paths: ["weights.bin"],
        weights: all.map((t) => ({ name: t.name, shape: t.shape, dtype: "float32" })),
      }],
    },
    tensors: all,
  };
}
