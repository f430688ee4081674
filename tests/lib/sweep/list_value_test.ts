import { deepEqual, throws } from "node:assert/strict";
import { splitListValue } from "../../../lib/sweep/list_value.ts";
import { parseSets, readParamsFile } from "../../../lib/cli/load_pipeline.ts";
import { PipelineError } from "../../../lib/errors.ts";

Deno.test("commas split a value into a list; a plain value stays one value", () => {
  deepEqual(splitListValue("0.1,0.05"), ["0.1", "0.05"]);
  deepEqual(splitListValue("0.1"), ["0.1"]);
  deepEqual(splitListValue(""), [""]);
  deepEqual(splitListValue("a b"), ["a b"]);
});

Deno.test("a double-quoted item is one literal value, commas and escapes included", () => {
  deepEqual(splitListValue('"a,b"'), ["a,b"]);
  deepEqual(splitListValue('"a,b",c'), ["a,b", "c"]);
  deepEqual(splitListValue('x,"say \\"hi\\", then go"'), ["x", 'say "hi", then go']);
  deepEqual(splitListValue('""'), [""]);
});

Deno.test("empty items, stray or unterminated quotes are errors", () => {
  for (const bad of ["a,", ",a", "a,,b", '"a', 'a"b', '"a"b', 'a,"b']) {
    throws(() => splitListValue(bad), Error, bad);
  }
});

Deno.test("--set gives a list for a comma value and a string otherwise; bad syntax names the param", () => {
  deepEqual(parseSets(["lr=0.1,0.05", "temperature=2", 'tag="a,b"']), {
    lr: ["0.1", "0.05"],
    temperature: "2",
    tag: "a,b",
  });
  throws(
    () => parseSets(["lr=0.1,"]),
    (e: unknown) => e instanceof PipelineError && e.field === "lr" && /empty value/.test(e.message),
  );
});

Deno.test("a params file may hold lists of scalars, not lists of lists or mappings", async () => {
  const dir = await Deno.makeTempDir({ prefix: "born-again-params-" });
  const ok = `${dir}/ok.yaml`, nested = `${dir}/nested.json`, obj = `${dir}/obj.yaml`;
  await Deno.writeTextFile(
    ok,
    'lr: [0.1, 0.05]\ntemperature: 2\nkdScale: [t2, none]\ntag: "a,b"\n',
  );
  await Deno.writeTextFile(nested, JSON.stringify({ lr: [[0.1]] }));
  await Deno.writeTextFile(obj, "lr: { a: 1 }\n");
  // A string from a file is never split: only a YAML or JSON list is a list.
  deepEqual(await readParamsFile(ok), {
    lr: [0.1, 0.05],
    temperature: 2,
    kdScale: ["t2", "none"],
    tag: "a,b",
  });
  for (const bad of [nested, obj]) {
    await readParamsFile(bad).then(
      () => Promise.reject(new Error(`${bad} accepted`)),
      (e) => {
        if (!(e instanceof PipelineError) || e.field !== "lr") throw e;
      },
    );
  }
  await Deno.remove(dir, { recursive: true });
});
