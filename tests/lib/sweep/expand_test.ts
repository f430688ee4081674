import { deepEqual, equal, throws } from "node:assert/strict";
import { describeConfiguration, expandSweep, formatValue } from "../../../lib/sweep/expand.ts";
import { PipelineError } from "../../../lib/errors.ts";

Deno.test("lists expand to the cartesian product, the first param varying slowest", () => {
  const e = expandSweep({ epochs: "3", lr: ["0.1", "0.05"], temperature: [1, 2, 4] });
  deepEqual(e.varied, ["lr", "temperature"]);
  equal(e.configurations.length, 6);
  deepEqual(
    e.configurations.map((c) => [c.index, c.varied.lr, c.varied.temperature]),
    [[1, "0.1", 1], [2, "0.1", 2], [3, "0.1", 4], [4, "0.05", 1], [5, "0.05", 2], [6, "0.05", 4]],
  );
  // Every configuration keeps the fixed overrides.
  for (const c of e.configurations) equal(c.overrides.epochs, "3");
  equal(describeConfiguration(e.configurations[4]), "lr=0.05 temperature=2");
});

Deno.test("no list, or a one-item list, is one configuration with plain values", () => {
  const e = expandSweep({ lr: ["0.1"], epochs: 3 });
  deepEqual(e.varied, []);
  deepEqual(e.configurations, [{ index: 1, varied: {}, overrides: { lr: "0.1", epochs: 3 } }]);
});

Deno.test("an empty list, a value listed twice or a nested value is a bad param", () => {
  for (const bad of [[], ["1", "1"], [[1], [2]], [{ a: 1 }, 2]]) {
    throws(
      () => expandSweep({ lr: bad }),
      (e: unknown) => e instanceof PipelineError && e.field === "lr" && e.reason === "bad-param",
    );
  }
});

Deno.test("labels quote strings that would read ambiguously, in single quotes", () => {
  equal(formatValue(0.1), "0.1");
  equal(formatValue("t2"), "t2");
  equal(formatValue("a,b"), "'a,b'");
  equal(formatValue("it's"), "'it\\'s'");
  equal(formatValue(true), "true");
});
