/**
 * The plan against a real store in a temporary folder: each step cached or will run, and why
 * (new step, a param, code, dataset, engine or schema change, an input with a new key, removed,
 * forced, corrupt), the last remembered record of each step name as the reference, cached inputs
 * of steps to run read again in full, and resumable checkpoints. Entries and name records are
 * written through the store as a run writes them; nothing trains.
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import chain from "../../fixtures/pipelines/chain.ts";
import { ROOT } from "../../helpers/cli.ts";
import { PipelineError } from "../../../lib/errors.ts";
import { validateGraph, type ValidGraph } from "../../../lib/graph/validate.ts";
import { KEY_SCHEMA, keyGraph } from "../../../lib/key/step_key.ts";
import {
  datasetFingerprinter,
  makePlan,
  type NameRecord,
  type Plan,
  type PlanItem,
} from "../../../lib/plan/plan.ts";
import type { JsonObject } from "../../../lib/plugin/descriptor.ts";
import type { DataEnv } from "../../../lib/plugin/runtime.ts";
import { LocalStore } from "../../../lib/store/local_store.ts";

const FILE = join(ROOT, "tests/fixtures/pipelines/chain.ts");
/** chain.ts: teacher → gen1 → gen2, and the ensemble bane of gen1 and gen2. */
const graphOf = (overrides: Record<string, number> = {}) =>
  validateGraph(chain.declare(overrides, FILE));

/** A LocalStore whose `verify` (reading every file) finds the keys in `damaged` corrupt. */
class DamagedStore extends LocalStore {
  readonly damaged = new Set<string>();
  readonly verified: string[] = [];
  override async verify(key: string): Promise<string[]> {
    this.verified.push(key);
    return this.damaged.has(key) ? ["result.json: sha256 differs"] : await super.verify(key);
  }
}

interface Ctx {
  store: DamagedStore;
  data: DataEnv;
  plan: (graph?: ValidGraph, force?: string[]) => Promise<Plan>;
}

