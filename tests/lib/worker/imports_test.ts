import { ok } from "node:assert/strict";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../../lib/plugin/module_id.ts";

/** Value imports (not `import type`) in `text` whose specifier contains `fragment`. */
function valueImports(text: string, fragment: string): string[] {
  const re = /^\s*import\s+(?!type\s)[^;]*?from\s*["']([^"']+)["']/gm;
  return [...text.matchAll(re)].map((m) => m[1]).filter((s) => s.includes(fragment));
}

Deno.test("the worker runs validated steps and loads no code from lib/graph/", async () => {
  const dir = join(PROJECT_ROOT, "lib/worker");
  const offenders: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(join(dir, entry.name));
    for (const spec of valueImports(text, "/graph/")) offenders.push(`${entry.name}: ${spec}`);
  }
  ok(offenders.length === 0, `lib/worker imports graph code: ${offenders.join("; ")}`);
});
