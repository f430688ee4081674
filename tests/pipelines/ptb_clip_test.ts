/**
 * The PTB pipelines clip the global gradient norm as their source papers do, per configuration
 * (Zaremba et al. 2014: 5 for the small and medium LSTMs, 10 for the large one; Kim et al. 2016:
 * 5), through a `clip` param; the text recipe's own default is the large LSTM's.
 */
import { equal } from "node:assert/strict";
import type { Json } from "../../lib/plugin/descriptor.ts";
import { PTB_RECIPE } from "../../lib/train/recipe.ts";
import banLstm from "../../pipelines/ban-lstm.ts";
import banCnnLstm from "../../pipelines/ban-cnn-lstm.ts";
import type { PipelineDefinition } from "../../lib/mod.ts";

/** The clipNorm every train step of the declared graph gets (they must agree). */
function clipOf(p: PipelineDefinition, overrides: Record<string, Json> = {}): number {
  const clips = new Set(
    p.declare(overrides).steps.filter((s) => s.kind === "train").map((s) => s.params.clipNorm),
  );
  equal(clips.size, 1, `steps disagree: ${[...clips]}`);
  return [...clips][0] as number;
}

Deno.test("ban-lstm clips at 10 for Zaremba's large model and 5 for small and medium", () => {
  equal(clipOf(banLstm), 10);
  equal(clipOf(banLstm, { preset: "large" }), 10);
  equal(clipOf(banLstm, { preset: "medium" }), 5);
  equal(clipOf(banLstm, { preset: "small" }), 5);
});

Deno.test("ban-cnn-lstm clips at Kim et al.'s 5", () => {
  equal(clipOf(banCnnLstm), 5);
  equal(clipOf(banCnnLstm, { preset: "small" }), 5);
});

Deno.test("the clip is a named param of both PTB pipelines", () => {
  equal(clipOf(banLstm, { clip: 7 }), 7);
  equal(clipOf(banLstm, { preset: "medium", clip: 0 }), 0);
  equal(clipOf(banCnnLstm, { clip: 2.5 }), 2.5);
  const doc = banLstm.declare({}).params.find((p) => p.name === "clip");
  equal(doc?.default, 10);
});

Deno.test("a text step that gives no clip takes the large LSTM's 10 from the PTB recipe", () => {
  equal(PTB_RECIPE.clipNorm, 10);
});
