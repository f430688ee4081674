/**
 * Named float32 tensors read from a committed entry's `model/` folder (`model.json`'s weights
 * manifest and `weights.bin`), in manifest order, without TensorFlow.js.
 *
 * @module
 */
import { join } from "node:path";

/** One named tensor: TensorFlow layout (conv kernels HWIO, dense kernels [in, out]). */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The parsed `model.json` of an entry's `model/` folder. */
export interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
  [key: string]: unknown;
}

/** Read the tensors of the model saved in `dir` (a `model/` folder); errors name the file. */
export async function readModelTensors(
  dir: string,
): Promise<{ json: ModelJson; tensors: NamedTensor[] }> {
  const jsonPath = join(dir, "model.json");
  const json = JSON.parse(await Deno.readTextFile(jsonPath)) as ModelJson;
  const specs = json.weightsManifest?.[0]?.weights;
  if (!Array.isArray(specs)) throw new Error(`${jsonPath}: no weights manifest`);
  const binPath = join(dir, "weights.bin");
  const bytes = await Deno.readFile(binPath);
  const tensors: NamedTensor[] = [];
  let off = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (off + n * 4 > bytes.byteLength) {
      throw new Error(`${binPath}: too short for weight ${s.name} (${bytes.byteLength} bytes)`);
    }
    // A copy: the bytes' offset need not be 4-aligned.
    const data = new Float32Array(bytes.slice(off, off + n * 4).buffer);
    tensors.push({ name: s.name, shape: [...s.shape], data });
    off += n * 4;
  }
  if (off !== bytes.byteLength) {
    throw new Error(`${binPath}: ${bytes.byteLength} bytes, the manifest needs ${off}`);
  }
  return { json, tensors };
}

/** The bytes of float32 values, little-endian (the platform order on every supported machine). */
export function floatBytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}
