/**
 * The executor conformance suite: every executor runs it (see the `*_test.ts` files beside it).
 * Convolutions (and their gradient kernels, and fused convolutions), batch matmul and the segment
 * sum are compared with the stock cpu backend on random inputs; convolution gradients with numeric
 * ones; the batch-norm layer with its cpu run; the executor's other kernels must be registered.
 * training steps of tiny resnet (both shortcut kinds) and lstm model plugins, the loss from the
 * crossEntropy loss plugin, with the same steps on the cpu backend. With `nativeCalls`, the kernel
 * and training tests also check that the executor's own native code ran them.
 * Tolerance: max abs error under 1e-4 of the reference's largest magnitude (at least 1e-4).
 * Results are read asynchronously (`data()`), never with `dataSync`: tfjs-backend-webgpu reads
 * synchronously through a 2D canvas, which Deno lacks. A kernel's inputs are copied onto the
 * backend that runs it, and a model's weights are read once before the cpu backend takes them,
 * so no backend is ever asked for a synchronous read of data it holds on a GPU.
 *
 * @module
 */
import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import type { LoadedExecutor } from "../../../lib/executors/executor.ts";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { JsonObject } from "../../../lib/plugin/descriptor.ts";
import type {
  DataShape,
  ModelInstance,
  ModelPlugin,
  TfContext,
} from "../../../lib/plugin/runtime.ts";
import { crossEntropy } from "../../../plugins/losses/cross_entropy.ts";
import { lstm } from "../../../plugins/models/lstm.ts";
import { resnet } from "../../../plugins/models/resnet.ts";
import { mulberry32 } from "../../../lib/util/rng.ts";

type Tf = typeof tfc;

/** Largest |a-b| and largest |b| over two arrays of equal length. */
export function maxErr(a: ArrayLike<number>, b: ArrayLike<number>): { err: number; scale: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let err = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { err, scale };
}

/** Assert `actual` matches `expected` within `rel` of the expected magnitude. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rel = 1e-4,
): void {
  const { err, scale } = maxErr(actual, expected);
  assert(
    err <= rel * Math.max(1, scale),
    `${what}: max abs error ${err.toExponential(2)} exceeds ${rel} × ${
      Math.max(1, scale).toFixed(3)
    }`,
  );
}

/** Run `f` with `backend` active, then restore the previous backend. */
export function onBackend<T>(tf: Tf, backend: string, f: () => T): T {
  const before = tf.getBackend();
  if (before === backend) return f();
  // setBackend of an initialised backend is synchronous in effect.
  tf.setBackend(backend);
  assert.equal(tf.getBackend(), backend, `could not switch to backend ${backend}`);
  try {
    return f();
  } finally {
    tf.setBackend(before);
  }
}

function randn(tf: Tf, shape: number[], rng: () => number): tfc.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng() * 2 - 1;
  return tf.tensor(v, shape);
}

/** A tensor's values, read asynchronously, as float32. */
async function values(t: tfc.Tensor): Promise<Float32Array> {
  return Float32Array.from(await t.data());
}

/** Read every tensor asynchronously, then dispose them. */
async function readAll(ts: tfc.Tensor[]): Promise<Float32Array[]> {
  const out = await Promise.all(ts.map(values));
  disposeAll(ts);
  return out;
}

function disposeAll(ts: tfc.Tensor[]): void {
  for (const t of ts) t.dispose();
}

/**
 * Make `tensors` readable by any backend: an asynchronous read leaves a copy of the values on the
 * CPU, which a later move to another backend takes instead of reading the GPU synchronously.
 */
export async function settle(tensors: tfc.Tensor[]): Promise<void> {
  await Promise.all(tensors.map((t) => t.data()));
}

