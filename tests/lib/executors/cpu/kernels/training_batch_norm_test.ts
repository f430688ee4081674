import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import { load } from "../../../../../lib/executors/cpu/mod.ts";
import { trainingBatchNorm } from "../../../../../lib/executors/cpu/kernels/training_batch_norm.ts";
import { mulberry32 } from "../../../../../lib/util/rng.ts";
import { assertClose } from "../../conformance.ts";

const { tf } = (await load()).ctx;

function randn(shape: number[], seed: number, shift = 0): tfc.Tensor {
  const rng = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => (rng() * 2 - 1) * 3 + shift), shape);
}

/** The same normalisation written with plain tf ops, differentiated by tfjs itself. */
function plain(x: tfc.Tensor, scale: tfc.Tensor, offset: tfc.Tensor, eps: number, relu: boolean) {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const y = tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), scale), offset);
  return [relu ? tf.relu(y) : y, mean, variance];
}

// Channel counts with and without a multiple of four (the loops' unrolled and remainder paths).
const SHAPES = [[4, 5, 6, 8], [7, 3], [2, 3, 3, 6], [64, 20]];

Deno.test("TrainingBatchNorm returns the plain formula's output, batch mean and biased variance", () => {
  for (const shape of SHAPES) {
    for (const relu of [false, true]) {
      tf.tidy(() => {
        const c = shape[shape.length - 1];
        const x = randn(shape, 1, 2), scale = randn([c], 2), offset = randn([c], 3);
        const got = trainingBatchNorm(tf, x, scale, offset, 1e-3, relu);
        const want = plain(x, scale, offset, 1e-3, relu);
        assert.deepEqual(got.map((t) => t.shape), want.map((t) => t.shape));
        ["y", "mean", "variance"].forEach((what, i) =>
          assertClose(got[i].dataSync(), want[i].dataSync(), `${what} ${shape} relu=${relu}`, 1e-5)
        );
      });
    }
  }
});

Deno.test("TrainingBatchNorm's gradient matches autodiff through the batch statistics", () => {
  for (const shape of SHAPES) {
    for (const relu of [false, true]) {
      tf.tidy(() => {
        const c = shape[shape.length - 1];
        const x = randn(shape, 4, -1), scale = randn([c], 5), offset = randn([c], 6);
        const r = randn(shape, 7), rm = randn([c], 8), rv = randn([c], 9);
        // The loss reads the statistics too, so their (rarely non-zero) gradients are covered.
        const loss = (parts: tfc.Tensor[]) =>
          tf.addN([
            tf.sum(tf.mul(parts[0], r)),
            tf.sum(tf.mul(parts[1], rm)),
            tf.sum(tf.mul(parts[2], rv)),
          ]);
        const got = tf.grads((a: tfc.Tensor, b: tfc.Tensor, o: tfc.Tensor) =>
          loss(trainingBatchNorm(tf, a, b, o, 1e-3, relu))
        )([x, scale, offset]);
        const want = tf.grads((a: tfc.Tensor, b: tfc.Tensor, o: tfc.Tensor) =>
          loss(plain(a, b, o, 1e-3, relu))
        )([x, scale, offset]);
        ["x", "scale", "offset"].forEach((what, i) =>
          assertClose(
            got[i].dataSync(),
            want[i].dataSync(),
            `d/d${what} ${shape} relu=${relu}`,
            2e-4,
          )
        );
      });
    }
  }
});

Deno.test("TrainingBatchNorm names the shapes it refuses", () => {
  tf.tidy(() => {
    assert.throws(
      () => trainingBatchNorm(tf, tf.zeros([4, 3]), tf.zeros([4]), tf.zeros([4]), 1e-3, false),
      /x \[4,3\].*scale \[4\]/,
    );
  });
});
