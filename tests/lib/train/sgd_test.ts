import { deepEqual, ok } from "node:assert/strict";
import { clipByGlobalNorm, Sgd } from "../../../lib/train/sgd.ts";
import { CIFAR_RECIPE, stepLr } from "../../../lib/train/recipe.ts";

const { ctx } = await (await import("../../../lib/executors/cpu/mod.ts")).load();
const tf = ctx.tf;

function close(a: ArrayLike<number>, b: number[], tol = 1e-6) {
  ok(Array.from(a).every((v, i) => Math.abs(v - b[i]) < tol), `${Array.from(a)} != ${b}`);
}

Deno.test("Sgd with Nesterov momentum and weight decay matches PyTorch's update rule", () => {
  const w = tf.variable(tf.tensor1d([1, -2]));
  const sgd = new Sgd(tf, [w], { momentum: 0.9, nesterov: true, weightDecay: 0.1 });
  const lr = 0.5;
  // Hand computation: g' = g + wd*w; v = mu*v + g'; w -= lr*(g' + mu*v)
  let wv = [1, -2], v = [0, 0];
  for (const g of [[0.5, 0.25], [-1, 2]]) {
    sgd.apply([tf.tensor1d(g)], lr);
    const gp = g.map((x, i) => x + 0.1 * wv[i]);
    v = v.map((x, i) => 0.9 * x + gp[i]);
    wv = wv.map((x, i) => x - lr * (gp[i] + 0.9 * v[i]));
    close(w.dataSync(), wv);
  }
  sgd.dispose();
});

Deno.test("Sgd state round-trips through state() and restore()", async () => {
  const w = tf.variable(tf.tensor1d([1, 2, 3]));
  const a = new Sgd(tf, [w], { momentum: 0.9, nesterov: false, weightDecay: 0 });
  a.apply([tf.tensor1d([1, 1, 1])], 0.1);
  const state = await a.state();
  const b = new Sgd(tf, [w], { momentum: 0.9, nesterov: false, weightDecay: 0 });
  b.restore(state);
  deepEqual(Array.from(b.velocities[0].dataSync()), Array.from(state[0]));
});

Deno.test("clipByGlobalNorm scales all gradients by one factor to the max norm", () => {
  const [a, b] = clipByGlobalNorm(tf, [tf.tensor1d([3, 0]), tf.tensor1d([0, 4])], 1);
  close(a.dataSync(), [0.6, 0]);
  close(b.dataSync(), [0, 0.8]);
  const [c] = clipByGlobalNorm(tf, [tf.tensor1d([0.3, 0.4])], 1);
  close(c.dataSync(), [0.3, 0.4]);
});

Deno.test("the step schedule drops lr x0.2 at 60/120/160 of 200 epochs and scales with epochs", () => {
  deepEqual([0, 59, 60, 119, 120, 160, 199].map((e) => +stepLr(CIFAR_RECIPE, e).toPrecision(6)), [
    0.1,
    0.1,
    0.02,
    0.02,
    0.004,
    0.0008,
    0.0008,
  ]);
  const short = { ...CIFAR_RECIPE, epochs: 10 };
  deepEqual([0, 2, 3, 6, 8].map((e) => +stepLr(short, e).toPrecision(6)), [
    0.1,
    0.1,
    0.02,
    0.004,
    0.0008,
  ]);
  // A one-epoch run trains at the initial rate.
  deepEqual(stepLr({ ...CIFAR_RECIPE, epochs: 1 }, 0), 0.1);
});