/** A kernel on `backend`, on copies of `inputs` made there, read back as numbers. */
async function runOn(
  tf: Tf,
  backend: string,
  name: string,
  inputs: Record<string, tfc.Tensor>,
  attrs: Record<string, unknown>,
): Promise<Float32Array> {
  const data = await Promise.all(Object.values(inputs).map((t) => t.data()));
  const out = onBackend(tf, backend, () =>
    tf.tidy(() => {
      const local = Object.fromEntries(
        Object.entries(inputs).map(([k, t], i) => [k, tf.tensor(data[i], t.shape, t.dtype)]),
      );
      return tf.engine().runKernel(name, local, attrs as tfc.NamedAttrMap) as tfc.Tensor;
    }));
  return (await readAll([out]))[0];
}

/**
 * Run `f` on `backend`, read what it returns; with `calls` (a native-call counter), also how many
 * native calls it made, reads included (a backend may compute an output only when it is read).
 */
async function counted<T>(
  tf: Tf,
  backend: string,
  f: () => Promise<T>,
  calls?: () => number,
): Promise<{ result: T; calls: number }> {
  const before = calls?.() ?? 0;
  const result = await onBackendAsync(tf, backend, f);
  return { result, calls: (calls?.() ?? 0) - before };
}

/** {@linkcode onBackend} for an asynchronous `f`: the backend stays active until it settles. */
export async function onBackendAsync<T>(tf: Tf, backend: string, f: () => Promise<T>): Promise<T> {
  const before = tf.getBackend();
  if (before === backend) return await f();
  tf.setBackend(backend);
  assert.equal(tf.getBackend(), backend, `could not switch to backend ${backend}`);
  try {
    return await f();
  } finally {
    tf.setBackend(before);
  }
}

/**
 * Run `f` on the cpu backend and on `backend`, each making its own inputs (from seeds, say), and
 * assert that every tensor it returns agrees within `rel` ({@linkcode assertClose}). Returns how
 * many native calls `backend` made, when `calls` counts them.
 */
export async function assertSameOnBoth(
  tf: Tf,
  backend: string,
  what: string,
  f: () => tfc.Tensor | tfc.Tensor[],
  options: { rel?: number; calls?: () => number } = {},
): Promise<number> {
  const read = () =>
    readAll(tf.tidy(() => {
      const r = f();
      return Array.isArray(r) ? r : [r];
    }));
  const want = await onBackendAsync(tf, "cpu", read);
  const got = await counted(tf, backend, read, options.calls);
  assert.equal(got.result.length, want.length, `${what}: number of results`);
  want.forEach((w, i) => assertClose(got.result[i], w, `${what}: result ${i}`, options.rel));
  return got.calls;
}

export interface ConvCase {
  batch: number;
  hw: [number, number];
  inC: number;
  outC: number;
  k: [number, number];
  stride: number;
  pad: "same" | "valid" | [[0, 0], [number, number], [number, number], [0, 0]];
}

/**
 * Conv cases: 3-channel inputs, odd and even kernels, strides 1 and 2, every padding kind; the
 * last three have channel counts (in a multiple of 4, out of 8) that take wasm's rank-update
 * filter gradient, and output channels (of the convolution, or of its input gradient) a multiple
 * of 8, which take wasm's direct convolution.
 */
export function convCases(): ConvCase[] {
  const out: ConvCase[] = [];
  const pads: ConvCase["pad"][] = ["same", "valid", [[0, 0], [1, 0], [2, 1], [0, 0]]];
  const shapes: [number, [number, number], number, number][] = [
    [1, [5, 7], 3, 4],
    [3, [8, 8], 4, 2],
    [2, [9, 6], 5, 3],
    [3, [7, 9], 4, 8],
    [4, [6, 5], 8, 16],
    [2, [7, 6], 16, 8],
  ];
  for (const [batch, hw, inC, outC] of shapes) {
    for (const k of [[1, 1], [3, 3], [2, 3]] as [number, number][]) {
      for (const stride of [1, 2]) {
        for (const pad of pads) out.push({ batch, hw: [...hw], inC, outC, k, stride, pad });
      }
    }
  }
  return out;
}

