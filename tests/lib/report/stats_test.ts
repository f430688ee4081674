import { equal, ok } from "node:assert/strict";
import { summarise } from "../../../lib/report/stats.ts";

Deno.test("summarise gives the mean and the sample (n - 1) standard deviation", () => {
  const s = summarise([2, 4, 4, 4, 5, 5, 7, 9])!;
  equal(s.mean, 5);
  ok(Math.abs(s.sd! - Math.sqrt(32 / 7)) < 1e-12);
  equal(s.n, 8);
});

Deno.test("summarise of one value has no sd, of none is undefined, and ignores NaN", () => {
  const one = summarise([3])!;
  equal(one.mean, 3);
  equal(one.sd, undefined);
  equal(summarise([]), undefined);
  equal(summarise([NaN, Infinity]), undefined);
  equal(summarise([1, NaN, 3])!.n, 2);
});
