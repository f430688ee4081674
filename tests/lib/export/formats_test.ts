import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { decodeSafetensors, encodeSafetensors } from "../../../lib/export/safetensors.ts";
import { crc32, encodeNpy, encodeNpz, storedZip } from "../../../lib/export/npz.ts";

const tensors = [
  { name: "conv0/kernel", shape: [1, 1, 2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-7, -0]) },
  { name: "fc/bias", shape: [3], data: Float32Array.from([0.25, -1, 7]) },
];

Deno.test("safetensors: header length, 8-byte aligned data, round trip with metadata", () => {
  const bytes = encodeSafetensors(tensors, { step: "gen1" });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  equal((8 + n) % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  deepEqual(header["fc/bias"], { dtype: "F32", shape: [3], data_offsets: [24, 36] });
  equal(bytes.length, 8 + n + 36);
  const back = decodeSafetensors(bytes);
  deepEqual(back.metadata, { step: "gen1" });
  deepEqual(back.tensors, tensors);
});

Deno.test("safetensors: a duplicate name is an error", () => {
  throws(() => encodeSafetensors([tensors[1], tensors[1]]), /duplicate tensor fc\/bias/);
});

Deno.test("npy: magic, 64-byte header with dtype and shape, little-endian data", () => {
  const b = encodeNpy([3], tensors[1].data);
  deepEqual([...b.subarray(0, 8)], [0x93, 78, 85, 77, 80, 89, 1, 0]);
  const len = new DataView(b.buffer).getUint16(8, true);
  equal((10 + len) % 64, 0);
  const header = new TextDecoder().decode(b.subarray(10, 10 + len));
  match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3,\), \} *\n$/);
  deepEqual(new Float32Array(b.slice(10 + len).buffer), tensors[1].data);
  match(new TextDecoder().decode(encodeNpy([1, 1, 2, 3], tensors[0].data)), /\(1, 1, 2, 3\)/);
});

Deno.test("crc32 is the zip one", () => {
  equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  equal(crc32(new Uint8Array()), 0);
});

/** Read a stored zip back: name → data, checking each entry's CRC and the central directory. */
function readStoredZip(z: Uint8Array): Map<string, Uint8Array> {
  const v = new DataView(z.buffer, z.byteOffset, z.byteLength);
  const end = z.length - 22;
  equal(v.getUint32(end, true), 0x06054b50);
  const count = v.getUint16(end + 10, true);
  let at = v.getUint32(end + 16, true);
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    equal(v.getUint32(at, true), 0x02014b50);
    const nameLen = v.getUint16(at + 28, true);
    const local = v.getUint32(at + 42, true);
    const name = new TextDecoder().decode(z.subarray(at + 46, at + 46 + nameLen));
    equal(v.getUint32(local, true), 0x04034b50);
    equal(v.getUint16(local + 8, true), 0, "stored");
    const size = v.getUint32(local + 18, true);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    const data = z.subarray(start, start + size);
    equal(crc32(data), v.getUint32(local + 14, true));
    out.set(name, data);
    at += 46 + nameLen;
  }
  return out;
}

Deno.test("npz: a stored zip of <name>.npy files that reads back", () => {
  const files = readStoredZip(encodeNpz(tensors));
  deepEqual([...files.keys()], ["conv0/kernel.npy", "fc/bias.npy"]);
  deepEqual(files.get("fc/bias.npy"), encodeNpy([3], tensors[1].data));
  const two = readStoredZip(storedZip([{ name: "a", data: new Uint8Array([1, 2, 3]) }]));
  deepEqual([...two.get("a")!], [1, 2, 3]);
  ok(two.size === 1);
});
