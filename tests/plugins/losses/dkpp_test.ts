import assert from "node:assert/strict";
import { dkpp, dkppTarget, seededPermutations } from "../../../plugins/losses/dkpp.ts";
import type { DkppPermute } from "../../../plugins/losses/dkpp.ts";
import type { TfContext } from "../../../lib/plugin/runtime.ts";
import { assertAllClose, cpuContext, inputsOf, softmax, valueAndGrad } from "./helpers.ts";

const CLASSES = 8;
const ARGMAX = [0, 7, 3, 7];

/** Four rows, eight classes; every value distinct within and across rows; argmax at ARGMAX. */
function teacher(): number[][] {
  return ARGMAX.map((top, r) => {
    const raw = Array.from({ length: CLASSES }, (_, k) => 1 + k + 10 * r + ((k * 5) % 3) / 7);
    // Put the largest value at `top`, the others in a row-specific order.
    const rest = raw.slice(0, CLASSES - 1).reverse();
    const row = Array.from({ length: CLASSES }, (_, i) => (i === top ? raw[CLASSES - 1] : 0));
    let j = (r * 3) % rest.length;
    for (let i = 0; i < CLASSES; i++) if (i !== top) row[i] = rest[j++ % rest.length];
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / sum);
  });
}

async function target(seed: number, permute: DkppPermute, rows = teacher()) {
  const { tf } = await cpuContext();
  const p = tf.tensor2d(rows);
  return { p: p.arraySync(), out: dkppTarget(tf, p, seed, permute).arraySync() };
}

const nonArgmax = (row: number[], top: number) => row.filter((_, i) => i !== top);
const argmaxOf = (row: number[]) => row.indexOf(Math.max(...row));

/**
 * Whether each row of `out` keeps the same row of `p`'s argmax entry in place and holds
 * exactly that row's other values. Shuffling the batch's rows fails it.
 */
function isClassPermutationPerRow(p: number[][], out: number[][]): boolean {
  return p.every((row, s) => {
    const top = argmaxOf(row);
    if (out[s][top] !== row[top]) return false;
    const a = [...nonArgmax(row, top)].sort();
    const b = [...nonArgmax(out[s], top)].sort();
    return a.every((v, i) => v === b[i]);
  });
}

/** For each row, sigma with out[k_r] = p[k_sigma(r)], k the non-argmax classes in order. */
function rankPermutations(p: number[][], out: number[][]): number[][] {
  return p.map((row, s) => {
    const top = argmaxOf(row);
    const src = nonArgmax(row, top);
    return nonArgmax(out[s], top).map((v) => src.indexOf(v));
  });
}

Deno.test("dkpp() permutes per sample by default, needs a teacher, rejects other modes", () => {
  assert.deepEqual(dkpp().params, { permute: "sample" });
  assert.equal(dkpp().needsTeacher, true);
  assert.throws(
    () => dkpp({ permute: "rows" as DkppPermute }),
    /permute must be "sample" or "batch": got "rows"/,
  );
});

for (const permute of ["sample", "batch"] as const) {
  Deno.test(`dkpp target (${permute}) keeps the argmax entry and permutes the rest of its own row`, async () => {
    const { p, out } = await target(11, permute);
    assert.ok(isClassPermutationPerRow(p, out));
    out.forEach((row) => assertAllClose(row.reduce((a, b) => a + b, 0), 1));
    // The other classes really move: an identity on all rows is a 1 in 5040^k event.
    assert.ok(out.some((row, s) => row.some((v, i) => v !== p[s][i])));
  });
}

Deno.test("the row-permutation check rejects the wrong reading that shuffles examples", async () => {
  const { p } = await target(11, "sample");
  const rowsShuffled = [p[2], p[0], p[3], p[1]];
  assert.equal(isClassPermutationPerRow(p, rowsShuffled), false);
  assert.equal(isClassPermutationPerRow(p, p), true);
});

Deno.test("dkpp target is fixed by the seed and changes with it", async () => {
  for (const permute of ["sample", "batch"] as const) {
    const a = await target(3, permute);
    const b = await target(3, permute);
    const c = await target(4, permute);
    assert.deepEqual(a.out, b.out);
    assert.notDeepEqual(a.out, c.out);
  }
});

Deno.test("dkpp per-sample draws a permutation per row; per-batch shares one by rank", async () => {
  const sample = await target(5, "sample");
  const perSample = rankPermutations(sample.p, sample.out);
  assert.ok(perSample.some((sigma) => sigma.join() !== perSample[0].join()));

  const batch = await target(5, "batch");
  const perBatch = rankPermutations(batch.p, batch.out);
  for (const sigma of perBatch) assert.deepEqual(sigma, perBatch[0]);
  // The shared permutation is the one drawn for the seed.
  assert.deepEqual(perBatch[0], [...seededPermutations(5, 1, CLASSES - 1)]);

  // Identical rows stay identical under one shared permutation, not under per-row ones.
  const same = [teacher()[1], teacher()[1], teacher()[1], teacher()[1]];
  const shared = (await target(9, "batch", same)).out;
  for (const row of shared) assert.deepEqual(row, shared[0]);
  const own = (await target(9, "sample", same)).out;
  assert.ok(own.some((row) => row.join() !== own[0].join()));
});

Deno.test("dkpp with two classes has nothing to permute", async () => {
  const rows = [[0.3, 0.7], [0.9, 0.1]];
  assert.deepEqual((await target(1, "sample", rows)).out, (await target(1, "sample", rows)).p);
});

Deno.test("seededPermutations are uniform permutations", () => {
  const perms = seededPermutations(42, 4000, 3);
  const counts = new Map<string, number>();
  for (let r = 0; r < 4000; r++) {
    const key = perms.slice(r * 3, r * 3 + 3).join();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 6);
  // Each of the 6 orders expects 667; 5 standard deviations is about 118.
  for (const [key, n] of counts) assert.ok(Math.abs(n - 4000 / 6) < 120, `${key}: ${n}`);
});

Deno.test("dkpp loss is CE(p~, q) with gradient (q - p~) / N", async () => {
  const ctx: TfContext = await cpuContext();
  const p = teacher();
  const logits = p.map((row, s) => row.map((v, i) => Math.sin(7 * s + i) + v));
  for (const permute of ["sample", "batch"] as const) {
    const inputs = inputsOf(ctx, { logits, labels: [0, 0, 0, 0], teacher: p, seed: 21 });
    const { value, grad } = valueAndGrad(dkpp.plugin, { permute }, inputs);
    const pt = dkppTarget(ctx.tf, inputs.teacherProbs!, 21, permute).arraySync();
    const n = logits.length;
    const q = logits.map(softmax);
    const want = -q.reduce(
      (acc, row, s) => acc + row.reduce((a, qi, i) => a + pt[s][i] * Math.log(qi), 0),
      0,
    ) / n;
    assertAllClose(value, want);
    assertAllClose(grad, q.map((row, s) => row.map((qi, i) => (qi - pt[s][i]) / n)));
  }
});
