/**
 * The CIFAR binary format: each record is the label byte(s) then 3072 pixel bytes, the 32x32
 * red, green and blue planes one after the other, each row-major. CIFAR-10 records have one
 * label byte (3073 bytes); CIFAR-100 records a coarse then a fine label byte (3074 bytes).
 *
 * @module
 */
import { DatasetError } from "./dataset_error.ts";

/** Pixels per plane. */
const PLANE = 32 * 32;
/** Pixel bytes per record. */
export const CIFAR_PIXELS = 3 * PLANE;

/** Records of one or more files: images interleaved (NHWC, uint8) and their labels. */
export interface CifarRecords {
  count: number;
  /** [count, 32, 32, 3] bytes, channels interleaved (the layout batches are built in). */
  images: Uint8Array;
  /** One array per label byte: `[label]` for CIFAR-10, `[coarse, fine]` for CIFAR-100. */
  labels: Uint8Array[];
}

/** Layout of a record: how many label bytes lead it and each label's exclusive upper bound. */
export interface CifarLayout {
  labelBounds: number[];
}

/** CIFAR-10: one label, 10 classes. */
export const CIFAR10_LAYOUT: CifarLayout = { labelBounds: [10] };
/** CIFAR-100: coarse (20) then fine (100). */
export const CIFAR100_LAYOUT: CifarLayout = { labelBounds: [20, 100] };

/**
 * Parse CIFAR records from `bytes`, checking the size and every label. `file` names the source
 * in errors.
 *
 * @example
 * ```ts
 * const r = parseCifar(await Deno.readFile("test_batch.bin"), CIFAR10_LAYOUT, "test_batch.bin");
 * r.count; // 10000
 * ```
 */
export function parseCifar(bytes: Uint8Array, layout: CifarLayout, file: string): CifarRecords {
  const lead = layout.labelBounds.length;
  const record = lead + CIFAR_PIXELS;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    throw new DatasetError(
      `${file} is ${bytes.length} bytes, not a whole number of ${record}-byte records`,
      { reason: "bad-format", file },
    );
  }
  const count = bytes.length / record;
  const images = new Uint8Array(count * CIFAR_PIXELS);
  const labels = layout.labelBounds.map(() => new Uint8Array(count));
  for (let i = 0; i < count; i++) {
    const base = i * record;
    for (let k = 0; k < lead; k++) {
      const v = bytes[base + k];
      if (v >= layout.labelBounds[k]) {
        throw new DatasetError(
          `${file} record ${i}: label byte ${k} is ${v}, expected below ${layout.labelBounds[k]}`,
          { reason: "bad-format", file },
        );
      }
      labels[k][i] = v;
    }
    // Planar RGB to interleaved: one pass, three reads a pixel.
    const r = base + lead, g = r + PLANE, b = g + PLANE;
    let o = i * CIFAR_PIXELS;
    for (let p = 0; p < PLANE; p++) {
      images[o++] = bytes[r + p];
      images[o++] = bytes[g + p];
      images[o++] = bytes[b + p];
    }
  }
  return { count, images, labels };
}

/** Concatenate records parsed from several files, in order. */
export function concatRecords(parts: CifarRecords[]): CifarRecords {
  if (parts.length === 1) return parts[0];
  const count = parts.reduce((n, p) => n + p.count, 0);
  const images = new Uint8Array(count * CIFAR_PIXELS);
  const labels = parts[0].labels.map(() => new Uint8Array(count));
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * CIFAR_PIXELS);
    p.labels.forEach((l, k) => labels[k].set(l, at));
    at += p.count;
  }
  return { count, images, labels };
}

/** Class names from a meta file: one a line, blank lines dropped. */
export function parseNames(text: string, expected: number, file: string): string[] {
  const names = text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  if (names.length !== expected) {
    throw new DatasetError(`${file} lists ${names.length} class names, expected ${expected}`, {
      reason: "bad-format",
      file,
    });
  }
  return names;
}
