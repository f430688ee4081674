import { deepEqual, equal, ok } from "node:assert/strict";
import { niceTicks } from "../../../lib/report/nice_ticks.ts";

Deno.test("niceTicks covers the range with round steps and enough decimals", () => {
  deepEqual(niceTicks(0.3, 9.6, 5).values, [0, 2, 4, 6, 8, 10]);
  const small = niceTicks(0.41, 1.62, 5);
  deepEqual(small.values, [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]);
  equal(small.decimals, 2);
  for (const [lo, hi] of [[13.2, 31.7], [-3, 4], [1e-4, 3e-4], [80, 400]]) {
    const t = niceTicks(lo, hi, 5);
    ok(t.values[0] <= lo && t.values[t.values.length - 1] >= hi, `${lo}..${hi}: ${t.values}`);
    ok(t.values.length >= 3 && t.values.length <= 12, `${lo}..${hi}: ${t.values}`);
  }
});

Deno.test("niceTicks widens a constant range and keeps integer steps for epochs", () => {
  const flat = niceTicks(5, 5, 5);
  ok(flat.values[0] < 5 && flat.values[flat.values.length - 1] > 5);
  const epochs = niceTicks(1, 3, 3, true);
  ok(epochs.values.every(Number.isInteger), String(epochs.values));
  ok(epochs.values.includes(1) && epochs.values.includes(3));
  equal(epochs.decimals, 0);
});