/** Options of {@linkcode executorConformance}. */
export interface ConformanceOptions {
  /** Register the tests as ignored. */
  ignore?: boolean;
  /** Shown in each test's name after the executor's (the adapter, or why the tests skip). */
  label?: string;
  /** Conv shapes of the kernel tests (default {@linkcode convCases}). */
  convCases?: ConvCase[];
  /** `[batch, m, k, n]` of the matmul tests (default {@linkcode matMulCases}). */
  matMulCases?: number[][];
  /** Kernels the executor registers over its tfjs backend's: each must be registered. */
  kernels?: readonly string[];
  /** The kernel tfjs-layers' batch norm must train through here, if the executor routes it. */
  batchNormKernel?: string;
  /**
   * How many times the executor's own native code has run so far (onednn: the oneDNN primitives
   * run). Where given, each kernel the kernel tests run on the executor, and each training test,
   * must raise it: a kernel that quietly falls back to the cpu kernel fails the suite.
   */
  nativeCalls?: (ex: LoadedExecutor) => number;
  /**
   * Kernel calls the executor runs without native code by design (a kernel written in
   * JavaScript, or a call too small for a native call to pay): exempt from `nativeCalls`.
   */
  nativeExempt?: (
    kernel: string,
    inputs: Record<string, tfc.Tensor>,
    attrs: Record<string, unknown>,
  ) => boolean;
}

/** Matmul shapes `[batch, m, k, n]`; the last is wide enough to take the (B^T·A^T)^T path on wasm. */
export function matMulCases(): number[][] {
  return [[1, 5, 7, 3], [3, 4, 6, 9], [2, 1, 8, 1], [1, 3, 64, 16384]];
}

