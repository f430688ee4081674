/**
 * Saving and loading models in the TensorFlow.js layers format: `model.json` (topology and a
 * weights manifest) plus `weights.bin`, loadable by `tf.loadLayersModel` outside this project.
 * Inside the project a model is rebuilt by its plugin and gets its weights back in order, which
 * also works for models whose topology does not serialise.
 *
 * @module
 */
import { join } from "node:path";
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";

/** One weight in a manifest. */
interface WeightSpec {
  name: string;
  shape: number[];
  dtype: "float32";
}

function concat(arrays: Float32Array[]): Uint8Array {
  const total = arrays.reduce((n, a) => n + a.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    off += a.byteLength;
  }
  return out;
}

/** Values of tensors as float32 arrays. */
export async function tensorData(list: tfc.Tensor[]): Promise<Float32Array[]> {
  return await Promise.all(
    list.map(async (t) => Float32Array.from(await t.data() as Float32Array)),
  );
}

/** Write `weights.bin` and `model.json` for `net` into `dir`. */
export async function saveModel(net: tfl.LayersModel, dir: string): Promise<void> {
  const weights = net.weights;
  const values = await tensorData(weights.map((w) => w.read()));
  const specs: WeightSpec[] = weights.map((w) => ({
    name: w.originalName,
    shape: w.shape as number[],
    dtype: "float32",
  }));
  let topology: unknown = null;
  try {
    topology = net.toJSON(null, false);
  } catch {
    // Custom layers without a registered class: the weights still load into a rebuilt model.
  }
  await Deno.writeFile(join(dir, "weights.bin"), concat(values));
  const modelJson = {
    format: "layers-model",
    generatedBy: "born-again",
    convertedBy: null,
    modelTopology: topology,
    weightsManifest: [{ paths: ["weights.bin"], weights: specs }],
  };
  await Deno.writeTextFile(join(dir, "model.json"), JSON.stringify(modelJson));
}

/** Load weights saved by {@linkcode saveModel} (or a checkpoint) into a model of the same architecture. */
export async function loadModelWeights(
  tf: typeof tfc,
  net: tfl.LayersModel,
  dir: string,
): Promise<void> {
  const manifest = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
  const specs: WeightSpec[] = manifest.weightsManifest[0].weights;
  const bytes = await Deno.readFile(join(dir, "weights.bin"));
  const weights = net.weights;
  if (specs.length !== weights.length) {
    throw new Error(
      `${dir}: saved model has ${specs.length} weights, the built model ${weights.length}`,
    );
  }
  let off = 0;
  const tensors: tfc.Tensor[] = [];
  for (let i = 0; i < specs.length; i++) {
    const n = specs[i].shape.reduce((a, b) => a * b, 1);
    const want = weights[i].shape.join("x");
    if (specs[i].shape.join("x") !== want) {
      throw new Error(
        `${dir}: weight ${specs[i].name} has shape ${
          specs[i].shape.join("x")
        }, the built model wants ${want}`,
      );
    }
    const data = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + off, bytes.byteOffset + off + n * 4),
    );
    tensors.push(tf.tensor(data, specs[i].shape));
    off += n * 4;
  }
  if (off !== bytes.byteLength) {
    throw new Error(`${dir}: weights.bin has ${bytes.byteLength} bytes, manifest needs ${off}`);
  }
  weights.forEach((w, i) => w.write(tensors[i]));
  tf.dispose(tensors);
}
