/**
 * The main pipeline declares KD's temperature and T^2 scaling as params that reach only the
 * students' loss, so a sweep over them leaves the teacher's declaration (and so its key) as is.
 */
import { deepEqual, equal, notDeepEqual } from "node:assert/strict";
import banResnet from "../../pipelines/ban-resnet.ts";

const stepOf = (overrides: Record<string, string | number>, name: string) =>
  banResnet.declare(overrides).steps.find((s) => s.name === name)!;

Deno.test("ban-resnet's KD defaults are the paper's temperature 1 with Hinton's T^2 scaling", () => {
  deepEqual(stepOf({}, "gen1").loss?.params, { temperature: 1, scale: "t2" });
  deepEqual(stepOf({}, "gen3").loss?.params, { temperature: 1, scale: "t2" });
});

Deno.test("temperature and kdScale change the students' loss and leave the teacher alone", () => {
  const swept = { temperature: 4, kdScale: "none" };
  deepEqual(stepOf(swept, "gen2").loss?.params, { temperature: 4, scale: "none" });
  deepEqual(stepOf(swept, "teacher"), stepOf({}, "teacher"));
  notDeepEqual(stepOf(swept, "gen1"), stepOf({}, "gen1"));
  equal(stepOf(swept, "teacher").loss?.name, "crossEntropy");
});
