/**
 * The export formats: which files each writes for one model, from the entry's named tensors.
 *
 * @module
 */
import { join } from "node:path";
import { encodeNpz } from "./npz.ts";
import { encodeSafetensors } from "./safetensors.ts";
import { type ModelJson, type NamedTensor } from "./tensors.ts";
import { stockTfjsModel } from "./tfjs_stock.ts";

/** The formats `export --format` takes. */
export const EXPORT_FORMATS = ["safetensors", "npz", "tfjs"] as const;
/** One of {@linkcode EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** How tensors are laid out, said in every export. */
export const LAYOUT_NOTE = "TensorFlow layout: conv kernels [kh, kw, in, out], dense kernels " +
  "[in, out]; batch norm: gamma, beta, moving_mean, moving_variance (epsilon 1e-5)";

/** Write one model's weights in `format` into `dir`; returns the files written (names). */
export async function writeWeights(
  dir: string,
  format: ExportFormat,
  json: ModelJson,
  tensors: NamedTensor[],
  metadata: Record<string, string>,
): Promise<string[]> {
  switch (format) {
    case "safetensors":
      await Deno.writeFile(
        join(dir, "model.safetensors"),
        encodeSafetensors(tensors, { ...metadata, layout: LAYOUT_NOTE }),
      );
      return ["model.safetensors"];
    case "npz":
      await Deno.writeFile(join(dir, "model.npz"), encodeNpz(tensors));
      return ["model.npz"];
    case "tfjs": {
      const stock = stockTfjsModel(json, tensors);
      const bin = new Uint8Array(stock.tensors.reduce((n, t) => n + t.data.byteLength, 0));
      let at = 0;
      for (const t of stock.tensors) {
        bin.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
        at += t.data.byteLength;
      }
      await Deno.writeFile(join(dir, "weights.bin"), bin);
      await Deno.writeTextFile(join(dir, "model.json"), JSON.stringify(stock.modelJson));
      return ["model.json", "weights.bin"];
    }
  }
}