/** Register the suite's tests for executor `name`, loaded (once) by `load`. */
export function executorConformance(
  name: string,
  load: () => Promise<LoadedExecutor>,
  options: ConformanceOptions = {},
): void {
  let loaded: Promise<LoadedExecutor> | undefined;
  const get = () => (loaded ??= load());
  const cases = options.convCases ?? convCases();
  const calls = options.nativeCalls;
  /** The native-call counter of `ex`, when the executor has one. */
  const counter = (ex: LoadedExecutor) => calls && (() => calls(ex));
  /** Assert that `n` native calls are enough to show the executor's own code ran `what`. */
  const assertNative = (n: number, what: string) =>
    assert(!calls || n > 0, `${what}: no native call (it ran on the cpu kernel)`);
  /**
   * Kernel `kernel` on the executor under test, read back; with `nativeCalls`, it must have made
   * native calls unless `nativeExempt` says the executor runs this call without them by design.
   */
  const onExecutor = async (
    ex: LoadedExecutor,
    kernel: string,
    inputs: Record<string, tfc.Tensor>,
    attrs: Record<string, unknown>,
    what: string,
  ): Promise<Float32Array> => {
    const { tf } = ex.ctx;
    const run = () => runOn(tf, ex.backend, kernel, inputs, attrs);
    const { result, calls } = await counted(tf, ex.backend, run, counter(ex));
    if (!options.nativeExempt?.(kernel, inputs, attrs)) assertNative(calls, what);
    return result;
  };
  const prefix = options.label ? `${name} (${options.label})` : name;
  // Backends start worker threads and keep caches: not leaks of a test.
  const test = (title: string, fn: (ex: LoadedExecutor) => void | Promise<void>) =>
    Deno.test({
      name: `${prefix}: ${title}`,
      ignore: options.ignore,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        const ex = await get();
        const { tf } = ex.ctx;
        const before = tf.memory().numTensors;
        await fn(ex);
        assert.equal(tf.memory().numTensors, before, `${title} leaked tensors`);
      },
    });

  test("conv2d gradient kernels match the cpu backend on many shapes", async (ex) => {
    const { tf } = ex.ctx;
    const rng = mulberry32(7);
    for (const c of cases) {
      const what = JSON.stringify(c);
      const fshape = [...c.k, c.inC, c.outC] as [number, number, number, number];
      const [x, w, dy] = onBackend(tf, "cpu", () =>
        tf.tidy(() => {
          const x = randn(tf, [c.batch, ...c.hw, c.inC], rng);
          const w = randn(tf, fshape, rng);
          const y = tf.conv2d(x as tfc.Tensor4D, w as tfc.Tensor4D, c.stride, c.pad);
          return [x, w, randn(tf, y.shape, rng)];
        }));
      const fAttrs = {
        strides: [c.stride, c.stride],
        pad: c.pad,
        dataFormat: "NHWC",
        filterShape: fshape,
      };
      assertClose(
        await onExecutor(
          ex,
          "Conv2DBackpropFilter",
          { x, dy },
          fAttrs,
          `Conv2DBackpropFilter ${what}`,
        ),
        await runOn(tf, "cpu", "Conv2DBackpropFilter", { x, dy }, fAttrs),
        `Conv2DBackpropFilter ${what}`,
      );
      const iAttrs = {
        strides: [c.stride, c.stride],
        pad: c.pad,
        dataFormat: "NHWC",
        inputShape: x.shape,
      };
      assertClose(
        await onExecutor(
          ex,
          "Conv2DBackpropInput",
          { dy, filter: w },
          iAttrs,
          `Conv2DBackpropInput ${what}`,
        ),
        await runOn(tf, "cpu", "Conv2DBackpropInput", { dy, filter: w }, iAttrs),
        `Conv2DBackpropInput ${what}`,
      );
      disposeAll([x, w, dy]);
    }
  });

  test("conv2d and fused conv2d (bias, ReLU) match the cpu backend", async (ex) => {
    const { tf } = ex.ctx;
    const rng = mulberry32(5);
    for (const c of cases) {
      const [x, filter, bias] = onBackend(tf, "cpu", () => [
        randn(tf, [c.batch, ...c.hw, c.inC], rng),
        randn(tf, [...c.k, c.inC, c.outC], rng),
        randn(tf, [c.outC], rng),
      ]);
      const attrs = {
        strides: [c.stride, c.stride],
        pad: c.pad,
        dataFormat: "NHWC",
        dilations: [1, 1],
      };
      for (
        const [kernel, inputs, extra] of [
          ["Conv2D", { x, filter }, {}],
          ["FusedConv2D", { x, filter, bias }, { activation: "relu" }],
          ["FusedConv2D", { x, filter, bias }, { activation: "linear" }],
          ["FusedConv2D", { x, filter }, { activation: "relu" }],
        ] as const
      ) {
        const all = { ...attrs, ...extra };
        assertClose(
          await onExecutor(
            ex,
            kernel,
            inputs,
            all,
            `${kernel} ${JSON.stringify({ ...c, ...extra })}`,
          ),
          await runOn(tf, "cpu", kernel, inputs, all),
          `${kernel} ${JSON.stringify({ ...c, ...extra })}`,
        );
      }
      disposeAll([x, filter, bias]);
    }
  });

  test("batch matmul matches the cpu backend with every transpose", async (ex) => {
    const { tf } = ex.ctx;
    const rng = mulberry32(11);
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      for (const [batch, m, k, n] of options.matMulCases ?? matMulCases()) {
        const [a, b] = onBackend(tf, "cpu", () => [
          randn(tf, ta ? [batch, k, m] : [batch, m, k], rng),
          randn(tf, tb ? [batch, n, k] : [batch, k, n], rng),
        ]);
        const attrs = { transposeA: ta, transposeB: tb };
        assertClose(
          await onExecutor(
            ex,
            "BatchMatMul",
            { a, b },
            attrs,
            `BatchMatMul ${JSON.stringify({ batch, m, k, n, ta, tb })}`,
          ),
          await runOn(tf, "cpu", "BatchMatMul", { a, b }, attrs),
          `BatchMatMul ${JSON.stringify({ batch, m, k, n, ta, tb })}`,
        );
        disposeAll([a, b]);
      }
    }
  });

  test("unsorted segment sum matches the cpu backend", async (ex) => {
    const { tf } = ex.ctx;
    const rng = mulberry32(13);
    for (
      const [ids, inner, segments] of [[[0, 2, 2, 1, 0, 4], [3], 5], [
        [1, 1, 1],
        [2, 2],
        3,
      ]] as const
    ) {
      const [x, seg] = onBackend(tf, "cpu", () => [
        randn(tf, [ids.length, ...inner], rng),
        tf.tensor1d([...ids], "int32"),
      ]);
      const attrs = { numSegments: segments };
      assertClose(
        await onExecutor(
          ex,
          "UnsortedSegmentSum",
          { x, segmentIds: seg },
          attrs,
          `UnsortedSegmentSum ids=${ids}`,
        ),
        await runOn(tf, "cpu", "UnsortedSegmentSum", { x, segmentIds: seg }, attrs),
        `UnsortedSegmentSum ids=${ids}`,
      );
      disposeAll([x, seg]);
    }
  });

  test("a clone keeps its values when either copy is disposed", async ({ ctx: { tf } }) => {
    const a = tf.tensor2d([[1, -2], [3.5, 4]]);
    const b = tf.clone(a);
    const c = tf.clone(b);
    a.dispose();
    assert.deepEqual(Array.from(await b.data()), [1, -2, 3.5, 4]);
    b.dispose();
    assert.deepEqual(Array.from(await c.data()), [1, -2, 3.5, 4]);
    assert.deepEqual(c.shape, [2, 2]);
    c.dispose();
  });

  test("conv2d gradients match numeric gradients", async ({ ctx: { tf } }) => {
    const rng = mulberry32(17);
    const x = randn(tf, [2, 6, 5, 3], rng) as tfc.Tensor4D;
    const w = randn(tf, [3, 3, 3, 2], rng) as tfc.Tensor4D;
    const r = tf.tidy(() => randn(tf, tf.conv2d(x, w, 2, "same").shape, rng));
    // Linear in each argument, so central differences are exact up to rounding.
    const f = (xx: tfc.Tensor4D, ww: tfc.Tensor4D) =>
      tf.sum(tf.mul(tf.conv2d(xx, ww, 2, "same"), r));
    const [gx, gw] = await readAll(
      tf.grads((a: tfc.Tensor, b: tfc.Tensor) => f(a as tfc.Tensor4D, b as tfc.Tensor4D))([x, w]),
    );
    for (const [arg, got, label] of [[x, gx, "x"], [w, gw, "filter"]] as const) {
      const base = await values(arg);
      for (const i of [0, 7, base.length - 1]) {
        const h = 0.5, plus = Float32Array.from(base), minus = Float32Array.from(base);
        plus[i] += h;
        minus[i] -= h;
        const [fp, fm] = await readAll(
          tf.tidy(() =>
            label === "x"
              ? [plus, minus].map((v) => f(tf.tensor(v, x.shape) as tfc.Tensor4D, w))
              : [plus, minus].map((v) => f(x, tf.tensor(v, w.shape) as tfc.Tensor4D))
          ),
        );
        const numeric = (fp[0] - fm[0]) / (2 * h);
        assertClose([got[i]], [numeric], `d/d${label}[${i}]`, 1e-3);
      }
    }
    disposeAll([x, w, r]);
  });

  test("batch-norm gradient matches autodiff of the plain formula", async ({ ctx: { tf } }) => {
    const rng = mulberry32(19);
    const got = tf.tidy(() => {
      const x = tf.add(randn(tf, [3, 4, 5, 6], rng), 2);
      const gamma = randn(tf, [6], rng),
        beta = randn(tf, [6], rng),
        r = randn(tf, [3, 4, 5, 6], rng);
      const fused = (xx: tfc.Tensor, g: tfc.Tensor, b: tfc.Tensor) => {
        const { mean, variance } = tf.moments(xx, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(xx, mean, variance, b, g, 1e-3), r));
      };
      // The same function without the FusedBatchNorm kernel: stock gradients of plain ops.
      const plain = (xx: tfc.Tensor, g: tfc.Tensor, b: tfc.Tensor) => {
        const { mean, variance } = tf.moments(xx, [0, 1, 2]);
        const xhat = tf.mul(tf.sub(xx, mean), tf.rsqrt(tf.add(variance, 1e-3)));
        return tf.sum(tf.mul(tf.add(tf.mul(xhat, g), b), r));
      };
      return [...tf.grads(fused)([x, gamma, beta]), ...tf.grads(plain)([x, gamma, beta])];
    });
    const v = await readAll(got);
    ["x", "gamma", "beta"].forEach((n, i) => assertClose(v[i], v[i + 3], `d/d${n}`, 2e-4));
  });

  test(
    "the batch-norm layer trains as on cpu: output, gradients, moving statistics",
    async (ex) => {
      const { ctx: { tf, tfl }, backend } = ex;
      const rng = mulberry32(29);
      // The last shape is large enough for the wasm executor to split its passes over threads.
      for (const shape of [[4, 6, 6, 8], [9, 5], [3, 4, 5, 3], [8, 16, 16, 18]]) {
        const c = shape[shape.length - 1];
        // Inputs as plain numbers: each backend makes its own tensors of them.
        const [x, r, ...init] = await readAll(tf.tidy(() => [
          tf.add(tf.mul(randn(tf, shape, rng), 3), 1),
          randn(tf, shape, rng),
          randn(tf, [c], rng),
          randn(tf, [c], rng),
          randn(tf, [c], rng),
          tf.ones([c]),
        ]));
        const read = () =>
          readAll(tf.tidy(() => {
            const layer = tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
            layer.build([null, ...shape.slice(1)]);
            layer.setWeights(init.map((v) => tf.tensor(v)));
            const xt = tf.tensor(x, shape), rt = tf.tensor(r, shape);
            const loss = (a: tfc.Tensor) =>
              tf.sum(tf.mul(layer.apply(a, { training: true }) as tfc.Tensor, rt)) as tfc.Scalar;
            const { value, grads } = tf.variableGrads(() => loss(xt));
            const dx = tf.grad(loss)(xt);
            // Clones outlive the layer's weights, disposed here.
            const out = [value, dx, ...Object.values(grads), ...layer.getWeights()]
              .map((t) => tf.clone(t));
            for (const w of layer.weights) w.dispose();
            return out;
          }));
        const { result: got, calls } = await counted(tf, backend, read, counter(ex));
        assertNative(calls, `bn ${shape}`);
        const want = await onBackend(tf, "cpu", read);
        got.forEach((g, i) => assertClose(g, want[i], `bn ${shape}: result ${i}`, 2e-4));
      }
      const routed = options.batchNormKernel;
      if (routed) {
        // The layer must really take the one-kernel route here.
        const layer = tfl.layers.batchNormalization({});
        const x = tf.ones([2, 3]);
        const info = await tf.profile(() =>
          tf.dispose(layer.apply(x, { training: true }) as tfc.Tensor)
        );
        assert(
          info.kernelNames.includes(routed),
          `kernels run: ${info.kernelNames.join(", ")}`,
        );
        tf.dispose(x);
        for (const w of layer.weights) w.dispose();
      }
    },
  );

  test(
    "batch norm then ReLU trains as on cpu, fused into one kernel where the backend routes it",
    async (ex) => {
      const { ctx: { tf, tfl }, backend } = ex;
      const rng = mulberry32(31);
      const [x, r] = tf.tidy(() => [randn(tf, [6, 5, 5, 4], rng), randn(tf, [6, 5, 5, 4], rng)]);
      const model = tfl.sequential({
        layers: [
          tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", inputShape: [5, 5, 4] }),
          tfl.layers.batchNormalization({}),
          tfl.layers.reLU(),
        ],
      });
      const step = () =>
        tf.variableGrads(() =>
          tf.sum(tf.mul(model.apply(x, { training: true }) as tfc.Tensor, r)) as tfc.Scalar
        );
      const read = () => {
        const { value, grads } = step();
        return readAll([value, ...Object.values(grads)]);
      };
      const { result: got, calls } = await counted(tf, backend, read, counter(ex));
      assertNative(calls, "bn+relu");
      await settle([x, r, ...model.weights.map((w) => w.read())]);
      const want = await onBackend(tf, "cpu", read);
      got.forEach((g, i) => assertClose(g, want[i], `bn+relu result ${i}`, 2e-4));
      const routed = options.batchNormKernel;
      if (routed) {
        const info = await tf.profile(() => {
          const { value, grads } = step();
          tf.dispose([value, ...Object.values(grads)]);
        });
        assert(info.kernelNames.includes(routed), info.kernelNames.join(", "));
        // The fused ReLU needs no mask of its own, forward or backward.
        assert(!info.kernelNames.includes("Step"), info.kernelNames.join(", "));
      }
      tf.dispose([x, r]);
      model.dispose();
    },
  );

  for (const shortcut of ["A", "B"] as const) {
    test(
      `a resnet plugin training step (depth 8, shortcut ${shortcut}) matches the cpu backend`,
      async (ex) => {
        const { ctx, backend } = ex;
        const { tf } = ctx;
        const model = tinyResnet(ctx, { shortcut });
        const x = randn(tf, [4, 8, 8, 3], mulberry32(23));
        const y = tf.tensor1d([0, 3, 1, 4], "int32");
        const calls = await compareStep(
          tf,
          backend,
          [x, y, ...model.net.weights.map((w) => w.read())],
          () =>
            pluginStep(ctx, model.net, () => model.forward({ x }, { training: true }).logits, y),
          counter(ex),
        );
        assertNative(calls, `resnet ${shortcut}`);
        tf.dispose([x, y]);
        model.net.dispose();
      },
    );
  }

  test("an lstm plugin training step (2 layers, tied) matches the cpu backend", async (ex) => {
    const { ctx, backend } = ex;
    const { tf } = ctx;
    // Its softmax's matmul (48 × 16 × 50) is above the size where onednn goes native.
    const vocab = 50, rng = mulberry32(37);
    const tokens = () => Int32Array.from({ length: 4 * 12 }, () => Math.floor(rng() * vocab));
    const model = tinyLstm(ctx, { vocab, units: 16 });
    const x = tf.tensor2d(tokens(), [4, 12], "int32");
    const y = tf.tensor2d(tokens(), [4, 12], "int32");
    const calls = await compareStep(
      tf,
      backend,
      [x, y, ...model.net.weights.map((w) => w.read())],
      () => pluginStep(ctx, model.net, () => lstmLogits(ctx, model, x), y),
      counter(ex),
    );
    assertNative(calls, "lstm");
    tf.dispose([x, y]);
    model.net.dispose();
  });

  const own = options.kernels ?? [];
  if (own.length === 0) return;
  test(`registers its kernels: ${own.join(", ")}`, ({ ctx: { tf }, backend }) => {
    for (const k of own) {
      assert(tf.getKernel(k, backend), `${k} not registered on ${backend}`);
    }
  });
}