function withStore(fn: (c: Ctx) => Promise<void>): () => Promise<void> {
  return async () => {
    const root = await Deno.makeTempDir({ prefix: "born-again-plan-" });
    try {
      const store = new DamagedStore(root);
      const data: DataEnv = { dataDir: root, verify: false };
      await fn({
        store,
        data,
        plan: (graph = graphOf(), force) => makePlan(graph, store, { data, force }),
      });
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  };
}

const byName = (plan: Plan): Record<string, PlanItem> =>
  Object.fromEntries(plan.items.map((i) => [i.step.name, i]));
const resultOf = (name: string): JsonObject => ({ testError: name.length / 100 });

/** What a run leaves for a finished step: its entry, and its key record under its name. */
async function finish(store: LocalStore, plan: Plan, ...names: string[]): Promise<void> {
  for (const name of names) {
    const item = byName(plan)[name];
    await store.commit(item.key, async (dir) => {
      await Deno.writeTextFile(join(dir, "result.json"), JSON.stringify(resultOf(name)));
      return {
        step: name,
        pipeline: plan.graph.pipeline,
        record: item.record,
        result: resultOf(name),
        provenance: {},
      };
    });
    const remembered: NameRecord = { key: item.key, record: item.record };
    await store.rememberName(plan.graph.pipeline, name, remembered);
  }
}

const ALL = ["teacher", "gen1", "gen2", "bane"];
const statuses = (plan: Plan) => Object.fromEntries(plan.items.map((i) => [i.step.name, i.status]));
const corruptWhy = (problem: string) => `cache entry is corrupt (${problem}): will run again`;

Deno.test(
  "an empty cache: every step will run as a new step, in graph order, keyed as keyGraph keys it",
  withStore(async ({ plan, data }) => {
    const graph = graphOf();
    const p = await plan(graph);
    deepEqual(p.items.map((i) => i.step.name), ALL);
    const keyed = await keyGraph(graph, datasetFingerprinter(graph.file, data));
    for (const item of p.items) {
      equal(item.status, "run");
      deepEqual(item.reasons, ["new step"]);
      equal(item.key, keyed.get(item.step.name)!.key);
      deepEqual(item.record, keyed.get(item.step.name)!.record);
      equal(item.force, false);
      equal(item.result, undefined);
      equal(item.resume, undefined);
      equal(item.corrupt, undefined);
    }
    equal(p.graph, graph);
    deepEqual(p.data, data);
  }),
);

Deno.test(
  "committed entries are cached with their manifest's result and no reasons",
  withStore(async ({ store, plan }) => {
    await finish(store, await plan(), ...ALL);
    const p = await plan();
    for (const item of p.items) {
      equal(item.status, "cached", item.step.name);
      deepEqual(item.reasons, []);
      deepEqual(item.result, resultOf(item.step.name));
    }
  }),
);

Deno.test(
  "a changed param names the param, old and new; dependants name the input with a new key",
  withStore(async ({ store, plan }) => {
    await finish(store, await plan(), ...ALL);
    const p = byName(await plan(graphOf({ teacherEpochs: 3 })));
    deepEqual(p.teacher.reasons, ["params.epochs: 2 -> 3"]);
    deepEqual(p.gen1.reasons, ["input teacher has a new key"]);
    deepEqual(p.gen2.reasons, ["input gen1 has a new key"]);
    deepEqual(p.bane.reasons, ["input gen1 has a new key", "input gen2 has a new key"]);
    for (const item of Object.values(p)) equal(item.status, "run");

    // A change further down leaves the steps above it cached.
    const q = await plan(graphOf({ gen2Epochs: 5 }));
    deepEqual(statuses(q), { teacher: "cached", gen1: "cached", gen2: "run", bane: "run" });
    deepEqual(byName(q).gen2.reasons, ["params.epochs: 2 -> 5"]);
    deepEqual(byName(q).bane.reasons, ["input gen2 has a new key"]);
  }),
);

Deno.test(
  "the reference is the last record remembered under the step's name, not the oldest entry",
  withStore(async ({ store, plan }) => {
    await finish(store, await plan(), ...ALL);
    await finish(store, await plan(graphOf({ lr: 0.1 })), "teacher");
    // Both entries are in the cache; the name now remembers lr 0.1.
    const p = byName(await plan(graphOf({ lr: 0.2 })));
    deepEqual(p.teacher.reasons, ["params.lr: 0.1 -> 0.2"]);
    // gen1 was never run with lr 0.1: its name still remembers 0.05.
    deepEqual(p.gen1.reasons, ["params.lr: 0.05 -> 0.2", "input teacher has a new key"]);
  }),
);

Deno.test(
  "code, dataset, engine and key schema changes are each named",
  withStore(async ({ store, plan }) => {
    const first = byName(await plan());
    const { record } = first.teacher;
    const file = Object.keys(record.code).sort()[0];
    const cases: [Partial<typeof record>, string[]][] = [
      [{ code: { ...record.code, [file]: "0".repeat(64) } }, [`code changed: ${file}`]],
      [{ dataset: { fingerprint: "another" } }, ["dataset content changed"]],
      [
        { engine: record.engine - 1 },
        [`engine version changed: ${record.engine - 1} -> ${record.engine}`],
      ],
      // Records of another schema are not compared field by field.
      [
        { schema: KEY_SCHEMA - 1, engine: record.engine - 1, params: {} },
        [`key schema changed: ${KEY_SCHEMA - 1} -> ${KEY_SCHEMA}`],
      ],
    ];
    for (const [change, reasons] of cases) {
      const prior: NameRecord = { key: "f".repeat(64), record: { ...record, ...change } };
      await store.rememberName("chain", "teacher", prior);
      const item = byName(await plan()).teacher;
      equal(item.status, "run");
      deepEqual(item.reasons, reasons);
    }
  }),
);

Deno.test(
  "a step whose key is remembered but whose entry is gone: not in the cache",
  withStore(async ({ store, plan }) => {
    const first = await plan();
    await finish(store, first, ...ALL);
    await store.remove(byName(first).gen2.key);
    const p = byName(await plan());
    equal(p.gen2.status, "run");
    deepEqual(p.gen2.reasons, ["not in the cache (removed or never finished)"]);
    // Keys are input-addressed: gen2 runs again under the same key, so bane keeps its entry.
    equal(p.bane.status, "cached");
    equal(p.gen1.status, "cached");
  }),
);

Deno.test(
  "--force runs a cached step again, saying so and dropping its result; its dependants stay cached",
  withStore(async ({ store, plan }) => {
    await finish(store, await plan(), ...ALL);
    const p = byName(await plan(graphOf(), ["gen1"]));
    equal(p.gen1.status, "run");
    equal(p.gen1.force, true);
    deepEqual(p.gen1.reasons, ["forced"]);
    equal(p.gen1.result, undefined);
    for (const name of ["teacher", "gen2", "bane"]) {
      equal(p[name].status, "cached", name);
      equal(p[name].force, false, name);
    }
  }),
);

Deno.test(
  "--force of a step not yet run gives both reasons",
  withStore(async ({ plan }) => {
    const p = byName(await plan(graphOf(), ["teacher"]));
    deepEqual(p.teacher.reasons, ["forced", "new step"]);
    deepEqual(p.gen1.reasons, ["new step"]);
  }),
);

Deno.test(
  "--force naming an unknown step is an error listing the steps",
  withStore(async ({ plan }) => {
    await rejects(plan(graphOf(), ["gen3"]), (e) => {
      ok(e instanceof PipelineError);
      equal(e.message, '--force names unknown step "gen3": steps are teacher, gen1, gen2, bane');
      equal(e.reason, "unknown-step");
      equal(e.field, "force");
      equal(e.file, FILE);
      return true;
    });
  }),
);

Deno.test(
  "a corrupt entry will run, saying what is wrong; planning leaves it in place for the run",
  withStore(async ({ store, plan }) => {
    const first = await plan();
    await finish(store, first, ...ALL);
    const teacher = byName(first).teacher.key;
    await Deno.remove(join(store.entryDir(teacher), "result.json"));
    const p = byName(await plan());
    equal(p.teacher.status, "run");
    equal(p.teacher.corrupt, "result.json is missing");
    deepEqual(p.teacher.reasons, [corruptWhy("result.json is missing")]);
    equal(p.teacher.result, undefined);
    ok((await Deno.stat(store.entryDir(teacher))).isDirectory, "plan moved the entry");
    deepEqual(await Array.fromAsync(Deno.readDir(store.layout.trash)), []);
    // Its dependants' keys do not change: they keep their entries.
    equal(p.gen1.status, "cached");
  }),
);

Deno.test(
  "cached inputs of a step to run are read again in full; one found corrupt runs first, and so on up",
  withStore(async ({ store, plan }) => {
    const first = await plan();
    await finish(store, first, ...ALL);
    const before = byName(first);
    await store.remove(before.gen2.key);
    store.damaged.add(before.gen1.key).add(before.teacher.key);
    const planned = await plan();
    const p = byName(planned);
    deepEqual(statuses(planned), { teacher: "run", gen1: "run", gen2: "run", bane: "cached" });
    for (const name of ["teacher", "gen1"]) {
      equal(p[name].corrupt, "result.json: sha256 differs", name);
      deepEqual(p[name].reasons, [corruptWhy("result.json: sha256 differs")], name);
      equal(p[name].result, undefined, name);
    }
    deepEqual(p.gen2.reasons, ["not in the cache (removed or never finished)"]);
    // gen2's input gen1 is read, found corrupt, so gen1's input teacher is read too. bane is
    // cached: its inputs are not read for it.
    deepEqual(store.verified, [before.gen1.key, before.teacher.key]);
  }),
);

Deno.test(
  "a cached input found sound by a full read stays cached, read once however many steps need it",
  withStore(async ({ store, plan }) => {
    const first = await plan();
    await finish(store, first, "teacher", "gen1");
    const planned = await plan();
    deepEqual(statuses(planned), { teacher: "cached", gen1: "cached", gen2: "run", bane: "run" });
    // gen2 and bane both read gen1; teacher is the input of a cached step only.
    deepEqual(store.verified, [byName(first).gen1.key]);
    deepEqual(byName(planned).gen1.result, resultOf("gen1"));
  }),
);

Deno.test(
  "a step with a checkpoint will resume at the epoch after it (1-based) and its batch",
  withStore(async ({ store, plan }) => {
    const first = byName(await plan());
    const files = store.layout.workFiles(first.gen1.key);
    await Deno.mkdir(files.checkpoint, { recursive: true });
    await Deno.writeTextFile(files.checkpointState, JSON.stringify({ epoch: 1, batch: 3 }));
    const p = byName(await plan());
    deepEqual(p.gen1.resume, { epoch: 1, batch: 3 });
    deepEqual(p.gen1.reasons, ["new step", "will resume at epoch 2, batch 3"]);
    equal(p.teacher.resume, undefined);

    // Once the step's entry is committed, a leftover checkpoint is not a resume.
    await finish(store, await plan(), "teacher", "gen1");
    const q = byName(await plan());
    equal(q.gen1.status, "cached");
    equal(q.gen1.resume, undefined);
    deepEqual(q.gen1.reasons, []);
  }),
);
