/**
 * Conformance of every onednn kernel and gradient with the cpu backend on random inputs.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import { assertSameOnBoth, backendOf, onednnTest } from "./harness.ts";

type Tf = typeof tfc;

function rand(tf: Tf, shape: number[], seed: number): tfc.Tensor {
  return tf.randomNormal(shape, 0, 1, "float32", seed);
}

/** dy·f(x) summed: a scalar whose gradient wrt x is f's vector-Jacobian product with dy. */
function weighted(tf: Tf, y: tfc.Tensor, seed: number): tfc.Scalar {
  return tf.sum(tf.mul(y, rand(tf, y.shape, seed)));
}

onednnTest("Conv2D and its gradients match cpu over shapes, strides, paddings, batches", (ex) => {
  const tf = ex.ctx.tf;
  // [batch, size, inC, outC, kernel, stride, pad]; the 3-channel input layer comes first.
  const cases: Array<[number, number, number, number, number, number, "same" | "valid" | number]> =
    [
      [8, 16, 3, 16, 3, 1, "same"],
      [2, 9, 5, 7, 3, 2, "same"],
      [3, 8, 4, 6, 1, 2, "same"],
      [2, 9, 4, 6, 3, 2, "valid"],
      [1, 7, 2, 3, 5, 1, 1],
      [4, 8, 16, 32, 3, 1, "same"],
      [5, 6, 8, 8, 1, 1, "valid"],
      [2, 10, 6, 4, 3, 3, "valid"],
    ];
  for (const [n, h, ic, oc, k, s, pad] of cases) {
    const what = `conv ${JSON.stringify([n, h, ic, oc, k, s, pad])}`;
    assertSameOnBoth(ex, what, () => {
      const x = rand(tf, [n, h, h, ic], 1) as tfc.Tensor4D;
      const w = rand(tf, [k, k, ic, oc], 2) as tfc.Tensor4D;
      const y = tf.conv2d(x, w, s, pad);
      const grads = tf.grads((a, b) =>
        weighted(tf, tf.conv2d(a as tfc.Tensor4D, b as tfc.Tensor4D, s, pad), 3)
      )(
        [x, w],
      );
      return [y, ...grads];
    });
  }
});

onednnTest("dilated Conv2D matches cpu", (ex) => {
  const tf = ex.ctx.tf;
  assertSameOnBoth(ex, "dilated conv", () => {
    const x = rand(tf, [2, 12, 12, 4], 1) as tfc.Tensor4D;
    const w = rand(tf, [3, 3, 4, 5], 2) as tfc.Tensor4D;
    return tf.conv2d(x, w, 1, "same", "NHWC", 2);
  });
});

onednnTest("FusedConv2D with bias and relu, and its gradients, match cpu", (ex) => {
  const tf = ex.ctx.tf;
  for (const activation of ["linear", "relu"] as const) {
    assertSameOnBoth(ex, `fused conv ${activation}`, () => {
      const x = rand(tf, [4, 8, 8, 6], 1) as tfc.Tensor4D;
      const w = rand(tf, [3, 3, 6, 8], 2) as tfc.Tensor4D;
      const bias = rand(tf, [8], 3) as tfc.Tensor1D;
      const f = (a: tfc.Tensor, b: tfc.Tensor, c: tfc.Tensor) =>
        tf.fused.conv2d({
          x: a as tfc.Tensor4D,
          filter: b as tfc.Tensor4D,
          strides: 1,
          pad: "same",
          bias: c,
          activation,
        });
      return [f(x, w, bias), ...tf.grads((a, b, c) => weighted(tf, f(a, b, c), 4))([x, w, bias])];
    });
  }
});

onednnTest(
  "the training batch norm layer matches cpu: output, gradients, moving statistics",
  (ex) => {
    const { tf, tfl } = ex.ctx;
    for (const shape of [[4, 8, 8, 16], [32, 24], [3, 5, 7, 3]]) {
      assertSameOnBoth(
        ex,
        `bn ${shape}`,
        () => {
          const layer = tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
          const c = shape[shape.length - 1];
          layer.build([null, ...shape.slice(1)]);
          layer.setWeights([rand(tf, [c], 11), rand(tf, [c], 12), rand(tf, [c], 13), tf.ones([c])]);
          const x = tf.add(tf.mul(rand(tf, shape, 1), 3), 1);
          const f = () => weighted(tf, layer.apply(x, { training: true }) as tfc.Tensor, 2);
          const y = layer.apply(x, { training: true }) as tfc.Tensor;
          const dx = tf.grad((a: tfc.Tensor) =>
            weighted(tf, layer.apply(a, { training: true }) as tfc.Tensor, 2)
          )(x);
          const { grads } = tf.variableGrads(f);
          return [y, dx, ...Object.values(grads), ...layer.getWeights()];
        },
        1e-4,
        shape.length === 4 || shape.length === 2,
      );
    }
  },
);

