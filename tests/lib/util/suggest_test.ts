import { equal } from "node:assert/strict";
import { closest, editDistance } from "../../../lib/util/suggest.ts";

Deno.test("edit distance counts inserts, deletes, substitutions and neighbour swaps as one", () => {
  equal(editDistance("cache-dir", "cache-dir"), 0);
  equal(editDistance("cache-dirr", "cache-dir"), 1);
  equal(editDistance("cahce-dir", "cache-dir"), 1);
  equal(editDistance("dta-dir", "data-dir"), 1);
  equal(editDistance("jbos", "jobs"), 1);
  equal(editDistance("kitten", "sitting"), 3);
  equal(editDistance("", "abc"), 3);
});

Deno.test("closest suggests a near name, an abbreviation, or nothing", () => {
  const options = ["cache-dir", "data-dir", "executor", "json", "jobs", "set"];
  equal(closest("cache-dirr", options), "cache-dir");
  equal(closest("exec", options), "executor");
  equal(closest("JSON", options), "json");
  equal(closest("verbose", options), undefined);
  // Too short to tell apart: "j" begins both jobs and json.
  equal(closest("j", options), undefined);
  equal(closest("epoch", ["epochs", "lr", "seeds"]), "epochs");
  equal(closest("epoch", ["gen2Epochs", "lr", "seeds", "teacherEpochs", "train"]), undefined);
});
