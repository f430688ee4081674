import { deepEqual, equal, throws } from "node:assert/strict";
import { stockTfjsModel } from "../../../lib/export/tfjs_stock.ts";
import type { ModelJson } from "../../../lib/export/tensors.ts";

const layer = (name: string, className: string, config: object, from?: string) => ({
  name,
  class_name: className,
  config: { name, ...config },
  inbound_nodes: from ? [[[from, 0, 0, {}]]] : [],
});

function modelJson(layers: object[], outputs: string[]): ModelJson {
  return {
    modelTopology: {
      class_name: "Model",
      config: {
        name: "m",
        layers,
        input_layers: [["image", 0, 0]],
        output_layers: outputs.map((o) => [o, 0, 0]),
      },
    },
    weightsManifest: [{ paths: ["weights.bin"], weights: [] }],
  };
}

const topologyOf = (m: Record<string, unknown>) =>
  (m.modelTopology as {
    config: {
      layers: { name: string; class_name: string; config: any }[];
      output_layers: unknown[];
    };
  })
    .config;

Deno.test("the option-A shortcut becomes a frozen 1x1 strided conv selecting padded channels", () => {
  const json = modelJson([
    layer("image", "InputLayer", { batch_input_shape: [null, 8, 8, 3] }),
    layer("conv0", "Conv2D", { filters: 2 }, "image"),
    layer("conv0_relu", "Activation", { activation: "relu" }, "conv0"),
    layer("s2_shortcut", "BornAgainShortcutA", { channels: 5, stride: 2 }, "conv0_relu"),
    layer("pool", "GlobalAveragePooling2D", {}, "s2_shortcut"),
    layer("fc", "Dense", { units: 4 }, "pool"),
  ], ["fc", "conv0_relu", "pool"]);
  const fc = { name: "fc/bias", shape: [4], data: new Float32Array(4) };
  const { modelJson: out, tensors } = stockTfjsModel(json, [fc]);
  const config = topologyOf(out);
  const s = config.layers.find((l) => l.name === "s2_shortcut")!;
  equal(s.class_name, "Conv2D");
  deepEqual(
    [
      s.config.filters,
      s.config.kernel_size,
      s.config.strides,
      s.config.use_bias,
      s.config.trainable,
    ],
    [5, [1, 1], [2, 2], false, false],
  );
  deepEqual(config.output_layers, [["fc", 0, 0]], "logits only");
  equal(tensors[0], fc);
  const k = tensors[1];
  deepEqual([k.name, k.shape], ["s2_shortcut/kernel", [1, 1, 2, 5]]);
  // Input channel i lands on output channel i + 1 (3 channels of padding: 1 before, 2 after).
  deepEqual([...k.data], [0, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
  const manifest = (out.weightsManifest as { weights: { name: string }[] }[])[0].weights;
  deepEqual(manifest.map((w) => w.name), ["fc/bias", "s2_shortcut/kernel"]);
});

Deno.test("layers with no stock equivalent, or no saved topology, are errors saying what to use", () => {
  const json = modelJson([
    layer("image", "InputLayer", { batch_input_shape: [null, 35] }),
    layer("lstm1", "BornAgainLstm", {}, "image"),
  ], ["lstm1"]);
  throws(() => stockTfjsModel(json, []), /lstm1 \(BornAgainLstm\).*safetensors or npz/);
  throws(
    () => stockTfjsModel({ ...json, modelTopology: null }, []),
    /topology was not saved.*safetensors or npz/,
  );
});
