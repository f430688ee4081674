/**
 * `deno task bench [--json] [names…]`: runs every benchmark script in this folder (or the named
 * ones) one after another, so their numbers are not disturbed by each other.
 */
import { fromFileUrl } from "../lib/util/path.ts";

const dir = fromFileUrl(new URL(".", import.meta.url));
const json = Deno.args.includes("--json");
const wanted = Deno.args.filter((a) => !a.startsWith("--"));
const scripts = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".ts") && !["main.ts", "table.ts"].includes(n))
  .filter((n) => !wanted.length || wanted.includes(n.replace(/\.ts$/, "")))
  .sort();
let failed = 0;
for (const s of scripts) {
  if (!json) console.log(`# bench/${s}`);
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${dir}/${s}`, ...(json ? ["--json"] : [])],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!r.success) failed++;
}
Deno.exit(failed ? 1 : 0);
