/**
 * The onednn kernels the executor conformance suite (`conformance_test.ts`) does not cover, against
 * the cpu backend on random inputs: dilated and fused convolutions' gradients, batch norm + ReLU
 * at channel counts oneDNN fuses fast and those it does not, inference batch norm, activations and
 * their gradient kernels, unary and binary elementwise ops, reductions, softmax, fused and
 * broadcast matmuls, pooling, copies (slice, pad, concat, unstack, splitV, transpose) and
 * GatherV2; then the backend's own behaviour (int32 fallback, buffer reuse, primitive cache,
 * unread lazy gradients).
 *
 * Each comparison test names the kernels it covers, and fails unless each of them ran a oneDNN
 * primitive in it; the last test checks that these and the suite's cover every kernel of
 * `onednnKernels()`.
 *
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import {
  BatchMatMul,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  FusedConv2D,
  UnsortedSegmentSum,
} from "@tensorflow/tfjs-core";
import type { LoadedExecutor } from "../../../../lib/executors/executor.ts";
import { onednnKernels } from "../../../../lib/executors/onednn/register_all_kernels.ts";
import {
  BATCH_NORM_TRAINING,
  BATCH_NORM_TRAINING_GRAD,
} from "../../../../lib/executors/onednn/kernels/batch_norm_training.ts";
import { assertSameOnBoth } from "../conformance.ts";
import { backendOf, dnnlRuns, onednnTest } from "./harness.ts";

type Tf = typeof tfc;

/**
 * The onednn kernels the conformance suite runs on the executor, each call checked to run oneDNN
 * primitives (UnsortedSegmentSum, a JavaScript loop, excepted).
 */
const SUITE_KERNELS = [
  Conv2D,
  FusedConv2D,
  Conv2DBackpropInput,
  Conv2DBackpropFilter,
  BatchMatMul,
  UnsortedSegmentSum,
  BATCH_NORM_TRAINING,
  BATCH_NORM_TRAINING_GRAD,
];

/** The kernels the comparison tests below cover. */
const covered = new Set<string>();

/**
 * Run `f` (on both backends, see {@linkcode assertSameOnBoth}) and return the onednn kernels that
 * ran their own code at least once: the registered onednn and cpu kernels are wrapped, and an
 * onednn kernel call that hands its arguments to the cpu kernel (`cpuKernel`, its fallback) does
 * not count. `f` as a whole must have run oneDNN primitives.
 */
async function ownKernelsRun(
  ex: LoadedExecutor,
  what: string,
  f: () => tfc.Tensor | tfc.Tensor[],
  rel?: number,
): Promise<Set<string>> {
  const { tf } = ex.ctx;
  const own = new Set<string>();
  let inside: string | undefined, delegated = false;
  const restore: Array<() => void> = [];
  const wrap = (config: tfc.KernelConfig, around: (run: () => unknown) => unknown) => {
    const run = config.kernelFunc;
    config.kernelFunc = (args) => around(() => run(args)) as ReturnType<tfc.KernelFunc>;
    restore.push(() => (config.kernelFunc = run));
  };
  for (const { kernelName } of onednnKernels()) {
    wrap(tf.getKernel(kernelName, "onednn")!, (run) => {
      if (inside !== undefined) return run();
      [inside, delegated] = [kernelName, false];
      try {
        const out = run();
        if (!delegated) own.add(kernelName);
        return out;
      } finally {
        inside = undefined;
      }
    });
    const cpu = tf.getKernel(kernelName, "cpu");
    if (!cpu) continue; // onednn's own kernel names
    wrap(cpu, (run) => {
      if (inside === kernelName) delegated = true;
      return run();
    });
  }
  try {
    const runs = await assertSameOnBoth(tf, "onednn", what, f, { rel, calls: () => dnnlRuns(ex) });
    ok(runs > 0, `${what}: no oneDNN primitive ran`);
  } finally {
    for (const r of restore) r();
  }
  return own;
}

/**
 * A test comparing onednn with cpu: `fn` calls `same` for each case; each kernel in `kernels`
 * must have run its own code, not the cpu kernel's, in at least one of them.
 */
function compareTest(
  name: string,
  kernels: string[],
  fn: (
    ex: LoadedExecutor,
    same: (what: string, f: () => tfc.Tensor | tfc.Tensor[], rel?: number) => Promise<void>,
  ) => Promise<void>,
) {
  for (const k of kernels) covered.add(k);
  onednnTest(name, async (ex) => {
    const own = new Set<string>();
    await fn(ex, async (what, f, rel) => {
      for (const k of await ownKernelsRun(ex, what, f, rel)) own.add(k);
    });
    const missing = kernels.filter((k) => !own.has(k));
    ok(missing.length === 0, `fell back to the cpu kernel in every case: ${missing.join(", ")}`);
  });
}

function rand(tf: Tf, shape: number[], seed: number): tfc.Tensor {
  return tf.randomNormal(shape, 0, 1, "float32", seed);
}

/** dy·f(x) summed: a scalar whose gradient wrt x is f's vector-Jacobian product with dy. */
function weighted(tf: Tf, y: tfc.Tensor, seed: number): tfc.Scalar {
  return tf.sum(tf.mul(y, rand(tf, y.shape, seed)));
}

compareTest("dilated Conv2D matches cpu", [Conv2D], async (ex, same) => {
  const tf = ex.ctx.tf;
  await same("dilated conv", () => {
    const x = rand(tf, [2, 12, 12, 4], 1) as tfc.Tensor4D;
    const w = rand(tf, [3, 3, 4, 5], 2) as tfc.Tensor4D;
    return tf.conv2d(x, w, 1, "same", "NHWC", 2);
  });
});

