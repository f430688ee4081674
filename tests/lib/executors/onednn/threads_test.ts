/**
 * Per-primitive OpenMP thread counts: the controller's bookkeeping (no library needed), and on
 * the loaded executor, that small elementwise primitives are made for one thread and large
 * matmuls for all, each running on the count it was created with.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { fixedThreads, OpenmpThreads } from "../../../../lib/executors/onednn/threads.ts";
import { backendOf, onednnTest } from "./harness.ts";

function fake(max: number) {
  const calls: number[] = [];
  let n = max;
  const threads = new OpenmpThreads({
    get: () => n,
    set: (k) => {
      calls.push(k);
      n = k;
    },
  });
  return { threads, calls };
}

Deno.test("OpenmpThreads.with sets the count for the call and restores it after", () => {
  const { threads, calls } = fake(4);
  equal(threads.max, 4);
  const seen = threads.with(1, () => threads.current);
  equal(seen, 1);
  equal(threads.current, 4);
  deepEqual(calls, [1, 4]);
});

Deno.test("OpenmpThreads.use calls the runtime only when the count changes", () => {
  const { threads, calls } = fake(2);
  threads.use(2);
  threads.use(1);
  threads.use(1);
  threads.use(2);
  deepEqual(calls, [1, 2]);
});

Deno.test("OpenmpThreads.with clamps to 1..max and restores after a throw", () => {
  const { threads } = fake(2);
  equal(threads.with(8, () => threads.current), 2);
  equal(threads.with(0, () => threads.current), 1);
  let thrown = false;
  try {
    threads.with(1, () => {
      throw new Error("boom");
    });
  } catch {
    thrown = true;
  }
  ok(thrown);
  equal(threads.current, 2);
});

Deno.test("fixedThreads never changes its count", () => {
  const threads = fixedThreads(3);
  equal(threads.adjustable, false);
  equal(threads.with(1, () => threads.current), 3);
});

onednnTest("small elementwise ops run on one thread, large matmuls on all, each as made", (ex) => {
  const tf = ex.ctx.tf;
  const b = backendOf(ex);
  const threads = b.dnnl.threads;
  equal(b.elementwiseThreads(b.minParallelElements - 1), 1);
  equal(b.elementwiseThreads(b.minParallelElements), threads.max);
  equal(b.matmulThreads(b.minParallelMacs), threads.max);
  if (!threads.adjustable || threads.max < 2) return;
  const seen: number[] = [];
  const use = threads.use.bind(threads);
  threads.use = (n: number) => {
    use(n);
    seen.push(threads.current);
  };
  try {
    tf.tidy(() => {
      const x = tf.randomNormal([64, 64], 0, 1, "float32", 1); // 4K elements: one thread
      tf.sigmoid(x).dataSync();
      const a = tf.randomNormal([256, 256], 0, 1, "float32", 2); // 16M multiply-adds: all
      tf.matMul(a, a).dataSync();
      tf.sigmoid(x).dataSync();
    });
  } finally {
    threads.use = use;
  }
  ok(seen.includes(1) && seen.includes(threads.max), `thread counts seen: ${seen}`);
  equal(seen[seen.length - 1], 1, `the last small op ran on one thread: ${seen}`);
});
