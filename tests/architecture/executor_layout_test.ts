/**
 * The layout of `lib/executors/`, read from the code (`docs/architecture.md`, "Executors"):
 *
 * - every executor of the table (`table.ts`) is a folder with a `mod.ts` that the table loads;
 * - a `kernels/` folder holds kernels only: each file (helpers start with `_`) exports a kernel
 *   and is listed by a `register_all_kernels.ts`;
 * - an executor's folder imports no other executor's folder, except the host-memory kernels of
 *   `cpu/kernels/` (as tfjs backends share the cpu backend's code), and the shared folders import
 *   no executor's folder;
 * - in `lib/`, only `table.ts` loads an executor's `mod.ts` (so no backend loads by accident).
 *
 * @module
 */
import { deepEqual, ok } from "node:assert/strict";
import { join, relative } from "node:path";
import { EXECUTORS } from "../../lib/executors/table.ts";
import { PROJECT_ROOT } from "../../lib/util/project_root.ts";
import { type Import, importsOf, tsFiles } from "./imports.ts";

const ROOT = "lib/executors/";

const files = (await Array.fromAsync(tsFiles(join(PROJECT_ROOT, ROOT))))
  .map((f) => relative(PROJECT_ROOT, f));
const text = new Map(
  await Promise.all(
    files.map(async (f) => [f, await Deno.readTextFile(join(PROJECT_ROOT, f))] as const),
  ),
);
const imports: Import[] = files.flatMap((f) => importsOf(f, text.get(f)!));

/** The executor folder a path is in (`wasm` for `lib/executors/wasm/…`), if any. */
export function executorOf(path: string): string | undefined {
  const [top, rest] = relative(ROOT, path).split(/\/(.*)/s);
  return rest !== undefined && EXECUTORS.some((e) => e.name === top) ? top : undefined;
}

/** The table of executors: it alone loads each executor's `mod.ts`. */
const TABLE = `${ROOT}table.ts`;

/** Why an import crosses executor folders against the rule, or undefined. */
export function crossing(imp: Import): string | undefined {
  const from = executorOf(imp.from), to = executorOf(imp.to);
  if (!to || from === to || imp.to.startsWith(`${ROOT}cpu/kernels/`)) return undefined;
  if (imp.from === TABLE && imp.to === `${ROOT}${to}/mod.ts`) return undefined;
  return `${imp.from} (${from ? `executor ${from}` : "shared"}) imports ${imp.to} (executor ${to})`;
}

Deno.test("every executor of the table is a folder whose mod.ts the table loads", () => {
  const table = text.get(TABLE)!;
  for (const { name } of EXECUTORS) {
    ok(files.includes(`${ROOT}${name}/mod.ts`), `${ROOT}${name}/mod.ts is missing`);
    ok(table.includes(`import("./${name}/mod.ts")`), `table.ts does not load ./${name}/mod.ts`);
    ok(/export (async )?function load\b/.test(text.get(`${ROOT}${name}/mod.ts`)!), name);
  }
});

Deno.test("kernels/ folders hold kernels only, each listed by a register_all_kernels.ts", () => {
  const kernelFiles = files.filter((f) => /\/kernels\/[^_/][^/]*\.ts$/.test(f));
  ok(kernelFiles.length > 40, `too few kernel files found (${kernelFiles.length})`);
  const listed = new Set(
    imports.filter((i) => i.from.endsWith("/register_all_kernels.ts")).map((i) => i.to),
  );
  const problems: string[] = [];
  for (const f of kernelFiles) {
    if (!listed.has(f)) problems.push(`${f} is listed by no register_all_kernels.ts`);
    if (!/export (const|function) \w+(Kernel|Config)s?\b/.test(text.get(f)!)) {
      problems.push(`${f} exports no kernel (a …Kernel or …Config)`);
    }
  }
  deepEqual(problems, []);
});

Deno.test("executors import no other executor's folder but cpu/kernels/; shared code none", () => {
  ok(crossing({ from: `${ROOT}wasm/mod.ts`, to: `${ROOT}onednn/dnnl.ts`, typeOnly: false }));
  ok(crossing({ from: `${ROOT}host/conv_loops.ts`, to: `${ROOT}wasm/mod.ts`, typeOnly: true }));
  ok(!crossing({ from: `${ROOT}wasm/mod.ts`, to: `${ROOT}cpu/kernels/x.ts`, typeOnly: false }));
  ok(!crossing({ from: `${ROOT}wasm/mod.ts`, to: `${ROOT}host/x.ts`, typeOnly: false }));
  ok(!crossing({ from: TABLE, to: `${ROOT}wasm/mod.ts`, typeOnly: false }));
  ok(crossing({ from: TABLE, to: `${ROOT}wasm/scratch.ts`, typeOnly: false }));
  ok(imports.length > 200, `too few imports found (${imports.length})`);
  deepEqual(imports.map(crossing).filter((c) => c !== undefined), []);
});

Deno.test("in lib/, only the executor table loads an executor's mod.ts", async () => {
  const lib = (await Array.fromAsync(tsFiles(join(PROJECT_ROOT, "lib"))))
    .map((f) => relative(PROJECT_ROOT, f));
  const loadsMod = (imp: Import) => {
    const to = executorOf(imp.to);
    return to !== undefined && imp.to === `${ROOT}${to}/mod.ts` && imp.from !== TABLE;
  };
  ok(loadsMod({ from: "lib/doctor/fixes.ts", to: `${ROOT}gpu/mod.ts`, typeOnly: false }));
  ok(!loadsMod({ from: TABLE, to: `${ROOT}gpu/mod.ts`, typeOnly: false }));
  const found = lib.flatMap((f) =>
    importsOf(f, Deno.readTextFileSync(join(PROJECT_ROOT, f))).filter(loadsMod)
  );
  deepEqual(found.map((i) => `${i.from} imports ${i.to}`), []);
});