/**
 * A resnet of the model plugin small enough for the suite: depth 8 (one block per stage), the
 * given channels (default 4, 8, 16), 8×8×3 images, 5 classes. Shortcut "A" (the plugin's
 * default) takes the plugin's own padded-identity layer where a stage widens, "B" projections.
 */
export function tinyResnet(
  ctx: TfContext,
  o: { shortcut?: "A" | "B"; channels?: number[]; imageShape?: [number, number, number] } = {},
): ModelInstance {
  const params = resnet({ depth: 8, channels: o.channels ?? [4, 8, 16], shortcut: o.shortcut })
    .params;
  const data: DataShape = { domain: "image", numClasses: 5, imageShape: o.imageShape ?? [8, 8, 3] };
  return (resnet.plugin as unknown as ModelPlugin<JsonObject>).build(ctx, params, data, 1);
}

/**
 * The lstm language model of the model plugin (two layers, tied softmax, no dropout) over a
 * vocabulary of `vocab` with `units` units.
 */
export function tinyLstm(
  ctx: TfContext,
  o: { vocab: number; units: number; tied?: boolean },
): ModelInstance {
  const params = lstm({ preset: "small", units: o.units, dropout: 0, tied: o.tied ?? true })
    .params;
  const data: DataShape = { domain: "text", numClasses: o.vocab };
  return (lstm.plugin as unknown as ModelPlugin<JsonObject>).build(ctx, params, data, 1);
}

