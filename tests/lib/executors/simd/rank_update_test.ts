import assert from "node:assert/strict";
import { rankUpdateKernel } from "../../../../lib/executors/simd/rank_update.ts";
import { hasRelaxedSimd } from "../../../../lib/executors/simd/assembler.ts";
import { mulberry32 } from "../../../../lib/util/rng.ts";

for (const shared of [false, true]) {
  for (const fused of hasRelaxedSimd() ? [false, true] : [false]) {
    const what = `${shared ? "shared" : "plain"} memory, ${fused ? "fused" : "separate"} madd`;
    Deno.test(`rankUpdate adds Σ x ⊗ dy over a strided grid (${what})`, () => {
      const memory = shared
        ? new WebAssembly.Memory({ initial: 4, maximum: 16, shared: true })
        : new WebAssembly.Memory({ initial: 4 });
      const f = new Float32Array(memory.buffer);
      const rng = mulberry32(shared ? 1 : 2);
      const [ci, co, rows] = [8, 16, 3];
      // x vectors every 3·ci floats, rows 40·ci apart; dy vectors packed, rows 7·co apart.
      const [xs, xr, ds, dr] = [3 * ci, 40 * ci, co, 7 * co];
      const update = rankUpdateKernel(memory, 4 * xs, 4 * ds, fused);
      const [x, dy, acc] = [64, 8192, 16000];
      // Counts below, at and past the four positions the kernel unrolls.
      for (const count of [1, 3, 4, 5, 9]) {
        for (let i = 0; i < 4000; i++) f[x + i] = rng() - 0.5;
        for (let i = 0; i < 4000; i++) f[dy + i] = rng() - 0.5;
        for (let i = 0; i < ci * co; i++) f[acc + i] = i;
        const want = Float64Array.from({ length: ci * co }, (_, i) => i);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < count; j++) {
            for (let a = 0; a < ci; a++) {
              for (let b = 0; b < co; b++) {
                want[a * co + b] += f[x + r * xr + j * xs + a] * f[dy + r * dr + j * ds + b];
              }
            }
          }
        }
        update(4 * x, 4 * dy, 4 * acc, count, ci, co, rows, 4 * xr, 4 * dr);
        for (let i = 0; i < ci * co; i++) {
          assert(
            Math.abs(f[acc + i] - want[i]) < 1e-4,
            `count ${count}: acc[${i}] = ${f[acc + i]}, want ${want[i]}`,
          );
        }
        // Nothing outside the accumulator is written.
        assert.equal(f[acc + ci * co], 0);
        assert.equal(f[acc - 1], 0);
      }
    });
  }
}

Deno.test("rankUpdate compiles one module per stride pair and reuses it", () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  assert.equal(rankUpdateKernel(memory, 64, 32), rankUpdateKernel(memory, 64, 32));
  assert.notEqual(rankUpdateKernel(memory, 64, 32), rankUpdateKernel(memory, 64, 64));
});
