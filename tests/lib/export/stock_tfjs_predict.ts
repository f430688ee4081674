/**
 * Load an exported TensorFlow.js model with stock tfjs-layers only (nothing from this project)
 * and write its predictions, as a user outside the project would.
 *
 *   deno run --allow-read --allow-write stock_tfjs_predict.ts MODEL_DIR IMAGES.f32 N,H,W,C OUT.f32
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";

const [dir, imagesFile, shapeText, outFile] = Deno.args;
await tf.setBackend("cpu");
// A file IO handler: model.json and its weight files read from disk.
const handler: tf.io.IOHandler = {
  async load() {
    const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
    const group = json.weightsManifest[0];
    const bytes = await Deno.readFile(`${dir}/${group.paths[0]}`);
    return {
      modelTopology: json.modelTopology,
      weightSpecs: group.weights,
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      format: json.format,
    };
  },
};
const model = await tfl.loadLayersModel(handler);
const shape = shapeText.split(",").map(Number);
const raw = await Deno.readFile(imagesFile);
const x = tf.tensor(new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), shape);
const y = model.predict(x) as tf.Tensor;
const data = await y.data() as Float32Array;
await Deno.writeFile(outFile, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
console.log(JSON.stringify({ outputs: model.outputs.length, shape: y.shape }));
