/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw little-endian data.
 *
 * @module
 */
import { floatBytes, type NamedTensor } from "./tensors.ts";

/** Encode `tensors` (float32) with optional string `metadata` (`__metadata__`). */
export function encodeSafetensors(
  tensors: NamedTensor[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let off = 0;
  for (const t of tensors) {
    if (Object.hasOwn(header, t.name)) throw new Error(`safetensors: duplicate tensor ${t.name}`);
    header[t.name] = { dtype: "F32", shape: t.shape, data_offsets: [off, off + t.data.byteLength] };
    off += t.data.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // The data starts 8-byte aligned: the header is padded with spaces, as the reference writer does.
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = new TextEncoder().encode(JSON.stringify(header) + " ".repeat(pad));
  const out = new Uint8Array(8 + json.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    out.set(floatBytes(t.data), at);
    at += t.data.byteLength;
  }
  return out;
}

/** Decode a safetensors file of float32 tensors (for tests and checks). */
export function decodeSafetensors(
  bytes: Uint8Array,
): { tensors: NamedTensor[]; metadata: Record<string, string> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const base = 8 + n;
  const tensors: NamedTensor[] = [];
  for (const [name, spec] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const { dtype, shape, data_offsets: [a, b] } = spec as {
      dtype: string;
      shape: number[];
      data_offsets: [number, number];
    };
    if (dtype !== "F32") throw new Error(`safetensors: ${name} is ${dtype}, not F32`);
    const data = new Float32Array((b - a) / 4);
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(base + a + i * 4, true);
    tensors.push({ name, shape, data });
  }
  return { tensors, metadata: header.__metadata__ ?? {} };
}