onednnTest(
  "batch norm then ReLU trains as on cpu, with channel counts oneDNN fuses fast and those it does not",
  (ex) => {
    const { tf, tfl } = ex.ctx;
    // 16 channels take oneDNN's fused ReLU; 12 and 36 (not multiples of 8) a separate ReLU.
    for (const c of [16, 12, 36]) {
      assertSameOnBoth(ex, `bn+relu ${c}`, () => {
        const model = tfl.sequential({
          layers: [
            tfl.layers.batchNormalization({ inputShape: [6, 6, c] }),
            tfl.layers.reLU(),
          ],
        });
        model.layers[0].setWeights([
          rand(tf, [c], 21),
          rand(tf, [c], 22),
          tf.zeros([c]),
          tf.ones([c]),
        ]);
        const x = rand(tf, [4, 6, 6, c], 23);
        const f = (a: tfc.Tensor) =>
          weighted(tf, model.apply(a, { training: true }) as tfc.Tensor, 24);
        const y = model.apply(x, { training: true }) as tfc.Tensor;
        const dx = tf.grad(f)(x);
        const { grads } = tf.variableGrads(() => f(x));
        return [y, dx, ...Object.values(grads)];
      });
    }
  },
);

onednnTest("FusedBatchNorm with given statistics (inference) matches cpu", (ex) => {
  const tf = ex.ctx.tf;
  assertSameOnBoth(ex, "batchNorm", () => {
    const x = rand(tf, [4, 16, 16, 8], 1);
    return [
      tf.batchNorm(
        x,
        rand(tf, [8], 2),
        tf.abs(rand(tf, [8], 3)),
        rand(tf, [8], 4),
        rand(tf, [8], 5),
      ),
      tf.batchNorm(x, rand(tf, [8], 2), tf.abs(rand(tf, [8], 3))),
    ];
  });
});

onednnTest("ReLU, sigmoid and tanh and their gradients match cpu", (ex) => {
  const tf = ex.ctx.tf;
  for (const name of ["relu", "sigmoid", "tanh"] as const) {
    assertSameOnBoth(ex, name, () => {
      const x = rand(tf, [4, 16, 16, 8], 1);
      const f = (a: tfc.Tensor) => tf[name](a);
      return [f(x), tf.grad((a: tfc.Tensor) => weighted(tf, f(a), 2))(x)];
    });
  }
});

onednnTest("exp, log, square, sqrt, abs and neg match cpu", (ex) => {
  const tf = ex.ctx.tf;
  assertSameOnBoth(ex, "unary", () => {
    const x = rand(tf, [5000], 1);
    const pos = tf.add(tf.abs(x), 0.1);
    return [tf.exp(x), tf.log(pos), tf.square(x), tf.sqrt(pos), tf.abs(x), tf.neg(x)];
  });
});

onednnTest("binary ops with broadcasting either way match cpu", (ex) => {
  const tf = ex.ctx.tf;
  const shapes: Array<[number[], number[]]> = [
    [[4, 16, 16, 8], [4, 16, 16, 8]],
    [[4, 16, 16, 8], [8]],
    [[8], [4, 16, 16, 8]],
    [[4, 16, 16, 8], [4, 1, 1, 8]],
    [[1, 16, 1, 1], [4, 16, 16, 8]],
    [[16, 1, 8], [4, 16, 16, 8]],
    [[4, 16, 16, 8], []],
  ];
  for (const [sa, sb] of shapes) {
    assertSameOnBoth(ex, `binary ${JSON.stringify([sa, sb])}`, () => {
      const a = rand(tf, sa, 1);
      const b = rand(tf, sb, 2);
      const nonzero = tf.add(tf.abs(b), 0.5);
      return [
        tf.add(a, b),
        tf.sub(a, b),
        tf.mul(a, b),
        tf.div(a, nonzero),
        tf.maximum(a, b),
        tf.minimum(a, b),
      ];
    });
  }
});

