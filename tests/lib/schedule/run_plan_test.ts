/**
 * The scheduler with a launcher that trains nothing: an input damaged after planning (its worker
 * finds it corrupt and moves it aside) is trained again in the same run, before the step that
 * needs it, and the run succeeds.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { loadPipeline } from "../../../lib/cli/load_pipeline.ts";
import { makePlan } from "../../../lib/plan/plan.ts";
import type { Launcher, LaunchRequest, StepOutcome } from "../../../lib/schedule/launcher.ts";
import { runPlan } from "../../../lib/schedule/run_plan.ts";
import { LocalStore } from "../../../lib/store/local_store.ts";
import { readSpec, type RunEnv } from "../../../lib/worker/spec.ts";
import { ROOT } from "../../helpers/cli.ts";

Deno.test("an input found corrupt by its dependant's worker is trained again, then the dependant", async () => {
  const root = await Deno.makeTempDir({ prefix: "born-again-schedule-" });
  try {
    const store = new LocalStore(root);
    const graph = await loadPipeline(join(ROOT, "tests/fixtures/pipelines/chain.ts"), {});
    const plan = await makePlan(graph, store, { data: { dataDir: root, verify: false } });
    const keyOf = (name: string) => plan.items.find((i) => i.step.name === name)!.key;
    const launched: string[] = [];
    const notes: string[] = [];
    const launcher: Launcher = {
      name: "fake",
      stopAll: () => Promise.resolve(),
      async launch(r: LaunchRequest): Promise<StepOutcome> {
        launched.push(r.step);
        if (r.step === "gen1" && launched.filter((s) => s === "gen1").length === 1) {
          // What the worker does on a corrupt input: move it aside and fail saying so.
          await store.quarantine(keyOf("teacher"), "model/weights.bin: sha256 differs");
          return {
            ok: false,
            reason: "input-corrupt",
            message: 'Input "teacher" is corrupt: model/weights.bin: sha256 differs',
          };
        }
        await store.commit(r.key, async (dir) => {
          await Deno.writeTextFile(join(dir, "result.json"), "{}");
          return {
            step: r.step,
            pipeline: "chain",
            record: plan.items[0].record,
            result: {},
            provenance: {},
          };
        });
        return { ok: true, cached: false, result: {}, seconds: 0 };
      },
    };
    const reports = await runPlan(plan, store, {
      jobs: 1,
      executor: "cpu",
      launcher,
      dataDir: root,
      verify: false,
      onNote: (line) => notes.push(line),
    });
    deepEqual(launched, ["teacher", "gen1", "teacher", "gen1", "gen2", "bane"]);
    ok(reports.every((r) => r.status === "ran"), JSON.stringify(reports));
    equal(notes.length, 1);
    ok(notes[0].startsWith('teacher: Input "teacher" is corrupt'), notes[0]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("each step's spec carries the run's settings: executor, data dir, verify, force", async () => {
  const root = await Deno.makeTempDir({ prefix: "born-again-schedule-" });
  try {
    const store = new LocalStore(root);
    const graph = await loadPipeline(join(ROOT, "tests/fixtures/pipelines/chain.ts"), {});
    const plan = await makePlan(graph, store, {
      data: { dataDir: root, verify: false },
      force: ["gen1"],
    });
    const envs: Record<string, RunEnv> = {};
    const launcher: Launcher = {
      name: "fake",
      stopAll: () => Promise.resolve(),
      async launch(r: LaunchRequest): Promise<StepOutcome> {
        envs[r.step] = (await readSpec(store.workDir(r.key))).env;
        await store.commit(r.key, async (dir) => {
          await Deno.writeTextFile(join(dir, "result.json"), "{}");
          return {
            step: r.step,
            pipeline: "chain",
            record: plan.items[0].record,
            result: {},
            provenance: {},
          };
        });
        return { ok: true, cached: false, result: {}, seconds: 0 };
      },
    };
    await runPlan(plan, store, {
      jobs: 1,
      executor: "wasm",
      launcher,
      dataDir: root,
      verify: false,
    });
    deepEqual(envs.teacher, { executor: "wasm", dataDir: root, verify: false, force: false });
    deepEqual(envs.gen1, { executor: "wasm", dataDir: root, verify: false, force: true });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
