/**
 * The layering rules of `lib/`, `datasets/` and `plugins/`, read from the code: every relative
 * import of every `.ts` file must go to its own area or to an area of a lower layer. The table
 * below is the layering (`docs/architecture.md` explains it); a new folder must be placed in it.
 *
 * Layers are import order, not the order things happen in: the worker sits below the declaration
 * side (`dsl`, `graph`, `key`) because it runs a step from the plain data in `lib/spec/` and never
 * needs the code that produced it.
 *
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../../lib/util/project_root.ts";
import { type Import, importsOf, tsFiles } from "./imports.ts";

/** Layers from the bottom up; an area may import its own files and any area of a lower layer. */
export const LAYERS: readonly (readonly string[])[] = [
  // 0. Helpers with no project knowledge; error classes.
  ["lib/util/", "lib/errors.ts"],
  // 1. Plugin descriptors, `define*`, module ids, resolution: what plugins are written against.
  ["lib/plugin/"],
  // 2. Plugins (models, losses), datasets, executors: written against the plugin layer only.
  ["plugins/", "datasets/", "lib/executors/"],
  // 3. The store (layout, manifests, locks) and the permission scopes of workers and sandboxes.
  ["lib/store/", "lib/permissions/"],
  // 4. The numerical library: loop, optimiser, checkpoints, evaluation, weights I/O, recipes.
  ["lib/train/"],
  // 5. Plain step data shared by the declaration side and the worker: steps, key records.
  ["lib/spec/"],
  // 6. Running one step from its spec.
  ["lib/worker/"],
  // 7-10. Declaring, validating, keying and planning a pipeline.
  ["lib/dsl/"],
  ["lib/graph/"],
  ["lib/key/"],
  ["lib/plan/"],
  // 11. Launching workers for a plan (local pool, Slurm).
  ["lib/schedule/"],
  // 12-15. Progress lines, reports, exported weights, sweeps (a sweep's comparison uses the
  // report's tables).
  ["lib/progress/"],
  ["lib/report/"],
  ["lib/export/"],
  ["lib/sweep/"],
  // 16. Executor checks and timings.
  ["lib/doctor/"],
  // 17-18. Entry points: the CLI; setup and the dataset CLI (built on it), the pipeline files' API.
  ["lib/cli/"],
  ["lib/setup/", "datasets/cli.ts", "lib/mod.ts"],
];

/**
 * Type-only imports that may go up, each with its reason. Nothing else may, types included.
 * `from` and `to` are files or folders (trailing `/`).
 */
export const TYPE_EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [
  {
    from: "lib/store/manifest.ts",
    to: "lib/spec/key_record.ts",
    why: "a manifest keeps the key record of its entry, as plain data",
  },
];

const covers = (prefix: string, path: string) =>
  prefix.endsWith("/") ? path.startsWith(prefix) : path === prefix;

/** The area (table entry) a project-relative path belongs to: the longest matching entry. */
export function areaOf(path: string): { area: string; layer: number } | undefined {
  let best: { area: string; layer: number } | undefined;
  LAYERS.forEach((areas, layer) => {
    for (const area of areas) {
      if (covers(area, path) && (!best || area.length > best.area.length)) best = { area, layer };
    }
  });
  return best;
}

/** Why `imp` breaks the layering, or undefined when it does not. */
export function violation(imp: Import): string | undefined {
  const a = areaOf(imp.from);
  const b = areaOf(imp.to);
  if (!a) return `${imp.from} is in no layer of the table`;
  if (!b) return `${imp.from} imports ${imp.to}, which is in no layer of the table`;
  if (a.area === b.area || b.layer < a.layer) return undefined;
  if (
    imp.typeOnly && TYPE_EXCEPTIONS.some((e) => covers(e.from, imp.from) && covers(e.to, imp.to))
  ) return undefined;
  const kind = imp.typeOnly ? "a type import" : "an import";
  return `${imp.from} (${a.area}, layer ${a.layer}) has ${kind} of ${imp.to} ` +
    `(${b.area}, layer ${b.layer}): a module may only import its own area or a lower layer`;
}

async function projectImports(): Promise<Import[]> {
  const out: Import[] = [];
  for (const top of ["lib", "datasets", "plugins"]) {
    for await (const path of tsFiles(join(PROJECT_ROOT, top))) {
      out.push(...importsOf(relative(PROJECT_ROOT, path), await Deno.readTextFile(path)));
    }
  }
  return out;
}

Deno.test("the import parser reads value, type-only, re-export and dynamic imports", () => {
  const text = [
    'import { a } from "../graph/validate.ts";',
    'import type { B } from "../spec/step.ts";',
    'import { type C, type D } from "./x.ts";',
    'import { e, type F } from "../util/hash.ts";',
    'export { g } from "../key/step_key.ts";',
    'const m = await import("../train/loop.ts");',
    "import {",
    "  h,",
    '} from "../store/layout.ts";',
  ].join("\n");
  deepEqual(importsOf("lib/worker/main.ts", text), [
    { from: "lib/worker/main.ts", to: "lib/graph/validate.ts", typeOnly: false },
    { from: "lib/worker/main.ts", to: "lib/spec/step.ts", typeOnly: true },
    { from: "lib/worker/main.ts", to: "lib/worker/x.ts", typeOnly: true },
    { from: "lib/worker/main.ts", to: "lib/util/hash.ts", typeOnly: false },
    { from: "lib/worker/main.ts", to: "lib/key/step_key.ts", typeOnly: false },
    { from: "lib/worker/main.ts", to: "lib/store/layout.ts", typeOnly: false },
    { from: "lib/worker/main.ts", to: "lib/train/loop.ts", typeOnly: false },
  ]);
});

Deno.test("an import of a higher layer is a violation, types included", () => {
  const up = (from: string, to: string, typeOnly = false) => violation({ from, to, typeOnly });
  ok(up("lib/worker/spec.ts", "lib/graph/validate.ts", true)?.includes("type import"));
  ok(up("lib/schedule/slurm_launcher.ts", "lib/cli/options.ts", true));
  ok(up("datasets/cifar.ts", "lib/key/step_key.ts"));
  ok(up("plugins/losses/kd.ts", "lib/train/loop.ts"));
  ok(up("lib/dsl/pipeline.ts", "lib/graph/validate.ts"));
  ok(up("lib/executors/wasm/mod.ts", "plugins/models/mlp.ts"), "siblings in one layer are apart");
  ok(up("lib/store/manifest.ts", "lib/spec/key_record.ts") !== undefined, "a value import");
  equal(up("lib/store/manifest.ts", "lib/spec/key_record.ts", true), undefined);
  equal(up("lib/worker/main.ts", "lib/train/checkpoint.ts"), undefined);
  equal(up("datasets/cli.ts", "lib/cli/args.ts"), undefined);
  ok(up("lib/newfolder/x.ts", "lib/util/hash.ts")?.includes("no layer"));
});

Deno.test("lib/, datasets/ and plugins/ import only their own area or lower layers", async () => {
  const imports = await projectImports();
  ok(imports.length > 100, `too few imports found (${imports.length}): is the parser broken?`);
  const problems = imports.map(violation).filter((v) => v !== undefined);
  deepEqual(problems, []);
});