onednnTest("int32 arithmetic falls back to the cpu kernels and stays exact", (ex) => {
  const tf = ex.ctx.tf;
  tf.setBackend("onednn");
  const a = tf.range(0, 10000, 1, "int32");
  const out = tf.add(tf.mul(a, a), a);
  equal(out.dtype, "int32");
  equal(out.dataSync()[9999], 9999 * 9999 + 9999);
  tf.dispose([a, out]);
});

onednnTest("reductions over any axes (and the global average pool) match cpu", (ex) => {
  const tf = ex.ctx.tf;
  assertSameOnBoth(ex, "reductions", () => {
    const x = rand(tf, [4, 16, 16, 8], 1);
    return [
      tf.sum(x, [0, 1, 2]),
      tf.mean(x, [1, 2]),
      tf.mean(x, [1, 2], true),
      tf.mean(x, 0),
      tf.max(x, -1),
      tf.min(x, [0, 3], true),
      tf.sum(x),
      tf.grad((a: tfc.Tensor) => weighted(tf, tf.mean(a, [1, 2]), 2))(x),
    ];
  });
});

onednnTest("softmax, and the log-softmax cross-entropy gradient, match cpu", (ex) => {
  const tf = ex.ctx.tf;
  assertSameOnBoth(ex, "softmax", () => {
    const z = rand(tf, [64, 100], 1);
    const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i), "int32"), 100);
    const loss = (a: tfc.Tensor) => tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(a)), 1)));
    return [tf.softmax(z), loss(z), tf.grad(loss)(z)];
  });
});

onednnTest("matmuls with transposes, batch broadcast, fused bias and relu match cpu", (ex) => {
  const tf = ex.ctx.tf;
  assertSameOnBoth(ex, "matmul", () => {
    const a = rand(tf, [64, 32], 1) as tfc.Tensor2D;
    const at = rand(tf, [32, 64], 2) as tfc.Tensor2D;
    const b = rand(tf, [32, 48], 3) as tfc.Tensor2D;
    const bt = rand(tf, [48, 32], 4) as tfc.Tensor2D;
    return [
      tf.matMul(a, b),
      tf.matMul(at, b, true),
      tf.matMul(a, bt, false, true),
      tf.matMul(at, bt, true, true),
      tf.matMul(rand(tf, [3, 32, 64], 5), rand(tf, [1, 64, 48], 6)),
      tf.fused.matMul({ a, b, bias: rand(tf, [48], 7), activation: "relu" }),
      ...tf.grads((x, y) => weighted(tf, tf.matMul(x as tfc.Tensor2D, y as tfc.Tensor2D), 8))(
        [a, b],
      ),
    ];
  });
});

onednnTest("max and average pooling and their gradients match cpu", (ex) => {
  const tf = ex.ctx.tf;
  const cases: Array<[number, number, "same" | "valid"]> = [
    [3, 2, "same"],
    [2, 2, "valid"],
    [3, 1, "same"],
    [1, 2, "valid"],
  ];
  for (const [k, s, pad] of cases) {
    assertSameOnBoth(ex, `pool ${k} ${s} ${pad}`, () => {
      const x = rand(tf, [4, 16, 16, 8], 1) as tfc.Tensor4D;
      const mp = (a: tfc.Tensor) => tf.maxPool(a as tfc.Tensor4D, k, s, pad);
      const ap = (a: tfc.Tensor) => tf.avgPool(a as tfc.Tensor4D, k, s, pad);
      return [
        mp(x),
        ap(x),
        tf.grad((a: tfc.Tensor) => weighted(tf, mp(a), 2))(x),
        tf.grad((a: tfc.Tensor) => weighted(tf, ap(a), 3))(x),
      ];
    });
  }
});