/**
 * An lstm instance's logits for token ids `x` from zero initial states, through its net: the
 * instance's `forward` would carry state into the next call (the other backend's step).
 */
export function lstmLogits(ctx: TfContext, model: ModelInstance, x: tfc.Tensor): tfc.Tensor {
  const { tf } = ctx;
  return tf.tidy(() => {
    const states = model.net.inputs.slice(1).map((s) => tf.zeros([x.shape[0], s.shape[1]!]));
    const outs = model.net.apply([x, ...states], { training: true }) as tfc.Tensor[];
    return outs[0];
  });
}

/** A training step's loss and the gradient of each trainable weight, by variable name. */
export interface StepResult {
  loss: tfc.Scalar;
  grads: Record<string, tfc.Tensor>;
}

/**
 * One training step of `net`: the crossEntropy loss plugin on the logits `logits()` computes
 * (flattened to [N, classes]) against `labels`, and the gradient of every trainable weight.
 */
export function pluginStep(
  ctx: TfContext,
  net: tfl.LayersModel,
  logits: () => tfc.Tensor,
  labels: tfc.Tensor,
): StepResult {
  const { tf } = ctx;
  const vars = net.trainableWeights.map((w) => w.read() as tfc.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const z = logits();
    const flat = tf.reshape(z, [-1, z.shape[z.rank - 1]]) as tfc.Tensor2D;
    const inputs = { ctx, logits: flat, labels: tf.reshape(labels, [-1]) as tfc.Tensor1D, seed: 0 };
    return crossEntropy.plugin.compute(inputs, {}) as tfc.Scalar;
  }, vars);
  return { loss: value, grads };
}

/**
 * Run a step on `backend` and on cpu; loss and every gradient must agree. `inputs` (the data and
 * the weights) are settled in between, so the cpu backend can take them over. Returns the native
 * calls made on `backend`, when `calls` counts them.
 */
export async function compareStep(
  tf: Tf,
  backend: string,
  inputs: tfc.Tensor[],
  step: () => StepResult,
  calls?: () => number,
  rel = 1e-4,
): Promise<number> {
  const read = async () => {
    const { loss, grads } = step();
    const names = Object.keys(grads);
    const [l, ...g] = await readAll([loss, ...names.map((k) => grads[k])]);
    return { loss: l[0], grads: Object.fromEntries(names.map((k, i) => [k, g[i]])) };
  };
  const { result: got, calls: n } = await counted(tf, backend, read, calls);
  await settle(inputs);
  const want = await onBackend(tf, "cpu", read);
  assertClose([got.loss], [want.loss], "loss", rel);
  assert.deepEqual(Object.keys(got.grads).sort(), Object.keys(want.grads).sort());
  assert(Object.keys(want.grads).length > 0, "no gradients");
  for (const k of Object.keys(want.grads)) {
    assertClose(got.grads[k], want.grads[k], `gradient of ${k}`, rel);
  }
  return n;
}