compareTest("FusedConv2D with bias and relu, and its gradients, match cpu", [
  FusedConv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  "OnednnReluGrad",
], async (ex, same) => {
  const tf = ex.ctx.tf;
  for (const activation of ["linear", "relu"] as const) {
    await same(`fused conv ${activation}`, () => {
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

compareTest(
  "batch norm then ReLU trains as on cpu, with channel counts oneDNN fuses fast and those it does not",
  [BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD],
  async (ex, same) => {
    const { tf, tfl } = ex.ctx;
    // 16 channels take oneDNN's fused ReLU; 12 and 36 (not multiples of 8) a separate ReLU.
    for (const c of [16, 12, 36]) {
      await same(`bn+relu ${c}`, () => {
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

compareTest(
  "FusedBatchNorm with given statistics (inference) matches cpu",
  ["FusedBatchNorm"],
  async (ex, same) => {
    const tf = ex.ctx.tf;
    await same("batchNorm", () => {
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
  },
);

compareTest("ReLU, sigmoid and tanh and their gradients match cpu", [
  "Relu",
  "Sigmoid",
  "Tanh",
  "OnednnReluGrad",
  "OnednnSigmoidGrad",
  "OnednnTanhGrad",
], async (ex, same) => {
  const tf = ex.ctx.tf;
  for (const name of ["relu", "sigmoid", "tanh"] as const) {
    await same(name, () => {
      const x = rand(tf, [4, 16, 16, 8], 1);
      const f = (a: tfc.Tensor) => tf[name](a);
      return [f(x), tf.grad((a: tfc.Tensor) => weighted(tf, f(a), 2))(x)];
    });
  }
});

compareTest("exp, log, square, sqrt, abs and neg match cpu", [
  "Exp",
  "Log",
  "Square",
  "Sqrt",
  "Abs",
  "Neg",
], async (ex, same) => {
  const tf = ex.ctx.tf;
  await same("unary", () => {
    const x = rand(tf, [5000], 1);
    const pos = tf.add(tf.abs(x), 0.1);
    return [tf.exp(x), tf.log(pos), tf.square(x), tf.sqrt(pos), tf.abs(x), tf.neg(x)];
  });
});

compareTest("binary ops with broadcasting either way match cpu", [
  "Add",
  "Sub",
  "Multiply",
  "RealDiv",
  "Maximum",
  "Minimum",
], async (ex, same) => {
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
    await same(`binary ${JSON.stringify([sa, sb])}`, () => {
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

compareTest("reductions over any axes (and the global average pool) match cpu", [
  "Sum",
  "Mean",
  "Max",
  "Min",
], async (ex, same) => {
  const tf = ex.ctx.tf;
  await same("reductions", () => {
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

compareTest(
  "softmax, and the log-softmax cross-entropy gradient, match cpu",
  ["Softmax"],
  async (ex, same) => {
    const tf = ex.ctx.tf;
    await same("softmax", () => {
      const z = rand(tf, [64, 100], 1);
      const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i), "int32"), 100);
      const loss = (a: tfc.Tensor) => tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(a)), 1)));
      return [tf.softmax(z), loss(z), tf.grad(loss)(z)];
    });
  },
);

compareTest("matmuls with batch broadcast, fused bias and relu, and their gradients, match cpu", [
  BatchMatMul,
  "_FusedMatMul",
], async (ex, same) => {
  const tf = ex.ctx.tf;
  await same("matmul", () => {
    const a = rand(tf, [64, 32], 1) as tfc.Tensor2D;
    const b = rand(tf, [32, 48], 3) as tfc.Tensor2D;
    return [
      tf.matMul(rand(tf, [3, 32, 64], 5), rand(tf, [1, 64, 48], 6)),
      tf.fused.matMul({ a, b, bias: rand(tf, [48], 7), activation: "relu" }),
      ...tf.grads((x, y) => weighted(tf, tf.matMul(x as tfc.Tensor2D, y as tfc.Tensor2D), 8))(
        [a, b],
      ),
    ];
  });
});

compareTest("max and average pooling and their gradients match cpu", [
  "MaxPool",
  "MaxPoolGrad",
  "AvgPool",
  "AvgPoolGrad",
], async (ex, same) => {
  const tf = ex.ctx.tf;
  const cases: Array<[number, number, "same" | "valid"]> = [
    [3, 2, "same"],
    [2, 2, "valid"],
    [3, 1, "same"],
    [1, 2, "valid"],
  ];
  for (const [k, s, pad] of cases) {
    await same(`pool ${k} ${s} ${pad}`, () => {
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

compareTest("slice, pad, concat and unstack (and their gradients) match cpu", [
  "Slice",
  "PadV2",
  "Concat",
  "Unpack",
], async (ex, same) => {
  const tf = ex.ctx.tf;
  await same("copies", () => {
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

compareTest("splitV, transpose, gather and the embedding gradient match cpu", [
  "SplitV",
  "Transpose",
  "GatherV2",
], async (ex, same) => {
  const tf = ex.ctx.tf;
  await same("split/transpose/gather", () => {
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

Deno.test("every onednn kernel is covered by the conformance suite or a comparison test here", () => {
  const tested = new Set([...SUITE_KERNELS, ...covered]);
  const untested = onednnKernels().map((k) => k.kernelName).filter((k) => !tested.has(k));
  deepEqual(untested, [], `onednn kernels no test covers: ${untested.join(", ")}`);
});