onednnTest("slice, pad, concat and unstack (and their gradients) match cpu", (ex) => {
  const tf = ex.ctx.tf;
  assertSameOnBoth(ex, "copies", () => {
    const x = rand(tf, [4, 16, 16, 8], 1);
    const y = rand(tf, [4, 16, 16, 3], 2);
    return [
      tf.slice(x, [1, 2, 3, 1], [2, 5, 6, 4]),
      tf.slice(x, [0, 0, 0, 4], [-1, -1, -1, 4]),
      tf.pad(x, [[0, 0], [1, 2], [2, 1], [3, 0]], 0.5),
      tf.concat([x, y, x], 3),
      tf.concat([x, x], 1),
      ...tf.unstack(rand(tf, [8, 7, 96], 3), 1),
      ...tf.grads((a, b) => weighted(tf, tf.concat([a, b], 3), 4))([x, y]),
      tf.grad((a: tfc.Tensor) => weighted(tf, tf.pad(a, [[0, 0], [1, 1], [1, 1], [0, 0]]), 5))(x),
    ];
  });
});

onednnTest("a reader's data stays intact after its tensor is disposed and buffers are reused", (
  ex,
) => {
  const tf = ex.ctx.tf;
  tf.setBackend("onednn");
  const x = rand(tf, [64, 100], 1);
  const y = tf.relu(x);
  const read = y.dataSync();
  const copy = Float32Array.from(read);
  y.dispose();
  const others = Array.from({ length: 4 }, (_, i) => tf.relu(rand(tf, [64, 100], 10 + i)));
  deepEqual(read, copy);
  // A contiguous slice is a view of its parent's buffer: the parent's disposal must not free it.
  const parent = tf.relu(x);
  const view = tf.slice(parent, [0, 0], [32, 100]);
  const expected = Float32Array.from(view.dataSync());
  parent.dispose();
  const more = Array.from({ length: 4 }, (_, i) => tf.relu(rand(tf, [64, 100], 20 + i)));
  deepEqual(view.dataSync(), expected);
  tf.dispose([x, view, ...others, ...more]);
});

onednnTest("primitives are created once per shape and reused", (ex) => {
  const tf = ex.ctx.tf;
  tf.setBackend("onednn");
  const backend = backendOf(ex);
  const run = () =>
    tf.tidy(() =>
      tf.conv2d(
        rand(tf, [2, 8, 8, 4], 1) as tfc.Tensor4D,
        rand(tf, [3, 3, 4, 4], 2) as tfc.Tensor4D,
        1,
        "same",
      )
    );
  run().dispose();
  const plans = backend.planCount;
  for (let i = 0; i < 3; i++) run().dispose();
  equal(backend.planCount, plans);
  ok(plans > 0);
});

onednnTest("a fused convolution's input gradient that nobody reads is never computed", (ex) => {
  const tf = ex.ctx.tf;
  tf.setBackend("onednn");
  const dnnl = backendOf(ex).dnnl;
  const x = rand(tf, [4, 8, 8, 3], 1) as tfc.Tensor4D;
  const w = rand(tf, [3, 3, 3, 8], 2) as tfc.Tensor4D;
  const f = (a: tfc.Tensor, b: tfc.Tensor) =>
    weighted(
      tf,
      tf.fused.conv2d({ x: a as tfc.Tensor4D, filter: b as tfc.Tensor4D, strides: 1, pad: "same" }),
      3,
    );
  const runsOf = (g: () => tfc.Tensor[]) => {
    tf.dispose(g()); // first call creates and warms the primitives
    const before = dnnl.runs;
    const out = g();
    for (const t of out) t.dataSync(); // what is read must be computed
    const runs = dnnl.runs - before;
    tf.dispose(out);
    return runs;
  };
  const filterOnly = runsOf(() => [tf.grad((b: tfc.Tensor) => f(x, b))(w)]);
  const both = runsOf(() => tf.grads(f)([x, w]));
  ok(filterOnly < both, `filter-only gradient ran ${filterOnly} primitives, both ran ${both}`);
  tf.dispose([x, w]);
});

onednnTest("splitV, transpose, gather and the embedding gradient match cpu", (ex) => {
  const tf = ex.ctx.tf;
  assertSameOnBoth(ex, "split/transpose/gather", () => {
    const x = rand(tf, [16, 40, 24], 1);
    const table = rand(tf, [300, 24], 2);
    const ids = tf.tensor2d([[3, 299, 0, 3], [7, 7, 150, 1]], [2, 4], "int32");
    return [
      ...tf.split(x, [10, 20, 10], 1),
      ...tf.split(x, 4, 2),
      tf.transpose(x, [2, 0, 1]),
      tf.transpose(x, [1, 0, 2]),
      tf.gather(table, ids),
      tf.grad((t: tfc.Tensor) => weighted(tf, tf.gather(t, ids), 3))(table),
    ];
  });
});
