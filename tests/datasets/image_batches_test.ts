import { assert, assertEquals, assertNotEquals } from "./assert.ts";
import {
  augmentDraw,
  augmentInto,
  type ImageBatchConfig,
  imageBatches,
  type ImageSplit,
  normalizeLut,
} from "../../datasets/image_batches.ts";
import type { ImageBatchOptions } from "../../lib/plugin/runtime.ts";

const identity = normalizeLut([0, 0, 0], [1, 1, 1]);
const cfg: ImageBatchConfig = {
  height: 32,
  width: 32,
  channels: 3,
  augment: "crop+flip",
  pad: 4,
  lut: identity,
};

/** An image whose pixel (y, x, c) is y * 4 + c (rows distinguishable), x in the low bits via c. */
function image(seed: number): Uint8Array {
  const img = new Uint8Array(32 * 32 * 3);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      for (let c = 0; c < 3; c++) img[(y * 32 + x) * 3 + c] = (seed + y * 7 + x * 3 + c * 50) & 255;
    }
  }
  return img;
}

const at = (img: ArrayLike<number>, y: number, x: number, c = 0) => img[(y * 32 + x) * 3 + c];

/** Reference: numpy-style reflect pad, crop at (dy, dx), optional flip — written naively. */
function reference(src: Uint8Array, dx: number, dy: number, flip: boolean): number[] {
  const padded: number[][][] = [];
  const reflect = (i: number) => (i < 0 ? -i : i > 31 ? 62 - i : i);
  for (let y = 0; y < 40; y++) {
    padded.push([]);
    for (let x = 0; x < 40; x++) {
      padded[y].push([0, 1, 2].map((c) => at(src, reflect(y - 4), reflect(x - 4), c)));
    }
  }
  const out: number[] = [];
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) out.push(...padded[y + dy][dx + (flip ? 31 - x : x)]);
  }
  return out;
}

function augmented(src: Uint8Array, dx: number, dy: number, flip: boolean): Float32Array {
  const out = new Float32Array(src.length);
  augmentInto(src, 0, out, 0, cfg, { dx, dy, flip });
  return out;
}

Deno.test("a centred crop with a flip mirrors each row", () => {
  const src = image(0);
  const out = augmented(src, 4, 4, true);
  for (const [y, x] of [[0, 0], [5, 10], [31, 31]]) assertEquals(at(out, y, x), at(src, y, 31 - x));
});

Deno.test("a corner crop moves pixels by the offset and reflects across the border", () => {
  const src = image(0);
  const tl = augmented(src, 0, 0, false); // top-left of the padded image
  assertEquals(at(tl, 4, 4), at(src, 0, 0));
  assertEquals(at(tl, 10, 20), at(src, 6, 16));
  assertEquals(at(tl, 0, 0), at(src, 4, 4)); // reflection, edge not repeated
  assertEquals(at(tl, 2, 5), at(src, 2, 1));
  const br = augmented(src, 8, 8, false);
  assertEquals(at(br, 0, 0), at(src, 4, 4));
  assertEquals(at(br, 31, 31), at(src, 27, 27)); // padded 39 -> source 35 -> reflected 27
  for (
    const [dx, dy, flip] of [[0, 0, false], [8, 3, true], [5, 8, false], [1, 7, true]] as const
  ) {
    assertEquals([...augmented(src, dx, dy, flip)], reference(src, dx, dy, flip));
  }
});

Deno.test("augmentation draws depend only on (seed, epoch, index) and cover offsets and flips", () => {
  assertEquals(augmentDraw(3, 2, 17, 4, "crop+flip"), augmentDraw(3, 2, 17, 4, "crop+flip"));
  const draws = Array.from({ length: 400 }, (_, i) => augmentDraw(3, 2, i, 4, "crop+flip"));
  const flips = draws.filter((d) => d.flip).length;
  assert(flips > 150 && flips < 250, `flips ${flips} of 400`);
  assertEquals(new Set(draws.map((d) => d.dx)).size, 9);
  assertEquals(new Set(draws.map((d) => d.dy)).size, 9);
  assertEquals(augmentDraw(3, 2, 17, 4, "none"), { dx: 4, dy: 4, flip: false });
  assert(
    Array.from({ length: 50 }, (_, i) => augmentDraw(1, 0, i, 4, "flip")).every((d) =>
      d.dx === 4 && d.dy === 4
    ),
  );
  assert(
    Array.from({ length: 50 }, (_, i) => augmentDraw(1, 0, i, 4, "crop")).every((d) => !d.flip),
  );
});

const n = 10;
const split: ImageSplit = {
  count: n,
  images: (() => {
    const all = new Uint8Array(n * 3072);
    for (let i = 0; i < n; i++) all.set(image(i * 11), i * 3072);
    return all;
  })(),
  labels: Int32Array.from({ length: n }, (_, i) => i),
};
const opts = (o: Partial<ImageBatchOptions> = {}): ImageBatchOptions => ({
  batchSize: 4,
  epoch: 0,
  seed: 9,
  train: true,
  ...o,
});

Deno.test("training batches are a deterministic shuffle whose images are their sources augmented", () => {
  const a = [...imageBatches(split, opts(), cfg)];
  const b = [...imageBatches(split, opts(), cfg)];
  assertEquals(a, b);
  const order = a.flatMap((x) => [...x.y]);
  assertEquals([...order].sort((p, q) => p - q), Array.from({ length: n }, (_, i) => i));
  for (const batch of a) {
    batch.y.forEach((src, i) => {
      const d = augmentDraw(9, 0, src, 4, "crop+flip");
      const got = [...batch.x.subarray(i * 3072, (i + 1) * 3072)];
      assertEquals(
        got,
        reference(split.images.subarray(src * 3072, (src + 1) * 3072), d.dx, d.dy, d.flip),
      );
    });
  }
  const other = [...imageBatches(split, opts({ epoch: 1 }), cfg)];
  assertNotEquals(other.flatMap((x) => [...x.y]), order);
});

Deno.test("startBatch resumes an epoch with exactly the batches it would have seen", () => {
  const all = [...imageBatches(split, opts(), cfg)];
  assertEquals([...imageBatches(split, opts({ startBatch: 2 }), cfg)], all.slice(2));
  assertEquals([...imageBatches(split, opts({ startBatch: 3 }), cfg)], []);
});

Deno.test("evaluation batches keep file order and are not augmented", () => {
  const [first] = imageBatches(split, opts({ train: false }), cfg);
  assertEquals([...first.y], [0, 1, 2, 3]);
  assertEquals([...first.x.subarray(3072, 6144)], [...split.images.subarray(3072, 6144)]);
});
