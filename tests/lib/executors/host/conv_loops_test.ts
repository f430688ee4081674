import assert from "node:assert/strict";
import {
  type ConvGeometry,
  convolveImages,
  tapRuns,
} from "../../../../lib/executors/host/conv_loops.ts";
import { CONV_BIAS, CONV_RELU } from "../../../../lib/executors/simd/conv.ts";
import { mulberry32 } from "../../../../lib/util/rng.ts";

Deno.test("tapRuns groups output positions by the filter taps that land inside the input", () => {
  // 3 taps, stride 1, pad 1 over 5: the first and last positions lose a tap each.
  assert.deepEqual(tapRuns(3, 1, 1, 5, 5), [
    { from: 0, to: 1, k0: 1, k1: 3 },
    { from: 1, to: 4, k0: 0, k1: 3 },
    { from: 4, to: 5, k0: 0, k1: 2 },
  ]);
  // Padding wider than the filter: the outer positions see no tap at all.
  assert.deepEqual(tapRuns(1, 1, 2, 2, 6).map((r) => [r.from, r.to, r.k1 - r.k0]), [
    [0, 2, 0],
    [2, 4, 1],
    [4, 6, 0],
  ]);
});

/** The convolution of geometry `g` written into `out` by plain loops (float64 sums). */
function reference(
  g: ConvGeometry,
  n: number,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  out: Float32Array,
): void {
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < g.ho; i++) {
      for (let j = 0; j < g.wo; j++) {
        for (let o = 0; o < g.co; o++) {
          let sum = g.flags & CONV_BIAS ? bias[o] : 0;
          for (let p = 0; p < g.kh; p++) {
            const y = i * g.sh + p - g.top;
            if (y < 0 || y >= g.h) continue;
            for (let q = 0; q < g.kw; q++) {
              const xx = j * g.sw + q - g.left;
              if (xx < 0 || xx >= g.w) continue;
              for (let c = 0; c < g.ci; c++) {
                sum += x[((b * g.h + y) * g.w + xx) * g.ci + c] *
                  w[((p * g.kw + q) * g.ci + c) * g.co + o];
              }
            }
          }
          if (g.flags & CONV_RELU) sum = Math.max(sum, 0);
          out[b * g.outImage + i * g.outRow + j * g.outPix + o] = sum;
        }
      }
    }
  }
}

Deno.test("convolveImages matches plain loops: pads, strides, crops, block sizes, bias, ReLU, strided output", () => {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const rng = mulberry32(3);
  const cases: [Partial<ConvGeometry>, number][] = [
    // Widths 1–13 give every block size from 1 to 6 and both split sizes.
    ...Array.from(
      { length: 13 },
      (_, i) =>
        [{ h: 3, w: i + 1, ci: 5, co: 8, kh: 3, kw: 3, sh: 1, sw: 1, top: 1, left: 1 }, 2] as [
          Partial<ConvGeometry>,
          number,
        ],
    ),
    [{ h: 9, w: 7, ci: 12, co: 16, kh: 3, kw: 3, sh: 2, sw: 2, top: 1, left: 0 }, 3],
    [{ h: 7, w: 8, ci: 17, co: 8, kh: 2, kw: 3, sh: 3, sw: 1, top: 0, left: 2 }, 2],
    // Padding wider than the filter (no tap reaches the border) and a crop (negative pad).
    [{ h: 4, w: 5, ci: 3, co: 8, kh: 1, kw: 1, sh: 1, sw: 1, top: 2, left: 1 }, 2],
    [{ h: 8, w: 6, ci: 8, co: 16, kh: 2, kw: 2, sh: 1, sw: 1, top: -1, left: -2 }, 2],
    // A tall picture: edge columns run as columns of blocks.
    [{ h: 20, w: 3, ci: 4, co: 8, kh: 3, kw: 3, sh: 1, sw: 1, top: 1, left: 1 }, 1],
  ];
  for (const [partial, n] of cases) {
    for (const flags of [0, CONV_BIAS, CONV_BIAS | CONV_RELU, CONV_RELU]) {
      for (const spread of [1, 2]) {
        const p = partial as
          & Required<Pick<ConvGeometry, "h" | "w" | "ci" | "co" | "kh" | "kw">>
          & ConvGeometry;
        // Outputs as 'same' padding would give; positions past the input see fewer taps.
        const ho = Math.ceil(p.h / p.sh), wo = Math.ceil(p.w / p.sw);
        // With spread 2 the output is every other pixel of a wider picture, as a phase of an
        // input gradient writes it; the pixels in between must stay untouched.
        const g: ConvGeometry = {
          ...p,
          ho,
          wo,
          outPix: spread * p.co,
          outRow: spread * wo * p.co,
          outImage: spread * ho * wo * p.co,
          flags,
        };
        const sizes = [n * p.h * p.w * p.ci, p.kh * p.kw * p.ci * p.co, p.co, n * g.outImage];
        let at = 16;
        const [x, w, bias, out] = sizes.map((size) => {
          const a = new Float32Array(memory.buffer, at * 4, size);
          at += size + 16;
          return a;
        });
        for (const a of [x, w, bias]) for (let i = 0; i < a.length; i++) a[i] = rng() * 2 - 1;
        out.fill(12345);
        const want = Float32Array.from(out);
        reference(g, n, x, w, bias, want);
        const ops = {
          x: x.byteOffset,
          filter: w.byteOffset,
          out: out.byteOffset,
          bias: bias.byteOffset,
        };
        convolveImages(memory, g, ops, 0, n);
        const what = `${JSON.stringify(partial)} n=${n} flags=${flags} spread=${spread}`;
        for (let i = 0; i < out.length; i++) {
          assert(
            Math.abs(out[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])),
            `${what}: out[${i}] = ${out[i]}, want ${want[i]}`,
          );
        }
      }
    }
  }
});
