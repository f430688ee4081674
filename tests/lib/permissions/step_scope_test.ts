/**
 * A step's permission scope when its folders are reached through symbolic links: Deno checks the
 * path a program names, so the scope lists a linked folder under both spellings.
 */
import { equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { scopeFlags, stepScope } from "../../../lib/permissions/step_scope.ts";

Deno.test("a step reads its data and writes its cache through symbolic links to them", async () => {
  const root = await Deno.makeTempDir({ prefix: "born-again-scope-" });
  try {
    const realData = join(root, "disk", "datasets");
    const realCache = join(root, "disk", "cache");
    await Deno.mkdir(realData, { recursive: true });
    await Deno.mkdir(realCache, { recursive: true });
    await Deno.writeTextFile(join(realData, "batch.bin"), "pixels");
    const data = join(root, "data-link");
    const cache = join(root, "cache-link");
    await Deno.symlink(realData, data);
    await Deno.symlink(realCache, cache);
    const scope = stepScope({ cacheDir: cache, dataDir: data });
    for (const p of [data, await Deno.realPath(data), cache, await Deno.realPath(cache)]) {
      ok(scope.read.includes(p), `reads ${p}: ${scope.read}`);
    }
    ok(scope.write.includes(cache) && scope.write.includes(await Deno.realPath(cache)));
    // A process under exactly these flags reads and writes through the links.
    await Deno.writeTextFile(
      join(realCache, "probe.ts"),
      `console.log(Deno.readTextFileSync(${JSON.stringify(join(data, "batch.bin"))}));
       Deno.writeTextFileSync(${JSON.stringify(join(cache, "out.txt"))}, "ok");`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--no-prompt", ...scopeFlags(scope), join(cache, "probe.ts")],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    equal(out.code, 0, dec.decode(out.stderr));
    equal(dec.decode(out.stdout).trim(), "pixels");
    equal(await Deno.readTextFile(join(realCache, "out.txt")), "ok");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
